// kg.v1.GraphService: entity lookup and search, pattern match, neighbours,
// and the graph queries of query/ (traverse, paths, subgraph, timeline).

#ifndef KGD_SERVER_GRAPH_SERVICE_H_
#define KGD_SERVER_GRAPH_SERVICE_H_

#include "kg/v1/kg.grpc.pb.h"
#include "query/limits.h"
#include "query/paths.h"
#include "query/subgraph.h"
#include "query/timeline.h"
#include "query/traverse.h"
#include "server/gate.h"
#include "server/options.h"
#include "storage/store.h"

namespace kg::server {

// The query bounds the server's limits imply.
QueryLimits QueryLimitsOf(const ServerLimits& limits);

// Traverse is served by a reactor (a client that does not read holds no
// thread); the other rpcs are unary.
class GraphService final
    : public v1::GraphService::WithCallbackMethod_Traverse<v1::GraphService::Service> {
 public:
  // `store` and `gate` must outlive the service.
  GraphService(Store& store, CallGate& gate, const ServerLimits& limits);

  grpc::Status GetEntity(grpc::ServerContext* context, const v1::GetEntityRequest* request,
                         v1::Entity* response) override;
  grpc::Status SearchEntities(grpc::ServerContext* context,
                              const v1::SearchEntitiesRequest* request,
                              v1::SearchEntitiesResponse* response) override;
  grpc::Status MatchStatements(grpc::ServerContext* context,
                               const v1::MatchStatementsRequest* request,
                               v1::StatementsPage* response) override;
  grpc::Status Neighbors(grpc::ServerContext* context, const v1::NeighborsRequest* request,
                         v1::NeighborsResponse* response) override;
  grpc::ServerWriteReactor<v1::TraverseResponse>* Traverse(
      grpc::CallbackServerContext* context, const v1::TraverseRequest* request) override;
  grpc::Status FindPaths(grpc::ServerContext* context, const v1::FindPathsRequest* request,
                         v1::FindPathsResponse* response) override;
  grpc::Status Subgraph(grpc::ServerContext* context, const v1::SubgraphRequest* request,
                        v1::SubgraphResponse* response) override;
  grpc::Status Timeline(grpc::ServerContext* context, const v1::TimelineRequest* request,
                        v1::TimelineResponse* response) override;

 private:
  class TraverseReactor;

  Store& store_;
  CallGate& gate_;
  const ServerLimits limits_;
  const Traverser traverser_;
  const PathFinder path_finder_;
  const SubgraphBuilder subgraph_builder_;
  const TimelineBuilder timeline_builder_;
};

}  // namespace kg::server

#endif  // KGD_SERVER_GRAPH_SERVICE_H_
