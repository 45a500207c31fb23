// A foreign RDF vocabulary mapped onto kgd's (docs/RDF.md, "Foreign
// vocabularies"): which IRIs of an input are which kinds, predicates,
// labels and attributes, so that a platform's own RDF imports as it is.
//
//   kind State <http://example.org/type/state_actor>
//   predicates <http://example.org/p/>      <ns>backs is the predicate backs
//   label <http://example.org/p/name>
//   attribute publisher <http://example.org/p/publisher>
//   default_kind Document <http://example.org/doc/>
//   confidence <http://example.org/p/confidence>
//   skip_graph <urn:example:asserted>

#ifndef KGD_INTEROP_RDF_MAPPING_H_
#define KGD_INTEROP_RDF_MAPPING_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/schema.h"

namespace kg::interop {

struct RdfMapping {
  absl::flat_hash_map<std::string, std::string> kinds;       // type IRI -> kind
  absl::flat_hash_map<std::string, std::string> predicates;  // IRI -> predicate
  std::vector<std::string> predicate_namespaces;
  absl::flat_hash_set<std::string> labels, aliases;
  absl::flat_hash_map<std::string, std::string> attributes;  // IRI -> attribute
  // IRI prefix -> the kind of an entity under it that names no type.
  std::vector<std::pair<std::string, std::string>> default_kinds;
  // Its object is the confidence of the evidence the quad just before it,
  // in the same graph, gave its statement.
  std::string confidence;
  absl::flat_hash_set<std::string> skip_graphs;

  // The predicate an IRI names, if the mapping says.
  std::optional<std::string> PredicateOf(absl::string_view iri) const;
  // The kind an entity under one of default_kind's prefixes gets.
  std::optional<std::string> DefaultKindOf(absl::string_view iri) const;
};

// Parses a mapping; kinds and predicates must be the schema's.
// INVALID_ARGUMENT "line 3: ..." otherwise.
absl::StatusOr<RdfMapping> ParseRdfMapping(absl::string_view text, const Schema& schema);

}  // namespace kg::interop

#endif  // KGD_INTEROP_RDF_MAPPING_H_
