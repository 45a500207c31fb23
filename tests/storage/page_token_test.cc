#include "storage/page_token.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "tests/testing/test_util.h"

namespace kg {
namespace {

constexpr char kOther[] = "INVALID_ARGUMENT: page_token: belongs to another listing or query";
constexpr char kMalformed[] = "INVALID_ARGUMENT: page_token: malformed";

PageListing Listing() {
  PageListing l("Match");
  l.Add("actor/turkey").Add(std::vector<std::string>{"a", "b"}).Add(Filter{});
  return l;
}

TEST(PageTokenTest, RoundTripPinsTheFirstPagesTime) {
  const std::string resume("resume\0key", 10);
  const std::string token = EncodePageToken(Listing(), 40, {resume, "", "7"});
  ASSERT_OK_AND_ASSIGN(PageCursor c, StartPage(token, Listing(), kLatest, 100, 3));
  EXPECT_EQ(c.as_of, 40);
  EXPECT_EQ(c.fields, (std::vector<std::string>{resume, "", "7"}));
  ASSERT_OK_AND_ASSIGN(int64_t n, c.Int(2));
  EXPECT_EQ(n, 7);
  EXPECT_EQ(c.Int(1).status().ToString(), kMalformed);
}

TEST(PageTokenTest, FirstPageClampsToTheSnapshot) {
  ASSERT_OK_AND_ASSIGN(PageCursor latest, StartPage("", Listing(), kLatest, 100, 3));
  EXPECT_EQ(latest.as_of, 100);
  EXPECT_TRUE(latest.fields.empty());
  ASSERT_OK_AND_ASSIGN(PageCursor past, StartPage("", Listing(), 30, 100, 3));
  EXPECT_EQ(past.as_of, 30);
}

TEST(PageTokenTest, AnotherListingOrQueryIsRejected) {
  const std::string token = EncodePageToken(Listing(), 40, {"k"});
  EXPECT_EQ(StartPage(token, PageListing("Search"), kLatest, 100, 1).status().ToString(), kOther);
  PageListing other_filter("Match");
  Filter f;
  f.min_sources = 2;
  other_filter.Add("actor/turkey").Add(std::vector<std::string>{"a", "b"}).Add(f);
  EXPECT_EQ(StartPage(token, other_filter, kLatest, 100, 1).status().ToString(), kOther);
  // Parts are length-prefixed: {"a", "b"} is not {"ab"} nor "a" then "b".
  PageListing joined("Match");
  joined.Add("actor/turkey").Add(std::vector<std::string>{"ab"}).Add(Filter{});
  EXPECT_NE(joined.Digest(), Listing().Digest());
  EXPECT_NE(PageListing("x").Add("ab").Digest(), PageListing("x").Add("a").Add("b").Digest());
}

TEST(PageTokenTest, MalformedTokens) {
  EXPECT_EQ(StartPage("@@@", Listing(), kLatest, 100, 1).status().ToString(), kMalformed);
  EXPECT_EQ(StartPage(absl::WebSafeBase64Escape("\x01old"), Listing(), kLatest, 100, 1)
                .status()
                .ToString(),
            kMalformed);
  const std::string two = EncodePageToken(Listing(), 40, {"a", "b"});
  EXPECT_EQ(StartPage(two, Listing(), kLatest, 100, 1).status().ToString(), kMalformed);
  EXPECT_EQ(StartPage(two, Listing(), kLatest, 100, 3).status().ToString(), kMalformed);
}

// Found by fuzz/fuzz_page_token: a forged token carried a negative as_of.
TEST(PageTokenTest, NegativeTimeIsMalformed) {
  const std::string token = EncodePageToken(Listing(), -5, {"a"});
  EXPECT_EQ(StartPage(token, Listing(), kLatest, 100, 1).status().ToString(), kMalformed);
}

}  // namespace
}  // namespace kg
