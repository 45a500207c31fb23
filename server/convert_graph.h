// Conversions between the GraphService messages and the request and result
// types of query/ (neighbours, traverse, paths, subgraph, timeline), so that
// each rpc body reads convert -> call -> convert. Like server/convert.h:
// wire shape only; errors name the field.

#ifndef KGD_SERVER_CONVERT_GRAPH_H_
#define KGD_SERVER_CONVERT_GRAPH_H_

#include "absl/status/statusor.h"
#include "kg/v1/kg.pb.h"
#include "query/neighbors.h"
#include "query/paths.h"
#include "query/subgraph.h"
#include "query/timeline.h"
#include "query/traverse.h"
#include "storage/store.h"

namespace kg::server {

// The ids, names and lists of each request are held to the bounds of
// storage/validation.h before anything is looked up.

// The id: required, at most kg::kMaxIdBytes.
absl::Status CheckGetEntityRequest(const v1::GetEntityRequest& request);
// The query (1..kg::kMaxSearchBytes) and the kinds list.
absl::Status CheckSearchEntitiesRequest(const v1::SearchEntitiesRequest& request);
// `limit` is the resolved page size.
absl::StatusOr<NeighborsQuery> NeighborsQueryFromProto(const v1::NeighborsRequest& request,
                                                       int32_t limit);
absl::StatusOr<TraverseRequest> TraverseRequestFromProto(const v1::TraverseRequest& request);
absl::StatusOr<FindPathsRequest> FindPathsRequestFromProto(const v1::FindPathsRequest& request);
absl::StatusOr<SubgraphRequest> SubgraphRequestFromProto(const v1::SubgraphRequest& request);
// `page_size` is the resolved page size.
absl::StatusOr<TimelineRequest> TimelineRequestFromProto(const v1::TimelineRequest& request,
                                                         int32_t page_size);
// The pattern of a MatchStatements request.
absl::StatusOr<Pattern> PatternFromProto(const v1::MatchStatementsRequest& request);

// The filters of a Watch request (types, kinds, predicates, entities);
// where it starts is the reactor's to decide.
absl::StatusOr<ChangeFilter> ChangeFilterFromProto(const v1::WatchRequest& request);
void ChangeToProto(const Change& change, v1::ChangeEvent* out);

void EntitiesToProto(const Page<Entity>& page, v1::SearchEntitiesResponse* out);
void NeighborsToProto(const Page<Neighbor>& page, v1::NeighborsResponse* out);
void TraversalStepToProto(const TraversalStep& step, v1::TraversalStep* out);
void PathsToProto(const FindPathsResult& result, v1::FindPathsResponse* out);
void SubgraphToProto(const SubgraphResult& result, v1::SubgraphResponse* out);
void TimelineToProto(const TimelineResult& result, v1::TimelineResponse* out);

}  // namespace kg::server

#endif  // KGD_SERVER_CONVERT_GRAPH_H_
