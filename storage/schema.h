// The schema of the graph: a hierarchy of entity kinds and the predicates that
// may link them, each with a domain (subject kinds) and a range (object kinds
// and/or literal types).
//
// A schema is read from a small line-oriented text format (the built-in
// default, storage/default_schema.txt, documents it in full):
//
//   # comment
//   kind Actor                       # a base kind
//   kind State : Actor               # a sub-kind; the parent is declared first
//   predicate supplies : Actor -> Actor
//   predicate targeted : Incident -> Actor | Location
//   predicate occurred_in : Incident -> Location functional
//   predicate deaths : Incident -> integer
//   predicate description : Any -> string
//   predicate part_of : Actor | Location | Incident -> Actor | Location | Incident same_base
//   acyclic publishers : Actor               # kinds an evidence's publisher may have claimants :
//   Actor                # kinds an evidence's claimant entity may have
//
// A kind in a domain or range includes all its sub-kinds ("Village" is a
// "Location"). Kind names start with an upper-case letter; the literal types
// are string, integer, decimal, date and boolean; "Any" stands for every kind.
// Flags: "functional" (a subject has at most one object; a second one is a
// conflicting claim), "same_base" (subject and object must share their base
// kind, e.g. a Location is part of a Location, never of an Actor), "acyclic"
// (the predicate's entity edges never form a cycle or a self-loop: nothing is
// located in itself). Without a "publishers" or "claimants" line, any kind
// may publish or be a claimant.
//
// Example:
//   KG_ASSIGN_OR_RETURN(kg::Schema schema, kg::Schema::LoadFile(path));
//   KG_RETURN_IF_ERROR(schema.CheckStatement("occurred_in", "Airstrike",
//                                            kg::Value::Entity("loc/idlib"), "Region",
//                                            "statements[0]"));
//
// Thread safety: a Schema is immutable after Parse; any number of threads may
// read it.

#ifndef KGD_STORAGE_SCHEMA_H_
#define KGD_STORAGE_SCHEMA_H_

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/types.h"

namespace kg {

// The pseudo-kind that matches every kind in a domain or range.
inline constexpr std::string_view kAnyKind = "Any";

struct PredicateSpec {
  std::string name;
  // Kinds the subject may have; base kinds include their sub-kinds. Contains
  // kAnyKind for "any kind".
  std::vector<std::string> domain;
  // Kinds an entity object may have (same rules as domain); empty when the
  // object must be a literal.
  std::vector<std::string> range_kinds;
  // Literal types the object may have (never ValueType::kEntity); empty when
  // the object must be an entity.
  std::vector<ValueType> range_literals;
  // A subject has at most one object for this predicate; two different
  // objects are conflicting claims.
  bool functional = false;
  // Subject and object must have the same base kind.
  bool same_base = false;
  // No chain of live statements of this predicate leads from an entity back
  // to itself (self-loops included).
  bool acyclic = false;
};

class Schema {
 public:
  // Parses the text format above. INVALID_ARGUMENT "schema line N: <reason>"
  // for the first bad line (N counts from 1).
  static absl::StatusOr<Schema> Parse(std::string_view text);
  // Reads and parses a file. NOT_FOUND when it cannot be read; parse errors
  // as Parse, prefixed with the path.
  static absl::StatusOr<Schema> LoadFile(const std::string& path);
  // The built-in schema (the text of storage/default_schema.txt).
  static const Schema& Default();
  // The text Default() was parsed from: storage/default_schema.txt, byte for
  // byte, comments included.
  static std::string_view DefaultText();

  Schema() = default;

  bool IsKnownKind(std::string_view kind) const;
  // True when `kind` is `ancestor` or one of its descendants (reflexive), or
  // when `ancestor` is kAnyKind and `kind` is known. False for unknown kinds.
  bool IsKindOf(std::string_view kind, std::string_view ancestor) const;
  // The root of `kind`'s hierarchy ("Village" -> "Location"); empty when
  // unknown.
  std::string_view BaseKind(std::string_view kind) const;
  // nullptr if unknown. Valid for the life of the Schema.
  const PredicateSpec* FindPredicate(std::string_view name) const;

  // Checks a statement against the predicate's domain and range. Only the
  // object's type is checked, not its lexical form. `object_kind` is the kind
  // of an entity object, empty for literals. Returns OK, or
  // FAILED_PRECONDITION naming `field` and the reason, e.g.
  //   "statements[2]: predicate 'supplies' expects a subject of kind Actor, got Village"
  //   "statements[2]: predicate 'deaths' expects an object of type integer, got string"
  // and INVALID_ARGUMENT "statements[2].predicate: 'frobs' is not in the
  // schema" for an unknown predicate (a malformed request, not a conflict).
  absl::Status CheckStatement(std::string_view predicate, std::string_view subject_kind,
                              const Value& object, std::string_view object_kind,
                              std::string_view field) const;

  // Whether an entity of `kind` may be an evidence's publisher / claimant
  // (true for every kind when the schema has no such line).
  bool MayPublish(std::string_view kind) const;
  bool MayClaim(std::string_view kind) const;
  // OK when entity `id` of `kind` may publish (be a claimant); otherwise
  // FAILED_PRECONDITION "<field>: 'loc/idlib' is a Region; publishers must
  // be of kind Actor".
  absl::Status CheckPublisher(std::string_view id, std::string_view kind,
                              std::string_view field) const;
  absl::Status CheckClaimant(std::string_view id, std::string_view kind,
                             std::string_view field) const;
  // The declared kinds, in declaration order; empty when not declared.
  const std::vector<std::string>& publisher_kinds() const { return publisher_kinds_; }
  const std::vector<std::string>& claimant_kinds() const { return claimant_kinds_; }

  // The IRI an "iri" line gives a kind or predicate (for RDF, docs/RDF.md),
  // and the name an IRI stands for; empty when none is declared.
  std::string_view IriOf(std::string_view name) const;
  std::string_view NameOfIri(std::string_view iri) const;

  // In declaration order.
  std::vector<std::string> PredicateNames() const;
  std::vector<std::string> KindNames() const;

  // Canonical text (declaration order, single spaces, no comments) that
  // Parse() reads back into an identical Schema.
  std::string ToText() const;

 private:
  friend class SchemaParser;

  struct KindInfo {
    std::string parent;  // empty for a base kind
    std::string base;
  };

  bool MatchesAny(std::string_view kind, const std::vector<std::string>& kinds) const;

  std::map<std::string, KindInfo, std::less<>> kinds_;
  std::vector<std::string> kind_order_;
  std::map<std::string, PredicateSpec, std::less<>> predicates_;
  std::vector<std::string> predicate_order_;
  std::vector<std::string> publisher_kinds_;
  std::vector<std::string> claimant_kinds_;
  std::map<std::string, std::string, std::less<>> iris_;          // name -> IRI
  std::map<std::string, std::string, std::less<>> names_by_iri_;  // IRI -> name
  std::vector<std::string> iri_order_;
};

// "string", "integer", ... ; "entity" for kEntity.
std::string_view ValueTypeName(ValueType type);

}  // namespace kg

#endif  // KGD_STORAGE_SCHEMA_H_
