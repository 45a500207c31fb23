#include "interop/rdf_mapping.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"

namespace kg::interop {
namespace {

constexpr size_t kMaxMappingLines = 10000;

// "<iri>" -> iri; none for anything else.
std::optional<std::string> Iri(absl::string_view word) {
  if (word.size() < 3 || word.front() != '<' || word.back() != '>') return std::nullopt;
  word = word.substr(1, word.size() - 2);
  if (word.find_first_of("<> \t\"{}|^`\\") != absl::string_view::npos) return std::nullopt;
  return std::string(word);
}

}  // namespace

std::optional<std::string> RdfMapping::PredicateOf(absl::string_view iri) const {
  if (auto it = predicates.find(iri); it != predicates.end()) return it->second;
  for (const std::string& ns : predicate_namespaces) {
    if (absl::StartsWith(iri, ns) && iri.size() > ns.size())
      return std::string(iri.substr(ns.size()));
  }
  return std::nullopt;
}

std::optional<std::string> RdfMapping::DefaultKindOf(absl::string_view iri) const {
  for (const auto& [prefix, kind] : default_kinds) {
    if (absl::StartsWith(iri, prefix)) return kind;
  }
  return std::nullopt;
}

absl::StatusOr<RdfMapping> ParseRdfMapping(absl::string_view text, const Schema& schema) {
  RdfMapping mapping;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    if (++line_number > static_cast<int>(kMaxMappingLines)) {
      return absl::InvalidArgumentError(absl::StrCat("at most ", kMaxMappingLines, " lines"));
    }
    const auto fail = [&](absl::string_view why) {
      return absl::InvalidArgumentError(absl::StrCat("line ", line_number, ": ", why));
    };
    if (size_t hash = line.find('#'); hash != absl::string_view::npos) line = line.substr(0, hash);
    std::vector<absl::string_view> words =
        absl::StrSplit(absl::StripAsciiWhitespace(line), absl::ByAnyChar(" \t"), absl::SkipEmpty());
    if (words.empty()) continue;
    const absl::string_view keyword = words[0];
    const bool named = keyword == "kind" || keyword == "predicate" || keyword == "attribute" ||
                       keyword == "default_kind";
    if (words.size() != (named ? 3u : 2u)) {
      return fail(absl::StrCat("'", keyword.substr(0, 32), "' takes ",
                               named ? "a name and an <iri>" : "one <iri>"));
    }
    std::optional<std::string> iri = Iri(words.back());
    if (!iri.has_value()) return fail("expected an IRI in angle brackets");
    const std::string name(named ? words[1] : absl::string_view());
    if ((keyword == "kind" || keyword == "default_kind") && !schema.IsKnownKind(name)) {
      return fail(absl::StrCat("'", name.substr(0, 64), "' is not a kind of the schema"));
    }
    if (keyword == "predicate" && schema.FindPredicate(name) == nullptr) {
      return fail(absl::StrCat("'", name.substr(0, 64), "' is not a predicate of the schema"));
    }
    if (keyword == "kind") {
      mapping.kinds[*iri] = name;
    } else if (keyword == "predicate") {
      mapping.predicates[*iri] = name;
    } else if (keyword == "predicates") {
      mapping.predicate_namespaces.push_back(*iri);
    } else if (keyword == "label") {
      mapping.labels.insert(*iri);
    } else if (keyword == "alias") {
      mapping.aliases.insert(*iri);
    } else if (keyword == "attribute") {
      if (name.empty() || name.size() > 64) return fail("an attribute name of 1 to 64 bytes");
      mapping.attributes[*iri] = name;
    } else if (keyword == "default_kind") {
      mapping.default_kinds.emplace_back(*iri, name);
    } else if (keyword == "confidence") {
      mapping.confidence = *iri;
    } else if (keyword == "skip_graph") {
      mapping.skip_graphs.insert(*iri);
    } else {
      return fail(absl::StrCat("unknown keyword '", keyword.substr(0, 32),
                               "'; known: kind, predicate, predicates, label, alias, attribute, "
                               "default_kind, confidence, skip_graph"));
    }
  }
  return mapping;
}

}  // namespace kg::interop
