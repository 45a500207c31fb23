#include "query/subgraph.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "storage/schema.h"
#include "tests/query/graph_fixture.h"

namespace kg {
namespace {

using ::kg::testing::GraphFixture;

class SubgraphTest : public GraphFixture {
 protected:
  absl::StatusOr<SubgraphResult> Build(const SubgraphRequest& request) {
    SubgraphBuilder builder(Schema::Default());
    std::unique_ptr<View> view = store_->NewView();
    return builder.Build(*view, request);
  }

  // Nodes (sorted) then edges (sorted), one per line.
  static std::string Render(const SubgraphResult& g) {
    std::vector<std::string> nodes, edges;
    for (const Entity& e : g.nodes) nodes.push_back(e.id + " (" + e.kind + ")");
    for (const SubgraphEdge& e : g.edges) {
      edges.push_back(e.subject + " -" + e.predicate + "-> " + e.object);
    }
    std::sort(nodes.begin(), nodes.end());
    std::sort(edges.begin(), edges.end());
    std::string out;
    for (const std::string& n : nodes) out += n + "\n";
    for (const std::string& e : edges) out += e + "\n";
    return out;
  }
};

TEST_F(SubgraphTest, OneHopOutWithInducedEdges) {
  ASSERT_OK_AND_ASSIGN(SubgraphResult g, Build({.seeds = {"actor/turkey"}}));
  EXPECT_EQ(Render(g),
            "actor/turkey (State)\n"
            "group/fsa (ArmedGroup)\n"
            "group/hts (ArmedGroup)\n"
            "actor/turkey -backs-> group/fsa\n"
            "actor/turkey -opposes-> group/hts\n"
            "actor/turkey -supplies-> group/fsa\n"
            "group/fsa -clashes_with-> group/hts\n");
  EXPECT_FALSE(g.truncated);
  EXPECT_EQ(g.nodes[0].id, "actor/turkey");
  for (const SubgraphEdge& e : g.edges) {
    if (e.predicate == "clashes_with") {
      EXPECT_EQ(e.statement_id, Id("group/fsa clashes_with group/hts"));
      EXPECT_EQ(e.independent_sources, 2);
    }
  }
}

TEST_F(SubgraphTest, KindsAndFilter) {
  SubgraphRequest r{
      .seeds = {"loc/syria"}, .max_depth = 3, .direction = Direction::kIn, .kinds = {"Location"}};
  ASSERT_OK_AND_ASSIGN(SubgraphResult g, Build(r));
  EXPECT_EQ(Render(g),
            "loc/hama (Region)\n"
            "loc/idlib (Region)\n"
            "loc/kafranbel (Village)\n"
            "loc/maarrat (District)\n"
            "loc/syria (Country)\n"
            "loc/hama -part_of-> loc/syria\n"
            "loc/idlib -part_of-> loc/syria\n"
            "loc/kafranbel -located_in-> loc/maarrat\n"
            "loc/maarrat -located_in-> loc/idlib\n");
  SubgraphRequest f{.seeds = {"actor/turkey"}};
  f.filter.min_confidence = 0.5;
  ASSERT_OK_AND_ASSIGN(SubgraphResult h, Build(f));
  EXPECT_EQ(Render(h),
            "actor/turkey (State)\n"
            "group/fsa (ArmedGroup)\n"
            "actor/turkey -supplies-> group/fsa\n");
}

TEST_F(SubgraphTest, CapsSetTruncated) {
  SubgraphRequest r{.seeds = {"actor/turkey"}};
  r.max_edges = 2;
  ASSERT_OK_AND_ASSIGN(SubgraphResult edges, Build(r));
  EXPECT_EQ(edges.edges.size(), 2u);
  EXPECT_TRUE(edges.truncated);
  // max_nodes counts the nodes reached: the seed comes on top.
  r.max_edges = 0;
  r.max_nodes = 1;
  ASSERT_OK_AND_ASSIGN(SubgraphResult nodes, Build(r));
  EXPECT_EQ(nodes.nodes.size(), 2u);
  EXPECT_TRUE(nodes.truncated);
  r.max_nodes = 2;
  ASSERT_OK_AND_ASSIGN(SubgraphResult all, Build(r));
  EXPECT_EQ(all.nodes.size(), 3u);
  EXPECT_FALSE(all.truncated);
}

TEST_F(SubgraphTest, Errors) {
  absl::StatusOr<SubgraphResult> r = Build({.seeds = {"nope"}});
  EXPECT_EQ(r.status().message(), "seeds[0]: entity 'nope' not found");
  r = Build({.seeds = {"actor/turkey"}, .max_depth = -1});
  EXPECT_EQ(r.status().message(), "max_depth: must be 1..6, got -1");
  SubgraphBuilder builder(Schema::Default());
  std::unique_ptr<View> view = store_->NewView();
  r = builder.Build(*view, {.seeds = {"actor/turkey"}}, [] { return true; });
  EXPECT_EQ(r.status().code(), absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace kg
