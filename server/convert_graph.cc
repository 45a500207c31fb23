#include "server/convert_graph.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/convert.h"
#include "storage/status_macros.h"
#include "storage/validation.h"

namespace kg::server {
namespace {

std::vector<std::string> Strings(const google::protobuf::RepeatedPtrField<std::string>& field) {
  return {field.begin(), field.end()};
}

absl::Status CheckNames(const std::vector<std::string>& names, const char* field) {
  return CheckStrings(names, kMaxReadNames, kMaxNameBytes, field);
}

// Each an id; how many is QueryLimits::max_seeds, checked by the query
// before it looks anything up.
absl::Status CheckSeeds(const std::vector<std::string>& seeds) {
  for (size_t i = 0; i < seeds.size(); ++i) {
    KG_RETURN_IF_ERROR(CheckId(seeds[i], absl::StrCat("seeds[", i, "]")));
  }
  return absl::OkStatus();
}

// The fields Traverse, FindPaths and Subgraph requests share, by name.
template <typename Proto, typename Query>
absl::Status EdgeSelectionFromProto(const Proto& request, Query* query) {
  query->max_depth = request.max_depth();
  query->predicates_allow = Strings(request.predicates_allow());
  KG_RETURN_IF_ERROR(CheckNames(query->predicates_allow, "predicates_allow"));
  query->predicates_deny = Strings(request.predicates_deny());
  KG_RETURN_IF_ERROR(CheckNames(query->predicates_deny, "predicates_deny"));
  KG_ASSIGN_OR_RETURN(query->direction,
                      DirectionFromProto(request.direction(), Direction::kOut, "direction"));
  KG_ASSIGN_OR_RETURN(query->filter, FilterFromProto(request.filter(), "filter"));
  return absl::OkStatus();
}

// ... and the walk from seeds that Traverse and Subgraph share.
template <typename Proto, typename Query>
absl::Status WalkFromProto(const Proto& request, Query* query) {
  query->seeds = Strings(request.seeds());
  KG_RETURN_IF_ERROR(CheckSeeds(query->seeds));
  query->kinds = Strings(request.kinds());
  KG_RETURN_IF_ERROR(CheckNames(query->kinds, "kinds"));
  query->max_nodes = request.max_nodes();
  query->max_edges = request.max_edges();
  return EdgeSelectionFromProto(request, query);
}

}  // namespace

absl::Status CheckGetEntityRequest(const v1::GetEntityRequest& request) {
  if (request.id().empty()) return absl::InvalidArgumentError("id: is required");
  return CheckId(request.id(), "id");
}

absl::Status CheckSearchEntitiesRequest(const v1::SearchEntitiesRequest& request) {
  if (request.query().empty()) return absl::InvalidArgumentError("query: must not be empty");
  KG_RETURN_IF_ERROR(CheckBytes(request.query(), kMaxSearchBytes, "query"));
  return CheckNames(Strings(request.kinds()), "kinds");
}

absl::StatusOr<NeighborsQuery> NeighborsQueryFromProto(const v1::NeighborsRequest& request,
                                                       int32_t limit) {
  if (request.id().empty()) return absl::InvalidArgumentError("id: is required");
  NeighborsQuery query;
  KG_RETURN_IF_ERROR(CheckId(request.id(), "id"));
  query.id = request.id();
  query.predicates = Strings(request.predicates());
  KG_RETURN_IF_ERROR(CheckNames(query.predicates, "predicates"));
  query.kinds = Strings(request.kinds());
  KG_RETURN_IF_ERROR(CheckNames(query.kinds, "kinds"));
  query.page_token = request.page_token();
  query.limit = limit;
  KG_ASSIGN_OR_RETURN(query.direction,
                      DirectionFromProto(request.direction(), Direction::kBoth, "direction"));
  KG_ASSIGN_OR_RETURN(query.filter, FilterFromProto(request.filter(), "filter"));
  return query;
}

absl::StatusOr<TraverseRequest> TraverseRequestFromProto(const v1::TraverseRequest& request) {
  TraverseRequest query;
  KG_RETURN_IF_ERROR(WalkFromProto(request, &query));
  query.include_labels = !request.omit_labels();
  return query;
}

absl::StatusOr<FindPathsRequest> FindPathsRequestFromProto(const v1::FindPathsRequest& request) {
  FindPathsRequest query;
  KG_RETURN_IF_ERROR(CheckId(request.from(), "from"));
  KG_RETURN_IF_ERROR(CheckId(request.to(), "to"));
  query.from = request.from();
  query.to = request.to();
  query.k = request.k();
  KG_RETURN_IF_ERROR(EdgeSelectionFromProto(request, &query));
  return query;
}

absl::StatusOr<SubgraphRequest> SubgraphRequestFromProto(const v1::SubgraphRequest& request) {
  SubgraphRequest query;
  KG_RETURN_IF_ERROR(WalkFromProto(request, &query));
  return query;
}

absl::StatusOr<TimelineRequest> TimelineRequestFromProto(const v1::TimelineRequest& request,
                                                         int32_t page_size) {
  TimelineRequest query;
  KG_RETURN_IF_ERROR(CheckId(request.actor(), "actor"));
  KG_RETURN_IF_ERROR(CheckId(request.place(), "place"));
  query.actor = request.actor();
  query.place = request.place();
  query.date_from = request.date_from();
  query.date_to = request.date_to();
  query.page_token = request.page_token();
  query.page_size = page_size;
  KG_ASSIGN_OR_RETURN(query.filter, FilterFromProto(request.filter(), "filter"));
  return query;
}

absl::StatusOr<Pattern> PatternFromProto(const v1::MatchStatementsRequest& request) {
  Pattern pattern;
  KG_RETURN_IF_ERROR(CheckId(request.subject(), "subject"));
  KG_RETURN_IF_ERROR(CheckBytes(request.predicate(), kMaxNameBytes, "predicate"));
  pattern.subject = request.subject();
  pattern.predicate = request.predicate();
  if (request.has_object()) {
    KG_ASSIGN_OR_RETURN(pattern.object, ValueFromProto(request.object(), "object"));
    KG_RETURN_IF_ERROR(CheckBytes(pattern.object->lexical,
                                  pattern.object->is_entity() ? kMaxIdBytes : kMaxLiteralBytes,
                                  "object"));
  }
  return pattern;
}

absl::StatusOr<ChangeFilter> ChangeFilterFromProto(const v1::WatchRequest& request) {
  ChangeFilter filter;
  KG_RETURN_IF_ERROR(CheckCount(request.types_size(), kMaxReadNames, "types"));
  for (int i = 0; i < request.types_size(); ++i) {
    const int type = request.types(i);
    if (type == v1::HistoryEvent::TYPE_UNSPECIFIED || !v1::HistoryEvent::Type_IsValid(type)) {
      return absl::InvalidArgumentError(
          absl::StrCat("types[", i, "]: ", type, " is not a change type"));
    }
    // The proto's values are kg::HistoryEvent::Type's plus one.
    filter.types.push_back(static_cast<uint8_t>(type - 1));
  }
  filter.kinds = Strings(request.kinds());
  KG_RETURN_IF_ERROR(CheckNames(filter.kinds, "kinds"));
  filter.predicates = Strings(request.predicates());
  KG_RETURN_IF_ERROR(CheckNames(filter.predicates, "predicates"));
  filter.entities = Strings(request.entities());
  KG_RETURN_IF_ERROR(CheckStrings(filter.entities, kMaxReadNames, kMaxIdBytes, "entities"));
  return filter;
}

void ChangeToProto(const Change& change, v1::ChangeEvent* out) {
  HistoryEventToProto(change.event, out->mutable_change());
  out->set_resume_token(EncodeChangeToken(change.position));
  if (change.predicate.empty()) return;
  out->set_subject(change.subject);
  out->set_predicate(change.predicate);
  ValueToProto(change.object, out->mutable_object());
}

void EntitiesToProto(const Page<Entity>& page, v1::SearchEntitiesResponse* out) {
  for (const Entity& e : page.items) EntityToProto(e, out->add_entities());
  out->set_next_page_token(page.next_page_token);
}

void NeighborsToProto(const Page<Neighbor>& page, v1::NeighborsResponse* out) {
  for (const Neighbor& n : page.items) {
    v1::Neighbor* neighbor = out->add_neighbors();
    StatementToProto(n.statement, /*with_evidence=*/false, neighbor->mutable_statement());
    neighbor->set_direction(DirectionToProto(n.direction));
    if (n.entity.has_value()) EntityToProto(*n.entity, neighbor->mutable_entity());
  }
  out->set_next_page_token(page.next_page_token);
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

void PathsToProto(const FindPathsResult& result, v1::FindPathsResponse* out) {
  for (const Path& path : result.paths) {
    v1::Path* p = out->add_paths();
    for (const PathHop& hop : path.hops) {
      v1::PathHop* h = p->add_hops();
      h->set_from(hop.from);
      h->set_to(hop.to);
      h->set_statement_id(hop.statement_id);
      h->set_predicate(hop.predicate);
      h->set_reversed(hop.reversed);
      h->set_confidence(hop.confidence);
    }
  }
  out->set_truncated(result.truncated);
}

void SubgraphToProto(const SubgraphResult& result, v1::SubgraphResponse* out) {
  for (const Entity& node : result.nodes) EntityToProto(node, out->add_nodes());
  for (const SubgraphEdge& edge : result.edges) {
    v1::SubgraphEdge* e = out->add_edges();
    e->set_statement_id(edge.statement_id);
    e->set_subject(edge.subject);
    e->set_predicate(edge.predicate);
    e->set_object(edge.object);
    e->set_confidence(edge.confidence);
    e->set_independent_sources(edge.independent_sources);
  }
  out->set_truncated(result.truncated);
}

void TimelineToProto(const TimelineResult& result, v1::TimelineResponse* out) {
  for (const TimelineEntry& entry : result.entries) {
    v1::TimelineEntry* e = out->add_entries();
    EntityToProto(entry.incident, e->mutable_incident());
    e->set_date(entry.date);
    e->set_end_date(entry.end_date);
    e->set_role(entry.role);
    e->set_statement_id(entry.statement_id);
    e->set_place(entry.place);
  }
  out->set_next_page_token(result.next_page_token);
  out->set_truncated(result.truncated);
}

}  // namespace kg::server
