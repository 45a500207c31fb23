#include "query/paths.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "storage/schema.h"
#include "tests/query/graph_fixture.h"

namespace kg {
namespace {

using ::kg::testing::GraphFixture;

class PathsTest : public GraphFixture {
 protected:
  absl::StatusOr<FindPathsResult> Find(const FindPathsRequest& request, QueryLimits limits = {}) {
    PathFinder finder(Schema::Default(), limits);
    std::unique_ptr<View> view = store_->NewView();
    return finder.Find(*view, request);
  }

  // "a -p-> b -q-> c"; a reversed hop renders as "<-p-".
  static std::string Render(const Path& path) {
    if (path.hops.empty()) return "(empty)";
    std::string out = path.hops[0].from;
    for (const PathHop& h : path.hops) {
      out += h.reversed ? " <-" + h.predicate + "- " : " -" + h.predicate + "-> ";
      out += h.to;
    }
    return out;
  }
  static std::vector<std::string> RenderAll(const FindPathsResult& r) {
    std::vector<std::string> out;
    for (const Path& p : r.paths) out.push_back(Render(p));
    return out;
  }
};

TEST_F(PathsTest, ShortestOut) {
  ASSERT_OK_AND_ASSIGN(FindPathsResult r, Find({.from = "actor/turkey", .to = "loc/idlib"}));
  ASSERT_EQ(r.paths.size(), 1u);
  EXPECT_EQ(Render(r.paths[0]), "actor/turkey -opposes-> group/hts -located_in-> loc/idlib");
  EXPECT_EQ(r.paths[0].hops[0].statement_id, Id("actor/turkey opposes group/hts"));
  EXPECT_EQ(r.paths[0].hops[1].statement_id, Id("group/hts located_in loc/idlib"));
  EXPECT_DOUBLE_EQ(r.paths[0].hops[0].confidence, 0.3);
  EXPECT_FALSE(r.paths[0].hops[0].reversed);
  EXPECT_FALSE(r.truncated);
}

TEST_F(PathsTest, KShortestLooplessInOrder) {
  ASSERT_OK_AND_ASSIGN(FindPathsResult r,
                       Find({.from = "actor/turkey", .to = "loc/idlib", .k = 5}));
  std::vector<std::string> paths = RenderAll(r);
  ASSERT_EQ(paths.size(), 3u);
  EXPECT_EQ(paths[0], "actor/turkey -opposes-> group/hts -located_in-> loc/idlib");
  EXPECT_EQ(std::set<std::string>(paths.begin() + 1, paths.end()),
            (std::set<std::string>{
                "actor/turkey -backs-> group/fsa -clashes_with-> group/hts -located_in-> "
                "loc/idlib",
                "actor/turkey -supplies-> group/fsa -clashes_with-> group/hts -located_in-> "
                "loc/idlib"}));
}

TEST_F(PathsTest, NoPathWithinDepthIsEmpty) {
  ASSERT_OK_AND_ASSIGN(FindPathsResult r,
                       Find({.from = "actor/turkey", .to = "loc/idlib", .max_depth = 1}));
  EXPECT_TRUE(r.paths.empty());
  ASSERT_OK_AND_ASSIGN(FindPathsResult none,
                       Find({.from = "loc/idlib", .to = "actor/turkey", .k = 3}));
  EXPECT_TRUE(none.paths.empty());
}

TEST_F(PathsTest, InAndBothDirections) {
  ASSERT_OK_AND_ASSIGN(
      FindPathsResult in,
      Find({.from = "loc/idlib", .to = "actor/turkey", .direction = Direction::kIn}));
  ASSERT_EQ(RenderAll(in),
            std::vector<std::string>{"loc/idlib <-located_in- group/hts <-opposes- actor/turkey"});
  EXPECT_TRUE(in.paths[0].hops[0].reversed);
  ASSERT_OK_AND_ASSIGN(FindPathsResult both, Find({.from = "loc/kafranbel",
                                                   .to = "loc/hama",
                                                   .direction = Direction::kBoth,
                                                   .predicates_allow = {"located_in", "part_of"}}));
  EXPECT_EQ(RenderAll(both),
            std::vector<std::string>{"loc/kafranbel -located_in-> loc/maarrat -located_in-> "
                                     "loc/idlib -part_of-> loc/syria <-part_of- loc/hama"});
  ASSERT_OK_AND_ASSIGN(FindPathsResult shallow,
                       Find({.from = "loc/kafranbel",
                             .to = "loc/hama",
                             .max_depth = 3,
                             .direction = Direction::kBoth,
                             .predicates_allow = {"located_in", "part_of"}}));
  EXPECT_TRUE(shallow.paths.empty());
}

TEST_F(PathsTest, PredicateDeny) {
  ASSERT_OK_AND_ASSIGN(
      FindPathsResult r,
      Find({.from = "actor/turkey", .to = "group/hts", .predicates_deny = {"opposes", "backs"}}));
  EXPECT_EQ(RenderAll(r), std::vector<std::string>{
                              "actor/turkey -supplies-> group/fsa -clashes_with-> group/hts"});
}

TEST_F(PathsTest, Filters) {
  FindPathsRequest r{.from = "actor/turkey", .to = "group/hts", .k = 3};
  r.filter.min_confidence = 0.5;
  ASSERT_OK_AND_ASSIGN(FindPathsResult conf, Find(r));
  EXPECT_EQ(RenderAll(conf), std::vector<std::string>{
                                 "actor/turkey -supplies-> group/fsa -clashes_with-> group/hts"});

  r.filter = {};
  r.filter.min_sources = 2;
  ASSERT_OK_AND_ASSIGN(FindPathsResult sources, Find(r));
  EXPECT_TRUE(sources.paths.empty());

  r.filter = {};
  r.filter.publishers_deny = {"outlet/reuters"};
  ASSERT_OK_AND_ASSIGN(FindPathsResult deny, Find(r));
  EXPECT_EQ(RenderAll(deny),
            std::vector<std::string>{"actor/turkey -backs-> group/fsa -clashes_with-> group/hts"});

  r.filter = {};
  r.filter.publishers_allow = {"outlet/tass"};
  ASSERT_OK_AND_ASSIGN(FindPathsResult allow, Find(r));
  EXPECT_EQ(RenderAll(allow), RenderAll(deny));

  r.filter = {};
  r.filter.min_reliability = 'A';
  ASSERT_OK_AND_ASSIGN(FindPathsResult graded, Find(r));
  EXPECT_EQ(
      RenderAll(graded),
      (std::vector<std::string>{"actor/turkey -opposes-> group/hts",
                                "actor/turkey -supplies-> group/fsa -clashes_with-> group/hts"}));

  FindPathsRequest valid{.from = "actor/russia", .to = "loc/idlib"};
  ASSERT_OK_AND_ASSIGN(FindPathsResult open, Find(valid));
  EXPECT_EQ(open.paths.size(), 1u);
  valid.filter.valid_to = "2018";
  ASSERT_OK_AND_ASSIGN(FindPathsResult closed, Find(valid));
  EXPECT_TRUE(closed.paths.empty());
}

TEST_F(PathsTest, AsOfBeforeRetraction) {
  const TxTime before = RetractTurkeyOpposes();
  FindPathsRequest r{.from = "actor/turkey", .to = "group/hts"};
  ASSERT_OK_AND_ASSIGN(FindPathsResult now, Find(r));
  ASSERT_EQ(now.paths.size(), 1u);
  EXPECT_EQ(now.paths[0].hops.size(), 2u);
  r.filter.as_of = before;
  ASSERT_OK_AND_ASSIGN(FindPathsResult then, Find(r));
  EXPECT_EQ(RenderAll(then), std::vector<std::string>{"actor/turkey -opposes-> group/hts"});
}

TEST_F(PathsTest, SameEndpointsIsOneEmptyPath) {
  ASSERT_OK_AND_ASSIGN(FindPathsResult r, Find({.from = "group/hts", .to = "group/hts", .k = 3}));
  ASSERT_EQ(r.paths.size(), 1u);
  EXPECT_TRUE(r.paths[0].hops.empty());
}

TEST_F(PathsTest, Errors) {
  absl::StatusOr<FindPathsResult> r = Find({.from = "actor/turkey", .to = "nope"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(), "to: entity 'nope' not found");
  r = Find({.from = "", .to = "actor/turkey"});
  EXPECT_EQ(r.status().message(), "from: required");
  r = Find({.from = "actor/turkey", .to = "group/hts", .max_depth = 9});
  EXPECT_EQ(r.status().message(), "max_depth: must be 1..6, got 9");
  r = Find({.from = "actor/turkey", .to = "group/hts", .k = 21});
  EXPECT_EQ(r.status().message(), "k: must be 1..20, got 21");
  r = Find({.from = "actor/turkey", .to = "group/hts", .predicates_allow = {"frobs"}});
  EXPECT_EQ(r.status().message(), "predicates_allow[0]: unknown predicate 'frobs'");
}

TEST_F(PathsTest, ExpansionBudgetTruncates) {
  QueryLimits tight;
  tight.max_path_expansions = 2;
  ASSERT_OK_AND_ASSIGN(
      FindPathsResult r,
      Find({.from = "loc/kafranbel", .to = "loc/hama", .k = 3, .direction = Direction::kBoth},
           tight));
  EXPECT_TRUE(r.truncated);
  EXPECT_LE(r.expansions, 2);
}

TEST_F(PathsTest, Cancelled) {
  PathFinder finder(Schema::Default());
  std::unique_ptr<View> view = store_->NewView();
  absl::StatusOr<FindPathsResult> r =
      finder.Find(*view, {.from = "actor/turkey", .to = "loc/idlib", .k = 3}, [] { return true; });
  EXPECT_EQ(r.status().code(), absl::StatusCode::kCancelled);
  // Through the view: a long scan stops.
  AddStar("group/star", 2000);
  std::unique_ptr<View> cancelled = store_->NewView([] { return true; });
  r = finder.Find(*cancelled,
                  {.from = "group/star", .to = "actor/turkey", .direction = Direction::kBoth});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace kg
