// Breadth-first traversal from seed entities over the statement graph.
//
// Nodes are entities (literal objects are never entered). From each node the
// traversal follows the edges in the requested direction that pass the
// predicate allow/deny lists and the request's kg::Filter; a node is entered
// only when its kind is one of `kinds` (a base kind includes its sub-kinds).
// Each node is reported once, at its smallest depth, with the edge it was
// first reached by, in breadth-first order (seeds first, depth 0).
//
// Work is bounded: at most max_nodes nodes are reached (seeds excluded: every
// seed is reported, then at most max_nodes more) and at most max_edges edges
// are followed into new nodes; when a cap stops the traversal early,
// the summary says truncated. The view's cancellation check (and the
// `is_cancelled` passed here) is polled between nodes; cancellation returns
// CANCELLED.
//
// Example:
//   kg::Traverser traverser(store->schema());
//   std::unique_ptr<kg::View> view = store->NewView();
//   kg::TraverseRequest request{.seeds = {"actor/turkey"}, .max_depth = 2};
//   KG_ASSIGN_OR_RETURN(kg::TraverseSummary summary,
//       traverser.Run(*view, request, [&](const kg::TraversalStep& step) {
//         Print(step);
//         return true;  // false stops the traversal (CANCELLED)
//       }));
//
// Thread safety: a Traverser is immutable; Run may be called concurrently
// with different views.

#ifndef KGD_QUERY_TRAVERSE_H_
#define KGD_QUERY_TRAVERSE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "query/limits.h"
#include "storage/schema.h"
#include "storage/store.h"
#include "storage/types.h"

namespace kg {

// Mirrors kg.v1.TraverseRequest; 0 means "the default" as in the proto.
struct TraverseRequest {
  std::vector<std::string> seeds;  // 1..limits.max_seeds entity ids
  int32_t max_depth = 0;           // 1..limits.max_depth; 0 = 2
  Direction direction = Direction::kOut;
  std::vector<std::string> predicates_allow;  // empty = any
  std::vector<std::string> predicates_deny;
  std::vector<std::string> kinds;  // kinds of nodes to enter; empty = any
  int32_t max_nodes = 0;           // nodes reached, seeds excluded; 0 = default
  int32_t max_edges = 0;           // 0 = limits.default_max_edges
  Filter filter;                   // applied to every edge
  // The negation of the proto's omit_labels: when false, steps carry no
  // label (saves one entity-record read per node). The kind is always filled.
  bool include_labels = true;
};

// Mirrors kg.v1.TraversalStep.
struct TraversalStep {
  std::string node;
  int32_t depth = 0;  // 0 for seeds
  std::string kind;
  std::string label;
  StatementId via_statement = 0;  // 0 for seeds
  std::string via_predicate;
  std::string from_node;  // empty for seeds
};

struct TraverseSummary {
  int64_t nodes = 0;           // steps emitted, seeds included
  int64_t edges_examined = 0;  // edges the scans produced
  bool truncated = false;      // a cap stopped the traversal early
};

class Traverser final {
 public:
  // `schema` must outlive the Traverser.
  explicit Traverser(const Schema& schema, QueryLimits limits = {});

  // Validates the request (INVALID_ARGUMENT naming the field; NOT_FOUND
  // "seeds[i]: entity 'x' not found" for a seed that did not exist as of
  // filter.as_of), then emits steps in BFS order to
  // `sink`. A sink returning false stops the run with CANCELLED.
  absl::StatusOr<TraverseSummary> Run(View& view, const TraverseRequest& request,
                                      const std::function<bool(const TraversalStep&)>& sink,
                                      const std::function<bool()>& is_cancelled = {}) const;

 private:
  const Schema& schema_;
  QueryLimits limits_;
};

}  // namespace kg

#endif  // KGD_QUERY_TRAVERSE_H_
