#include "storage/corroboration.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <string>
#include <vector>

namespace kg {
namespace {

Evidence Make(std::string document, std::string publisher, double confidence,
              Stance stance = Stance::kAsserts) {
  Evidence e;
  e.document = std::move(document);
  e.publisher = std::move(publisher);
  e.confidence = confidence;
  e.stance = stance;
  return e;
}

Corroboration Of(const std::vector<Evidence>& evidence) {
  std::vector<const Evidence*> pointers;
  for (const Evidence& e : evidence) pointers.push_back(&e);
  return Corroborate(pointers);
}

TEST(CorroborateTest, EmptyInput) {
  const Corroboration c = Corroborate({});
  EXPECT_EQ(c.evidence_count, 0);
  EXPECT_EQ(c.independent_sources, 0);
  EXPECT_EQ(c.publishers, 0);
  EXPECT_EQ(c.claimants, 0);
  EXPECT_EQ(c.supporting, 0);
  EXPECT_EQ(c.denying, 0);
  EXPECT_EQ(c.first_reported, "");
  EXPECT_EQ(c.last_reported, "");
  EXPECT_EQ(c.confidence, 0);
  EXPECT_FALSE(c.disputed);
}

TEST(CorroborateTest, CopiesOfOneStoryUnderSeveralDocumentsAreOneSource) {
  // GDELT's way: no text, but the copies share the story key.
  std::vector<Evidence> ev = {Make("doc/a", "outlet/a", 0.5), Make("doc/b", "outlet/b", 0.7),
                              Make("doc/c", "outlet/c", 0.4), Make("doc/d", "outlet/d", 0.6)};
  for (int i = 0; i < 3; ++i) ev[i].story = "gdelt/story/1/12/2675/-1/2705";
  const Corroboration c = Of(ev);
  EXPECT_EQ(c.evidence_count, 4);
  EXPECT_EQ(c.publishers, 4);
  EXPECT_EQ(c.independent_sources, 2);
  EXPECT_DOUBLE_EQ(c.confidence, 1 - (1 - 0.7) * (1 - 0.6));
  // A story joins transitively with the document rule: doc/d's second
  // record shares doc/a's story, so all four are one source.
  ev.push_back(Make("doc/d", "outlet/d", 0.3));
  ev.back().story = "gdelt/story/1/12/2675/-1/2705";
  EXPECT_EQ(Of(ev).independent_sources, 1);
}

TEST(CorroborateTest, WireStorySyndicatedByThreeOutletsIsOneSource) {
  std::vector<Evidence> ev;
  const char* publishers[] = {"outlet/aa", "outlet/mem", "outlet/dailysabah"};
  const char* excerpts[] = {
      "Ankara has sent fresh supplies ahead of an expected Russian-backed offensive",
      "ankara has sent fresh supplies ahead of an expected Russian backed offensive.",
      "“Ankara has sent  fresh supplies ahead of an expected Russian-backed offensive”"};
  const double confidences[] = {0.6, 0.7, 0.5};
  const char* dates[] = {"2019-05-12", "2019-05-11", "2019-05-13"};
  for (int i = 0; i < 3; ++i) {
    Evidence e = Make("doc/" + std::to_string(i), publishers[i], confidences[i]);
    e.claimant_description = i == 1 ? "Senior opposition sources" : "senior opposition sources";
    e.excerpt = excerpts[i];
    e.reported_on = dates[i];
    ev.push_back(e);
  }
  const Corroboration c = Of(ev);
  EXPECT_EQ(c.evidence_count, 3);
  EXPECT_EQ(c.independent_sources, 1);
  EXPECT_EQ(c.publishers, 3);
  EXPECT_EQ(c.claimants, 1);
  EXPECT_EQ(c.supporting, 3);
  EXPECT_EQ(c.denying, 0);
  EXPECT_DOUBLE_EQ(c.confidence, 0.7);  // the group's best, counted once
  EXPECT_EQ(c.first_reported, "2019-05-11");
  EXPECT_EQ(c.last_reported, "2019-05-13");
  EXPECT_FALSE(c.disputed);
}

TEST(CorroborateTest, TwoIndependentDocumentsCountTwice) {
  std::vector<Evidence> ev = {Make("doc/reuters-1", "outlet/reuters", 0.6),
                              Make("doc/tass-1", "outlet/tass", 0.5)};
  ev[0].claimant_description = "senior opposition sources";
  ev[0].excerpt = "Ankara has sent fresh supplies";
  ev[1].claimant = "person/kupschishin";
  ev[1].excerpt = "Ankara has sent fresh supplies";  // same words, different claimant
  const Corroboration c = Of(ev);
  EXPECT_EQ(c.independent_sources, 2);
  EXPECT_EQ(c.publishers, 2);
  EXPECT_EQ(c.claimants, 2);
  EXPECT_DOUBLE_EQ(c.confidence, 1 - 0.4 * 0.5);  // 0.8
}

TEST(CorroborateTest, SameDocumentIsOneSource) {
  std::vector<Evidence> ev = {Make("doc/a", "outlet/x", 0.3), Make("doc/a", "outlet/x", 0.9),
                              Make("doc/b", "outlet/x", 0.5)};
  const Corroboration c = Of(ev);
  EXPECT_EQ(c.independent_sources, 2);
  EXPECT_EQ(c.publishers, 1);
  EXPECT_EQ(c.claimants, 0);
  EXPECT_DOUBLE_EQ(c.confidence, 1 - 0.1 * 0.5);  // 0.95
}

TEST(CorroborateTest, GroupsCloseTransitively) {
  // a~b by document, b~c by claimant and excerpt: one group.
  std::vector<Evidence> ev = {Make("doc/1", "outlet/a", 0.2), Make("doc/1", "outlet/a", 0.4),
                              Make("doc/2", "outlet/b", 0.3), Make("doc/3", "outlet/c", 0.5)};
  ev[1].claimant = "outlet/sana";
  ev[1].excerpt = "operations killed and wounded a group of terrorists";
  ev[2].claimant = "outlet/sana";
  ev[2].excerpt = "Operations killed and wounded a group of terrorists.";
  ev[3].claimant = "outlet/sana";  // same claimant, no excerpt: independent
  const Corroboration c = Of(ev);
  EXPECT_EQ(c.independent_sources, 2);
  EXPECT_EQ(c.claimants, 1);
  EXPECT_DOUBLE_EQ(c.confidence, 1 - 0.6 * 0.5);  // 0.7
}

TEST(CorroborateTest, DenialLowersConfidence) {
  std::vector<Evidence> ev = {Make("doc/aa", "outlet/aa", 0.8),
                              Make("doc/sana", "outlet/sana", 0.5, Stance::kDenies)};
  ev[0].claimant = "outlet/aa";
  ev[1].claimant = "outlet/sana";
  const Corroboration c = Of(ev);
  EXPECT_EQ(c.supporting, 1);
  EXPECT_EQ(c.denying, 1);
  EXPECT_EQ(c.independent_sources, 2);
  EXPECT_TRUE(c.disputed);
  EXPECT_DOUBLE_EQ(c.confidence, 0.8 * (1 - 0.5));  // 0.4

  // A second, independent denial lowers it further: denial = 1 - 0.5 * 0.8.
  ev.push_back(Make("doc/tass", "outlet/tass", 0.2, Stance::kDenies));
  EXPECT_DOUBLE_EQ(Of(ev).confidence, 0.8 * (0.5 * 0.8));  // 0.32
}

TEST(CorroborateTest, ClaimsSupportAndDenialsOnlyIsZero) {
  std::vector<Evidence> ev = {Make("doc/1", "outlet/a", 0.6, Stance::kClaims)};
  EXPECT_DOUBLE_EQ(Of(ev).confidence, 0.6);
  EXPECT_EQ(Of(ev).supporting, 1);
  ev = {Make("doc/1", "outlet/a", 0.9, Stance::kDenies)};
  const Corroboration c = Of(ev);
  EXPECT_EQ(c.confidence, 0);
  EXPECT_EQ(c.independent_sources, 1);
  EXPECT_TRUE(c.disputed);
}

TEST(CorroborateTest, OutOfRangeConfidencesAreClamped) {
  std::vector<Evidence> ev = {Make("doc/1", "p", 1.5), Make("doc/2", "p", -1),
                              Make("doc/3", "p", std::numeric_limits<double>::quiet_NaN())};
  EXPECT_DOUBLE_EQ(Of(ev).confidence, 1);
  ev.erase(ev.begin());
  EXPECT_DOUBLE_EQ(Of(ev).confidence, 0);
}

TEST(CorroborateTest, ReportedDatesIgnoreEmptyAndCompareAsText) {
  std::vector<Evidence> ev = {Make("doc/1", "p", 0.5), Make("doc/2", "p", 0.5),
                              Make("doc/3", "p", 0.5)};
  ev[0].reported_on = "2019-05";
  ev[2].reported_on = "2019-05-11";
  const Corroboration c = Of(ev);
  EXPECT_EQ(c.first_reported, "2019-05");
  EXPECT_EQ(c.last_reported, "2019-05-11");
}

TEST(CorroborateTest, NullPointersAreSkipped) {
  Evidence e = Make("doc/1", "p", 0.5);
  const Corroboration c = Corroborate({nullptr, &e, nullptr});
  EXPECT_EQ(c.evidence_count, 1);
  EXPECT_DOUBLE_EQ(c.confidence, 0.5);
}

}  // namespace
}  // namespace kg
