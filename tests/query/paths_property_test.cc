// Property tests of PathFinder and Traverser on random small graphs, checked
// against brute force over the graph's ground truth:
//   - every returned path is a walk whose hops exist and pass the filter;
//   - no shorter path exists (BFS over the ground truth);
//   - the k shortest paths are loopless, distinct, in non-decreasing length,
//     and have the lengths of the k shortest simple paths (exhaustive DFS);
//   - a traversal reaches exactly the nodes within its depth, each at its
//     distance.
// All graphs live in one store under disjoint id prefixes ("g17/n3"), so each
// iteration costs one Apply.

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "query/paths.h"
#include "query/traverse.h"
#include "storage/schema.h"
#include "tests/query/graph_fixture.h"

namespace kg {
namespace {

using ::kg::testing::TempDir;

constexpr int kIterations = 300;
const char* const kPredicates[] = {"supplies", "backs", "opposes", "allied_with"};
const char* const kPublishers[] = {"outlet/p0", "outlet/p1"};

struct TruthEdge {
  int s, o;
  std::string predicate;
  double confidence;
  int publisher;
  StatementId id = 0;
};

// A hop over the truth: the edge index and whether it is walked backwards.
struct TruthHop {
  int edge;
  bool reversed;
};

class RandomGraphs : public ::testing::Test {
 protected:
  void SetUp() override {
    auto store = Store::Open({.path = dir_.Sub("db")});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
    WriteBatch base;
    for (const char* p : kPublishers)
      base.entities.push_back(testing::MakeEntity(p, "MediaOutlet"));
    base.entities.push_back(testing::MakeEntity("doc/d0", "Document"));
    base.entities.push_back(testing::MakeEntity("doc/d1", "Document"));
    ASSERT_OK(store_->Apply(base, {}));
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
};

TEST_F(RandomGraphs, PathsAndTraversalsMatchBruteForce) {
  std::mt19937 rng(20240611);
  auto uniform = [&](int lo, int hi) { return std::uniform_int_distribution<int>(lo, hi)(rng); };
  PathFinder finder(Schema::Default());
  Traverser traverser(Schema::Default());
  int64_t paths_checked = 0;

  for (int iter = 0; iter < kIterations; ++iter) {
    SCOPED_TRACE("iteration " + std::to_string(iter));
    const int n = uniform(2, 8);
    const int m = uniform(0, 16);
    const std::string prefix = "g" + std::to_string(iter) + "/n";
    auto node_id = [&](int i) { return prefix + std::to_string(i); };
    WriteBatch batch;
    for (int i = 0; i < n; ++i)
      batch.entities.push_back(testing::MakeEntity(node_id(i), "ArmedGroup"));
    std::vector<TruthEdge> edges;
    std::set<std::tuple<int, std::string, int>> triples;
    for (int e = 0; e < m; ++e) {
      TruthEdge t{uniform(0, n - 1), uniform(0, n - 1), kPredicates[uniform(0, 3)],
                  uniform(1, 10) / 10.0, uniform(0, 1)};
      if (t.s == t.o || !triples.insert({t.s, t.predicate, t.o}).second) continue;
      Statement st;
      st.subject = node_id(t.s);
      st.predicate = t.predicate;
      st.object = Value::Entity(node_id(t.o));
      Evidence ev;
      ev.document = "doc/d" + std::to_string(t.publisher);
      ev.publisher = kPublishers[t.publisher];
      ev.confidence = t.confidence;
      st.evidence.push_back(ev);
      batch.statements.push_back(st);
      edges.push_back(t);
    }
    ASSERT_OK_AND_ASSIGN(WriteResult written, store_->Apply(batch, {}));
    for (size_t i = 0; i < edges.size(); ++i) edges[i].id = written.statement_ids[i];

    // A random query.
    const Direction direction =
        std::vector<Direction>{Direction::kOut, Direction::kIn, Direction::kBoth}[uniform(0, 2)];
    Filter filter;
    filter.min_confidence = std::vector<double>{0, 0, 0.35, 0.65}[uniform(0, 3)];
    const int denied = uniform(-1, 1);  // -1: none
    if (denied >= 0) filter.publishers_deny = {kPublishers[denied]};
    std::vector<std::string> allow;
    if (uniform(0, 3) == 0) allow = {kPredicates[uniform(0, 3)], kPredicates[uniform(0, 3)]};
    const int max_depth = uniform(1, 4);
    const int k = uniform(1, 4);
    const int from = uniform(0, n - 1);
    const int to = uniform(0, n - 1);

    auto passes = [&](const TruthEdge& t) {
      if (t.confidence < filter.min_confidence) return false;
      if (t.publisher == denied) return false;
      return allow.empty() || std::find(allow.begin(), allow.end(), t.predicate) != allow.end();
    };
    // Truth adjacency in walking direction.
    std::vector<std::vector<std::pair<int, TruthHop>>> adj(n);  // node -> (neighbour, hop)
    for (size_t e = 0; e < edges.size(); ++e) {
      if (!passes(edges[e])) continue;
      if (direction != Direction::kIn) adj[edges[e].s].push_back({edges[e].o, {int(e), false}});
      if (direction != Direction::kOut) adj[edges[e].o].push_back({edges[e].s, {int(e), true}});
    }
    std::vector<int> dist(n, -1);
    dist[from] = 0;
    for (std::vector<int> front{from}; !front.empty();) {
      std::vector<int> next;
      for (int u : front) {
        for (auto& [v, hop] : adj[u]) {
          if (dist[v] < 0) {
            dist[v] = dist[u] + 1;
            next.push_back(v);
          }
        }
      }
      front = std::move(next);
    }
    // Every simple path's length, by exhaustive DFS (n <= 8, depth <= 4).
    std::vector<int> lengths;
    {
      std::vector<bool> on(n, false);
      std::function<void(int, int)> dfs = [&](int u, int len) {
        if (u == to) {
          lengths.push_back(len);
          return;
        }
        if (len == max_depth) return;
        on[u] = true;
        for (auto& [v, hop] : adj[u]) {
          if (!on[v]) dfs(v, len + 1);
        }
        on[u] = false;
      };
      dfs(from, 0);
      std::sort(lengths.begin(), lengths.end());
    }

    std::unique_ptr<View> view = store_->NewView();
    FindPathsRequest request{.from = node_id(from),
                             .to = node_id(to),
                             .max_depth = max_depth,
                             .k = k,
                             .direction = direction,
                             .predicates_allow = allow,
                             .filter = filter};
    ASSERT_OK_AND_ASSIGN(FindPathsResult result, finder.Find(*view, request));
    ASSERT_FALSE(result.truncated);

    // Each path: a walk from `from` to `to` over passing hops, loopless.
    std::map<StatementId, const TruthEdge*> by_id;
    for (const TruthEdge& t : edges) by_id[t.id] = &t;
    std::set<std::string> keys;
    size_t last_len = 0;
    for (const Path& path : result.paths) {
      ++paths_checked;
      std::string at = node_id(from);
      std::set<std::string> visited{at};
      std::string key;
      for (const PathHop& hop : path.hops) {
        ASSERT_EQ(hop.from, at);
        ASSERT_TRUE(by_id.contains(hop.statement_id)) << hop.statement_id;
        const TruthEdge& t = *by_id.at(hop.statement_id);
        ASSERT_TRUE(passes(t));
        ASSERT_EQ(hop.predicate, t.predicate);
        ASSERT_EQ(hop.from, node_id(hop.reversed ? t.o : t.s));
        ASSERT_EQ(hop.to, node_id(hop.reversed ? t.s : t.o));
        if (direction == Direction::kOut) {
          ASSERT_FALSE(hop.reversed);
        }
        if (direction == Direction::kIn) {
          ASSERT_TRUE(hop.reversed);
        }
        ASSERT_NEAR(hop.confidence, t.confidence, 1e-9);
        ASSERT_TRUE(visited.insert(hop.to).second) << "loop at " << hop.to;
        at = hop.to;
        key += std::to_string(hop.statement_id) + (hop.reversed ? "r " : " ");
      }
      ASSERT_EQ(at, node_id(to));
      ASSERT_LE(path.hops.size(), static_cast<size_t>(max_depth));
      ASSERT_GE(path.hops.size(), last_len);
      last_len = path.hops.size();
      ASSERT_TRUE(keys.insert(key).second) << "duplicate path " << key;
    }
    // Shortest: matches BFS; k shortest: the k smallest simple path lengths.
    if (dist[to] < 0 || dist[to] > max_depth) {
      ASSERT_TRUE(result.paths.empty());
    } else {
      ASSERT_FALSE(result.paths.empty());
      ASSERT_EQ(static_cast<int>(result.paths[0].hops.size()), dist[to]);
    }
    const size_t expected = std::min<size_t>(k, lengths.size());
    ASSERT_EQ(result.paths.size(), expected);
    for (size_t i = 0; i < expected; ++i) {
      ASSERT_EQ(static_cast<int>(result.paths[i].hops.size()), lengths[i]) << "path " << i;
    }

    // Traversal from `from`: exactly the nodes within max_depth, at their
    // distance, each reached over a passing edge from a node one closer.
    std::map<std::string, int> reached;
    ASSERT_OK(traverser
                  .Run(*view,
                       {.seeds = {node_id(from)},
                        .max_depth = max_depth,
                        .direction = direction,
                        .predicates_allow = allow,
                        .filter = filter,
                        .include_labels = false},
                       [&](const TraversalStep& s) {
                         reached[s.node] = s.depth;
                         if (s.depth > 0) {
                           EXPECT_TRUE(by_id.contains(s.via_statement));
                           EXPECT_EQ(reached.count(s.from_node), 1u);
                           EXPECT_EQ(reached[s.from_node], s.depth - 1);
                         }
                         return true;
                       })
                  .status());
    std::map<std::string, int> expected_reach;
    for (int v = 0; v < n; ++v) {
      if (dist[v] >= 0 && dist[v] <= max_depth) expected_reach[node_id(v)] = dist[v];
    }
    ASSERT_EQ(reached, expected_reach);
  }
  EXPECT_GT(paths_checked, kIterations / 4);
}

}  // namespace
}  // namespace kg
