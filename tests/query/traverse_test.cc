#include "query/traverse.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "storage/schema.h"
#include "tests/query/graph_fixture.h"

namespace kg {
namespace {

using ::kg::testing::GraphFixture;

class TraverseTest : public GraphFixture {
 protected:
  struct Run {
    absl::Status status;
    std::vector<TraversalStep> steps;
    TraverseSummary summary;
  };

  Run Traverse(const TraverseRequest& request, QueryLimits limits = {}) {
    Traverser traverser(Schema::Default(), limits);
    std::unique_ptr<View> view = store_->NewView();
    Run run;
    absl::StatusOr<TraverseSummary> summary =
        traverser.Run(*view, request, [&](const TraversalStep& step) {
          run.steps.push_back(step);
          return true;
        });
    run.status = summary.status();
    if (summary.ok()) run.summary = *summary;
    return run;
  }

  // "depth node <-predicate- from", one per step, in BFS order; steps of
  // equal depth sorted so that the index order within a level does not
  // matter. Also checks that depths never decrease.
  static std::string Render(const std::vector<TraversalStep>& steps) {
    std::vector<std::string> lines;
    int32_t last_depth = 0;
    for (const TraversalStep& s : steps) {
      EXPECT_GE(s.depth, last_depth) << "not in BFS order at " << s.node;
      last_depth = s.depth;
      std::string line = std::to_string(s.depth) + " " + s.node;
      if (s.depth > 0) line += " <-" + s.via_predicate + "- " + s.from_node;
      lines.push_back(line);
    }
    std::stable_sort(lines.begin(), lines.end(), [](const std::string& a, const std::string& b) {
      return a[0] < b[0] || (a[0] == b[0] && a < b);
    });
    std::string out;
    for (const std::string& l : lines) out += l + "\n";
    return out;
  }

  // Steps whose via predicate may be one of several parallel edges are
  // rendered without it.
  static std::string Nodes(const std::vector<TraversalStep>& steps) {
    std::vector<std::string> lines;
    for (const TraversalStep& s : steps) {
      lines.push_back(std::to_string(s.depth) + " " + s.node +
                      (s.depth > 0 ? " <- " + s.from_node : ""));
    }
    std::sort(lines.begin(), lines.end());
    std::string out;
    for (const std::string& l : lines) out += l + "\n";
    return out;
  }
};

TEST_F(TraverseTest, OutTwoHopsFromTurkey) {
  Run run = Traverse({.seeds = {"actor/turkey"}, .max_depth = 2});
  ASSERT_OK(run.status);
  EXPECT_EQ(Nodes(run.steps),
            "0 actor/turkey\n"
            "1 group/fsa <- actor/turkey\n"
            "1 group/hts <- actor/turkey\n"
            "2 loc/idlib <- group/hts\n");
  EXPECT_FALSE(run.summary.truncated);
  EXPECT_EQ(run.summary.nodes, 4);
  ASSERT_EQ(run.steps.size(), 4u);
  EXPECT_EQ(run.steps[0].kind, "State");
  EXPECT_EQ(run.steps[0].label, "turkey");
  EXPECT_EQ(run.steps[0].via_statement, 0u);
  for (const TraversalStep& s : run.steps) {
    if (s.node == "loc/idlib") {
      EXPECT_EQ(s.via_statement, Id("group/hts located_in loc/idlib"));
      EXPECT_EQ(s.kind, "Region");
    }
  }
}

TEST_F(TraverseTest, LiteralsAreNotNodes) {
  Run run = Traverse({.seeds = {"group/hts"}, .max_depth = 1});
  ASSERT_OK(run.status);
  EXPECT_EQ(Render(run.steps),
            "0 group/hts\n"
            "1 loc/idlib <-located_in- group/hts\n");
}

TEST_F(TraverseTest, InAndBoth) {
  Run in = Traverse({.seeds = {"group/hts"}, .max_depth = 1, .direction = Direction::kIn});
  ASSERT_OK(in.status);
  EXPECT_EQ(Render(in.steps),
            "0 group/hts\n"
            "1 actor/russia <-opposes- group/hts\n"
            "1 actor/turkey <-opposes- group/hts\n"
            "1 group/fsa <-clashes_with- group/hts\n"
            "1 inc/a1 <-targeted- group/hts\n"
            "1 inc/a2 <-participant- group/hts\n"
            "1 inc/a4 <-perpetrated_by- group/hts\n"
            "1 person/ali <-member_of- group/hts\n");
  Run both = Traverse({.seeds = {"loc/idlib"}, .max_depth = 1, .direction = Direction::kBoth});
  ASSERT_OK(both.status);
  EXPECT_EQ(Render(both.steps),
            "0 loc/idlib\n"
            "1 group/hts <-located_in- loc/idlib\n"
            "1 inc/a2 <-occurred_in- loc/idlib\n"
            "1 loc/maarrat <-located_in- loc/idlib\n"
            "1 loc/syria <-part_of- loc/idlib\n");
}

TEST_F(TraverseTest, PredicateAllowAndDeny) {
  Run allow = Traverse({.seeds = {"group/hts"},
                        .max_depth = 1,
                        .direction = Direction::kIn,
                        .predicates_allow = {"member_of", "opposes"}});
  ASSERT_OK(allow.status);
  EXPECT_EQ(Render(allow.steps),
            "0 group/hts\n"
            "1 actor/russia <-opposes- group/hts\n"
            "1 actor/turkey <-opposes- group/hts\n"
            "1 person/ali <-member_of- group/hts\n");
  Run deny = Traverse({.seeds = {"group/hts"},
                       .max_depth = 1,
                       .direction = Direction::kIn,
                       .predicates_deny = {"targeted", "participant", "perpetrated_by"}});
  ASSERT_OK(deny.status);
  EXPECT_EQ(Render(deny.steps),
            "0 group/hts\n"
            "1 actor/russia <-opposes- group/hts\n"
            "1 actor/turkey <-opposes- group/hts\n"
            "1 group/fsa <-clashes_with- group/hts\n"
            "1 person/ali <-member_of- group/hts\n");
  // A predicate of the schema that no statement uses matches nothing.
  Run unused = Traverse({.seeds = {"group/hts"}, .predicates_allow = {"sponsors"}});
  ASSERT_OK(unused.status);
  EXPECT_EQ(Render(unused.steps), "0 group/hts\n");
}

TEST_F(TraverseTest, KindFilterIncludesSubKinds) {
  Run actors = Traverse(
      {.seeds = {"group/hts"}, .max_depth = 1, .direction = Direction::kIn, .kinds = {"Actor"}});
  ASSERT_OK(actors.status);
  EXPECT_EQ(Nodes(actors.steps),
            "0 group/hts\n"
            "1 actor/russia <- group/hts\n"
            "1 actor/turkey <- group/hts\n"
            "1 group/fsa <- group/hts\n"
            "1 person/ali <- group/hts\n");
  Run states = Traverse({.seeds = {"group/hts"},
                         .max_depth = 1,
                         .direction = Direction::kIn,
                         .kinds = {"State", "Attack"}});
  ASSERT_OK(states.status);
  EXPECT_EQ(Nodes(states.steps),
            "0 group/hts\n"
            "1 actor/russia <- group/hts\n"
            "1 actor/turkey <- group/hts\n"
            "1 inc/a1 <- group/hts\n"
            "1 inc/a4 <- group/hts\n");
}

TEST_F(TraverseTest, MinConfidence) {
  TraverseRequest r{.seeds = {"actor/turkey"}, .max_depth = 2};
  r.filter.min_confidence = 0.5;
  Run run = Traverse(r);
  ASSERT_OK(run.status);
  EXPECT_EQ(Render(run.steps),
            "0 actor/turkey\n"
            "1 group/fsa <-supplies- actor/turkey\n"
            "2 group/hts <-clashes_with- group/fsa\n");
}

TEST_F(TraverseTest, MinSources) {
  TraverseRequest r{.seeds = {"actor/turkey", "group/fsa"}, .max_depth = 3};
  r.filter.min_sources = 2;
  Run run = Traverse(r);
  ASSERT_OK(run.status);
  EXPECT_EQ(Render(run.steps),
            "0 actor/turkey\n"
            "0 group/fsa\n"
            "1 group/hts <-clashes_with- group/fsa\n");
}

TEST_F(TraverseTest, PublisherAllowAndDeny) {
  TraverseRequest allow{.seeds = {"actor/turkey"}, .max_depth = 3};
  allow.filter.publishers_allow = {"outlet/reuters"};
  Run a = Traverse(allow);
  ASSERT_OK(a.status);
  EXPECT_EQ(Render(a.steps),
            "0 actor/turkey\n"
            "1 group/fsa <-supplies- actor/turkey\n"
            "1 group/hts <-opposes- actor/turkey\n"
            "2 loc/idlib <-located_in- group/hts\n"
            "3 loc/syria <-part_of- loc/idlib\n");
  TraverseRequest deny{.seeds = {"actor/turkey"}, .max_depth = 3};
  deny.filter.publishers_deny = {"outlet/reuters"};
  Run d = Traverse(deny);
  ASSERT_OK(d.status);
  EXPECT_EQ(Render(d.steps),
            "0 actor/turkey\n"
            "1 group/fsa <-backs- actor/turkey\n"
            "2 group/hts <-clashes_with- group/fsa\n");
}

TEST_F(TraverseTest, AdmiraltyThreshold) {
  TraverseRequest r{.seeds = {"actor/turkey"}, .max_depth = 2};
  r.filter.min_reliability = 'B';
  Run run = Traverse(r);
  ASSERT_OK(run.status);
  EXPECT_EQ(Render(run.steps),
            "0 actor/turkey\n"
            "1 group/fsa <-supplies- actor/turkey\n"
            "1 group/hts <-opposes- actor/turkey\n"
            "2 loc/idlib <-located_in- group/hts\n");
  TraverseRequest cred{.seeds = {"actor/turkey"}, .max_depth = 1};
  cred.filter.max_credibility = 2;
  Run c = Traverse(cred);
  ASSERT_OK(c.status);
  EXPECT_EQ(Render(c.steps),
            "0 actor/turkey\n"
            "1 group/fsa <-supplies- actor/turkey\n"
            "1 group/hts <-opposes- actor/turkey\n");
}

TEST_F(TraverseTest, ValidTimeWindow) {
  TraverseRequest outside{.seeds = {"actor/russia"}, .max_depth = 1};
  outside.filter.valid_from = "2021";
  Run o = Traverse(outside);
  ASSERT_OK(o.status);
  EXPECT_EQ(Render(o.steps), "0 actor/russia\n");
  TraverseRequest inside{.seeds = {"actor/russia"}, .max_depth = 1};
  inside.filter.valid_from = "2019-06";
  inside.filter.valid_to = "2019-07";
  Run i = Traverse(inside);
  ASSERT_OK(i.status);
  EXPECT_EQ(Render(i.steps), "0 actor/russia\n1 group/hts <-opposes- actor/russia\n");
}

TEST_F(TraverseTest, AsOfBeforeAndAfterRetraction) {
  const TxTime before = RetractTurkeyOpposes();
  TraverseRequest now{.seeds = {"actor/turkey"}, .max_depth = 1};
  Run n = Traverse(now);
  ASSERT_OK(n.status);
  EXPECT_EQ(Nodes(n.steps), "0 actor/turkey\n1 group/fsa <- actor/turkey\n");
  TraverseRequest then = now;
  then.filter.as_of = before;
  Run t = Traverse(then);
  ASSERT_OK(t.status);
  EXPECT_EQ(Nodes(t.steps),
            "0 actor/turkey\n1 group/fsa <- actor/turkey\n1 group/hts <- actor/turkey\n");
}

TEST_F(TraverseTest, CapsSetTruncated) {
  TraverseRequest r{.seeds = {"group/hts"}, .max_depth = 1, .direction = Direction::kIn};
  // max_nodes counts the nodes reached: the seed comes on top.
  r.max_nodes = 3;
  Run nodes = Traverse(r);
  ASSERT_OK(nodes.status);
  EXPECT_EQ(nodes.steps.size(), 4u);
  EXPECT_TRUE(nodes.summary.truncated);

  r.max_nodes = 0;
  r.max_edges = 1;
  Run edges = Traverse(r);
  ASSERT_OK(edges.status);
  EXPECT_EQ(edges.steps.size(), 2u);
  EXPECT_TRUE(edges.summary.truncated);

  // A cap equal to what there is does not truncate.
  r.max_edges = 0;
  r.max_nodes = 7;
  Run exact = Traverse(r);
  ASSERT_OK(exact.status);
  EXPECT_EQ(exact.steps.size(), 8u);
  EXPECT_FALSE(exact.summary.truncated);

  QueryLimits tight;
  tight.max_edges_examined = 2;
  Run examined = Traverse({.seeds = {"group/hts"}, .direction = Direction::kIn}, tight);
  ASSERT_OK(examined.status);
  EXPECT_TRUE(examined.summary.truncated);
}

TEST_F(TraverseTest, MaxNodesExcludesEverySeed) {
  TraverseRequest r{.seeds = {"group/hts", "actor/turkey"}, .max_depth = 1, .max_nodes = 1};
  r.direction = Direction::kIn;
  Run run = Traverse(r);
  ASSERT_OK(run.status);
  ASSERT_EQ(run.steps.size(), 3u);
  EXPECT_EQ(run.steps[2].depth, 1);
  EXPECT_TRUE(run.summary.truncated);
  // The limit itself is a valid request and yields that many reached nodes.
  QueryLimits limits;
  limits.max_nodes = 7;
  r.seeds = {"group/hts"};
  r.max_nodes = 7;
  Run at_limit = Traverse(r, limits);
  ASSERT_OK(at_limit.status);
  EXPECT_EQ(at_limit.steps.size(), 8u);
}

TEST_F(TraverseTest, ErrorsNameTheField) {
  Run unknown = Traverse({.seeds = {"actor/turkey", "nope"}});
  EXPECT_EQ(unknown.status.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(unknown.status.message(), "seeds[1]: entity 'nope' not found");
  Run deep = Traverse({.seeds = {"actor/turkey"}, .max_depth = 7});
  EXPECT_EQ(deep.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(deep.status.message(), "max_depth: must be 1..6, got 7");
  Run none = Traverse({});
  EXPECT_EQ(none.status.code(), absl::StatusCode::kInvalidArgument);
  Run kind = Traverse({.seeds = {"actor/turkey"}, .kinds = {"Spaceship"}});
  EXPECT_EQ(kind.status.message(), "kinds[0]: unknown kind 'Spaceship'");
  Run pred = Traverse({.seeds = {"actor/turkey"}, .predicates_deny = {"x", "frobs"}});
  EXPECT_EQ(pred.status.message(), "predicates_deny[0]: unknown predicate 'x'");
  TraverseRequest bad{.seeds = {"actor/turkey"}};
  bad.filter.min_confidence = 1.5;
  EXPECT_EQ(Traverse(bad).status.code(), absl::StatusCode::kInvalidArgument);
}

TEST_F(TraverseTest, CancellationStopsEarly) {
  Traverser traverser(Schema::Default());
  // Cancelled by the caller between nodes.
  {
    std::unique_ptr<View> view = store_->NewView();
    int polls = 0;
    int steps = 0;
    absl::StatusOr<TraverseSummary> r = traverser.Run(
        *view, {.seeds = {"actor/turkey"}, .max_depth = 4, .direction = Direction::kBoth},
        [&](const TraversalStep&) {
          ++steps;
          return true;
        },
        [&] { return ++polls > 1; });
    EXPECT_EQ(r.status().code(), absl::StatusCode::kCancelled);
    EXPECT_LT(steps, 5);
  }
  // Cancelled through the view: a long scan stops (the store polls its
  // check every few hundred keys).
  {
    AddStar("group/star", 2000);
    std::unique_ptr<View> view = store_->NewView([] { return true; });
    int steps = 0;
    absl::StatusOr<TraverseSummary> r =
        traverser.Run(*view, {.seeds = {"group/star"}, .max_depth = 1, .direction = Direction::kIn},
                      [&](const TraversalStep&) { return ++steps, true; });
    EXPECT_EQ(r.status().code(), absl::StatusCode::kCancelled);
    EXPECT_LT(steps, 2001);
  }
  // Stopped by the consumer.
  {
    std::unique_ptr<View> view = store_->NewView();
    int steps = 0;
    absl::StatusOr<TraverseSummary> r = traverser.Run(
        *view, {.seeds = {"group/hts"}, .max_depth = 2, .direction = Direction::kBoth},
        [&](const TraversalStep&) { return ++steps < 3; });
    EXPECT_EQ(r.status().code(), absl::StatusCode::kCancelled);
    EXPECT_EQ(steps, 3);
  }
}

TEST_F(TraverseTest, DuplicateSeedsOnce) {
  Run run = Traverse({.seeds = {"loc/syria", "loc/syria"},
                      .max_depth = 1,
                      .direction = Direction::kIn,
                      .include_labels = false});
  ASSERT_OK(run.status);
  EXPECT_EQ(Render(run.steps),
            "0 loc/syria\n"
            "1 loc/hama <-part_of- loc/syria\n"
            "1 loc/idlib <-part_of- loc/syria\n");
  EXPECT_TRUE(run.steps[0].label.empty());
}

}  // namespace
}  // namespace kg
