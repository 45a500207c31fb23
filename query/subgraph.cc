#include "query/subgraph.h"

#include <unordered_set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "query/edge_filter.h"
#include "storage/status_macros.h"

namespace kg {

using query_internal::CheckRange;
using query_internal::EdgePolicy;
using query_internal::KindCheck;
using query_internal::TermNames;

SubgraphBuilder::SubgraphBuilder(const Schema& schema, QueryLimits limits)
    : schema_(schema), limits_(limits) {}

absl::StatusOr<SubgraphResult> SubgraphBuilder::Build(
    View& view, const SubgraphRequest& request, const std::function<bool()>& is_cancelled) const {
  const int32_t max_depth = request.max_depth == 0 ? 1 : request.max_depth;
  const int32_t max_nodes = request.max_nodes == 0 ? limits_.default_max_nodes : request.max_nodes;
  const int32_t max_edges = request.max_edges == 0 ? limits_.default_max_edges : request.max_edges;
  if (request.seeds.empty()) return absl::InvalidArgumentError("seeds: at least one required");
  KG_RETURN_IF_ERROR(CheckRange("seeds", request.seeds.size(), 1, limits_.max_seeds));
  KG_RETURN_IF_ERROR(CheckRange("max_depth", max_depth, 1, limits_.max_depth));
  KG_RETURN_IF_ERROR(CheckRange("max_nodes", max_nodes, 1, limits_.max_nodes));
  KG_RETURN_IF_ERROR(CheckRange("max_edges", max_edges, 1, limits_.max_edges));
  KG_RETURN_IF_ERROR(query_internal::ValidateFilter(request.filter));
  KindCheck kinds(schema_, request.kinds, request.filter.as_of);
  KG_RETURN_IF_ERROR(kinds.Validate());
  KG_ASSIGN_OR_RETURN(EdgePolicy policy,
                      EdgePolicy::Make(view, &schema_, request.direction, request.predicates_allow,
                                       request.predicates_deny));
  auto cancelled = [&] { return is_cancelled && is_cancelled(); };

  SubgraphResult result;
  std::vector<TermId> order;  // the nodes, in BFS order
  std::unordered_set<TermId> members;
  int64_t examined = 0;

  // Phase 1: the nodes, breadth-first.
  for (size_t i = 0; i < request.seeds.size(); ++i) {
    KG_ASSIGN_OR_RETURN(TermId term,
                        query_internal::ResolveEntity(view, absl::StrCat("seeds[", i, "]"),
                                                      request.seeds[i], request.filter.as_of));
    if (!members.insert(term).second) continue;
    order.push_back(term);
  }
  // max_nodes caps the nodes reached past the seeds.
  const int64_t seeds = static_cast<int64_t>(order.size());
  size_t level_begin = 0;
  for (int32_t depth = 1; depth <= max_depth && !result.truncated; ++depth) {
    const size_t level_end = order.size();
    if (level_begin == level_end) break;
    for (size_t n = level_begin; n < level_end && !result.truncated; ++n) {
      if (cancelled()) return absl::CancelledError("subgraph cancelled");
      absl::Status inner = absl::OkStatus();
      KG_RETURN_IF_ERROR(
          policy.ForEach(view, order[n], request.filter, &examined, [&](const EdgePolicy::Step& s) {
            if (examined > limits_.max_edges_examined) {
              result.truncated = true;
              return false;
            }
            if (members.contains(s.neighbour)) return true;
            absl::StatusOr<bool> admit = kinds.Admits(view, s.neighbour);
            if (!admit.ok()) {
              inner = admit.status();
              return false;
            }
            if (!*admit) return true;
            if (static_cast<int64_t>(members.size()) - seeds >= max_nodes) {
              result.truncated = true;
              return false;
            }
            members.insert(s.neighbour);
            order.push_back(s.neighbour);
            return true;
          }));
      KG_RETURN_IF_ERROR(inner);
    }
    level_begin = level_end;
  }

  // Phase 2: every allowed edge between two members, each statement once
  // (scanned from its subject), then the node records.
  KG_ASSIGN_OR_RETURN(EdgePolicy out_only,
                      EdgePolicy::Make(view, &schema_, Direction::kOut, request.predicates_allow,
                                       request.predicates_deny));
  TermNames names;
  for (TermId node : order) {
    if (cancelled()) return absl::CancelledError("subgraph cancelled");
    if (static_cast<int64_t>(result.edges.size()) >= max_edges) break;
    absl::Status inner = absl::OkStatus();
    KG_RETURN_IF_ERROR(
        out_only.ForEach(view, node, request.filter, &examined, [&](const EdgePolicy::Step& s) {
          if (!members.contains(s.neighbour)) return true;
          if (static_cast<int64_t>(result.edges.size()) >= max_edges ||
              examined > limits_.max_edges_examined) {
            result.truncated = true;
            return false;
          }
          SubgraphEdge edge;
          edge.statement_id = s.edge->statement;
          absl::StatusOr<std::string> subject = names.Name(view, s.edge->subject);
          absl::StatusOr<std::string> predicate = names.Name(view, s.edge->predicate);
          absl::StatusOr<std::string> object = names.Name(view, s.edge->object);
          for (const auto* part : {&subject, &predicate, &object}) {
            if (!part->ok()) {
              inner = part->status();
              return false;
            }
          }
          edge.subject = std::move(*subject);
          edge.predicate = std::move(*predicate);
          edge.object = std::move(*object);
          edge.confidence = s.edge->corroboration.confidence;
          edge.independent_sources = s.edge->corroboration.independent_sources;
          result.edges.push_back(std::move(edge));
          return true;
        }));
    KG_RETURN_IF_ERROR(inner);
  }
  for (TermId node : order) {
    KG_ASSIGN_OR_RETURN(std::string id, names.Name(view, node));
    absl::StatusOr<Entity> entity = view.GetEntity(id, request.filter.as_of);
    if (entity.ok()) {
      result.nodes.push_back(std::move(*entity));
    } else if (absl::IsNotFound(entity.status())) {
      Entity bare;  // referenced but without a record as of then
      bare.id = std::move(id);
      result.nodes.push_back(std::move(bare));
    } else {
      return entity.status();
    }
  }
  return result;
}

}  // namespace kg
