// The column mapping of an event table (docs/FORMATS.md, "Event tables"):
// a JSON document saying how each row of a CSV becomes an incident, its
// actors, places, figures and sources. Parsed once per import; evaluated
// per row by interop/events_import.cc.
//
// Values come from templates: "ucdp/actor/{side_a_new_id}" substitutes
// columns, "{col|slug}" / "{col|date}" / "{col|hash}" / "{col|lower}"
// transform them, and a template naming an empty column is empty (the
// entity or statement it belongs to is then left out). A value may instead
// be an object {"column"|"template": ..., "codes"|"prefixes"|"suffixes":
// {...}, "default": ...} that looks the value up in a code table.

#ifndef KGD_INTEROP_EVENTS_MAPPING_H_
#define KGD_INTEROP_EVENTS_MAPPING_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kg/v1/types.pb.h"

namespace kg::interop::events {

// What a template reads: the row's fields by column index, and within a
// source the fields of the source's item.
struct RowView {
  const std::vector<absl::string_view>* fields = nullptr;
  absl::string_view item;                          // "{item}": a source's text
  const std::vector<std::string>* part = nullptr;  // "{part.N}": its fields
  const std::vector<std::string>* nulls = nullptr;
};

// One piece of a template: literal text, or a column (or part) with
// transforms.
struct Piece {
  std::string literal;
  int column = -1;  // index into the row
  int part = -1;    // index into the source item's fields
  bool item = false;
  std::vector<std::string> transforms;
};

// A template or a code-table lookup; empty = absent.
class ValueSpec {
 public:
  bool present() const { return present_; }
  // The value for this row; "" when a named column is empty or no code
  // matches and there is no default. `column` is set to the column the
  // value came from (for error messages), or -1.
  std::string Eval(const RowView& row, int* column = nullptr) const;

 private:
  friend class MappingParser;
  bool present_ = false;
  std::vector<ValueSpec> alternatives_;  // a list: the first that is not empty
  std::vector<Piece> pieces_;
  std::map<std::string, std::string> codes_;
  std::vector<std::pair<std::string, std::string>> prefixes_, suffixes_;  // lower-cased keys
  bool has_table_ = false;
  std::optional<std::string> default_;
};

enum class LiteralType { kString, kInteger, kDecimal, kDate, kBoolean, kEntity };

struct TypedSpec {
  ValueSpec value;
  LiteralType type = LiteralType::kString;
};

// "when": {"column": C, "in": [...]} (or "not_in"): the entity or
// statement exists only in rows whose column C holds one of the values.
struct Condition {
  int column = -1;  // -1: always
  std::vector<std::string> values;
  bool negate = false;
  bool Holds(const RowView& row) const;
};

struct EntitySpec {
  std::string name;  // how statements refer to it
  Condition when;
  ValueSpec id, kind, label;
  std::vector<ValueSpec> aliases;
  std::vector<std::pair<std::string, TypedSpec>> attributes;
  std::vector<std::pair<std::string, ValueSpec>> external_ids;
  ValueSpec latitude, longitude;
};

enum class Cite { kSources, kDataset };

struct StatementSpec {
  Condition when;
  std::string subject;
  ValueSpec predicate;
  std::vector<std::string> objects;  // entity names: the first present one
  std::optional<TypedSpec> value;    // or a literal
  ValueSpec valid_from, valid_to;
  Cite cite = Cite::kSources;
  // false: the evidence carries no confidence or grading. For statements
  // many rows support from the same article (a dyad's clashes_with): one
  // record per article, whatever each row's precision.
  bool graded = true;
};

struct SourcesSpec {
  int split_column = -1;  // several sources in one column
  std::string separator;
  std::string trim;  // bytes stripped from both ends of each item
  std::string field_separator;
  int max_fields = 0;  // 0 = no limit
  std::optional<EntitySpec> document, publisher;
  ValueSpec reported_on, excerpt, claimant_description, story;
  std::vector<ValueSpec> confidence;  // their product
  ValueSpec reliability, credibility;
  ValueSpec span_begin, span_end;
};

// "evidence_of": a row brings no statements of its own; its sources become
// evidence of the statements the graph already holds about one entity (a
// GDELT mention of an event the events table imported).
struct EvidenceOfSpec {
  ValueSpec subject;                    // the entity's id
  std::vector<std::string> predicates;  // empty: every predicate
};

struct Mapping {
  std::string name;
  std::vector<std::string> columns;  // by index
  std::vector<std::string> nulls;    // values read as empty
  std::string extractor;             // evidence.extractor
  std::optional<EntitySpec> dataset, dataset_publisher;
  std::vector<EntitySpec> entities;
  std::vector<StatementSpec> statements;
  SourcesSpec sources;
  int max_sources = 32;  // items read from one row
  std::optional<EvidenceOfSpec> evidence_of;
  // "row": the entity whose id identifies a row, for a synced import.
  std::string row_entity;
};

// How the table is laid out, known before its first record is read.
struct Layout {
  char delimiter = ',';
  bool quoting = true;
  bool header = true;                // the first record names the columns
  std::vector<std::string> columns;  // without a header: the columns, in order
};
absl::StatusOr<Layout> ParseLayout(absl::string_view json);

// Parses a mapping whose column names resolve against `columns` (the
// header's, or the layout's). INVALID_ARGUMENT "mapping: <where>: <why>".
absl::StatusOr<Mapping> ParseMapping(absl::string_view json,
                                     const std::vector<std::string>& columns);

// The mappings shipped in interop/mappings/, by name ("ucdp_ged", ...).
const std::map<std::string, std::string>& ShippedMappings();

// `mapping` is a shipped mapping's name or the text of one.
absl::StatusOr<std::string> MappingText(absl::string_view mapping);

}  // namespace kg::interop::events

#endif  // KGD_INTEROP_EVENTS_MAPPING_H_
