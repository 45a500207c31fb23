#include "server/graph_service.h"

#include <algorithm>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "query/neighbors.h"
#include "server/call.h"
#include "server/convert.h"
#include "storage/status_macros.h"

namespace kg::server {
namespace {

// Steps per streamed TraverseResponse: large enough to amortise the message
// cost, small enough to start streaming early.
constexpr int kStepsPerMessage = 256;

std::vector<std::string> Strings(const google::protobuf::RepeatedPtrField<std::string>& field) {
  return {field.begin(), field.end()};
}

absl::Status CheckKinds(const Schema& schema, const std::vector<std::string>& kinds) {
  for (size_t i = 0; i < kinds.size(); ++i) {
    if (!schema.IsKnownKind(kinds[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("kinds[", i, "]: unknown kind '", kinds[i], "'"));
    }
  }
  return absl::OkStatus();
}

void TraversalStepToProto(const TraversalStep& step, v1::TraversalStep* out) {
  out->set_node(step.node);
  out->set_depth(step.depth);
  out->set_kind(step.kind);
  out->set_label(step.label);
  out->set_via_statement(step.via_statement);
  out->set_via_predicate(step.via_predicate);
  out->set_from_node(step.from_node);
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
        if (request->id().empty()) return absl::InvalidArgumentError("id: is required");
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
        if (request->query().empty()) return absl::InvalidArgumentError("query: must not be empty");
        const std::vector<std::string> kinds = Strings(request->kinds());
        KG_RETURN_IF_ERROR(CheckKinds(store_.schema(), kinds));
        KG_ASSIGN_OR_RETURN(TxTime as_of, AsOfFromProto(request->filter(), "filter"));
        KG_ASSIGN_OR_RETURN(int32_t limit, ResolvePageSize(request->page_size(), limits_));
        KG_ASSIGN_OR_RETURN(Page<Entity> page, NewCallView(store_, context)
                                                   ->SearchEntities(request->query(), kinds, as_of,
                                                                    limit, request->page_token()));
        for (const Entity& e : page.items) EntityToProto(e, response->add_entities());
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

grpc::Status GraphService::MatchStatements(grpc::ServerContext* context,
                                           const v1::MatchStatementsRequest* request,
                                           v1::StatementsPage* response) {
  return gate_.Run(
      *context, "kg.v1.GraphService/MatchStatements", request, [&](CallScope&) -> absl::Status {
        Pattern pattern;
        pattern.subject = request->subject();
        pattern.predicate = request->predicate();
        if (!pattern.predicate.empty() &&
            store_.schema().FindPredicate(pattern.predicate) == nullptr) {
          return absl::InvalidArgumentError(
              absl::StrCat("predicate: '", pattern.predicate, "' is not in the schema"));
        }
        if (request->has_object()) {
          KG_ASSIGN_OR_RETURN(pattern.object, ValueFromProto(request->object(), "object"));
        }
        KG_ASSIGN_OR_RETURN(Filter filter, FilterFromProto(request->filter(), "filter"));
        KG_ASSIGN_OR_RETURN(int32_t limit, ResolvePageSize(request->page_size(), limits_));
        KG_ASSIGN_OR_RETURN(
            Page<Statement> page,
            NewCallView(store_, context)->Match(pattern, filter, limit, request->page_token()));
        for (const Statement& s : page.items) StatementToProto(s, true, response->add_statements());
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

grpc::Status GraphService::Neighbors(grpc::ServerContext* context,
                                     const v1::NeighborsRequest* request,
                                     v1::NeighborsResponse* response) {
  return gate_.Run(
      *context, "kg.v1.GraphService/Neighbors", request, [&](CallScope&) -> absl::Status {
        if (request->id().empty()) return absl::InvalidArgumentError("id: is required");
        NeighborsQuery query;
        query.id = request->id();
        query.predicates = Strings(request->predicates());
        query.kinds = Strings(request->kinds());
        query.page_token = request->page_token();
        KG_ASSIGN_OR_RETURN(query.direction, DirectionFromProto(request->direction(),
                                                                Direction::kBoth, "direction"));
        KG_ASSIGN_OR_RETURN(query.filter, FilterFromProto(request->filter(), "filter"));
        KG_ASSIGN_OR_RETURN(query.limit, ResolvePageSize(request->page_size(), limits_));
        std::unique_ptr<View> view = NewCallView(store_, context);
        KG_ASSIGN_OR_RETURN(Page<Neighbor> page, FindNeighbors(*view, store_.schema(), query));
        for (const Neighbor& n : page.items) {
          v1::Neighbor* out = response->add_neighbors();
          StatementToProto(n.statement, /*with_evidence=*/false, out->mutable_statement());
          out->set_direction(DirectionToProto(n.direction));
          if (n.entity.has_value()) EntityToProto(*n.entity, out->mutable_entity());
        }
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

grpc::Status GraphService::Traverse(grpc::ServerContext* context,
                                    const v1::TraverseRequest* request,
                                    grpc::ServerWriter<v1::TraverseResponse>* writer) {
  return gate_.Run(
      *context, "kg.v1.GraphService/Traverse", request, [&](CallScope&) -> absl::Status {
        TraverseRequest query;
        query.seeds = Strings(request->seeds());
        query.max_depth = request->max_depth();
        query.predicates_allow = Strings(request->predicates_allow());
        query.predicates_deny = Strings(request->predicates_deny());
        query.kinds = Strings(request->kinds());
        query.max_nodes = request->max_nodes();
        query.max_edges = request->max_edges();
        query.include_labels = !request->omit_labels();
        KG_ASSIGN_OR_RETURN(query.direction,
                            DirectionFromProto(request->direction(), Direction::kOut, "direction"));
        KG_ASSIGN_OR_RETURN(query.filter, FilterFromProto(request->filter(), "filter"));
        std::unique_ptr<View> view = NewCallView(store_, context);
        v1::TraverseResponse message;
        auto sink = [&](const TraversalStep& step) {
          TraversalStepToProto(step, message.add_steps());
          if (message.steps_size() < kStepsPerMessage) return true;
          const bool written = writer->Write(message);  // false: the client is gone
          message.Clear();
          return written;
        };
        KG_ASSIGN_OR_RETURN(TraverseSummary summary,
                            traverser_.Run(*view, query, sink, CancellationOf(context)));
        message.set_done(true);
        message.set_truncated(summary.truncated);
        message.set_edges_examined(summary.edges_examined);
        if (!writer->Write(message)) return absl::CancelledError("traverse: the client went away");
        return absl::OkStatus();
      });
}

grpc::Status GraphService::FindPaths(grpc::ServerContext* context,
                                     const v1::FindPathsRequest* request,
                                     v1::FindPathsResponse* response) {
  return gate_.Run(
      *context, "kg.v1.GraphService/FindPaths", request, [&](CallScope&) -> absl::Status {
        FindPathsRequest query;
        query.from = request->from();
        query.to = request->to();
        query.max_depth = request->max_depth();
        query.k = request->k();
        query.predicates_allow = Strings(request->predicates_allow());
        query.predicates_deny = Strings(request->predicates_deny());
        KG_ASSIGN_OR_RETURN(query.direction,
                            DirectionFromProto(request->direction(), Direction::kOut, "direction"));
        KG_ASSIGN_OR_RETURN(query.filter, FilterFromProto(request->filter(), "filter"));
        std::unique_ptr<View> view = NewCallView(store_, context);
        KG_ASSIGN_OR_RETURN(FindPathsResult result,
                            path_finder_.Find(*view, query, CancellationOf(context)));
        for (const Path& path : result.paths) {
          v1::Path* out = response->add_paths();
          for (const PathHop& hop : path.hops) {
            v1::PathHop* h = out->add_hops();
            h->set_from(hop.from);
            h->set_to(hop.to);
            h->set_statement_id(hop.statement_id);
            h->set_predicate(hop.predicate);
            h->set_reversed(hop.reversed);
            h->set_confidence(hop.confidence);
          }
        }
        response->set_truncated(result.truncated);
        return absl::OkStatus();
      });
}

grpc::Status GraphService::Subgraph(grpc::ServerContext* context,
                                    const v1::SubgraphRequest* request,
                                    v1::SubgraphResponse* response) {
  return gate_.Run(
      *context, "kg.v1.GraphService/Subgraph", request, [&](CallScope&) -> absl::Status {
        SubgraphRequest query;
        query.seeds = Strings(request->seeds());
        query.max_depth = request->max_depth();
        query.predicates_allow = Strings(request->predicates_allow());
        query.predicates_deny = Strings(request->predicates_deny());
        query.kinds = Strings(request->kinds());
        query.max_nodes = request->max_nodes();
        query.max_edges = request->max_edges();
        KG_ASSIGN_OR_RETURN(query.direction,
                            DirectionFromProto(request->direction(), Direction::kOut, "direction"));
        KG_ASSIGN_OR_RETURN(query.filter, FilterFromProto(request->filter(), "filter"));
        std::unique_ptr<View> view = NewCallView(store_, context);
        KG_ASSIGN_OR_RETURN(SubgraphResult result,
                            subgraph_builder_.Build(*view, query, CancellationOf(context)));
        for (const Entity& node : result.nodes) EntityToProto(node, response->add_nodes());
        for (const SubgraphEdge& edge : result.edges) {
          v1::SubgraphEdge* e = response->add_edges();
          e->set_statement_id(edge.statement_id);
          e->set_subject(edge.subject);
          e->set_predicate(edge.predicate);
          e->set_object(edge.object);
          e->set_confidence(edge.confidence);
          e->set_independent_sources(edge.independent_sources);
        }
        response->set_truncated(result.truncated);
        return absl::OkStatus();
      });
}

grpc::Status GraphService::Timeline(grpc::ServerContext* context,
                                    const v1::TimelineRequest* request,
                                    v1::TimelineResponse* response) {
  return gate_.Run(
      *context, "kg.v1.GraphService/Timeline", request, [&](CallScope&) -> absl::Status {
        TimelineRequest query;
        query.actor = request->actor();
        query.place = request->place();
        query.date_from = request->date_from();
        query.date_to = request->date_to();
        query.page_token = request->page_token();
        KG_ASSIGN_OR_RETURN(query.filter, FilterFromProto(request->filter(), "filter"));
        KG_ASSIGN_OR_RETURN(query.page_size, ResolvePageSize(request->page_size(), limits_));
        std::unique_ptr<View> view = NewCallView(store_, context);
        KG_ASSIGN_OR_RETURN(TimelineResult result,
                            timeline_builder_.Build(*view, query, CancellationOf(context)));
        for (const TimelineEntry& entry : result.entries) {
          v1::TimelineEntry* e = response->add_entries();
          EntityToProto(entry.incident, e->mutable_incident());
          e->set_date(entry.date);
          e->set_end_date(entry.end_date);
          e->set_role(entry.role);
          e->set_statement_id(entry.statement_id);
          e->set_place(entry.place);
        }
        response->set_next_page_token(result.next_page_token);
        response->set_truncated(result.truncated);
        return absl::OkStatus();
      });
}

}  // namespace kg::server
