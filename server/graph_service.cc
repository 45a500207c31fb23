#include "server/graph_service.h"

#include <algorithm>
#include <deque>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "query/neighbors.h"
#include "server/call.h"
#include "server/convert.h"
#include "server/convert_graph.h"
#include "server/convert_query.h"
#include "server/status.h"
#include "storage/status_macros.h"

namespace kg::server {
namespace {

// Steps per streamed TraverseResponse: large enough to amortise the message
// cost, small enough to start streaming early.
constexpr int kStepsPerMessage = 256;

absl::Status CheckKinds(const Schema& schema,
                        const google::protobuf::RepeatedPtrField<std::string>& kinds) {
  for (int i = 0; i < kinds.size(); ++i) {
    if (!schema.IsKnownKind(kinds[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("kinds[", i, "]: unknown kind '", kinds[i], "'"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckPredicate(const Schema& schema, const std::string& predicate) {
  if (predicate.empty() || schema.FindPredicate(predicate) != nullptr) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat("predicate: '", predicate, "' is not in the schema"));
}

}  // namespace

QueryLimits QueryLimitsOf(const ServerLimits& limits) {
  QueryLimits q;
  q.max_depth = limits.max_depth;
  q.max_nodes = limits.max_traversal_nodes;
  q.default_max_nodes = std::min(q.default_max_nodes, limits.max_traversal_nodes);
  q.max_edges = limits.max_traversal_edges;
  q.default_max_edges = std::min(q.default_max_edges, limits.max_traversal_edges);
  q.default_page_size = limits.default_page_size;
  q.max_page_size = limits.max_page_size;
  return q;
}

GraphService::GraphService(Store& store, CallGate& gate, const ServerLimits& limits)
    : store_(store),
      gate_(gate),
      limits_(limits),
      traverser_(store.schema(), QueryLimitsOf(limits)),
      path_finder_(store.schema(), QueryLimitsOf(limits)),
      subgraph_builder_(store.schema(), QueryLimitsOf(limits)),
      timeline_builder_(store.schema(), QueryLimitsOf(limits)) {}

grpc::Status GraphService::GetEntity(grpc::ServerContext* context,
                                     const v1::GetEntityRequest* request, v1::Entity* response) {
  return gate_.Run(
      *context, "kg.v1.GraphService/GetEntity", request, [&](CallScope&) -> absl::Status {
        KG_RETURN_IF_ERROR(CheckGetEntityRequest(*request));
        KG_ASSIGN_OR_RETURN(TxTime as_of, AsOfFromProto(request->filter(), "filter"));
        KG_ASSIGN_OR_RETURN(Entity entity,
                            NewCallView(store_, context)->GetEntity(request->id(), as_of));
        EntityToProto(entity, response);
        return absl::OkStatus();
      });
}

grpc::Status GraphService::SearchEntities(grpc::ServerContext* context,
                                          const v1::SearchEntitiesRequest* request,
                                          v1::SearchEntitiesResponse* response) {
  return gate_.Run(
      *context, "kg.v1.GraphService/SearchEntities", request, [&](CallScope&) -> absl::Status {
        KG_RETURN_IF_ERROR(CheckSearchEntitiesRequest(*request));
        KG_RETURN_IF_ERROR(CheckKinds(store_.schema(), request->kinds()));
        KG_ASSIGN_OR_RETURN(TxTime as_of, AsOfFromProto(request->filter(), "filter"));
        KG_ASSIGN_OR_RETURN(int32_t limit, ResolvePageSize(request->page_size(), limits_));
        const std::vector<std::string> kinds(request->kinds().begin(), request->kinds().end());
        KG_ASSIGN_OR_RETURN(Page<Entity> page, NewCallView(store_, context)
                                                   ->SearchEntities(request->query(), kinds, as_of,
                                                                    limit, request->page_token()));
        EntitiesToProto(page, response);
        return absl::OkStatus();
      });
}

grpc::Status GraphService::MatchStatements(grpc::ServerContext* context,
                                           const v1::MatchStatementsRequest* request,
                                           v1::StatementsPage* response) {
  return gate_.Run(
      *context, "kg.v1.GraphService/MatchStatements", request, [&](CallScope&) -> absl::Status {
        KG_ASSIGN_OR_RETURN(Pattern pattern, PatternFromProto(*request));
        KG_RETURN_IF_ERROR(CheckPredicate(store_.schema(), pattern.predicate));
        KG_ASSIGN_OR_RETURN(Filter filter, FilterFromProto(request->filter(), "filter"));
        KG_ASSIGN_OR_RETURN(int32_t limit, ResolvePageSize(request->page_size(), limits_));
        std::unique_ptr<View> view = NewCallView(store_, context);
        return FillToFit(
            limit, limits_, "statements", ListedEvidenceOf(limits_, filter, true),
            [&](int32_t n) { return view->Match(pattern, filter, n, request->page_token()); },
            response);
      });
}

grpc::Status GraphService::Neighbors(grpc::ServerContext* context,
                                     const v1::NeighborsRequest* request,
                                     v1::NeighborsResponse* response) {
  return gate_.Run(
      *context, "kg.v1.GraphService/Neighbors", request, [&](CallScope&) -> absl::Status {
        KG_ASSIGN_OR_RETURN(int32_t limit, ResolvePageSize(request->page_size(), limits_));
        KG_ASSIGN_OR_RETURN(NeighborsQuery query, NeighborsQueryFromProto(*request, limit));
        std::unique_ptr<View> view = NewCallView(store_, context);
        KG_ASSIGN_OR_RETURN(Page<Neighbor> page, FindNeighbors(*view, store_.schema(), query));
        NeighborsToProto(page, response);
        return absl::OkStatus();
      });
}

// Runs the traversal (bounded by the node and edge caps and the deadline),
// then writes its steps kStepsPerMessage at a time as the client reads them.
class GraphService::TraverseReactor final : public grpc::ServerWriteReactor<v1::TraverseResponse> {
 public:
  TraverseReactor(GraphService& service, grpc::CallbackServerContext* context,
                  const v1::TraverseRequest& request)
      : service_(service), context_(context) {
    absl::StatusOr<std::unique_ptr<CallScope>> scope =
        service_.gate_.Admit(*context_, "kg.v1.GraphService/Traverse", &request);
    if (!scope.ok()) {
      Finish(ToGrpcStatus(scope.status()));
      return;
    }
    absl::Status traversed = Traverse(request);
    if (!traversed.ok() || messages_.empty()) {
      Finish(service_.gate_.Complete(*std::move(scope), traversed, *context_));
      return;
    }
    scope_ = *std::move(scope);
    // A client that stops reading leaves a write pending that only
    // cancelling the call releases.
    activity_ = service_.gate_.WatchStream([context] { context->TryCancel(); });
    StartWrite(&messages_.front());
  }

  void OnWriteDone(bool ok) override {
    activity_->Touch();
    messages_.pop_front();
    if (!ok || messages_.empty()) {
      const absl::Status outcome =
          ok ? absl::OkStatus() : absl::CancelledError("traverse: the client went away");
      Finish(service_.gate_.Complete(std::move(scope_), outcome, *context_));
      return;
    }
    StartWrite(&messages_.front());
  }

  void OnDone() override {
    if (activity_ != nullptr) activity_->Detach();
    delete this;
  }

 private:
  absl::Status Traverse(const v1::TraverseRequest& request) {
    KG_ASSIGN_OR_RETURN(TraverseRequest query, TraverseRequestFromProto(request));
    std::unique_ptr<View> view = NewCallView(service_.store_, context_);
    messages_.emplace_back();
    auto sink = [&](const TraversalStep& step) {
      TraversalStepToProto(step, messages_.back().add_steps());
      if (messages_.back().steps_size() >= kStepsPerMessage) messages_.emplace_back();
      return !context_->IsCancelled();
    };
    KG_ASSIGN_OR_RETURN(TraverseSummary summary,
                        service_.traverser_.Run(*view, query, sink, CancellationOf(context_)));
    v1::TraverseResponse& last = messages_.back();
    last.set_done(true);
    last.set_truncated(summary.truncated);
    last.set_edges_examined(summary.edges_examined);
    return absl::OkStatus();
  }

  GraphService& service_;
  grpc::CallbackServerContext* const context_;
  std::unique_ptr<CallScope> scope_;
  std::shared_ptr<StreamActivity> activity_;
  // Bounded by the traversal's node cap: max_nodes / kStepsPerMessage + 1.
  std::deque<v1::TraverseResponse> messages_;
};

grpc::ServerWriteReactor<v1::TraverseResponse>* GraphService::Traverse(
    grpc::CallbackServerContext* context, const v1::TraverseRequest* request) {
  return new TraverseReactor(*this, context, *request);
}

grpc::Status GraphService::FindPaths(grpc::ServerContext* context,
                                     const v1::FindPathsRequest* request,
                                     v1::FindPathsResponse* response) {
  return gate_.Run(
      *context, "kg.v1.GraphService/FindPaths", request, [&](CallScope&) -> absl::Status {
        KG_ASSIGN_OR_RETURN(FindPathsRequest query, FindPathsRequestFromProto(*request));
        std::unique_ptr<View> view = NewCallView(store_, context);
        KG_ASSIGN_OR_RETURN(FindPathsResult result,
                            path_finder_.Find(*view, query, CancellationOf(context)));
        PathsToProto(result, response);
        return absl::OkStatus();
      });
}

grpc::Status GraphService::Subgraph(grpc::ServerContext* context,
                                    const v1::SubgraphRequest* request,
                                    v1::SubgraphResponse* response) {
  return gate_.Run(
      *context, "kg.v1.GraphService/Subgraph", request, [&](CallScope&) -> absl::Status {
        KG_ASSIGN_OR_RETURN(SubgraphRequest query, SubgraphRequestFromProto(*request));
        std::unique_ptr<View> view = NewCallView(store_, context);
        KG_ASSIGN_OR_RETURN(SubgraphResult result,
                            subgraph_builder_.Build(*view, query, CancellationOf(context)));
        SubgraphToProto(result, response);
        return absl::OkStatus();
      });
}

grpc::Status GraphService::Timeline(grpc::ServerContext* context,
                                    const v1::TimelineRequest* request,
                                    v1::TimelineResponse* response) {
  return gate_.Run(
      *context, "kg.v1.GraphService/Timeline", request, [&](CallScope&) -> absl::Status {
        KG_ASSIGN_OR_RETURN(int32_t page_size, ResolvePageSize(request->page_size(), limits_));
        KG_ASSIGN_OR_RETURN(TimelineRequest query, TimelineRequestFromProto(*request, page_size));
        std::unique_ptr<View> view = NewCallView(store_, context);
        KG_ASSIGN_OR_RETURN(TimelineResult result,
                            timeline_builder_.Build(*view, query, CancellationOf(context)));
        TimelineToProto(result, response);
        return absl::OkStatus();
      });
}

}  // namespace kg::server
