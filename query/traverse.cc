#include "query/traverse.h"

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

Traverser::Traverser(const Schema& schema, QueryLimits limits) : schema_(schema), limits_(limits) {}

absl::StatusOr<TraverseSummary> Traverser::Run(
    View& view, const TraverseRequest& request,
    const std::function<bool(const TraversalStep&)>& sink,
    const std::function<bool()>& is_cancelled) const {
  const int32_t max_depth = request.max_depth == 0 ? 2 : request.max_depth;
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

  struct Node {
    TermId term;
    std::string id;
  };
  std::vector<Node> frontier;
  std::unordered_set<TermId> visited;
  TermNames predicates;
  TraverseSummary summary;
  auto cancelled = [&] { return is_cancelled && is_cancelled(); };

  // Emits one step; false when the sink asked to stop. With labels, the
  // entity record gives the kind too (one read per node instead of two).
  auto emit = [&](TraversalStep& step, TermId term) -> absl::StatusOr<bool> {
    bool have_kind = false;
    if (request.include_labels) {
      absl::StatusOr<Entity> entity = view.GetEntity(step.node, request.filter.as_of);
      if (entity.ok()) {
        step.label = std::move(entity->label);
        step.kind = std::move(entity->kind);
        have_kind = true;
      } else if (!absl::IsNotFound(entity.status())) {
        return entity.status();
      }
    }
    if (!have_kind) {
      KG_ASSIGN_OR_RETURN(step.kind, kinds.KindOf(view, term));
    }
    ++summary.nodes;
    return sink(step);
  };

  for (size_t i = 0; i < request.seeds.size(); ++i) {
    KG_ASSIGN_OR_RETURN(TermId term,
                        query_internal::ResolveEntity(view, absl::StrCat("seeds[", i, "]"),
                                                      request.seeds[i], request.filter.as_of));
    if (!visited.insert(term).second) continue;
    TraversalStep step;
    step.node = request.seeds[i];
    KG_ASSIGN_OR_RETURN(bool go_on, emit(step, term));
    if (!go_on) return absl::CancelledError("traversal stopped by its consumer");
    frontier.push_back({term, request.seeds[i]});
  }

  int64_t reached = 0;  // nodes entered past the seeds: what max_nodes caps
  int64_t edges_followed = 0;
  for (int32_t depth = 1; depth <= max_depth && !frontier.empty(); ++depth) {
    std::vector<Node> next;
    for (const Node& from : frontier) {
      if (cancelled()) return absl::CancelledError("traversal cancelled");
      absl::Status inner = absl::OkStatus();
      bool stop = false;
      KG_RETURN_IF_ERROR(policy.ForEach(
          view, from.term, request.filter, &summary.edges_examined, [&](const EdgePolicy::Step& s) {
            if (summary.edges_examined > limits_.max_edges_examined) {
              summary.truncated = true;
              stop = true;
              return false;
            }
            if (visited.contains(s.neighbour)) return true;
            absl::StatusOr<bool> admit = kinds.Admits(view, s.neighbour);
            if (!admit.ok()) {
              inner = admit.status();
              return false;
            }
            if (!*admit) return true;
            if (reached >= max_nodes || edges_followed >= max_edges) {
              summary.truncated = true;
              stop = true;
              return false;
            }
            visited.insert(s.neighbour);
            ++reached;
            ++edges_followed;
            TraversalStep step;
            absl::StatusOr<Value> id = view.Resolve(s.neighbour);
            absl::StatusOr<std::string> predicate = predicates.Name(view, s.edge->predicate);
            if (!id.ok() || !predicate.ok()) {
              inner = id.ok() ? predicate.status() : id.status();
              return false;
            }
            step.node = std::move(id->lexical);
            step.depth = depth;
            step.via_statement = s.edge->statement;
            step.via_predicate = std::move(*predicate);
            step.from_node = from.id;
            absl::StatusOr<bool> go_on = emit(step, s.neighbour);
            if (!go_on.ok()) {
              inner = go_on.status();
              return false;
            }
            if (!*go_on) {
              inner = absl::CancelledError("traversal stopped by its consumer");
              return false;
            }
            if (depth < max_depth) next.push_back({s.neighbour, std::move(step.node)});
            return true;
          }));
      KG_RETURN_IF_ERROR(inner);
      if (stop) return summary;
    }
    frontier = std::move(next);
  }
  return summary;
}

}  // namespace kg
