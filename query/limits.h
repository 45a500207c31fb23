// Bounds shared by the graph queries (traverse, paths, subgraph, timeline).
//
// Every query validates its request against a QueryLimits and never does
// more work than these allow. The server fills one from its configuration;
// the defaults below are the values used when a request leaves a field 0.

#ifndef KGD_QUERY_LIMITS_H_
#define KGD_QUERY_LIMITS_H_

#include <cstdint>

namespace kg {

struct QueryLimits {
  // Largest max_depth a traversal, subgraph or path search may ask for.
  int32_t max_depth = 6;
  // Most seeds one traversal or subgraph may start from.
  int32_t max_seeds = 100;
  // Caps on a traversal's or subgraph's nodes reached (seeds excluded, so
  // max_nodes = N yields up to N nodes besides the seeds) and edges: the
  // defaults apply when a request says 0, the maxima bound what it may ask
  // for.
  int32_t default_max_nodes = 10000;
  int32_t max_nodes = 100000;
  int32_t default_max_edges = 50000;
  int32_t max_edges = 500000;
  // Most paths FindPaths may return (k).
  int32_t max_paths = 20;
  // Node expansions (one ScanEdges call each) one path search may spend in
  // total; past it the search stops and reports truncated. Bounds the cost
  // of k-shortest-paths on dense graphs.
  int64_t max_path_expansions = 200000;
  // Edges examined by one query (every ScanEdges callback counts), across
  // all its scans. Bounds fan-out at hub nodes.
  int64_t max_edges_examined = 5000000;
  // Timeline page sizes.
  int32_t default_page_size = 100;
  int32_t max_page_size = 1000;
  // Incidents and sub-places one timeline may gather before sorting.
  int32_t max_timeline_incidents = 200000;
  int32_t max_sub_places = 100000;
};

}  // namespace kg

#endif  // KGD_QUERY_LIMITS_H_
