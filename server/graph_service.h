// kg.v1.GraphService: entity lookup and search, pattern match, neighbours,
// the graph queries of query/ (traverse, paths, subgraph, timeline), Export
// and the change feed (Watch).

#ifndef KGD_SERVER_GRAPH_SERVICE_H_
#define KGD_SERVER_GRAPH_SERVICE_H_

#include <memory>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "kg/v1/kg.grpc.pb.h"
#include "query/limits.h"
#include "query/paths.h"
#include "query/subgraph.h"
#include "query/timeline.h"
#include "query/traverse.h"
#include "server/options.h"
#include "server/rpc.h"
#include "storage/store.h"

namespace kg::server {

// The query bounds the server's limits imply.
QueryLimits QueryLimitsOf(const ServerLimits& limits);

// Traverse, FindPaths, Subgraph and Timeline walk the graph and run on the
// worker pool (Traverse then streams its steps as the client reads them; a
// client that does not read holds no thread), as do Export's and Watch's
// pages; the other rpcs read what their answer holds, on gRPC's callback
// thread.
class GraphService final : public RawService<v1::GraphService::Service> {
 public:
  // `store` and `path` must outlive the service.
  GraphService(Store& store, const CallPath& path);

  // Ends every open Watch with UNAVAILABLE and refuses new ones: a watch
  // never ends by itself, and would hold a shutdown for its whole grace.
  void StopWatches() ABSL_LOCKS_EXCLUDED(watches_mu_);

 private:
  class TraverseReactor;
  class ExportReactor;
  class WatchReactor;
  struct WatchFollower;

  // Export's reactor (server/graph_export.cc).
  grpc::ServerWriteReactor<grpc::ByteBuffer>* StartExport(grpc::CallbackServerContext* context,
                                                          const grpc::ByteBuffer& request);
  // Watch's reactor (server/graph_watch.cc).
  grpc::ServerWriteReactor<grpc::ByteBuffer>* StartWatch(grpc::CallbackServerContext* context,
                                                         const grpc::ByteBuffer& request);
  // Registers an open watch for StopWatches; false once it has run.
  bool AddWatch(std::weak_ptr<WatchFollower> follower) ABSL_LOCKS_EXCLUDED(watches_mu_);

  absl::Status OnGetEntity(CallScope& call, const v1::GetEntityRequest& request,
                           v1::Entity& response);
  absl::Status OnSearchEntities(CallScope& call, const v1::SearchEntitiesRequest& request,
                                v1::SearchEntitiesResponse& response);
  absl::Status OnMatchStatements(CallScope& call, const v1::MatchStatementsRequest& request,
                                 v1::StatementsPage& response);
  absl::Status OnNeighbors(CallScope& call, const v1::NeighborsRequest& request,
                           v1::NeighborsResponse& response);
  absl::Status OnFindPaths(CallScope& call, const v1::FindPathsRequest& request,
                           v1::FindPathsResponse& response);
  absl::Status OnSubgraph(CallScope& call, const v1::SubgraphRequest& request,
                          v1::SubgraphResponse& response);
  absl::Status OnTimeline(CallScope& call, const v1::TimelineRequest& request,
                          v1::TimelineResponse& response);

  Store& store_;
  const ServerLimits& limits_;
  const Traverser traverser_;
  const PathFinder path_finder_;
  const SubgraphBuilder subgraph_builder_;
  const TimelineBuilder timeline_builder_;
  absl::Mutex watches_mu_;
  bool watches_stopped_ ABSL_GUARDED_BY(watches_mu_) = false;
  std::vector<std::weak_ptr<WatchFollower>> watches_ ABSL_GUARDED_BY(watches_mu_);
};

}  // namespace kg::server

#endif  // KGD_SERVER_GRAPH_SERVICE_H_
