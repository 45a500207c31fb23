#include "query/paths.h"

#include <algorithm>
#include <optional>
#include <set>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "query/edge_filter.h"
#include "storage/status_macros.h"

namespace kg {
namespace {

using query_internal::EdgePolicy;

// A hop in term ids, in the direction it is walked.
struct Hop {
  TermId from = 0;
  TermId to = 0;
  StatementId statement = 0;
  TermId predicate = 0;
  bool reversed = false;
  double confidence = 0;
  bool SameAs(const Hop& o) const { return statement == o.statement && reversed == o.reversed; }
};
using HopPath = std::vector<Hop>;

// One Find call: the policies, the filter and the shared work budget.
class Search {
 public:
  Search(View& view, const EdgePolicy& forward, const Filter& filter, const QueryLimits& limits,
         const std::function<bool()>& is_cancelled)
      : view_(view),
        forward_(forward),
        backward_(forward.Reversed()),
        filter_(filter),
        limits_(limits),
        is_cancelled_(is_cancelled) {}

  bool truncated() const { return truncated_; }
  int64_t expansions() const { return expansions_; }

  // The shortest path source -> target of at most max_hops hops that avoids
  // `banned_nodes` and, for its first hop out of `source`, the statements in
  // `banned_first`. nullopt when there is none (or the budget ran out; see
  // truncated()). Bidirectional breadth-first search, one full level at a
  // time on the side with the smaller frontier.
  absl::StatusOr<std::optional<HopPath>> Shortest(
      TermId source, TermId target, int32_t max_hops,
      const std::unordered_set<TermId>& banned_nodes,
      const std::unordered_set<StatementId>& banned_first) {
    if (source == target) return HopPath{};
    std::unordered_map<TermId, Hop> fwd_parent;  // node -> the hop into it
    std::unordered_map<TermId, int32_t> fwd_depth{{source, 0}};
    std::unordered_map<TermId, Hop> bwd_parent;  // node -> the hop out of it toward target
    std::unordered_map<TermId, int32_t> bwd_depth{{target, 0}};
    std::vector<TermId> fwd_front{source}, bwd_front{target};
    int32_t df = 0, db = 0;
    while (df + db < max_hops && !fwd_front.empty() && !bwd_front.empty()) {
      const bool forward = fwd_front.size() <= bwd_front.size();
      std::vector<TermId>& front = forward ? fwd_front : bwd_front;
      auto& depth = forward ? fwd_depth : bwd_depth;
      auto& parent = forward ? fwd_parent : bwd_parent;
      const auto& other_depth = forward ? bwd_depth : fwd_depth;
      const int32_t level = (forward ? df : db) + 1;
      std::vector<TermId> next;
      std::optional<TermId> meet;
      int32_t best = 0;
      for (TermId u : front) {
        if (is_cancelled_ && is_cancelled_()) return absl::CancelledError("path search cancelled");
        if (expansions_ >= limits_.max_path_expansions || examined_ > limits_.max_edges_examined) {
          truncated_ = true;
          return std::nullopt;
        }
        ++expansions_;
        KG_RETURN_IF_ERROR(
            (forward ? forward_ : backward_)
                .ForEach(view_, u, filter_, &examined_, [&](const EdgePolicy::Step& s) {
                  const TermId v = s.neighbour;
                  if (banned_nodes.contains(v)) return true;
                  // The hop in walking order.
                  Hop hop;
                  hop.from = forward ? u : v;
                  hop.to = forward ? v : u;
                  hop.statement = s.edge->statement;
                  hop.predicate = s.edge->predicate;
                  hop.reversed = forward ? s.reversed : !s.reversed;
                  hop.confidence = s.edge->corroboration.confidence;
                  if (hop.from == source && banned_first.contains(hop.statement)) {
                    return true;
                  }
                  if (!depth.emplace(v, level).second) return true;
                  parent.emplace(v, hop);
                  next.push_back(v);
                  auto o = other_depth.find(v);
                  if (o != other_depth.end() && (!meet || level + o->second < best)) {
                    meet = v;
                    best = level + o->second;
                  }
                  return true;
                }));
      }
      (forward ? df : db) = level;
      front = std::move(next);
      if (meet) {
        HopPath path;
        for (TermId n = *meet; n != source;) {
          const Hop& h = fwd_parent.at(n);
          path.push_back(h);
          n = h.from;
        }
        std::reverse(path.begin(), path.end());
        for (TermId n = *meet; n != target;) {
          const Hop& h = bwd_parent.at(n);
          path.push_back(h);
          n = h.to;
        }
        return path;
      }
    }
    return std::nullopt;
  }

 private:
  View& view_;
  const EdgePolicy& forward_;
  EdgePolicy backward_;
  const Filter& filter_;
  const QueryLimits& limits_;
  const std::function<bool()>& is_cancelled_;
  int64_t expansions_ = 0;
  int64_t examined_ = 0;
  bool truncated_ = false;
};

std::string PathKey(const HopPath& path) {
  std::string key;
  for (const Hop& h : path) absl::StrAppend(&key, h.statement, h.reversed ? "r," : ",");
  return key;
}

}  // namespace

PathFinder::PathFinder(const Schema& schema, QueryLimits limits)
    : schema_(schema), limits_(limits) {}

absl::StatusOr<FindPathsResult> PathFinder::Find(View& view, const FindPathsRequest& request,
                                                 const std::function<bool()>& is_cancelled) const {
  const int32_t max_depth = request.max_depth == 0 ? 4 : request.max_depth;
  const int32_t k = request.k == 0 ? 1 : request.k;
  KG_RETURN_IF_ERROR(query_internal::CheckRange("max_depth", max_depth, 1, limits_.max_depth));
  KG_RETURN_IF_ERROR(query_internal::CheckRange("k", k, 1, limits_.max_paths));
  KG_RETURN_IF_ERROR(query_internal::ValidateFilter(request.filter));
  KG_ASSIGN_OR_RETURN(
      TermId from, query_internal::ResolveEntity(view, "from", request.from, request.filter.as_of));
  KG_ASSIGN_OR_RETURN(TermId to,
                      query_internal::ResolveEntity(view, "to", request.to, request.filter.as_of));
  KG_ASSIGN_OR_RETURN(EdgePolicy policy,
                      EdgePolicy::Make(view, &schema_, request.direction, request.predicates_allow,
                                       request.predicates_deny));
  Search search(view, policy, request.filter, limits_, is_cancelled);

  // Yen's algorithm: A holds the accepted paths, B the candidates.
  std::vector<HopPath> accepted;
  KG_ASSIGN_OR_RETURN(std::optional<HopPath> first, search.Shortest(from, to, max_depth, {}, {}));
  if (first) accepted.push_back(std::move(*first));
  struct Candidate {
    HopPath path;
    int64_t order;
  };
  std::vector<Candidate> candidates;
  std::set<std::string> seen;
  if (!accepted.empty()) seen.insert(PathKey(accepted[0]));
  int64_t order = 0;
  while (!accepted.empty() && static_cast<int32_t>(accepted.size()) < k &&
         !accepted.back().empty() && !search.truncated()) {
    const HopPath prev = accepted.back();
    for (size_t i = 0; i < prev.size() && !search.truncated(); ++i) {
      const TermId spur = i == 0 ? from : prev[i - 1].to;
      std::unordered_set<TermId> banned_nodes;
      for (size_t j = 0; j < i; ++j) banned_nodes.insert(prev[j].from);
      std::unordered_set<StatementId> banned_first;
      for (const HopPath& p : accepted) {
        if (p.size() <= i) continue;
        bool same_root = true;
        for (size_t j = 0; j < i && same_root; ++j) same_root = p[j].SameAs(prev[j]);
        if (same_root) banned_first.insert(p[i].statement);
      }
      KG_ASSIGN_OR_RETURN(std::optional<HopPath> spur_path,
                          search.Shortest(spur, to, max_depth - static_cast<int32_t>(i),
                                          banned_nodes, banned_first));
      if (!spur_path) continue;
      HopPath path(prev.begin(), prev.begin() + i);
      path.insert(path.end(), spur_path->begin(), spur_path->end());
      if (seen.insert(PathKey(path)).second) candidates.push_back({std::move(path), order++});
    }
    if (candidates.empty()) break;
    auto best = std::min_element(
        candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
          return a.path.size() != b.path.size() ? a.path.size() < b.path.size() : a.order < b.order;
        });
    accepted.push_back(std::move(best->path));
    candidates.erase(best);
  }

  FindPathsResult result;
  result.truncated = search.truncated();
  result.expansions = search.expansions();
  query_internal::TermNames names;
  for (const HopPath& p : accepted) {
    Path out;
    for (const Hop& h : p) {
      PathHop hop;
      KG_ASSIGN_OR_RETURN(hop.from, names.Name(view, h.from));
      KG_ASSIGN_OR_RETURN(hop.to, names.Name(view, h.to));
      KG_ASSIGN_OR_RETURN(hop.predicate, names.Name(view, h.predicate));
      hop.statement_id = h.statement;
      hop.reversed = h.reversed;
      hop.confidence = h.confidence;
      out.hops.push_back(std::move(hop));
    }
    result.paths.push_back(std::move(out));
  }
  return result;
}

}  // namespace kg
