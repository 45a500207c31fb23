// The subgraph around seed entities: every node within max_depth hops (as a
// Traverser would reach it) and every edge between two such nodes that
// passes the predicate lists and the filter. Capped on nodes (those reached,
// seeds excluded: every seed is included, then at most max_nodes more) and
// on edges; the result says truncated when a cap cut it. For pictures and
// export.
//
// Example:
//   kg::SubgraphBuilder builder(store->schema());
//   KG_ASSIGN_OR_RETURN(kg::SubgraphResult g,
//                       builder.Build(*view, {.seeds = {"actor/turkey"}, .max_depth = 2}));
//
// Thread safety: immutable; Build may be called concurrently with different
// views.

#ifndef KGD_QUERY_SUBGRAPH_H_
#define KGD_QUERY_SUBGRAPH_H_

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

// Mirrors kg.v1.SubgraphRequest; 0 means "the default" as in the proto.
struct SubgraphRequest {
  std::vector<std::string> seeds;  // 1..limits.max_seeds entity ids
  int32_t max_depth = 0;           // 1..limits.max_depth; 0 = 1
  Direction direction = Direction::kOut;
  std::vector<std::string> predicates_allow;
  std::vector<std::string> predicates_deny;
  std::vector<std::string> kinds;  // kinds of nodes to include; empty = any
  int32_t max_nodes = 0;           // nodes reached, seeds excluded; 0 = default
  int32_t max_edges = 0;           // 0 = limits.default_max_edges
  Filter filter;
};

// Mirrors kg.v1.SubgraphEdge. Only entity-to-entity edges are included.
struct SubgraphEdge {
  StatementId statement_id = 0;
  std::string subject;
  std::string predicate;
  std::string object;
  double confidence = 0;
  int32_t independent_sources = 0;
};

struct SubgraphResult {
  std::vector<Entity> nodes;        // BFS order, seeds first
  std::vector<SubgraphEdge> edges;  // each statement once
  bool truncated = false;
};

class SubgraphBuilder final {
 public:
  // `schema` must outlive the builder.
  explicit SubgraphBuilder(const Schema& schema, QueryLimits limits = {});

  // Errors as Traverser::Run.
  absl::StatusOr<SubgraphResult> Build(View& view, const SubgraphRequest& request,
                                       const std::function<bool()>& is_cancelled = {}) const;

 private:
  const Schema& schema_;
  QueryLimits limits_;
};

}  // namespace kg

#endif  // KGD_QUERY_SUBGRAPH_H_
