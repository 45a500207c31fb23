// Internal to query/: the pieces every graph query shares — validating the
// common request fields, resolving predicate allow/deny lists to term ids,
// the node-kind check, and walking the edges at a node.

#ifndef KGD_QUERY_EDGE_FILTER_H_
#define KGD_QUERY_EDGE_FILTER_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/schema.h"
#include "storage/store.h"
#include "storage/types.h"
#include "storage/validation.h"

namespace kg::query_internal {

// INVALID_ARGUMENT naming the field when the filter's fields are out of
// range ("filter.min_confidence: must be in [0, 1], got 1.5"): storage's
// CheckFilter, the one filter checker.
absl::Status ValidateFilter(const Filter& filter);

// INVALID_ARGUMENT "<field>: must be <lo>..<hi>, got <v>" unless lo <= v <= hi.
absl::Status CheckRange(const std::string& field, int64_t value, int64_t lo, int64_t hi);

// True for a real date YYYY, YYYY-MM or YYYY-MM-DD: storage's IsValidDate,
// the one date checker.
inline bool IsDate(std::string_view date) { return IsValidDate(date); }

// Resolves `id` to its term; NOT_FOUND "<field>: entity '<id>' not found"
// when no such entity existed as of `as_of` (as View::GetEntity says).
absl::StatusOr<TermId> ResolveEntity(View& view, const std::string& field, const std::string& id,
                                     TxTime as_of);

// Which edges a query may follow: a direction, and the predicate lists
// resolved to term ids. Unknown predicate names are rejected when a schema is
// given; names that never occur in the store simply match nothing.
class EdgePolicy {
 public:
  static absl::StatusOr<EdgePolicy> Make(View& view, const Schema* schema, Direction direction,
                                         const std::vector<std::string>& allow,
                                         const std::vector<std::string>& deny);

  Direction direction() const { return direction_; }

  // One traversal step out of `node`: the edge and whether it was taken
  // object -> subject. `neighbour` is the node at the other end.
  struct Step {
    const Edge* edge;
    bool reversed;
    TermId neighbour;
  };

  // Calls `visit` for each edge at `node` allowed by the policy that passes
  // the filter and ends at an entity other than `node` itself; stops when
  // visit returns false. Counts every edge the scans produced into
  // *examined.
  absl::Status ForEach(View& view, TermId node, const Filter& filter, int64_t* examined,
                       const std::function<bool(const Step&)>& visit) const;

  // The same policy walked the other way (for a backward search).
  EdgePolicy Reversed() const;

 private:
  Direction direction_ = Direction::kOut;
  bool match_nothing_ = false;  // an allow list none of whose names exist
  std::vector<TermId> allow_;   // empty = any
  std::unordered_set<TermId> deny_;
};

// Caches the answer to "may the traversal enter this node?" for a list of
// kinds (empty = any), and each node's kind.
class KindCheck {
 public:
  KindCheck(const Schema& schema, std::vector<std::string> kinds, TxTime as_of)
      : schema_(schema), kinds_(std::move(kinds)), as_of_(as_of) {}

  // INVALID_ARGUMENT "kinds[i]: unknown kind 'x'".
  absl::Status Validate() const;
  bool any() const { return kinds_.empty(); }
  absl::StatusOr<bool> Admits(View& view, TermId node);
  absl::StatusOr<std::string> KindOf(View& view, TermId node);

 private:
  const Schema& schema_;
  std::vector<std::string> kinds_;
  TxTime as_of_;
  std::unordered_map<TermId, std::string> kind_;
};

// Caches term -> lexical form.
class TermNames {
 public:
  absl::StatusOr<std::string> Name(View& view, TermId term);

 private:
  std::unordered_map<TermId, std::string> names_;
};

}  // namespace kg::query_internal

#endif  // KGD_QUERY_EDGE_FILTER_H_
