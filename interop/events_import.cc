// csv in: an event table read by interop/csv_reader.h, each row turned into
// entities, statements and evidence by its column mapping
// (interop/events_mapping.h; the rules are in docs/FORMATS.md).
//
// A row is never split across batches: its entities travel in the batch of
// its statements. Within a batch, an entity, a statement and an evidence
// record are sent once however many rows name them.

#include <algorithm>
#include <cmath>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/hash/hash.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "interop/csv_reader.h"
#include "interop/events_mapping.h"
#include "interop/formats.h"
#include "storage/status_macros.h"

namespace kg::interop {
namespace {

using events::Cite;
using events::EntitySpec;
using events::LiteralType;
using events::Mapping;
using events::RowView;
using events::TypedSpec;
using events::ValueSpec;

// A batch closes early when one statement gathers this many records, well
// under the server's per-statement limit (--max_evidence_per_statement).
constexpr int kMaxEvidencePerStatement = 500;
constexpr size_t kMaxLabelBytes = 1024;
constexpr size_t kMaxIdBytes = 256;
// Statements read about one entity (evidence_of, sync): an incident has a
// handful.
constexpr int32_t kMaxStatementsAbout = 1000;
// A synced import remembers each row (its id) and each evidence record it
// wrote about the rows (8 bytes): the bounds keep that under ~1 GiB.
constexpr int64_t kMaxSyncRows = 4'000'000;
constexpr size_t kMaxSyncRecords = 64'000'000;
constexpr char kListedIn[] = "listed_in";

bool IsDate(absl::string_view d) {
  const auto digits = [&](size_t from, size_t n) {
    for (size_t i = from; i < from + n; ++i) {
      if (!absl::ascii_isdigit(static_cast<unsigned char>(d[i]))) return false;
    }
    return true;
  };
  if (d.size() == 4) return digits(0, 4);
  if (d.size() == 7) return digits(0, 4) && d[4] == '-' && digits(5, 2);
  if (d.size() == 10)
    return digits(0, 4) && d[4] == '-' && digits(5, 2) && d[7] == '-' && digits(8, 2);
  return false;
}

bool IsDecimal(absl::string_view d) {
  if (!d.empty() && d[0] == '-') d.remove_prefix(1);
  const size_t dot = d.find('.');
  const absl::string_view whole = d.substr(0, dot);
  const absl::string_view frac = dot == absl::string_view::npos ? "" : d.substr(dot + 1);
  const auto all_digits = [](absl::string_view s) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) {
      return absl::ascii_isdigit(static_cast<unsigned char>(c));
    });
  };
  return all_digits(whole) && (dot == absl::string_view::npos || all_digits(frac));
}

// At most `max` bytes, cut at a UTF-8 character boundary.
std::string Truncated(std::string s, size_t max) {
  if (s.size() <= max) return s;
  size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  s.resize(end);
  return s;
}

// What makes an evidence record of a statement the same claim: the fields
// of its id (storage/digest.h), in the form a read gives them back.
uint64_t ClaimIdentity(const v1::Statement& st, const v1::Evidence& e) {
  const v1::Stance stance = e.stance() == v1::STANCE_UNSPECIFIED ? v1::ASSERTS : e.stance();
  return absl::Hash<std::string>{}(absl::StrCat(
      st.subject(), "\x1f", st.predicate(), "\x1f", st.object().SerializeAsString(), "\x1f",
      st.valid_from(), "\x1f", st.valid_to(), "\x1f", e.document(), "\x1f", e.publisher(), "\x1f",
      e.claimant(), "\x1f", e.claimant_description(), "\x1f", e.excerpt(), "\x1f",
      e.has_span_begin() ? e.span_begin() : -1, "\x1f", e.has_span_end() ? e.span_end() : -1,
      "\x1f", static_cast<int>(stance), "\x1f", e.extractor(), "\x1f", e.story()));
}

// One source of a row: the entities it brings and its evidence record.
struct Source {
  std::optional<v1::Entity> publisher, document;
  v1::Evidence evidence;
};

class EventsImporter final : public Importer {
 public:
  EventsImporter(const ImportOptions& options, const Schema& schema, std::string text,
                 events::Layout layout)
      : options_(options),
        schema_(schema),
        text_(std::move(text)),
        layout_(std::move(layout)),
        reader_(CsvOptions{layout_.delimiter, layout_.quoting, options.max_line_bytes, 1024}) {}

  absl::Status Init() {
    if (!options_.sync.empty()) {
      const std::string& scope = options_.sync;
      if (scope.size() > kMaxIdBytes || std::any_of(scope.begin(), scope.end(), [](char c) {
            return absl::ascii_isspace(static_cast<unsigned char>(c)) ||
                   absl::ascii_iscntrl(static_cast<unsigned char>(c));
          })) {
        return absl::InvalidArgumentError(
            absl::StrCat("sync: a document id of 1..", kMaxIdBytes, " bytes without whitespace"));
      }
    }
    if (layout_.header) return absl::OkStatus();
    KG_ASSIGN_OR_RETURN(Mapping m, events::ParseMapping(text_, layout_.columns));
    KG_RETURN_IF_ERROR(CheckNeeds(m));
    mapping_ = std::move(m);
    return absl::OkStatus();
  }

  absl::Status Sync(
      const std::function<absl::Status(const v1::RetractRequest&)>& retract) override {
    if (options_.sync.empty()) return absl::OkStatus();
    if (!mapping_.has_value()) {
      return absl::InvalidArgumentError(
          "sync: the input is empty (not even a header): nothing synced");
    }
    absl::StatusOr<std::vector<std::string>> listed =
        options_.graph->SubjectsOf(kListedIn, options_.sync, kMaxSyncRows);
    if (!listed.ok()) {
      return absl::Status(listed.status().code(),
                          absl::StrCat("sync: ", listed.status().message()));
    }
    const std::vector<std::string>& rows = *listed;
    for (const std::string& row : rows) {
      const bool kept = rows_seen_.contains(row);
      KG_ASSIGN_OR_RETURN(std::vector<v1::Statement> held,
                          options_.graph->StatementsAbout(row, kMaxStatementsAbout));
      for (const v1::Statement& st : held) {
        // A row stays listed in the scope once it was: a retracted listing
        // could not be restored (re-sent retracted evidence stays so), and
        // a row that returns must be synced again.
        if (st.predicate() == kListedIn) continue;
        for (const v1::Evidence& e : st.evidence()) {
          if (e.retracted_at() != 0 || e.extractor() != mapping_->extractor) continue;
          if (kept && claims_written_.contains(ClaimIdentity(st, e))) continue;
          v1::RetractRequest r;
          r.set_statement_id(st.id());
          r.set_evidence_id(e.id());
          r.set_reason(
              absl::StrCat("sync of ", options_.sync, ": ",
                           kept ? "the row changed" : "the row is no longer in the input"));
          KG_RETURN_IF_ERROR(retract(r));
        }
      }
    }
    return absl::OkStatus();
  }

  absl::Status Feed(absl::string_view bytes, std::vector<v1::AssertRequest>* batches) override {
    return reader_.Feed(bytes, [&](const std::vector<absl::string_view>& fields, int64_t line) {
      return Record(fields, line, batches);
    });
  }

  absl::Status Finish(std::vector<v1::AssertRequest>* batches) override {
    KG_RETURN_IF_ERROR(reader_.Finish([&](const std::vector<absl::string_view>& fields,
                                          int64_t line) { return Record(fields, line, batches); }));
    Flush(batches);
    return absl::OkStatus();
  }

  int64_t lines() const override { return reader_.lines(); }
  int64_t skipped() const override { return skipped_; }

 private:
  absl::Status Record(const std::vector<absl::string_view>& fields, int64_t line,
                      std::vector<v1::AssertRequest>* batches) {
    line_ = line;
    if (!mapping_.has_value()) {
      std::vector<std::string> columns(fields.begin(), fields.end());
      if (!columns.empty() && absl::StartsWith(columns[0], "\xEF\xBB\xBF")) {
        columns[0].erase(0, 3);  // a byte order mark
      }
      absl::StatusOr<Mapping> m = events::ParseMapping(text_, columns);
      absl::Status s = m.ok() ? CheckNeeds(*m) : m.status();
      if (!s.ok()) {
        return absl::Status(s.code(), absl::StrCat("line ", line, " (the header): ", s.message()));
      }
      mapping_ = std::move(*m);
      return absl::OkStatus();
    }
    KG_RETURN_IF_ERROR(Row(fields));
    if (records_ >= options_.batch_records || max_evidence_ >= kMaxEvidencePerStatement) {
      Flush(batches);
    }
    return absl::OkStatus();
  }

  // What the mapping needs of the import: the graph, a row entity.
  absl::Status CheckNeeds(const Mapping& m) const {
    if ((m.evidence_of.has_value() || !options_.sync.empty()) && options_.graph == nullptr) {
      return absl::FailedPreconditionError(
          "mapping: evidence_of and sync read the graph the import writes into: import through "
          "kgd's Import rpc");
    }
    if (options_.sync.empty()) return absl::OkStatus();
    if (m.evidence_of.has_value()) {
      return absl::InvalidArgumentError(
          "sync: a mapping of evidence_of has no rows of its own to sync");
    }
    if (m.row_entity.empty()) {
      return absl::InvalidArgumentError(
          "sync: the mapping names no \"row\" entity (the one whose id identifies a row)");
    }
    return absl::OkStatus();
  }

  // "line 12, column 5 (best): ..."
  absl::Status RowError(int column, absl::string_view what) const {
    std::string where = absl::StrCat("line ", line_);
    if (column >= 0) {
      absl::StrAppend(&where, ", column ", column + 1, " (",
                      mapping_->columns[column].substr(0, 64), ")");
    }
    return absl::InvalidArgumentError(absl::StrCat(where, ": ", what));
  }

  absl::StatusOr<v1::Value> Typed(const TypedSpec& spec, const RowView& row, absl::string_view what,
                                  bool* present) const {
    int column = -1;
    const std::string text = spec.value.Eval(row, &column);
    *present = !text.empty();
    v1::Value v;
    if (text.empty()) return v;
    const auto bad = [&](absl::string_view type) {
      return RowError(column, absl::StrCat(what, ": '", text.substr(0, 64), "' is not ", type));
    };
    switch (spec.type) {
      case LiteralType::kString:
        v.set_string(text);
        break;
      case LiteralType::kInteger: {
        int64_t n = 0;
        if (!absl::SimpleAtoi(text, &n)) return bad("an integer");
        v.set_integer(n);
        break;
      }
      case LiteralType::kDecimal:
        if (!IsDecimal(text)) return bad("a decimal ([-]digits[.digits])");
        v.set_decimal(text);
        break;
      case LiteralType::kDate:
        if (!IsDate(text)) return bad("a date (YYYY[-MM[-DD]])");
        v.set_date(text);
        break;
      case LiteralType::kBoolean: {
        const std::string b = absl::AsciiStrToLower(text);
        if (b == "true" || b == "1") {
          v.set_boolean(true);
        } else if (b == "false" || b == "0") {
          v.set_boolean(false);
        } else {
          return bad("a boolean (true, false, 1, 0)");
        }
        break;
      }
      case LiteralType::kEntity:
        v.set_entity(text);
        break;
    }
    return v;
  }

  absl::StatusOr<std::string> Id(const ValueSpec& spec, const RowView& row,
                                 absl::string_view what) const {
    int column = -1;
    std::string id = spec.Eval(row, &column);
    if (id.size() > kMaxIdBytes) {
      return RowError(column, absl::StrCat(what, ": an id of ", id.size(), " bytes exceeds ",
                                           kMaxIdBytes, " (use {column|hash})"));
    }
    if (std::any_of(id.begin(), id.end(), [](char c) {
          return absl::ascii_isspace(static_cast<unsigned char>(c)) ||
                 absl::ascii_iscntrl(static_cast<unsigned char>(c));
        })) {
      return RowError(column, absl::StrCat(what, ": the id '", id.substr(0, 64),
                                           "' holds whitespace (use {column|slug})"));
    }
    return id;
  }

  // The entity of `spec` for this row; nullopt when its id or kind is empty
  // or its kind is unknown and skipped.
  absl::StatusOr<std::optional<v1::Entity>> Entity(const EntitySpec& spec, const RowView& row,
                                                   absl::string_view where) {
    if (!spec.when.Holds(row)) return std::nullopt;
    KG_ASSIGN_OR_RETURN(std::string id, Id(spec.id, row, absl::StrCat(where, ".id")));
    if (id.empty()) return std::nullopt;
    int column = -1;
    const std::string kind = spec.kind.Eval(row, &column);
    if (kind.empty()) return std::nullopt;
    if (!schema_.IsKnownKind(kind)) {
      if (options_.skip_unmapped) {
        ++skipped_;
        return std::nullopt;
      }
      return RowError(column, absl::StrCat(where, ".kind: '", kind.substr(0, 64),
                                           "' is not a kind of the schema (or import with "
                                           "skip_unmapped)"));
    }
    v1::Entity e;
    e.set_id(id);
    e.set_kind(kind);
    std::string label = spec.label.Eval(row);
    e.set_label(Truncated(label.empty() ? id : std::move(label), kMaxLabelBytes));
    for (const ValueSpec& a : spec.aliases) {
      std::string alias = a.Eval(row);
      if (!alias.empty() && alias != e.label()) e.add_aliases(Truncated(alias, kMaxLabelBytes));
    }
    for (const auto& [name, typed] : spec.attributes) {
      bool present = false;
      KG_ASSIGN_OR_RETURN(v1::Value v,
                          Typed(typed, row, absl::StrCat(where, ".attributes.", name), &present));
      if (present) (*e.mutable_attributes())[name] = std::move(v);
    }
    for (const auto& [scheme, value] : spec.external_ids) {
      std::string v = value.Eval(row);
      if (!v.empty()) (*e.mutable_external_ids())[scheme] = Truncated(v, kMaxIdBytes);
    }
    if (spec.latitude.present()) {
      int lat_column = -1, lon_column = -1;
      const std::string lat = spec.latitude.Eval(row, &lat_column);
      const std::string lon = spec.longitude.Eval(row, &lon_column);
      double la = 0, lo = 0;
      if (!lat.empty() && !lon.empty()) {
        if (!absl::SimpleAtod(lat, &la) || !(la >= -90 && la <= 90)) {
          return RowError(lat_column, absl::StrCat(where, ".latitude: '", lat.substr(0, 64),
                                                   "' is not degrees in [-90, 90]"));
        }
        if (!absl::SimpleAtod(lon, &lo) || !(lo >= -180 && lo <= 180)) {
          return RowError(lon_column, absl::StrCat(where, ".longitude: '", lon.substr(0, 64),
                                                   "' is not degrees in [-180, 180]"));
        }
        e.set_latitude(la);
        e.set_longitude(lo);
      }
    }
    return e;
  }

  // The evidence of one source item (or of the row when there is no split).
  absl::StatusOr<std::optional<Source>> SourceOf(const RowView& row) {
    const events::SourcesSpec& spec = mapping_->sources;
    Source s;
    if (spec.publisher.has_value()) {
      KG_ASSIGN_OR_RETURN(s.publisher, Entity(*spec.publisher, row, "sources.publisher"));
    }
    KG_ASSIGN_OR_RETURN(s.document, Entity(*spec.document, row, "sources.document"));
    if (!s.document.has_value()) return std::nullopt;
    v1::Evidence& e = s.evidence;
    e.set_document(s.document->id());
    if (s.publisher.has_value()) e.set_publisher(s.publisher->id());
    int column = -1;
    const std::string reported = spec.reported_on.Eval(row, &column);
    if (!reported.empty()) {
      if (!IsDate(reported)) {
        return RowError(column, absl::StrCat("sources.reported_on: '", reported.substr(0, 64),
                                             "' is not a date (YYYY[-MM[-DD]])"));
      }
      e.set_reported_on(reported);
    }
    std::string excerpt = spec.excerpt.Eval(row);
    if (!excerpt.empty()) e.set_excerpt(Truncated(std::move(excerpt), 64 << 10));
    std::string claimant = spec.claimant_description.Eval(row);
    if (!claimant.empty()) e.set_claimant_description(Truncated(std::move(claimant), 1024));
    std::string story = spec.story.Eval(row, &column);
    if (story.size() > kMaxIdBytes) {
      return RowError(column, absl::StrCat("sources.story: ", story.size(), " bytes exceed ",
                                           kMaxIdBytes, " (use {column|hash})"));
    }
    if (!story.empty()) e.set_story(std::move(story));
    if (!spec.confidence.empty()) {
      double c = 1;
      for (const ValueSpec& factor : spec.confidence) {
        const std::string f = factor.Eval(row, &column);
        if (f.empty()) continue;
        double x = 0;
        if (!absl::SimpleAtod(f, &x) || !std::isfinite(x)) {
          return RowError(
              column, absl::StrCat("sources.confidence: '", f.substr(0, 64), "' is not a number"));
        }
        c *= x;
      }
      e.set_confidence(std::clamp(c, 0.0, 1.0));
    }
    const std::string reliability = spec.reliability.Eval(row, &column);
    if (!reliability.empty()) {
      if (reliability.size() != 1 || reliability[0] < 'A' || reliability[0] > 'F') {
        return RowError(column, "sources.reliability: A to F");
      }
      e.set_reliability(reliability);
    }
    const std::string credibility = spec.credibility.Eval(row, &column);
    if (!credibility.empty()) {
      int n = 0;
      if (!absl::SimpleAtoi(credibility, &n) || n < 1 || n > 6) {
        return RowError(column, "sources.credibility: 1 to 6");
      }
      e.set_credibility(n);
    }
    if (spec.span_begin.present()) {
      int bc = -1, ec = -1;
      const std::string b = spec.span_begin.Eval(row, &bc), en = spec.span_end.Eval(row, &ec);
      int32_t begin = 0, end = 0;
      // Without an excerpt a span still locates the passage (GDELT gives
      // offsets, not text); a negative offset means "not found".
      if (!b.empty() && !en.empty() && b[0] != '-' && en[0] != '-') {
        if (!absl::SimpleAtoi(b, &begin) || !absl::SimpleAtoi(en, &end) || begin < 0 ||
            end < begin) {
          return RowError(bc, "sources.span_begin/span_end: 0 <= begin <= end");
        }
        e.set_span_begin(begin);
        e.set_span_end(end);
      }
    }
    e.set_extractor(mapping_->extractor);
    return s;
  }

  absl::StatusOr<std::vector<Source>> Sources(const std::vector<absl::string_view>& fields) {
    std::vector<Source> out;
    const events::SourcesSpec& spec = mapping_->sources;
    if (!spec.document.has_value()) return out;
    RowView row{&fields, "", nullptr, &mapping_->nulls};
    if (spec.split_column < 0) {
      KG_ASSIGN_OR_RETURN(std::optional<Source> s, SourceOf(row));
      if (s.has_value()) out.push_back(std::move(*s));
      return out;
    }
    const absl::string_view whole = static_cast<size_t>(spec.split_column) < fields.size()
                                        ? fields[spec.split_column]
                                        : absl::string_view();
    for (absl::string_view item : absl::StrSplit(whole, spec.separator)) {
      while (!item.empty() && spec.trim.find(item.front()) != std::string::npos) {
        item.remove_prefix(1);
      }
      while (!item.empty() && spec.trim.find(item.back()) != std::string::npos) {
        item.remove_suffix(1);
      }
      if (item.empty()) continue;
      if (static_cast<int>(out.size()) >= mapping_->max_sources) break;
      std::vector<std::string> parts;
      if (!spec.field_separator.empty()) {
        if (spec.max_fields > 0) {
          parts = absl::StrSplit(item, absl::MaxSplits(spec.field_separator, spec.max_fields - 1));
        } else {
          parts = absl::StrSplit(item, spec.field_separator);
        }
      }
      RowView item_row{&fields, item, &parts, &mapping_->nulls};
      KG_ASSIGN_OR_RETURN(std::optional<Source> s, SourceOf(item_row));
      if (s.has_value()) out.push_back(std::move(*s));
    }
    return out;
  }

  // The live statements about `subject`, read once for consecutive rows
  // (the mentions of one event follow each other).
  absl::StatusOr<const std::vector<v1::Statement>*> StatementsAbout(const std::string& subject) {
    if (subject != about_) {
      about_.clear();
      KG_ASSIGN_OR_RETURN(about_statements_,
                          options_.graph->StatementsAbout(subject, kMaxStatementsAbout));
      about_ = subject;
    }
    return &about_statements_;
  }

  // A row of an evidence_of mapping: its sources become evidence of what
  // the graph holds about the entity; a row whose entity is not held is
  // skipped and counted.
  absl::Status EvidenceRow(const std::vector<absl::string_view>& fields) {
    const events::EvidenceOfSpec& spec = *mapping_->evidence_of;
    RowView row{&fields, "", nullptr, &mapping_->nulls};
    KG_ASSIGN_OR_RETURN(std::string subject, Id(spec.subject, row, "evidence_of.subject"));
    if (subject.empty()) {
      ++skipped_;
      return absl::OkStatus();
    }
    KG_ASSIGN_OR_RETURN(std::vector<Source> sources, Sources(fields));
    KG_ASSIGN_OR_RETURN(const std::vector<v1::Statement>* held, StatementsAbout(subject));
    std::vector<v1::Statement> statements;
    for (const v1::Statement& h : *held) {
      if (sources.empty()) break;
      if (!spec.predicates.empty() && std::find(spec.predicates.begin(), spec.predicates.end(),
                                                h.predicate()) == spec.predicates.end()) {
        continue;
      }
      v1::Statement& st = statements.emplace_back();
      st.set_subject(h.subject());
      st.set_predicate(h.predicate());
      *st.mutable_object() = h.object();
      st.set_valid_from(h.valid_from());
      st.set_valid_to(h.valid_to());
      for (const Source& s : sources) *st.add_evidence() = s.evidence;
    }
    if (statements.empty()) {
      ++skipped_;
      return absl::OkStatus();
    }
    for (Source& s : sources) {
      if (s.publisher.has_value()) AddEntity(std::move(*s.publisher));
    }
    for (Source& s : sources) AddEntity(std::move(*s.document));
    for (v1::Statement& st : statements) AddStatement(std::move(st));
    return absl::OkStatus();
  }

  // A synced row: listed in the scope, and every claim written about it
  // remembered, so Sync retracts only what the input no longer holds.
  absl::Status ListRow(const std::string& id, std::vector<v1::Statement>* statements) {
    if (!rows_seen_.insert(id).second) return absl::OkStatus();
    if (static_cast<int64_t>(rows_seen_.size()) > kMaxSyncRows) {
      return absl::ResourceExhaustedError(
          absl::StrCat("sync: at most ", kMaxSyncRows, " rows per synced import"));
    }
    v1::Entity scope;
    scope.set_id(options_.sync);
    scope.set_kind("Document");
    scope.set_label(options_.sync);
    AddEntity(std::move(scope));
    v1::Statement& listed = statements->emplace_back();
    listed.set_subject(id);
    listed.set_predicate(kListedIn);
    listed.mutable_object()->set_entity(options_.sync);
    v1::Evidence* e = listed.add_evidence();
    e->set_document(options_.sync);
    e->set_extractor(mapping_->extractor);
    for (const v1::Statement& st : *statements) {
      if (st.subject() != id) continue;
      for (const v1::Evidence& ev : st.evidence()) claims_written_.insert(ClaimIdentity(st, ev));
    }
    if (claims_written_.size() > kMaxSyncRecords) {
      return absl::ResourceExhaustedError(absl::StrCat(
          "sync: at most ", kMaxSyncRecords, " evidence records about the rows per synced import"));
    }
    return absl::OkStatus();
  }

  absl::Status Row(const std::vector<absl::string_view>& fields) {
    const Mapping& m = *mapping_;
    if (m.evidence_of.has_value()) return EvidenceRow(fields);
    RowView row{&fields, "", nullptr, &m.nulls};
    std::vector<std::optional<v1::Entity>> entities(m.entities.size());
    for (size_t i = 0; i < m.entities.size(); ++i) {
      KG_ASSIGN_OR_RETURN(
          entities[i], Entity(m.entities[i], row, absl::StrCat("entities.", m.entities[i].name)));
    }
    KG_ASSIGN_OR_RETURN(std::vector<Source> sources, Sources(fields));
    std::optional<v1::Evidence> dataset_evidence;
    const bool needs_dataset =
        sources.empty() || std::any_of(m.statements.begin(), m.statements.end(),
                                       [](const auto& s) { return s.cite == Cite::kDataset; });
    if (needs_dataset && m.dataset.has_value()) {
      KG_RETURN_IF_ERROR(DatasetEntities(row));
      dataset_evidence.emplace();
      dataset_evidence->set_document(dataset_id_);
      if (!dataset_publisher_id_.empty()) dataset_evidence->set_publisher(dataset_publisher_id_);
      dataset_evidence->set_extractor(m.extractor);
    }
    const auto index_of = [&](const std::string& name) {
      for (size_t i = 0; i < m.entities.size(); ++i) {
        if (m.entities[i].name == name) return i;
      }
      return m.entities.size();
    };
    std::vector<v1::Statement> statements;
    for (size_t i = 0; i < m.statements.size(); ++i) {
      const events::StatementSpec& spec = m.statements[i];
      if (!spec.when.Holds(row)) continue;
      const std::optional<v1::Entity>& subject = entities[index_of(spec.subject)];
      if (!subject.has_value()) continue;
      int predicate_column = -1, column = -1;
      const std::string predicate = spec.predicate.Eval(row, &predicate_column);
      if (predicate.empty()) continue;
      v1::Statement st;
      st.set_subject(subject->id());
      st.set_predicate(predicate);
      if (spec.value.has_value()) {
        bool present = false;
        KG_ASSIGN_OR_RETURN(
            *st.mutable_object(),
            Typed(*spec.value, row, absl::StrCat("statements[", i, "].value"), &present));
        if (!present) continue;
      } else {
        const v1::Entity* object = nullptr;
        for (const std::string& name : spec.objects) {
          if (const auto& o = entities[index_of(name)]; o.has_value()) {
            object = &*o;
            break;
          }
        }
        // Nothing lies in itself: a place named at two levels is one entity.
        if (object == nullptr || object->id() == subject->id()) continue;
        st.mutable_object()->set_entity(object->id());
      }
      for (const bool from : {true, false}) {
        const std::string d = (from ? spec.valid_from : spec.valid_to).Eval(row, &column);
        if (d.empty()) continue;
        if (!IsDate(d)) {
          return RowError(column, absl::StrCat("statements[", i, "]: valid time '", d.substr(0, 64),
                                               "' is not YYYY[-MM[-DD]]"));
        }
        from ? st.set_valid_from(d) : st.set_valid_to(d);
      }
      // Checked once the statement is known to exist in this row.
      if (schema_.FindPredicate(predicate) == nullptr) {
        if (options_.skip_unmapped) {
          ++skipped_;
          continue;
        }
        return RowError(predicate_column,
                        absl::StrCat("statements[", i, "].predicate: '", predicate.substr(0, 64),
                                     "' is not a predicate of the schema (or import with "
                                     "skip_unmapped)"));
      }
      if (spec.cite == Cite::kDataset || sources.empty()) {
        if (!dataset_evidence.has_value()) {
          return RowError(m.sources.split_column,
                          "the row names no source and the mapping declares no dataset");
        }
        *st.add_evidence() = *dataset_evidence;
      } else {
        for (const Source& s : sources) {
          v1::Evidence* e = st.add_evidence();
          *e = s.evidence;
          if (!spec.graded) {
            e->clear_confidence();
            e->clear_reliability();
            e->clear_credibility();
          }
        }
      }
      statements.push_back(std::move(st));
    }
    if (!options_.sync.empty()) {
      const std::optional<v1::Entity>& row_entity = entities[index_of(m.row_entity)];
      if (row_entity.has_value()) KG_RETURN_IF_ERROR(ListRow(row_entity->id(), &statements));
    }
    // Publishers before the documents naming them, entities before the
    // statements.
    for (Source& s : sources) {
      if (s.publisher.has_value()) AddEntity(std::move(*s.publisher));
    }
    for (Source& s : sources) AddEntity(std::move(*s.document));
    for (std::optional<v1::Entity>& e : entities) {
      if (e.has_value()) AddEntity(std::move(*e));
    }
    for (v1::Statement& st : statements) AddStatement(std::move(st));
    return absl::OkStatus();
  }

  absl::Status DatasetEntities(const RowView& row) {
    if (dataset_id_.empty()) {
      if (mapping_->dataset_publisher.has_value()) {
        KG_ASSIGN_OR_RETURN(dataset_publisher_,
                            Entity(*mapping_->dataset_publisher, row, "dataset.publisher"));
        if (dataset_publisher_.has_value()) dataset_publisher_id_ = dataset_publisher_->id();
      }
      KG_ASSIGN_OR_RETURN(dataset_, Entity(*mapping_->dataset, row, "dataset.document"));
      if (!dataset_.has_value()) {
        return absl::InvalidArgumentError(
            "mapping: dataset.document: an id and a kind are required");
      }
      dataset_id_ = dataset_->id();
    }
    if (dataset_publisher_.has_value()) AddEntity(*dataset_publisher_);
    AddEntity(*dataset_);
    return absl::OkStatus();
  }

  void AddEntity(v1::Entity e) {
    auto [it, fresh] = entity_index_.try_emplace(e.id(), request_.entities_size());
    if (!fresh) return;
    *request_.add_entities() = std::move(e);
    ++records_;
  }

  void AddStatement(v1::Statement st) {
    v1::Statement key = st;
    key.clear_evidence();
    auto [it, fresh] =
        statement_index_.try_emplace(key.SerializeAsString(), request_.statements_size());
    if (fresh) {
      v1::Statement* s = request_.add_statements();
      *s = key;
      ++records_;
    }
    v1::Statement* s = request_.mutable_statements(it->second);
    for (v1::Evidence& e : *st.mutable_evidence()) {
      // The fields of the evidence id: a second record with the same ones
      // (another grading) would be a correction within one write.
      v1::Evidence identity = e;
      identity.clear_confidence();
      identity.clear_reliability();
      identity.clear_credibility();
      identity.clear_reported_on();
      if (!evidence_seen_.insert(absl::StrCat(it->second, "\x1f", identity.SerializeAsString()))
               .second) {
        continue;
      }
      *s->add_evidence() = std::move(e);
      ++records_;
      max_evidence_ = std::max(max_evidence_, s->evidence_size());
    }
  }

  void Flush(std::vector<v1::AssertRequest>* batches) {
    if (request_.entities_size() > 0 || request_.statements_size() > 0) {
      batches->push_back(std::move(request_));
    }
    request_.Clear();
    entity_index_.clear();
    statement_index_.clear();
    evidence_seen_.clear();
    records_ = 0;
    max_evidence_ = 0;
  }

  const ImportOptions options_;
  const Schema& schema_;
  const std::string text_;
  const events::Layout layout_;
  CsvReader reader_;
  std::optional<Mapping> mapping_;
  int64_t line_ = 0;
  int64_t skipped_ = 0;

  std::optional<v1::Entity> dataset_, dataset_publisher_;
  std::string dataset_id_, dataset_publisher_id_;

  // evidence_of: the statements last read, about `about_`.
  std::string about_;
  std::vector<v1::Statement> about_statements_;
  // sync: the rows of the input and the claims written about them.
  absl::flat_hash_set<std::string> rows_seen_;
  absl::flat_hash_set<uint64_t> claims_written_;

  v1::AssertRequest request_;
  absl::flat_hash_map<std::string, int> entity_index_;
  absl::flat_hash_map<std::string, int> statement_index_;
  absl::flat_hash_set<std::string> evidence_seen_;
  int64_t records_ = 0;
  int max_evidence_ = 0;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Importer>> NewEventsImporter(const ImportOptions& options,
                                                            const Schema& schema) {
  KG_ASSIGN_OR_RETURN(std::string text, events::MappingText(options.mapping));
  KG_ASSIGN_OR_RETURN(events::Layout layout, events::ParseLayout(text));
  auto importer =
      std::make_unique<EventsImporter>(options, schema, std::move(text), std::move(layout));
  KG_RETURN_IF_ERROR(importer->Init());
  return importer;
}

}  // namespace kg::interop
