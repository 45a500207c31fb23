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
#include "server/server_stream.h"
#include "server/wire.h"
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

absl::Status GraphService::OnGetEntity(CallScope& call, const v1::GetEntityRequest& request,
                                       v1::Entity& response) {
  KG_RETURN_IF_ERROR(CheckGetEntityRequest(request));
  KG_ASSIGN_OR_RETURN(TxTime as_of, AsOfFromProto(request.filter(), "filter"));
  KG_ASSIGN_OR_RETURN(Entity entity,
                      NewCallView(store_, &call.context())->GetEntity(request.id(), as_of));
  EntityToProto(entity, &response);
  return absl::OkStatus();
}

absl::Status GraphService::OnSearchEntities(CallScope& call,
                                            const v1::SearchEntitiesRequest& request,
                                            v1::SearchEntitiesResponse& response) {
  KG_RETURN_IF_ERROR(CheckSearchEntitiesRequest(request));
  KG_RETURN_IF_ERROR(CheckKinds(store_.schema(), request.kinds()));
  KG_ASSIGN_OR_RETURN(TxTime as_of, AsOfFromProto(request.filter(), "filter"));
  KG_ASSIGN_OR_RETURN(int32_t limit, ResolvePageSize(request.page_size(), limits_));
  const std::vector<std::string> kinds(request.kinds().begin(), request.kinds().end());
  KG_ASSIGN_OR_RETURN(Page<Entity> page, NewCallView(store_, &call.context())
                                             ->SearchEntities(request.query(), kinds, as_of, limit,
                                                              request.page_token()));
  EntitiesToProto(page, &response);
  return absl::OkStatus();
}

absl::Status GraphService::OnMatchStatements(CallScope& call,
                                             const v1::MatchStatementsRequest& request,
                                             v1::StatementsPage& response) {
  KG_ASSIGN_OR_RETURN(Pattern pattern, PatternFromProto(request));
  KG_RETURN_IF_ERROR(CheckPredicate(store_.schema(), pattern.predicate));
  KG_ASSIGN_OR_RETURN(Filter filter, FilterFromProto(request.filter(), "filter"));
  KG_ASSIGN_OR_RETURN(int32_t limit, ResolvePageSize(request.page_size(), limits_));
  std::unique_ptr<View> view = NewCallView(store_, &call.context());
  return FillToFit(
      limit, limits_, "statements", ListedEvidenceOf(limits_, filter, true),
      [&](int32_t n) { return view->Match(pattern, filter, n, request.page_token()); }, &response);
}

absl::Status GraphService::OnNeighbors(CallScope& call, const v1::NeighborsRequest& request,
                                       v1::NeighborsResponse& response) {
  KG_ASSIGN_OR_RETURN(int32_t limit, ResolvePageSize(request.page_size(), limits_));
  KG_ASSIGN_OR_RETURN(NeighborsQuery query, NeighborsQueryFromProto(request, limit));
  std::unique_ptr<View> view = NewCallView(store_, &call.context());
  KG_ASSIGN_OR_RETURN(Page<Neighbor> page, FindNeighbors(*view, store_.schema(), query));
  NeighborsToProto(page, &response);
  return absl::OkStatus();
}

// Admits and parses the request, runs the traversal on the worker pool
// (bounded by the node and edge caps and the deadline), then writes its
// steps kStepsPerMessage at a time as the client reads them.
class GraphService::TraverseReactor final : public ServerStreamReactor {
 public:
  TraverseReactor(GraphService& service, grpc::CallbackServerContext* context,
                  const grpc::ByteBuffer& request)
      : ServerStreamReactor(service.path(), context), service_(service) {
    const grpc::Slice bytes = SingleSlice(request);
    if (!Admit("kg.v1.GraphService/Traverse", BytesOf(bytes))) return;
    if (absl::Status parsed = ParseMessage(BytesOf(bytes), "request", request_); !parsed.ok()) {
      End(parsed);
      return;
    }
    if (!path().workers.TrySubmit([this] { Run(); })) {
      End(absl::ResourceExhaustedError(
          "max_queued_calls: too many calls are waiting for a worker; retry shortly"));
    }
  }

  void OnWriteDone(bool ok) override {
    activity_->Touch();
    messages_.pop_front();
    if (!ok || messages_.empty()) {
      End(ok ? absl::OkStatus() : absl::CancelledError("traverse: the client went away"));
      return;
    }
    StartWrite(&messages_.front());
  }

  void OnDone() override {
    if (activity_ != nullptr) activity_->Detach();
    delete this;
  }

 private:
  // On a worker.
  void Run() {
    absl::Status traversed = Traverse();
    if (!traversed.ok() || messages_.empty()) {
      End(traversed);
      return;
    }
    // A client that stops reading leaves a write pending that only
    // cancelling the call releases.
    activity_ = gate().WatchStream([context = context()] {
      context->TryCancel();
      return true;
    });
    StartWrite(&messages_.front());
  }

  absl::Status Traverse() {
    KG_ASSIGN_OR_RETURN(TraverseRequest query, TraverseRequestFromProto(request_));
    std::unique_ptr<View> view = NewCallView(service_.store_, context());
    v1::TraverseResponse message;
    absl::Status written;
    auto flush = [&] {
      grpc::ByteBuffer& bytes = messages_.emplace_back();
      written.Update(SerializeMessage(message, service_.limits_.max_message_bytes, bytes));
      message.Clear();
    };
    auto sink = [&](const TraversalStep& step) {
      TraversalStepToProto(step, message.add_steps());
      if (message.steps_size() >= kStepsPerMessage) flush();
      return written.ok() && !context()->IsCancelled();
    };
    KG_ASSIGN_OR_RETURN(TraverseSummary summary,
                        service_.traverser_.Run(*view, query, sink, CancellationOf(context())));
    message.set_done(true);
    message.set_truncated(summary.truncated);
    message.set_edges_examined(summary.edges_examined);
    flush();
    return written;
  }

  GraphService& service_;
  v1::TraverseRequest request_;
  std::shared_ptr<StreamActivity> activity_;
  // Bounded by the traversal's node cap: max_nodes / kStepsPerMessage + 1.
  std::deque<grpc::ByteBuffer> messages_;
};

GraphService::GraphService(Store& store, const CallPath& path)
    : RawService("kg.v1.GraphService", path),
      store_(store),
      limits_(path.limits),
      traverser_(store.schema(), QueryLimitsOf(path.limits)),
      path_finder_(store.schema(), QueryLimitsOf(path.limits)),
      subgraph_builder_(store.schema(), QueryLimitsOf(path.limits)),
      timeline_builder_(store.schema(), QueryLimitsOf(path.limits)) {
  ServeUnary("GetEntity", RunOn::kCallbackThread, &GraphService::OnGetEntity);
  ServeUnary("SearchEntities", RunOn::kCallbackThread, &GraphService::OnSearchEntities);
  ServeUnary("MatchStatements", RunOn::kCallbackThread, &GraphService::OnMatchStatements);
  ServeUnary("Neighbors", RunOn::kCallbackThread, &GraphService::OnNeighbors);
  ServeServerStream<v1::TraverseRequest, v1::TraverseResponse>(
      "Traverse", [this](grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) {
        return new TraverseReactor(*this, context, *request);
      });
  ServeUnary("FindPaths", RunOn::kWorker, &GraphService::OnFindPaths);
  ServeUnary("Subgraph", RunOn::kWorker, &GraphService::OnSubgraph);
  ServeUnary("Timeline", RunOn::kWorker, &GraphService::OnTimeline);
  ServeServerStream<v1::ExportRequest, v1::ExportChunk>(
      "Export", [this](grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) {
        return StartExport(context, *request);
      });
  ServeServerStream<v1::WatchRequest, v1::ChangeEvent>(
      "Watch", [this](grpc::CallbackServerContext* context, const grpc::ByteBuffer* request) {
        return StartWatch(context, *request);
      });
}

absl::Status GraphService::OnFindPaths(CallScope& call, const v1::FindPathsRequest& request,
                                       v1::FindPathsResponse& response) {
  KG_ASSIGN_OR_RETURN(FindPathsRequest query, FindPathsRequestFromProto(request));
  std::unique_ptr<View> view = NewCallView(store_, &call.context());
  KG_ASSIGN_OR_RETURN(FindPathsResult result,
                      path_finder_.Find(*view, query, CancellationOf(&call.context())));
  PathsToProto(result, &response);
  return absl::OkStatus();
}

absl::Status GraphService::OnSubgraph(CallScope& call, const v1::SubgraphRequest& request,
                                      v1::SubgraphResponse& response) {
  KG_ASSIGN_OR_RETURN(SubgraphRequest query, SubgraphRequestFromProto(request));
  std::unique_ptr<View> view = NewCallView(store_, &call.context());
  KG_ASSIGN_OR_RETURN(SubgraphResult result,
                      subgraph_builder_.Build(*view, query, CancellationOf(&call.context())));
  SubgraphToProto(result, &response);
  return absl::OkStatus();
}

absl::Status GraphService::OnTimeline(CallScope& call, const v1::TimelineRequest& request,
                                      v1::TimelineResponse& response) {
  KG_ASSIGN_OR_RETURN(int32_t page_size, ResolvePageSize(request.page_size(), limits_));
  KG_ASSIGN_OR_RETURN(TimelineRequest query, TimelineRequestFromProto(request, page_size));
  std::unique_ptr<View> view = NewCallView(store_, &call.context());
  KG_ASSIGN_OR_RETURN(TimelineResult result,
                      timeline_builder_.Build(*view, query, CancellationOf(&call.context())));
  TimelineToProto(result, &response);
  return absl::OkStatus();
}

}  // namespace kg::server
