#include "interop/events_mapping.h"

#include <algorithm>
#include <cstdio>
#include <nlohmann/json.hpp>
#include <set>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "interop/formats.h"
#include "storage/status_macros.h"

namespace kg::interop::events {
namespace {

using Json = nlohmann::json;

// What one mapping may hold: a table of more is a mistake, and each row's
// batch stays well under the server's record limit.
constexpr size_t kMaxEntities = 64;
constexpr size_t kMaxStatements = 64;
constexpr size_t kMaxPieces = 64;
constexpr int kMaxSourcesLimit = 32;

std::string Slug(absl::string_view in) {
  std::string out;
  bool dash = false;
  for (unsigned char c : in) {
    if (absl::ascii_isalnum(c) || c >= 0x80) {
      if (dash && !out.empty()) out.push_back('-');
      dash = false;
      out.push_back(static_cast<char>(absl::ascii_tolower(c)));
    } else {
      dash = true;
    }
  }
  return out;
}

// "31 January 2020" (ACLED's older exports) to 2020-01-31; "" otherwise.
std::string DayMonthYear(absl::string_view in) {
  static constexpr const char* kMonths[] = {"january",   "february", "march",    "april",
                                            "may",       "june",     "july",     "august",
                                            "september", "october",  "november", "december"};
  const std::vector<absl::string_view> parts = absl::StrSplit(in, ' ', absl::SkipEmpty());
  int day = 0, year = 0;
  if (parts.size() != 3 || !absl::SimpleAtoi(parts[0], &day) || day < 1 || day > 31 ||
      parts[2].size() != 4 || !absl::SimpleAtoi(parts[2], &year)) {
    return "";
  }
  const std::string month = absl::AsciiStrToLower(parts[1]);
  for (int m = 0; m < 12; ++m) {
    if (month == kMonths[m]) return absl::StrFormat("%04d-%02d-%02d", year, m + 1, day);
  }
  return "";
}

// YYYYMMDD[HHMMSS], YYYYMM, YYYY, ISO 8601 (a time part dropped) or
// "D Month YYYY" to YYYY[-MM[-DD]]; anything else unchanged (a date-typed
// value then fails).
std::string Date(absl::string_view in) {
  in = absl::StripAsciiWhitespace(in);
  if (std::string dmy = DayMonthYear(in); !dmy.empty()) return dmy;
  const bool digits = std::all_of(in.begin(), in.end(), absl::ascii_isdigit);
  if (digits && (in.size() == 8 || in.size() == 14)) {
    return absl::StrCat(in.substr(0, 4), "-", in.substr(4, 2), "-", in.substr(6, 2));
  }
  if (digits && in.size() == 6) return absl::StrCat(in.substr(0, 4), "-", in.substr(4, 2));
  if (in.size() > 10 && in[4] == '-' && in[7] == '-' && (in[10] == 'T' || in[10] == ' ')) {
    return std::string(in.substr(0, 10));
  }
  return std::string(in);
}

std::string Transform(absl::string_view name, std::string value) {
  if (name == "slug") return Slug(value);
  if (name == "lower") return absl::AsciiStrToLower(value);
  if (name == "upper") return absl::AsciiStrToUpper(value);
  if (name == "trim") return std::string(absl::StripAsciiWhitespace(value));
  if (name == "date") return Date(value);
  if (name == "host") {
    // scheme://[user@]host[:port]/... -> host, lower case, without "www."
    absl::string_view v = value;
    if (size_t scheme = v.find("://"); scheme != absl::string_view::npos)
      v.remove_prefix(scheme + 3);
    v = v.substr(0, v.find_first_of("/?#"));
    if (size_t at = v.rfind('@'); at != absl::string_view::npos) v.remove_prefix(at + 1);
    v = v.substr(0, v.find(':'));
    std::string host = absl::AsciiStrToLower(v);
    if (absl::StartsWith(host, "www.")) host.erase(0, 4);
    return host;
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(Fnv1a(value)));
  return hex;  // "hash"
}

bool IsNull(absl::string_view v, const RowView& row) {
  if (v.empty()) return true;
  if (row.nulls == nullptr) return false;
  return std::find(row.nulls->begin(), row.nulls->end(), v) != row.nulls->end();
}

}  // namespace

std::string ValueSpec::Eval(const RowView& row, int* column) const {
  if (column != nullptr) *column = -1;
  if (!present_) return "";
  if (!alternatives_.empty()) {
    for (const ValueSpec& alternative : alternatives_) {
      std::string v = alternative.Eval(row, column);
      if (!v.empty()) return v;
    }
    return "";
  }
  std::string out;
  bool missing = false;
  for (const Piece& p : pieces_) {
    if (p.column < 0 && p.part < 0 && !p.item) {
      out += p.literal;
      continue;
    }
    absl::string_view v;
    if (p.column >= 0) {
      if (column != nullptr) *column = p.column;
      if (row.fields != nullptr && static_cast<size_t>(p.column) < row.fields->size()) {
        v = (*row.fields)[p.column];
      }
    } else if (p.item) {
      v = row.item;
    } else if (row.part != nullptr && static_cast<size_t>(p.part) < row.part->size()) {
      v = (*row.part)[p.part];
    }
    if (IsNull(v, row)) {
      missing = true;
      break;
    }
    std::string value(v);
    for (const std::string& t : p.transforms) value = Transform(t, std::move(value));
    if (value.empty()) {
      missing = true;
      break;
    }
    out += value;
  }
  if (missing) out.clear();
  if (!has_table_) return out.empty() ? default_.value_or("") : out;
  const std::string key = absl::AsciiStrToLower(out);
  if (auto it = codes_.find(out); it != codes_.end()) return it->second;
  for (const auto& [prefix, value] : prefixes_) {
    if (absl::StartsWith(key, prefix)) return value;
  }
  for (const auto& [suffix, value] : suffixes_) {
    if (absl::EndsWith(key, suffix)) return value;
  }
  return default_.value_or("");
}

bool Condition::Holds(const RowView& row) const {
  if (column < 0) return true;
  absl::string_view v;
  if (row.fields != nullptr && static_cast<size_t>(column) < row.fields->size()) {
    v = (*row.fields)[column];
  }
  const bool in = std::find(values.begin(), values.end(), v) != values.end();
  return in != negate;
}

class MappingParser {
 public:
  explicit MappingParser(const std::vector<std::string>& columns) : columns_(columns) {}

  absl::Status Error(absl::string_view where, absl::string_view why) const {
    return absl::InvalidArgumentError(absl::StrCat("mapping: ", where, ": ", why));
  }

  absl::Status Keys(const Json& j, absl::string_view where,
                    std::initializer_list<const char*> known) const {
    if (!j.is_object()) return Error(where, "an object");
    for (const auto& item : j.items()) {
      const std::string& key = item.key();
      if (std::none_of(known.begin(), known.end(), [&](const char* k) { return key == k; })) {
        return Error(where, absl::StrCat("unknown key '", key.substr(0, 64),
                                         "'; known: ", absl::StrJoin(known, ", ")));
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<int> Column(absl::string_view name, absl::string_view where) const {
    for (size_t i = 0; i < columns_.size(); ++i) {
      if (columns_[i] == name) return static_cast<int>(i);
    }
    return Error(where, absl::StrCat("no column '", name.substr(0, 64), "' in the table"));
  }

  absl::Status Template(absl::string_view text, absl::string_view where, ValueSpec* out) const {
    out->present_ = true;
    size_t i = 0;
    while (i < text.size()) {
      if (out->pieces_.size() >= kMaxPieces) return Error(where, "a template of too many parts");
      const size_t open = text.find('{', i);
      if (open != i) {
        Piece lit;
        lit.literal =
            std::string(text.substr(i, open == absl::string_view::npos ? open : open - i));
        out->pieces_.push_back(std::move(lit));
        if (open == absl::string_view::npos) break;
      }
      const size_t close = text.find('}', open);
      if (close == absl::string_view::npos) return Error(where, "a '{' without its '}'");
      std::vector<std::string> parts = absl::StrSplit(text.substr(open + 1, close - open - 1), '|');
      Piece ref;
      absl::string_view name = parts[0];
      if (name == "item") {
        ref.item = true;
      } else if (absl::ConsumePrefix(&name, "part.")) {
        if (!absl::SimpleAtoi(name, &ref.part) || ref.part < 0 || ref.part > 63) {
          return Error(where, "{part.N} takes N in 0..63");
        }
      } else {
        KG_ASSIGN_OR_RETURN(ref.column, Column(name, where));
      }
      for (size_t t = 1; t < parts.size(); ++t) {
        static const std::set<std::string> kTransforms = {"slug", "lower", "upper", "trim",
                                                          "date", "hash",  "host"};
        if (!kTransforms.contains(parts[t])) {
          return Error(where, absl::StrCat("unknown transform '", parts[t].substr(0, 32),
                                           "'; known: slug, lower, upper, trim, date, hash, host"));
        }
        ref.transforms.push_back(parts[t]);
      }
      out->pieces_.push_back(std::move(ref));
      i = close + 1;
    }
    return absl::OkStatus();
  }

  static std::string Scalar(const Json& j) {
    if (j.is_string()) return j.get<std::string>();
    return j.dump();
  }

  absl::Status Value(const Json& j, absl::string_view where, ValueSpec* out) const {
    if (j.is_array()) {
      if (j.empty() || j.size() > 16) return Error(where, "a list of 1..16 alternatives");
      out->present_ = true;
      for (const Json& alternative : j) {
        KG_RETURN_IF_ERROR(Value(alternative, where, &out->alternatives_.emplace_back()));
      }
      return absl::OkStatus();
    }
    if (j.is_string()) return Template(j.get<std::string>(), where, out);
    if (j.is_number()) return Template(j.dump(), where, out);
    KG_RETURN_IF_ERROR(
        Keys(j, where, {"column", "template", "codes", "prefixes", "suffixes", "default"}));
    if (j.contains("column") == j.contains("template")) {
      return Error(where, "exactly one of 'column' and 'template'");
    }
    if (j.contains("column")) {
      if (!j["column"].is_string()) return Error(where, "'column' is a column name");
      KG_RETURN_IF_ERROR(
          Template(absl::StrCat("{", j["column"].get<std::string>(), "}"), where, out));
    } else {
      if (!j["template"].is_string()) return Error(where, "'template' is a string");
      KG_RETURN_IF_ERROR(Template(j["template"].get<std::string>(), where, out));
    }
    for (const char* table : {"codes", "prefixes", "suffixes"}) {
      if (!j.contains(table)) continue;
      const Json& t = j[table];
      if (!t.is_object()) return Error(where, absl::StrCat("'", table, "' maps codes to values"));
      out->has_table_ = true;
      for (const auto& [key, value] : t.items()) {
        const std::string v = Scalar(value);
        if (std::string_view(table) == "codes") {
          out->codes_[key] = v;
        } else {
          (std::string_view(table) == "prefixes" ? out->prefixes_ : out->suffixes_)
              .emplace_back(absl::AsciiStrToLower(key), v);
        }
      }
    }
    if (j.contains("default")) {
      out->default_ = Scalar(j["default"]);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<LiteralType> Type(const Json& j, absl::string_view where) const {
    const std::string name = j.is_string() ? j.get<std::string>() : "";
    if (name == "string") return LiteralType::kString;
    if (name == "integer") return LiteralType::kInteger;
    if (name == "decimal") return LiteralType::kDecimal;
    if (name == "date") return LiteralType::kDate;
    if (name == "boolean") return LiteralType::kBoolean;
    if (name == "entity") return LiteralType::kEntity;
    return Error(where, "'type' is string, integer, decimal, date, boolean or entity");
  }

  absl::Status Typed(const Json& j, absl::string_view where, TypedSpec* out) const {
    if (!j.is_object() || !j.contains("value")) return Value(j, where, &out->value);
    KG_RETURN_IF_ERROR(Keys(j, where, {"value", "type"}));
    if (!j.contains("value")) return Error(where, "'value' is required");
    KG_RETURN_IF_ERROR(Value(j["value"], absl::StrCat(where, ".value"), &out->value));
    if (j.contains("type")) {
      KG_ASSIGN_OR_RETURN(out->type, Type(j["type"], absl::StrCat(where, ".type")));
    }
    return absl::OkStatus();
  }

  absl::Status When(const Json& j, const std::string& where, Condition* out) const {
    KG_RETURN_IF_ERROR(Keys(j, where, {"column", "in", "not_in"}));
    if (!j.contains("column") || !j["column"].is_string() ||
        j.contains("in") == j.contains("not_in")) {
      return Error(where, "'column' and one of 'in' and 'not_in' (a list of values)");
    }
    KG_ASSIGN_OR_RETURN(out->column, Column(j["column"].get<std::string>(), where));
    out->negate = j.contains("not_in");
    const Json& values = out->negate ? j["not_in"] : j["in"];
    if (!values.is_array()) return Error(where, "a list of values");
    for (const Json& v : values) out->values.push_back(Scalar(v));
    return absl::OkStatus();
  }

  absl::Status Entity(const Json& j, const std::string& where, EntitySpec* out) const {
    KG_RETURN_IF_ERROR(Keys(j, where,
                            {"id", "kind", "label", "aliases", "attributes", "external_ids",
                             "latitude", "longitude", "when"}));
    if (j.contains("when")) KG_RETURN_IF_ERROR(When(j["when"], where + ".when", &out->when));
    for (const char* key : {"id", "kind"}) {
      if (!j.contains(key)) return Error(where, absl::StrCat("'", key, "' is required"));
    }
    KG_RETURN_IF_ERROR(Value(j["id"], where + ".id", &out->id));
    KG_RETURN_IF_ERROR(Value(j["kind"], where + ".kind", &out->kind));
    if (j.contains("label")) KG_RETURN_IF_ERROR(Value(j["label"], where + ".label", &out->label));
    if (j.contains("aliases")) {
      if (!j["aliases"].is_array()) return Error(where + ".aliases", "a list");
      for (const Json& a : j["aliases"]) {
        KG_RETURN_IF_ERROR(Value(a, where + ".aliases", &out->aliases.emplace_back()));
      }
    }
    if (j.contains("attributes")) {
      if (!j["attributes"].is_object()) return Error(where + ".attributes", "an object");
      for (const auto& [name, spec] : j["attributes"].items()) {
        auto& [attr, typed] = out->attributes.emplace_back(name, TypedSpec());
        KG_RETURN_IF_ERROR(Typed(spec, absl::StrCat(where, ".attributes.", name), &typed));
      }
    }
    if (j.contains("external_ids")) {
      if (!j["external_ids"].is_object()) return Error(where + ".external_ids", "an object");
      for (const auto& [scheme, spec] : j["external_ids"].items()) {
        auto& [s, value] = out->external_ids.emplace_back(scheme, ValueSpec());
        KG_RETURN_IF_ERROR(Value(spec, absl::StrCat(where, ".external_ids.", scheme), &value));
      }
    }
    if (j.contains("latitude") != j.contains("longitude")) {
      return Error(where, "both or neither of 'latitude' and 'longitude'");
    }
    if (j.contains("latitude")) {
      KG_RETURN_IF_ERROR(Value(j["latitude"], where + ".latitude", &out->latitude));
      KG_RETURN_IF_ERROR(Value(j["longitude"], where + ".longitude", &out->longitude));
    }
    return absl::OkStatus();
  }

  absl::Status Sources(const Json& j, SourcesSpec* out) const {
    const std::string where = "sources";
    KG_RETURN_IF_ERROR(Keys(j, where,
                            {"split", "fields", "document", "publisher", "reported_on", "excerpt",
                             "claimant_description", "confidence", "reliability", "credibility",
                             "span_begin", "span_end", "story"}));
    if (j.contains("split")) {
      const Json& s = j["split"];
      KG_RETURN_IF_ERROR(Keys(s, "sources.split", {"column", "separator", "trim"}));
      if (!s.contains("column") || !s["column"].is_string() || !s.contains("separator") ||
          !s["separator"].is_string() || s["separator"].get<std::string>().empty()) {
        return Error("sources.split", "'column' and a non-empty 'separator' are required");
      }
      KG_ASSIGN_OR_RETURN(out->split_column,
                          Column(s["column"].get<std::string>(), "sources.split"));
      out->separator = s["separator"].get<std::string>();
      if (s.contains("trim")) out->trim = Scalar(s["trim"]);
    }
    if (j.contains("fields")) {
      const Json& f = j["fields"];
      KG_RETURN_IF_ERROR(Keys(f, "sources.fields", {"separator", "max"}));
      if (!f.contains("separator") || !f["separator"].is_string() ||
          f["separator"].get<std::string>().empty()) {
        return Error("sources.fields", "a non-empty 'separator' is required");
      }
      out->field_separator = f["separator"].get<std::string>();
      if (f.contains("max")) {
        if (!f["max"].is_number_integer() || f["max"].get<int>() < 1 || f["max"].get<int>() > 64) {
          return Error("sources.fields.max", "an integer in 1..64");
        }
        out->max_fields = f["max"].get<int>();
      }
    }
    if (!j.contains("document")) return Error(where, "'document' is required");
    KG_RETURN_IF_ERROR(Entity(j["document"], "sources.document", &out->document.emplace()));
    if (j.contains("publisher")) {
      KG_RETURN_IF_ERROR(Entity(j["publisher"], "sources.publisher", &out->publisher.emplace()));
    }
    for (const auto& [key, spec] :
         {std::pair{"reported_on", &out->reported_on}, std::pair{"excerpt", &out->excerpt},
          std::pair{"claimant_description", &out->claimant_description},
          std::pair{"reliability", &out->reliability}, std::pair{"credibility", &out->credibility},
          std::pair{"span_begin", &out->span_begin}, std::pair{"span_end", &out->span_end},
          std::pair{"story", &out->story}}) {
      if (j.contains(key)) KG_RETURN_IF_ERROR(Value(j[key], absl::StrCat("sources.", key), spec));
    }
    if (j.contains("confidence")) {
      const Json& c = j["confidence"];
      if (c.is_array()) {
        for (const Json& factor : c) {
          KG_RETURN_IF_ERROR(Value(factor, "sources.confidence", &out->confidence.emplace_back()));
        }
      } else {
        KG_RETURN_IF_ERROR(Value(c, "sources.confidence", &out->confidence.emplace_back()));
      }
    }
    return absl::OkStatus();
  }

  absl::StatusOr<Mapping> Parse(const Json& j) const {
    Mapping m;
    m.columns = columns_;
    KG_RETURN_IF_ERROR(Keys(
        j, "(top)",
        {"name", "description", "delimiter", "quoting", "header", "columns", "null", "extractor",
         "dataset", "entities", "statements", "sources", "max_sources", "evidence_of", "row"}));
    if (j.contains("name")) m.name = Scalar(j["name"]);
    m.extractor = j.contains("extractor") ? Scalar(j["extractor"]) : "importer:csv";
    if (j.contains("null")) {
      if (!j["null"].is_array()) return Error("null", "a list of strings");
      for (const Json& n : j["null"]) m.nulls.push_back(Scalar(n));
    }
    if (j.contains("max_sources")) {
      if (!j["max_sources"].is_number_integer() || j["max_sources"].get<int>() < 1 ||
          j["max_sources"].get<int>() > kMaxSourcesLimit) {
        return Error("max_sources", absl::StrCat("an integer in 1..", kMaxSourcesLimit));
      }
      m.max_sources = j["max_sources"].get<int>();
    } else {
      m.max_sources = kMaxSourcesLimit;
    }
    if (j.contains("dataset")) {
      const Json& d = j["dataset"];
      KG_RETURN_IF_ERROR(Keys(d, "dataset", {"document", "publisher"}));
      if (!d.contains("document")) return Error("dataset", "'document' is required");
      KG_RETURN_IF_ERROR(Entity(d["document"], "dataset.document", &m.dataset.emplace()));
      if (d.contains("publisher")) {
        KG_RETURN_IF_ERROR(
            Entity(d["publisher"], "dataset.publisher", &m.dataset_publisher.emplace()));
      }
    }
    if (j.contains("evidence_of")) {
      const Json& o = j["evidence_of"];
      KG_RETURN_IF_ERROR(Keys(o, "evidence_of", {"subject", "predicates"}));
      EvidenceOfSpec& spec = m.evidence_of.emplace();
      if (!o.contains("subject")) return Error("evidence_of", "'subject' is required");
      KG_RETURN_IF_ERROR(Value(o["subject"], "evidence_of.subject", &spec.subject));
      if (o.contains("predicates")) {
        if (!o["predicates"].is_array()) return Error("evidence_of.predicates", "a list");
        for (const Json& p : o["predicates"]) spec.predicates.push_back(Scalar(p));
      }
      if (!j.contains("sources")) return Error("evidence_of", "'sources' is required");
    }
    // A mapping of evidence_of may name no entities and no statements.
    const Json none = Json::object();
    const Json& entities = j.contains("entities") ? j["entities"] : none;
    if (!entities.is_object() || (entities.empty() && !m.evidence_of.has_value())) {
      return Error("entities", "an object naming at least one entity");
    }
    if (entities.size() > kMaxEntities) {
      return Error("entities", absl::StrCat("at most ", kMaxEntities));
    }
    for (const auto& [name, spec] : entities.items()) {
      EntitySpec& e = m.entities.emplace_back();
      e.name = name;
      KG_RETURN_IF_ERROR(Entity(spec, absl::StrCat("entities.", name), &e));
    }
    const auto known = [&](const std::string& name) {
      return std::any_of(m.entities.begin(), m.entities.end(),
                         [&](const EntitySpec& e) { return e.name == name; });
    };
    const Json no_statements = m.evidence_of.has_value() ? Json::array() : Json();
    const Json& statements = j.contains("statements") ? j["statements"] : no_statements;
    if (!statements.is_array()) return Error("statements", "a list");
    if (statements.size() > kMaxStatements) {
      return Error("statements", absl::StrCat("at most ", kMaxStatements));
    }
    for (size_t i = 0; i < statements.size(); ++i) {
      const Json& s = statements[i];
      const std::string where = absl::StrCat("statements[", i, "]");
      KG_RETURN_IF_ERROR(Keys(s, where,
                              {"subject", "predicate", "object", "value", "type", "valid_from",
                               "valid_to", "cite", "when", "graded"}));
      StatementSpec& st = m.statements.emplace_back();
      if (s.contains("when")) KG_RETURN_IF_ERROR(When(s["when"], where + ".when", &st.when));
      if (!s.contains("subject") || !s["subject"].is_string() ||
          !known(s["subject"].get<std::string>())) {
        return Error(where, "'subject' names one of the entities");
      }
      st.subject = s["subject"].get<std::string>();
      if (!s.contains("predicate")) return Error(where, "'predicate' is required");
      KG_RETURN_IF_ERROR(Value(s["predicate"], where + ".predicate", &st.predicate));
      if (s.contains("object") == s.contains("value")) {
        return Error(where, "exactly one of 'object' (entities) and 'value' (a literal)");
      }
      if (s.contains("object")) {
        const Json& o = s["object"];
        std::vector<std::string> names;
        if (o.is_string()) {
          names.push_back(o.get<std::string>());
        } else if (o.is_array()) {
          for (const Json& n : o) names.push_back(Scalar(n));
        }
        if (names.empty()) return Error(where + ".object", "an entity name or a list of them");
        for (const std::string& n : names) {
          if (!known(n)) return Error(where + ".object", absl::StrCat("no entity '", n, "'"));
        }
        st.objects = std::move(names);
      } else {
        TypedSpec& v = st.value.emplace();
        KG_RETURN_IF_ERROR(Value(s["value"], where + ".value", &v.value));
        if (s.contains("type")) {
          KG_ASSIGN_OR_RETURN(v.type, Type(s["type"], where + ".type"));
        }
      }
      if (s.contains("valid_from")) {
        KG_RETURN_IF_ERROR(Value(s["valid_from"], where + ".valid_from", &st.valid_from));
      }
      if (s.contains("valid_to")) {
        KG_RETURN_IF_ERROR(Value(s["valid_to"], where + ".valid_to", &st.valid_to));
      }
      if (s.contains("graded")) {
        if (!s["graded"].is_boolean()) return Error(where + ".graded", "true or false");
        st.graded = s["graded"].get<bool>();
      }
      if (s.contains("cite")) {
        const std::string cite = Scalar(s["cite"]);
        if (cite == "dataset") {
          if (!m.dataset.has_value()) return Error(where + ".cite", "no 'dataset' is declared");
          st.cite = Cite::kDataset;
        } else if (cite != "sources") {
          return Error(where + ".cite", "'sources' or 'dataset'");
        }
      }
    }
    if (j.contains("row")) {
      m.row_entity = Scalar(j["row"]);
      if (!known(m.row_entity)) return Error("row", "names one of the entities");
    }
    if (j.contains("sources")) {
      KG_RETURN_IF_ERROR(Sources(j["sources"], &m.sources));
    } else if (!m.dataset.has_value()) {
      return Error("(top)", "'sources' or 'dataset' is required: every statement cites one");
    }
    return m;
  }

 private:
  const std::vector<std::string>& columns_;
};

namespace {

absl::StatusOr<Json> ParseJson(absl::string_view text) {
  Json j = Json::parse(text.begin(), text.end(), nullptr, /*allow_exceptions=*/false,
                       /*ignore_comments=*/true);
  if (j.is_discarded() || !j.is_object()) {
    return absl::InvalidArgumentError("mapping: not a JSON object (docs/FORMATS.md)");
  }
  return j;
}

}  // namespace

absl::StatusOr<Layout> ParseLayout(absl::string_view json) {
  KG_ASSIGN_OR_RETURN(Json j, ParseJson(json));
  Layout layout;
  if (j.contains("delimiter")) {
    const std::string d = j["delimiter"].is_string() ? j["delimiter"].get<std::string>() : "";
    if (d.size() != 1 || d[0] == '"' || d[0] == '\n' || d[0] == '\r') {
      return absl::InvalidArgumentError(
          "mapping: delimiter: one byte, not a quote or a line break");
    }
    layout.delimiter = d[0];
  }
  if (j.contains("quoting")) {
    if (!j["quoting"].is_boolean()) {
      return absl::InvalidArgumentError("mapping: quoting: true or false");
    }
    layout.quoting = j["quoting"].get<bool>();
  }
  if (j.contains("header")) {
    if (!j["header"].is_boolean())
      return absl::InvalidArgumentError("mapping: header: true or false");
    layout.header = j["header"].get<bool>();
  }
  if (j.contains("columns")) {
    if (!j["columns"].is_array() || j["columns"].size() > 1024) {
      return absl::InvalidArgumentError("mapping: columns: a list of at most 1024 names");
    }
    for (const Json& c : j["columns"]) {
      if (!c.is_string()) return absl::InvalidArgumentError("mapping: columns: names are strings");
      layout.columns.push_back(c.get<std::string>());
    }
  }
  if (!layout.header && layout.columns.empty()) {
    return absl::InvalidArgumentError(
        "mapping: columns: a table without a header needs its column names");
  }
  return layout;
}

absl::StatusOr<Mapping> ParseMapping(absl::string_view json,
                                     const std::vector<std::string>& columns) {
  KG_ASSIGN_OR_RETURN(Json j, ParseJson(json));
  return MappingParser(columns).Parse(j);
}

absl::StatusOr<std::string> MappingText(absl::string_view mapping) {
  if (mapping.empty()) {
    std::vector<std::string> names;
    for (const auto& [name, text] : ShippedMappings()) names.push_back(name);
    return absl::InvalidArgumentError(
        absl::StrCat("mapping: required for format csv: the name of a shipped mapping (",
                     absl::StrJoin(names, ", "), ") or the text of one"));
  }
  if (absl::StripLeadingAsciiWhitespace(mapping).substr(0, 1) == "{") return std::string(mapping);
  const auto& shipped = ShippedMappings();
  if (auto it = shipped.find(std::string(mapping)); it != shipped.end()) return it->second;
  std::vector<std::string> names;
  for (const auto& [name, text] : shipped) names.push_back(name);
  return absl::InvalidArgumentError(absl::StrCat("mapping: no shipped mapping '",
                                                 mapping.substr(0, 64),
                                                 "'; shipped: ", absl::StrJoin(names, ", ")));
}

}  // namespace kg::interop::events
