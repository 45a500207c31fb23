#include "storage/validation.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/status_macros.h"

namespace kg {
namespace {

std::string S(std::string_view v) { return std::string(v); }

absl::Status Invalid(std::string_view field, std::string_view reason) {
  return absl::InvalidArgumentError(absl::StrCat(S(field), ": ", S(reason)));
}

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

int DaysInMonth(int year, int month) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  bool leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
  return month == 2 && leap ? 29 : kDays[month - 1];
}

}  // namespace

std::string Clip(std::string_view input) {
  if (input.size() <= kMaxEchoBytes) return S(input);
  size_t cut = kMaxEchoBytes;
  // Back off continuation bytes so that no character is split.
  while (cut > 0 && (static_cast<unsigned char>(input[cut]) & 0xC0) == 0x80) --cut;
  return absl::StrCat(S(input.substr(0, cut)), "\u2026(", input.size(), " bytes)");
}

absl::Status CheckBytes(std::string_view value, size_t max, std::string_view field) {
  if (value.size() <= max) return absl::OkStatus();
  return Invalid(field, absl::StrCat(value.size(), " bytes exceed the limit ", max));
}

absl::Status CheckCount(size_t count, size_t max, std::string_view field) {
  if (count <= max) return absl::OkStatus();
  return Invalid(field, absl::StrCat(count, " entries exceed the limit ", max));
}

absl::Status CheckStrings(const std::vector<std::string>& values, size_t max_count,
                          size_t max_bytes, std::string_view field) {
  KG_RETURN_IF_ERROR(CheckCount(values.size(), max_count, field));
  for (size_t i = 0; i < values.size(); ++i) {
    KG_RETURN_IF_ERROR(CheckBytes(values[i], max_bytes, absl::StrCat(S(field), "[", i, "]")));
  }
  return absl::OkStatus();
}

absl::Status CheckId(std::string_view id, std::string_view field) {
  return CheckBytes(id, kMaxIdBytes, field);
}

absl::Status CheckEntityId(std::string_view id, std::string_view field) {
  if (id.empty()) return Invalid(field, "must not be empty");
  KG_RETURN_IF_ERROR(CheckId(id, field));
  for (char c : id) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7f) {
      return Invalid(field, absl::StrCat("must not contain whitespace or control characters: '",
                                         Clip(id), "'"));
    }
  }
  return absl::OkStatus();
}

bool IsValidDate(std::string_view d) {
  if (d.size() != 4 && d.size() != 7 && d.size() != 10) return false;
  if (!AllDigits(d.substr(0, 4))) return false;
  if (d.size() == 4) return true;
  if (d[4] != '-' || !AllDigits(d.substr(5, 2))) return false;
  int year = std::atoi(std::string(d.substr(0, 4)).c_str());
  int month = std::atoi(std::string(d.substr(5, 2)).c_str());
  if (month < 1 || month > 12) return false;
  if (d.size() == 7) return true;
  if (d[7] != '-' || !AllDigits(d.substr(8, 2))) return false;
  int day = std::atoi(std::string(d.substr(8, 2)).c_str());
  return day >= 1 && day <= DaysInMonth(year, month);
}

absl::Status CheckDate(std::string_view date, std::string_view field) {
  if (date.empty() || IsValidDate(date)) return absl::OkStatus();
  return Invalid(
      field, absl::StrCat("must be a date YYYY, YYYY-MM or YYYY-MM-DD, got '", Clip(date), "'"));
}

std::string DateLow(std::string_view d) {
  std::string s(d);
  if (s.size() == 4) s += "-01";
  if (s.size() == 7) s += "-01";
  return s;
}

std::string DateHigh(std::string_view d) {
  std::string s(d);
  if (s.size() == 4) s += "-12";
  if (s.size() == 7) {
    int year = std::atoi(s.substr(0, 4).c_str());
    int month = std::atoi(s.substr(5, 2).c_str());
    int days = month >= 1 && month <= 12 ? DaysInMonth(year, month) : 31;
    s += absl::StrCat("-", days);
  }
  return s;
}

absl::Status CheckLiteral(const Value& v, std::string_view field) {
  if (v.type == ValueType::kEntity) return CheckEntityId(v.lexical, field);
  KG_RETURN_IF_ERROR(CheckBytes(v.lexical, kMaxLiteralBytes, field));
  switch (v.type) {
    case ValueType::kEntity:
    case ValueType::kString:
      return absl::OkStatus();
    case ValueType::kInteger: {
      int64_t n;
      std::string_view digits = v.lexical;
      if (!digits.empty() && (digits[0] == '-' || digits[0] == '+')) digits.remove_prefix(1);
      if (!AllDigits(digits) || !absl::SimpleAtoi(v.lexical, &n)) {
        return Invalid(field, absl::StrCat("not an integer: '", Clip(v.lexical), "'"));
      }
      return absl::OkStatus();
    }
    case ValueType::kDecimal: {
      std::string_view s = v.lexical;
      if (!s.empty() && s[0] == '-') s.remove_prefix(1);
      size_t dot = s.find('.');
      bool ok = dot == std::string_view::npos
                    ? AllDigits(s)
                    : AllDigits(s.substr(0, dot)) && AllDigits(s.substr(dot + 1));
      if (!ok) return Invalid(field, absl::StrCat("not a decimal: '", Clip(v.lexical), "'"));
      return absl::OkStatus();
    }
    case ValueType::kDate:
      if (!IsValidDate(v.lexical)) {
        return Invalid(field, absl::StrCat("must be a date YYYY, YYYY-MM or YYYY-MM-DD, got '",
                                           Clip(v.lexical), "'"));
      }
      return absl::OkStatus();
    case ValueType::kBoolean:
      if (v.lexical != "true" && v.lexical != "false") {
        return Invalid(field, absl::StrCat("not a boolean (true|false): '", Clip(v.lexical), "'"));
      }
      return absl::OkStatus();
  }
  return Invalid(field, absl::StrCat("unknown value type ", static_cast<int>(v.type)));
}

absl::Status CheckEntity(const Entity& e, const Schema& schema, std::string_view field) {
  auto f = [&](std::string_view name) { return absl::StrCat(S(field), ".", S(name)); };
  KG_RETURN_IF_ERROR(CheckEntityId(e.id, f("id")));
  KG_RETURN_IF_ERROR(CheckBytes(e.kind, kMaxNameBytes, f("kind")));
  if (!schema.IsKnownKind(e.kind)) {
    return Invalid(f("kind"), absl::StrCat("unknown kind '", Clip(e.kind), "'"));
  }
  KG_RETURN_IF_ERROR(CheckBytes(e.label, kMaxLabelBytes, f("label")));
  KG_RETURN_IF_ERROR(CheckStrings(e.aliases, kMaxAliases, kMaxAliasBytes, f("aliases")));
  KG_RETURN_IF_ERROR(CheckCount(e.attributes.size(), kMaxAttributes, f("attributes")));
  KG_RETURN_IF_ERROR(CheckCount(e.external_ids.size(), kMaxExternalIds, f("external_ids")));
  if (e.latitude && !(*e.latitude >= -90 && *e.latitude <= 90)) {
    return Invalid(absl::StrCat(S(field), ".latitude"),
                   absl::StrCat("must be in [-90, 90], got ", *e.latitude));
  }
  if (e.longitude && !(*e.longitude >= -180 && *e.longitude <= 180)) {
    return Invalid(absl::StrCat(S(field), ".longitude"),
                   absl::StrCat("must be in [-180, 180], got ", *e.longitude));
  }
  for (const auto& [key, value] : e.attributes) {
    const std::string a = absl::StrCat(S(field), ".attributes[", Clip(key), "]");
    if (key.empty()) return Invalid(a, "attribute name must not be empty");
    KG_RETURN_IF_ERROR(CheckBytes(key, kMaxNameBytes, a));
    KG_RETURN_IF_ERROR(CheckLiteral(value, a));
  }
  for (const auto& [scheme, value] : e.external_ids) {
    const std::string x = absl::StrCat(S(field), ".external_ids[", Clip(scheme), "]");
    if (scheme.empty() || value.empty()) return Invalid(x, "scheme and value must not be empty");
    KG_RETURN_IF_ERROR(CheckBytes(scheme, kMaxNameBytes, x));
    KG_RETURN_IF_ERROR(CheckBytes(value, kMaxExternalIdBytes, x));
  }
  return absl::OkStatus();
}

int64_t CodePoints(std::string_view text) {
  // Every code point has exactly one byte that is not a continuation byte.
  return std::count_if(text.begin(), text.end(),
                       [](char c) { return (static_cast<unsigned char>(c) & 0xC0) != 0x80; });
}

absl::Status CheckEvidence(const Evidence& e, std::string_view field) {
  auto f = [&](std::string_view name) { return absl::StrCat(S(field), ".", S(name)); };
  if (e.document.empty()) return Invalid(f("document"), "required");
  if (absl::Status s = CheckEntityId(e.document, f("document")); !s.ok()) return s;
  if (!e.publisher.empty()) {
    if (absl::Status s = CheckEntityId(e.publisher, f("publisher")); !s.ok()) return s;
  }
  if (!e.claimant.empty()) {
    if (absl::Status s = CheckEntityId(e.claimant, f("claimant")); !s.ok()) return s;
  }
  KG_RETURN_IF_ERROR(
      CheckBytes(e.claimant_description, kMaxDescriptionBytes, f("claimant_description")));
  KG_RETURN_IF_ERROR(CheckBytes(e.excerpt, kMaxExcerptBytes, f("excerpt")));
  KG_RETURN_IF_ERROR(CheckBytes(e.extractor, kMaxExtractorBytes, f("extractor")));
  KG_RETURN_IF_ERROR(CheckBytes(e.story, kMaxStoryBytes, f("story")));
  if (!(e.confidence >= 0 && e.confidence <= 1)) {
    return Invalid(f("confidence"), absl::StrCat("must be in [0, 1], got ", e.confidence));
  }
  if (e.reliability < 'A' || e.reliability > 'F') {
    return Invalid(f("reliability"),
                   absl::StrCat("must be A-F, got '", std::string(1, e.reliability), "'"));
  }
  if (e.credibility < 1 || e.credibility > 6) {
    return Invalid(f("credibility"), absl::StrCat("must be 1-6, got ", e.credibility));
  }
  bool unknown = e.span_begin == -1 && e.span_end == -1;
  if (!unknown && !(e.span_begin >= 0 && e.span_end >= e.span_begin)) {
    return Invalid(f("span_begin"), absl::StrCat("span must be both -1 or 0 <= begin <= end, got [",
                                                 e.span_begin, ", ", e.span_end, ")"));
  }
  if (!unknown) {
    const int64_t length = int64_t{e.span_end} - e.span_begin;
    const int64_t excerpt = CodePoints(e.excerpt);
    if (length != excerpt) {
      return Invalid(f("span_end"),
                     absl::StrCat("span [", e.span_begin, ", ", e.span_end, ") is ", length,
                                  " code points long, the excerpt ", excerpt));
    }
  }
  if (static_cast<uint8_t>(e.stance) > static_cast<uint8_t>(Stance::kClaims)) {
    return Invalid(f("stance"), absl::StrCat("unknown stance ", static_cast<int>(e.stance)));
  }
  return CheckDate(e.reported_on, f("reported_on"));
}

namespace {

absl::Status CheckStatementNamed(const Statement& st, const Schema& schema,
                                 std::string_view field) {
  const std::string f(field);
  KG_RETURN_IF_ERROR(CheckEntityId(st.subject, f + ".subject"));
  if (st.predicate.empty()) {
    return absl::InvalidArgumentError(f + ".predicate: must not be empty");
  }
  KG_RETURN_IF_ERROR(CheckBytes(st.predicate, kMaxNameBytes, f + ".predicate"));
  if (schema.FindPredicate(st.predicate) == nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat(f, ".predicate: '", Clip(st.predicate), "' is not in the schema"));
  }
  KG_RETURN_IF_ERROR(CheckLiteral(st.object, f + ".object"));
  KG_RETURN_IF_ERROR(CheckDate(st.valid_from, f + ".valid_from"));
  KG_RETURN_IF_ERROR(CheckDate(st.valid_to, f + ".valid_to"));
  if (!st.valid_from.empty() && !st.valid_to.empty() &&
      DateLow(st.valid_from) > DateHigh(st.valid_to)) {
    return absl::InvalidArgumentError(absl::StrCat(f, ".valid_to: ends (", st.valid_to,
                                                   ") before valid_from (", st.valid_from, ")"));
  }
  if (st.evidence.empty()) {
    return absl::InvalidArgumentError(f + ".evidence: at least one evidence record required");
  }
  for (size_t j = 0; j < st.evidence.size(); ++j) {
    KG_RETURN_IF_ERROR(CheckEvidence(st.evidence[j], absl::StrCat(f, ".evidence[", j, "]")));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status CheckStatement(const Statement& st, const Schema& schema, std::string_view field) {
  // Full field names cost allocations in every check that passes: the checks
  // run first without them, and again with them only to word a failure.
  if (CheckStatementNamed(st, schema, "").ok()) return absl::OkStatus();
  return CheckStatementNamed(st, schema, field);
}

absl::Status CheckFilter(const Filter& f, std::string_view field) {
  auto name = [&](std::string_view n) { return absl::StrCat(S(field), ".", S(n)); };
  if (f.as_of < 0) return Invalid(name("as_of"), absl::StrCat("must be >= 0, got ", f.as_of));
  KG_RETURN_IF_ERROR(CheckStrings(f.publishers_allow, kMaxFilterPublishers, kMaxIdBytes,
                                  name("publishers_allow")));
  KG_RETURN_IF_ERROR(
      CheckStrings(f.publishers_deny, kMaxFilterPublishers, kMaxIdBytes, name("publishers_deny")));
  if (!(f.min_confidence >= 0 && f.min_confidence <= 1)) {
    return Invalid(name("min_confidence"),
                   absl::StrCat("must be in [0, 1], got ", f.min_confidence));
  }
  if (f.min_sources < 0) {
    return Invalid(name("min_sources"), absl::StrCat("must be >= 0, got ", f.min_sources));
  }
  if (f.max_sources < 0) {
    return Invalid(name("max_sources"), absl::StrCat("must be >= 0, got ", f.max_sources));
  }
  if (f.min_reliability < 'A' || f.min_reliability > 'F') {
    return Invalid(name("min_reliability"),
                   absl::StrCat("must be A-F, got '", std::string(1, f.min_reliability), "'"));
  }
  if (f.max_credibility < 1 || f.max_credibility > 6) {
    return Invalid(name("max_credibility"), absl::StrCat("must be 1-6, got ", f.max_credibility));
  }
  KG_RETURN_IF_ERROR(CheckDate(f.valid_from, name("valid_from")));
  KG_RETURN_IF_ERROR(CheckDate(f.valid_to, name("valid_to")));
  if (!f.valid_from.empty() && !f.valid_to.empty() &&
      DateLow(f.valid_from) > DateHigh(f.valid_to)) {
    return Invalid(name("valid_from"), absl::StrCat("must not be after valid_to, got '",
                                                    f.valid_from, "' > '", f.valid_to, "'"));
  }
  return absl::OkStatus();
}

std::string DescribeGradeChange(const EvidenceGrade& from, const EvidenceGrade& to) {
  std::vector<std::string> parts;
  if (from.confidence != to.confidence) {
    parts.push_back(absl::StrCat("confidence ", from.confidence, " -> ", to.confidence));
  }
  if (from.reliability != to.reliability || from.credibility != to.credibility) {
    parts.push_back(absl::StrCat("grading ", std::string(1, from.reliability), from.credibility,
                                 " -> ", std::string(1, to.reliability), to.credibility));
  }
  if (from.reported_on != to.reported_on) {
    auto date = [](const std::string& d) { return d.empty() ? std::string("(none)") : d; };
    parts.push_back(
        absl::StrCat("reported_on ", date(from.reported_on), " -> ", date(to.reported_on)));
  }
  return absl::StrJoin(parts, "; ");
}

absl::StatusOr<EvidenceResend> ClassifyResend(const Evidence& stored, const Evidence& again,
                                              TxTime now, std::string_view field) {
  if (stored.retracted_at != 0) return EvidenceResend::kRetracted;
  if (stored.grade() == again.grade()) return EvidenceResend::kUnchanged;
  const TxTime written = stored.revisions.empty() ? stored.ingested_at : stored.revisions.back().at;
  if (written == now) {
    return Invalid(field, absl::StrCat("evidence ", stored.id,
                                       " is sent twice in one write with different values (",
                                       DescribeGradeChange(stored.grade(), again.grade()),
                                       "); a correction is a later write"));
  }
  return EvidenceResend::kRevised;
}

bool SelectsEvidence(const Filter& f, TxTime as_of, const Evidence& e) {
  if (e.ingested_at > as_of) return false;
  if (e.retracted_at != 0 && e.retracted_at <= as_of) return false;
  if (!f.publishers_allow.empty() && std::find(f.publishers_allow.begin(), f.publishers_allow.end(),
                                               e.publisher) == f.publishers_allow.end())
    return false;
  if (std::find(f.publishers_deny.begin(), f.publishers_deny.end(), e.publisher) !=
      f.publishers_deny.end())
    return false;
  return e.reliability <= f.min_reliability && e.credibility <= f.max_credibility;
}

Evidence EvidenceAsOf(Evidence e, TxTime as_of) {
  auto later = std::find_if(e.revisions.begin(), e.revisions.end(),
                            [&](const EvidenceRevision& r) { return r.at > as_of; });
  if (later != e.revisions.end()) {
    e.set_grade(later->before);
    e.revisions.erase(later, e.revisions.end());
  }
  if (e.retracted_at > as_of) {
    e.retracted_at = 0;
    e.retracted_by.clear();
    e.retraction_reason.clear();
  }
  return e;
}

bool ValidTimeOverlaps(const Filter& f, std::string_view valid_from, std::string_view valid_to) {
  // [valid_from, valid_to] overlaps [f.valid_from, f.valid_to]; empty = open.
  if (!f.valid_from.empty() && !valid_to.empty() && DateHigh(valid_to) < DateLow(f.valid_from))
    return false;
  if (!f.valid_to.empty() && !valid_from.empty() && DateLow(valid_from) > DateHigh(f.valid_to))
    return false;
  return true;
}

bool MeetsMinimums(const Filter& f, double confidence, int32_t sources) {
  return confidence >= f.min_confidence && sources >= f.min_sources &&
         (f.max_sources == 0 || sources <= f.max_sources);
}

}  // namespace kg
