// The STIX 2.1 mapping (interop/stix/mapping.txt, whose text the library
// embeds): STIX object types to kgd kinds and relationship types to
// predicates, both ways. docs/FORMATS.md describes the rules.

#ifndef KGD_INTEROP_STIX_MAPPING_H_
#define KGD_INTEROP_STIX_MAPPING_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "storage/schema.h"

namespace kg::interop::stix {

// The shipped mapping's text.
absl::string_view DefaultMappingText();

struct KindRule {
  std::string type;      // STIX object type
  std::string property;  // empty: any object of the type
  std::string value;     // compared without regard to case; "*" = present
  std::string kind;
};

// What an entity of some kind becomes on export.
struct ExportType {
  std::string type;
  std::string property;  // set to value when not empty
  std::string value;
};

class Mapping {
 public:
  // INVALID_ARGUMENT "stix_mapping line N: ..." naming the first bad line;
  // kinds and predicates must be in `schema`. At most 1 MiB and 10,000 rules.
  static absl::StatusOr<Mapping> Parse(absl::string_view text, const Schema& schema);

  // The rules for `type`, in order (empty when the type is not mapped).
  const std::vector<KindRule>* KindRules(absl::string_view type) const;
  bool Maps(absl::string_view type) const { return KindRules(type) != nullptr; }
  // The predicate of a relationship type; empty when unmapped.
  absl::string_view Predicate(absl::string_view relationship_type) const;

  // Export: the type of `kind` (the rule naming it or its nearest parent
  // kind); none when nothing names it or a parent.
  std::optional<ExportType> TypeOf(absl::string_view kind, const Schema& schema) const;
  // Export: the relationship type of `predicate` (the first rule naming it,
  // else the predicate with '_' as '-').
  std::string RelationshipType(absl::string_view predicate) const;

 private:
  absl::flat_hash_map<std::string, std::vector<KindRule>> kinds_;
  std::vector<KindRule> kind_order_;  // every kind rule, in order
  std::vector<std::pair<std::string, ExportType>> exports_;
  absl::flat_hash_map<std::string, std::string> predicates_;
  absl::flat_hash_map<std::string, std::string> types_of_predicates_;
};

}  // namespace kg::interop::stix

#endif  // KGD_INTEROP_STIX_MAPPING_H_
