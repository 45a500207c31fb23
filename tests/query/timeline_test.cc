#include "query/timeline.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "tests/query/graph_fixture.h"

namespace kg {
namespace {

using ::kg::testing::GraphFixture;

class TimelineTest : public GraphFixture {
 protected:
  absl::StatusOr<TimelineResult> Build(const TimelineRequest& request) {
    TimelineBuilder builder(store_->schema());
    std::unique_ptr<View> view = store_->NewView();
    return builder.Build(*view, request);
  }

  // "date incident role place", one per entry, in order.
  static std::string Render(const std::vector<TimelineEntry>& entries) {
    std::string out;
    for (const TimelineEntry& e : entries) {
      out += (e.date.empty() ? "-" : e.date) + " " + e.incident.id + " " + e.role +
             (e.place.empty() ? "" : " " + e.place) + "\n";
    }
    return out;
  }
};

TEST_F(TimelineTest, Actor) {
  ASSERT_OK_AND_ASSIGN(TimelineResult r, Build({.actor = "group/hts"}));
  EXPECT_EQ(Render(r.entries),
            "2019-03-02 inc/a2 participant\n"
            "2019-05-11 inc/a1 targeted\n"
            "- inc/a4 perpetrated_by\n");
  EXPECT_TRUE(r.next_page_token.empty());
  EXPECT_EQ(r.entries[1].statement_id, Id("inc/a1 targeted group/hts"));
  EXPECT_EQ(r.entries[1].incident.kind, "Airstrike");
  ASSERT_OK_AND_ASSIGN(TimelineResult russia, Build({.actor = "actor/russia"}));
  EXPECT_EQ(Render(russia.entries),
            "2018 inc/a3 perpetrated_by\n"
            "2019-05-11 inc/a1 perpetrated_by\n");
}

TEST_F(TimelineTest, PlaceIncludesSubPlacesDownTheHierarchy) {
  // village -> district -> region -> country.
  ASSERT_OK_AND_ASSIGN(TimelineResult country, Build({.place = "loc/syria"}));
  EXPECT_EQ(Render(country.entries),
            "2018 inc/a3 occurred_in loc/hama\n"
            "2019-03-02 inc/a2 occurred_in loc/idlib\n"
            "2019-05-11 inc/a1 occurred_in loc/kafranbel\n"
            "- inc/a4 occurred_in loc/maarrat\n");
  ASSERT_OK_AND_ASSIGN(TimelineResult region, Build({.place = "loc/idlib"}));
  EXPECT_EQ(Render(region.entries),
            "2019-03-02 inc/a2 occurred_in loc/idlib\n"
            "2019-05-11 inc/a1 occurred_in loc/kafranbel\n"
            "- inc/a4 occurred_in loc/maarrat\n");
  ASSERT_OK_AND_ASSIGN(TimelineResult district, Build({.place = "loc/maarrat"}));
  EXPECT_EQ(Render(district.entries),
            "2019-05-11 inc/a1 occurred_in loc/kafranbel\n"
            "- inc/a4 occurred_in loc/maarrat\n");
  ASSERT_OK_AND_ASSIGN(TimelineResult village, Build({.place = "loc/kafranbel"}));
  EXPECT_EQ(Render(village.entries), "2019-05-11 inc/a1 occurred_in loc/kafranbel\n");
}

TEST_F(TimelineTest, DateRange) {
  ASSERT_OK_AND_ASSIGN(TimelineResult year,
                       Build({.place = "loc/syria", .date_from = "2019", .date_to = "2019"}));
  EXPECT_EQ(Render(year.entries),
            "2019-03-02 inc/a2 occurred_in loc/idlib\n"
            "2019-05-11 inc/a1 occurred_in loc/kafranbel\n");
  ASSERT_OK_AND_ASSIGN(TimelineResult from, Build({.place = "loc/syria", .date_from = "2019-04"}));
  EXPECT_EQ(Render(from.entries), "2019-05-11 inc/a1 occurred_in loc/kafranbel\n");
  // "2018" overlaps a range inside 2018.
  ASSERT_OK_AND_ASSIGN(
      TimelineResult inside,
      Build({.place = "loc/syria", .date_from = "2018-02-01", .date_to = "2018-03-01"}));
  EXPECT_EQ(Render(inside.entries), "2018 inc/a3 occurred_in loc/hama\n");
}

TEST_F(TimelineTest, Pages) {
  std::string all;
  std::string token;
  int pages = 0;
  do {
    ASSERT_OK_AND_ASSIGN(TimelineResult page,
                         Build({.place = "loc/syria", .page_size = 1, .page_token = token}));
    ASSERT_LE(page.entries.size(), 1u);
    all += Render(page.entries);
    token = page.next_page_token;
    ASSERT_LT(++pages, 10);
  } while (!token.empty());
  EXPECT_EQ(pages, 4);
  ASSERT_OK_AND_ASSIGN(TimelineResult whole, Build({.place = "loc/syria"}));
  EXPECT_EQ(all, Render(whole.entries));
}

TEST_F(TimelineTest, TokensBelongToTheirListing) {
  ASSERT_OK_AND_ASSIGN(TimelineResult first, Build({.place = "loc/syria", .page_size = 1}));
  ASSERT_FALSE(first.next_page_token.empty());
  for (const TimelineRequest& other :
       {TimelineRequest{.place = "loc/idlib"}, TimelineRequest{.actor = "group/hts"},
        TimelineRequest{.place = "loc/syria", .date_from = "2019"}}) {
    TimelineRequest r = other;
    r.page_token = first.next_page_token;
    EXPECT_EQ(Build(r).status().message(), "page_token: belongs to another listing or query");
  }
  // A page size of its own is the same listing.
  EXPECT_OK(
      Build({.place = "loc/syria", .page_size = 2, .page_token = first.next_page_token}).status());
}

TEST_F(TimelineTest, WrongKindsAndUnknownAsOf) {
  absl::StatusOr<TimelineResult> r = Build({.place = "person/ali"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(r.status().message(),
            "place: entity 'person/ali' of kind Person is not a kind of Location");
  r = Build({.actor = "loc/idlib"});
  EXPECT_EQ(r.status().message(),
            "actor: entity 'loc/idlib' of kind Region is not a kind of Actor");
  // Sub-kinds are kinds: a Village is a Location, a Person an Actor.
  EXPECT_OK(Build({.place = "loc/kafranbel"}).status());
  EXPECT_OK(Build({.actor = "person/ali"}).status());
  TimelineRequest before{.actor = "group/hts"};
  before.filter.as_of = 1;
  EXPECT_EQ(Build(before).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(TimelineTest, Filters) {
  TimelineRequest r{.actor = "group/hts"};
  r.filter.publishers_allow = {"outlet/tass"};
  ASSERT_OK_AND_ASSIGN(TimelineResult tass, Build(r));
  EXPECT_EQ(Render(tass.entries),
            "2019-03-02 inc/a2 participant\n"
            "2019-05-11 inc/a1 targeted\n");
  r.filter = {};
  r.filter.min_confidence = 0.7;
  ASSERT_OK_AND_ASSIGN(TimelineResult confident, Build(r));
  EXPECT_EQ(Render(confident.entries), "2019-03-02 inc/a2 participant\n");
}

TEST_F(TimelineTest, Errors) {
  absl::StatusOr<TimelineResult> r = Build({});
  EXPECT_EQ(r.status().message(), "actor: exactly one of actor and place must be set");
  r = Build({.actor = "group/hts", .place = "loc/syria"});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  r = Build({.place = "loc/atlantis"});
  EXPECT_EQ(r.status().message(), "place: entity 'loc/atlantis' not found");
  r = Build({.actor = "group/hts", .page_token = "@@@"});
  EXPECT_EQ(r.status().message(), "page_token: malformed");
  r = Build({.actor = "group/hts", .date_from = "May 2019"});
  EXPECT_EQ(r.status().message(), "date_from: must be YYYY[-MM[-DD]], got 'May 2019'");
  r = Build({.actor = "group/hts", .page_size = 5000});
  EXPECT_EQ(r.status().message(), "page_size: must be 1..1000, got 5000");
}

}  // namespace
}  // namespace kg
