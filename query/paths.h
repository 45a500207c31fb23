// Paths between two entities: the shortest, or the k shortest loopless ones.
//
// A path is a walk of hops over statements between entities (literal objects
// are never passed through); with direction kOut a hop goes subject ->
// object, with kIn object -> subject (reversed), with kBoth either way. Every
// hop passes the predicate allow/deny lists and the request's kg::Filter.
//
// The single shortest path uses a bidirectional breadth-first search when
// the direction allows (always: kIn edges are kOut edges seen from the other
// end). The k shortest loopless paths use Yen's algorithm over the same
// bounded search. Total work is capped by limits.max_path_expansions node
// expansions; when the cap stops a search the result says truncated and
// holds the paths found so far.
//
// No path within max_depth is an empty result, not an error.
//
// Example:
//   kg::PathFinder finder(store->schema());
//   KG_ASSIGN_OR_RETURN(kg::FindPathsResult r, finder.Find(*view,
//       {.from = "actor/turkey", .to = "group/hts", .max_depth = 4, .k = 3}));
//
// Thread safety: a PathFinder is immutable; Find may be called concurrently
// with different views.

#ifndef KGD_QUERY_PATHS_H_
#define KGD_QUERY_PATHS_H_

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

// Mirrors kg.v1.FindPathsRequest; 0 means "the default" as in the proto.
struct FindPathsRequest {
  std::string from;
  std::string to;
  int32_t max_depth = 0;  // hops, 1..limits.max_depth; 0 = 4
  int32_t k = 0;          // 1..limits.max_paths; 0 = 1 (shortest only)
  Direction direction = Direction::kOut;
  std::vector<std::string> predicates_allow;  // empty = any
  std::vector<std::string> predicates_deny;
  Filter filter;
};

// Mirrors kg.v1.PathHop.
struct PathHop {
  std::string from;
  std::string to;
  StatementId statement_id = 0;
  std::string predicate;
  bool reversed = false;  // traversed object -> subject
  double confidence = 0;  // the statement's aggregate over the filter
};

struct Path {
  std::vector<PathHop> hops;
};

struct FindPathsResult {
  std::vector<Path> paths;  // shortest first; ties in discovery order
  // The expansion cap stopped the search: shorter or further paths may
  // exist that were not found.
  bool truncated = false;
  int64_t expansions = 0;  // nodes expanded (ScanEdges calls)
};

class PathFinder final {
 public:
  // `schema` (used to reject unknown predicate names) must outlive the
  // PathFinder.
  explicit PathFinder(const Schema& schema, QueryLimits limits = {});

  // INVALID_ARGUMENT naming the field for a bad request; NOT_FOUND
  // "from: entity 'x' not found" / "to: ..." for an unknown endpoint.
  // from == to yields one empty path.
  absl::StatusOr<FindPathsResult> Find(View& view, const FindPathsRequest& request,
                                       const std::function<bool()>& is_cancelled = {}) const;

 private:
  const Schema& schema_;
  QueryLimits limits_;
};

}  // namespace kg

#endif  // KGD_QUERY_PATHS_H_
