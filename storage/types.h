// Value types of the knowledge graph: entities, statements, evidence, and the
// filter every read takes.
//
// A statement (subject – predicate – object) is a claim; each Evidence record
// is one source saying so (or denying it). Nothing is deleted by a normal
// write: evidence carries the transaction time it was ingested and, once
// retracted, the time it was retracted, so every read can be asked "as of" a
// past moment.
//
// These are plain structs with no RocksDB, gRPC or protobuf types in them.
//
// Example:
//   kg::Statement s;
//   s.subject = "actor/turkey";
//   s.predicate = "supplies";
//   s.object = kg::Value::Entity("actor/opposition");
//   kg::Evidence e;
//   e.document = "doc/aa-2019-05-11";
//   e.publisher = "outlet/reuters";
//   e.claimant_description = "senior opposition sources";
//   e.stance = kg::Stance::kAsserts;
//   e.confidence = 0.7;
//   s.evidence.push_back(e);

#ifndef KGD_STORAGE_TYPES_H_
#define KGD_STORAGE_TYPES_H_

#include <cstdint>
#include <limits>
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace kg {

// Transaction time: microseconds since the Unix epoch, assigned by the store.
// Strictly increasing across all writes of one database.
using TxTime = int64_t;

// "The current state of the graph" when used as an as_of time.
inline constexpr TxTime kLatest = std::numeric_limits<TxTime>::max();

// Compact id of a term (entity id, predicate or literal) in the store's
// dictionary. Stable for the life of a database; 0 is never a valid id.
using TermId = uint64_t;

// Id of a statement, assigned by the store on first assert of its triple.
// Stable for the life of a database; 0 is never a valid id.
using StatementId = uint64_t;

// Stored on disk: DO NOT CHANGE the numeric values.
enum class ValueType : uint8_t {
  kEntity = 0,  // lexical is an entity id
  kString = 1,
  kInteger = 2,  // decimal digits with optional sign, fits in int64
  kDecimal = 3,  // [-]digits[.digits]
  kDate = 4,     // YYYY, YYYY-MM or YYYY-MM-DD
  kBoolean = 5,  // "true" or "false"
};

// The object of a statement or the value of an attribute: an entity reference
// or a typed literal in its canonical lexical form.
struct Value {
  ValueType type = ValueType::kEntity;
  std::string lexical;

  static Value Entity(std::string id) { return {ValueType::kEntity, std::move(id)}; }
  static Value String(std::string s) { return {ValueType::kString, std::move(s)}; }
  bool is_entity() const { return type == ValueType::kEntity; }
  friend bool operator==(const Value& a, const Value& b) {
    return a.type == b.type && a.lexical == b.lexical;
  }
  friend bool operator<(const Value& a, const Value& b) {
    return a.type != b.type ? a.type < b.type : a.lexical < b.lexical;
  }
};

struct Entity {
  // Client-chosen stable id, e.g. "actor/turkey". 1..256 bytes of printable
  // UTF-8 without whitespace.
  std::string id;
  // A kind known to the schema, e.g. "State", "Village", "Airstrike".
  std::string kind;
  // Display name; also searchable.
  std::string label;
  // Other names and spellings; all searchable.
  std::vector<std::string> aliases;
  // Typed attributes, e.g. "population" -> Integer "12000". An incident's
  // date uses the attributes "date" (and optionally "end_date"); a
  // document's use "url", "title", "publisher" and "date".
  std::map<std::string, Value> attributes;
  // External identifiers by scheme: "wikidata" -> "Q43", "stix" -> ...,
  // "cameo" -> "TUR", "acled" -> "Military Forces of Turkey".
  std::map<std::string, std::string> external_ids;
  std::optional<double> latitude;   // degrees, [-90, 90]
  std::optional<double> longitude;  // degrees, [-180, 180]

  // Set by the store; ignored on write.
  std::string merged_into;  // id of the entity this one was merged into
  TxTime updated_at = 0;
  std::string updated_by;
};

// Stored on disk: DO NOT CHANGE the numeric values.
enum class Stance : uint8_t {
  kAsserts = 0,  // the source states it as fact
  kDenies = 1,   // the source denies it
  kClaims = 2,   // the source reports it as someone's claim ("reportedly")
};

// The part of an evidence record a correction may change: re-sending the
// same evidence (same id) with other values revises it (see Evidence).
struct EvidenceGrade {
  double confidence = 1.0;
  char reliability = 'F';
  int32_t credibility = 6;
  std::string reported_on;
  friend bool operator==(const EvidenceGrade& a, const EvidenceGrade& b) {
    return a.confidence == b.confidence && a.reliability == b.reliability &&
           a.credibility == b.credibility && a.reported_on == b.reported_on;
  }
  friend bool operator!=(const EvidenceGrade& a, const EvidenceGrade& b) { return !(a == b); }
};

// One correction of an evidence record: from transaction time `at` on, the
// record holds `after` instead of `before`.
struct EvidenceRevision {
  TxTime at = 0;
  std::string by;  // the principal of the correcting write
  EvidenceGrade before;
  EvidenceGrade after;
};

// One source's claim about one statement.
struct Evidence {
  // Set by the store: a digest of (statement, document, publisher, claimant,
  // claimant_description, excerpt, span, stance, extractor). Re-sending the
  // same evidence yields the same id and stores nothing new.
  std::string id;
  std::string document;   // entity id of the Document; required
  std::string publisher;  // entity id of the outlet that published it
  // Who the claim is attributed to: an entity id, and/or a description of an
  // anonymous source ("senior opposition sources").
  std::string claimant;
  std::string claimant_description;
  std::string excerpt;  // the quoted text
  // Character span of the excerpt in the document: [span_begin, span_end),
  // in Unicode code points; both -1 when unknown.
  int32_t span_begin = -1;
  int32_t span_end = -1;
  Stance stance = Stance::kAsserts;
  double confidence = 1.0;  // [0, 1]
  // NATO Admiralty grading: source reliability 'A' (reliable) .. 'F' (cannot
  // be judged); information credibility 1 (confirmed) .. 6 (cannot be judged).
  char reliability = 'F';
  int32_t credibility = 6;
  std::string extractor;    // "analyst:jdoe", "model:ner-v3", "importer:gdelt"
  std::string reported_on;  // date of the report, YYYY[-MM[-DD]]; may be empty
  // The story copies of one text share across documents (a wire story, a
  // content digest); records of one story are one independent source.
  std::string story;

  // Set by the store; ignored on write.
  TxTime ingested_at = 0;
  std::string ingested_by;
  TxTime retracted_at = 0;  // 0 while not retracted
  std::string retracted_by;
  std::string retraction_reason;
  // Corrections of confidence, grading and reported_on made up to the read's
  // time, oldest first; the fields above hold the values in force then.
  std::vector<EvidenceRevision> revisions;

  EvidenceGrade grade() const { return {confidence, reliability, credibility, reported_on}; }
  void set_grade(EvidenceGrade g) {
    confidence = g.confidence;
    reliability = g.reliability;
    credibility = g.credibility;
    reported_on = std::move(g.reported_on);
  }
};

// The derived view of a statement over the evidence a filter selects.
// Aggregate confidence (documented in FORMAT.md and the proto):
//   independent sources are groups of evidence (see kg::IndependenceKey);
//   support = 1 - prod over supporting groups (1 - max confidence in group);
//   denial  = 1 - prod over denying groups    (1 - max confidence in group);
//   confidence = support * (1 - denial).
struct Corroboration {
  int32_t evidence_count = 0;       // selected, live evidence records
  int32_t independent_sources = 0;  // distinct independence groups
  int32_t publishers = 0;           // distinct publishers
  int32_t claimants = 0;            // distinct claimants (entity or description)
  int32_t supporting = 0;           // records that assert or claim
  int32_t denying = 0;              // records that deny
  std::string first_reported;       // min reported_on, empty if none
  std::string last_reported;        // max reported_on
  double confidence = 0;            // aggregate, [0, 1]
  bool disputed = false;            // at least one denial among the selected
  friend bool operator==(const Corroboration&, const Corroboration&) = default;
};

struct Statement {
  StatementId id = 0;  // set by the store
  std::string subject;
  std::string predicate;
  Value object;
  // Valid time: when it held in the world, YYYY[-MM[-DD]]; empty = open.
  std::string valid_from;
  std::string valid_to;
  std::vector<Evidence> evidence;
  // Computed on read over the evidence the read's filter selects.
  Corroboration corroboration;
};

// The trust policy and time travel of a read. Evidence-level selectors pick
// which evidence counts; a statement passes when at least one evidence record
// is selected and its Corroboration over the selection meets the minimums.
struct Filter {
  // Transaction time: answer as the graph stood at this moment.
  TxTime as_of = kLatest;
  // Evidence selectors.
  std::vector<std::string> publishers_allow;  // empty = any publisher
  std::vector<std::string> publishers_deny;
  char min_reliability = 'F';   // keep evidence graded this or better ('A' best)
  int32_t max_credibility = 6;  // keep evidence graded this or better (1 best)
  // Statement-level minimums over the selected evidence.
  double min_confidence = 0;
  int32_t min_sources = 0;  // independent sources
  int32_t max_sources = 0;  // 0 = no bound
  // Valid time: the statement's interval must overlap [valid_from, valid_to];
  // empty bounds are open.
  std::string valid_from;
  std::string valid_to;

  // True when only as_of and the statement-level minimums are set, so that
  // the per-statement summary kept in the indexes can answer it.
  bool SelectsAllEvidence() const {
    return publishers_allow.empty() && publishers_deny.empty() && min_reliability >= 'F' &&
           max_credibility >= 6;
  }
};

}  // namespace kg

#endif  // KGD_STORAGE_TYPES_H_
