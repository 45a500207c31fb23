#include "interop/stix_mapping.h"

#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace kg::interop::stix {
namespace {

constexpr size_t kMaxMappingBytes = 1 << 20;
constexpr size_t kMaxRules = 10000;

std::string_view Std(absl::string_view s) { return {s.data(), s.size()}; }

// "type[.property=value]"
absl::Status ParseSelector(absl::string_view text, std::string* type, std::string* property,
                           std::string* value) {
  const size_t dot = text.find('.');
  *type = std::string(text.substr(0, dot));
  if (dot == absl::string_view::npos) return absl::OkStatus();
  absl::string_view rest = text.substr(dot + 1);
  const size_t eq = rest.find('=');
  if (eq == absl::string_view::npos || eq == 0 || eq + 1 == rest.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("'", text.substr(0, 128), "': a selector is type.property=value"));
  }
  *property = std::string(rest.substr(0, eq));
  *value = std::string(rest.substr(eq + 1));
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<Mapping> Mapping::Parse(absl::string_view text, const Schema& schema) {
  if (text.size() > kMaxMappingBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("mapping: ", text.size(), " bytes exceed the limit ", kMaxMappingBytes));
  }
  Mapping m;
  int line_number = 0;
  size_t rules = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    const auto fail = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat("mapping: line ", line_number, ": ", why));
    };
    line = line.substr(0, line.find('#'));
    std::vector<absl::string_view> t =
        absl::StrSplit(line, absl::ByAnyChar(" \t\r"), absl::SkipEmpty());
    if (t.empty()) continue;
    if (++rules > kMaxRules) return fail(absl::StrCat("more than ", kMaxRules, " rules"));
    if (t.size() != 3) return fail("a rule is: kind|export|relationship and two words");
    if (t[0] == "kind" || t[0] == "export") {
      const bool is_kind = t[0] == "kind";
      KindRule rule;
      if (absl::Status s =
              ParseSelector(is_kind ? t[1] : t[2], &rule.type, &rule.property, &rule.value);
          !s.ok()) {
        return fail(s.message());
      }
      rule.kind = std::string(is_kind ? t[2] : t[1]);
      if (!schema.IsKnownKind(Std(rule.kind))) {
        return fail(absl::StrCat("kind '", rule.kind.substr(0, 128), "' is not in the schema"));
      }
      if (is_kind) {
        m.kinds_[rule.type].push_back(rule);
        m.kind_order_.push_back(std::move(rule));
      } else {
        m.exports_.push_back({rule.kind, ExportType{rule.type, rule.property, rule.value}});
      }
    } else if (t[0] == "relationship") {
      const std::string predicate(t[2]);
      if (schema.FindPredicate(predicate) == nullptr) {
        return fail(
            absl::StrCat("predicate '", predicate.substr(0, 128), "' is not in the schema"));
      }
      if (!m.predicates_.try_emplace(std::string(t[1]), predicate).second) {
        return fail(absl::StrCat("relationship type '", t[1].substr(0, 128), "' mapped twice"));
      }
      m.types_of_predicates_.try_emplace(predicate, std::string(t[1]));
    } else {
      return fail(absl::StrCat("unknown rule '", t[0].substr(0, 32),
                               "'; known: kind, export, relationship"));
    }
  }
  return m;
}

const std::vector<KindRule>* Mapping::KindRules(absl::string_view type) const {
  auto it = kinds_.find(type);
  return it == kinds_.end() ? nullptr : &it->second;
}

absl::string_view Mapping::Predicate(absl::string_view relationship_type) const {
  auto it = predicates_.find(relationship_type);
  return it == predicates_.end() ? absl::string_view() : absl::string_view(it->second);
}

std::optional<ExportType> Mapping::TypeOf(absl::string_view kind, const Schema& schema) const {
  // The most specific kind that `kind` is one of; export rules first.
  std::optional<ExportType> best;
  std::string best_kind;
  const auto consider = [&](const std::string& rule_kind, const ExportType& type) {
    if (!schema.IsKindOf(Std(kind), rule_kind)) return;
    if (best.has_value() && (rule_kind == best_kind || !schema.IsKindOf(rule_kind, best_kind))) {
      return;
    }
    best = type;
    best_kind = rule_kind;
  };
  for (const auto& [rule_kind, type] : exports_) consider(rule_kind, type);
  for (const KindRule& rule : kind_order_) {
    consider(rule.kind, ExportType{rule.type, rule.value == "*" ? "" : rule.property,
                                   rule.value == "*" ? "" : rule.value});
  }
  return best;
}

std::string Mapping::RelationshipType(absl::string_view predicate) const {
  auto it = types_of_predicates_.find(predicate);
  if (it != types_of_predicates_.end()) return it->second;
  return absl::StrReplaceAll(predicate, {{"_", "-"}});
}

}  // namespace kg::interop::stix
