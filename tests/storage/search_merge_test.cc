// Alias search and entity merge / split.

#include <gtest/gtest.h>

#include <algorithm>

#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kg::testing {
namespace {

class SearchMergeTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    MustApply(BaseEntities());
  }

  // MatchText with its lines sorted: merges change index order.
  std::string Sorted(const Pattern& p, const Filter& f = {}) {
    std::vector<std::string> lines = absl::StrSplit(MatchText(p, f), '\n', absl::SkipEmpty());
    std::sort(lines.begin(), lines.end());
    return absl::StrJoin(lines, "\n");
  }

  std::string Search(std::string prefix, std::vector<std::string> kinds = {},
                     TxTime as_of = kLatest) {
    absl::StatusOr<Page<Entity>> page =
        store_->NewView()->SearchEntities(prefix, kinds, as_of, 0, "");
    if (!page.ok()) return page.status().ToString();
    std::vector<std::string> ids;
    for (const Entity& e : page->items) ids.push_back(e.id);
    return absl::StrJoin(ids, " ");
  }
};

TEST_F(SearchMergeTest, AliasSearchIgnoresCaseAndAccents) {
  EXPECT_EQ(Search("nusra"), "actor/hts");
  EXPECT_EQ(Search("AL-NUSRA FR"), "actor/hts");
  EXPECT_EQ(Search("jabhat al-nusrah"), "actor/hts");
  EXPECT_EQ(Search("Jabhat al-Nuṣ"), "actor/hts");
  EXPECT_EQ(Search("turkiye"), "actor/turkey");
  EXPECT_EQ(Search("tur"), "actor/turkey doc/reuters-1");
  EXPECT_EQ(Search("tur", {"Actor"}), "actor/turkey");
  EXPECT_EQ(Search("tur", {"Document"}), "doc/reuters-1");
  EXPECT_EQ(Search("tur", {"Location"}), "");
  EXPECT_EQ(Search("zzz"), "");
  // Every entity once, at its smallest name: hts has three.
  EXPECT_EQ(Search(""),
            "inc/strike-1 actor/hts loc/idlib outlet/reuters actor/russia doc/tass-1 "
            "actor/opposition outlet/tass actor/turkey doc/reuters-1");
}

TEST_F(SearchMergeTest, SearchHonoursAsOfAndPages) {
  const TxTime t0 = store_->NewView()->snapshot_time();
  WriteBatch b;
  b.entities.push_back(MakeEntity("actor/hts", "ArmedGroup", "Hay'at Tahrir al-Sham", {"HTS"}));
  MustApply(b);
  EXPECT_EQ(Search("nusra"), "");
  EXPECT_EQ(Search("hts"), "actor/hts");
  EXPECT_EQ(Search("nusra", {}, t0), "actor/hts");
  EXPECT_EQ(Search("hts", {}, t0), "");

  std::unique_ptr<View> view = store_->NewView();
  std::vector<std::string> ids;
  std::string token;
  for (int i = 0; i < 20; ++i) {
    ASSERT_OK_AND_ASSIGN(Page<Entity> page, view->SearchEntities("", {}, kLatest, 3, token));
    for (const Entity& e : page.items) ids.push_back(e.id);
    token = page.next_page_token;
    if (token.empty()) break;
  }
  EXPECT_EQ(ids.size(), 10u);
  EXPECT_EQ(absl::StrJoin(ids, " "), Search(""));
}

TEST_F(SearchMergeTest, MergeThenSplitRestores) {
  WriteBatch b;
  b.entities.push_back(MakeEntity("actor/nusra-front", "ArmedGroup", "al-Nusra Front", {"JaN"}));
  b.statements.push_back(MakeStatement("actor/turkey", "opposes",
                                       Value::Entity("actor/nusra-front"),
                                       {MakeEvidence("doc/reuters-1", "outlet/reuters", 0.6)}));
  b.statements.push_back(MakeStatement("actor/nusra-front", "clashes_with",
                                       Value::Entity("actor/opposition"),
                                       {MakeEvidence("doc/tass-1", "outlet/tass", 0.5)}));
  b.statements.push_back(MakeStatement("actor/russia", "opposes", Value::Entity("actor/hts"),
                                       {MakeEvidence("doc/tass-1", "outlet/tass", 0.5)}));
  MustApply(b);
  const std::string apart =
      "actor/nusra-front clashes_with actor/opposition (1 ev)\n"
      "actor/russia opposes actor/hts (1 ev)\n"
      "actor/turkey opposes actor/nusra-front (1 ev)";
  const Pattern all;
  EXPECT_EQ(Sorted(all), apart);
  const TxTime t0 = store_->NewView()->snapshot_time();

  ASSERT_OK_AND_ASSIGN(TxTime tm, store_->Merge("actor/nusra-front", "actor/hts", {}));
  const std::string merged =
      "actor/hts clashes_with actor/opposition (1 ev)\n"
      "actor/russia opposes actor/hts (1 ev)\n"
      "actor/turkey opposes actor/hts (1 ev)";
  EXPECT_EQ(Sorted(all), merged);
  EXPECT_EQ(Sorted(all, {.as_of = t0}), apart);
  EXPECT_EQ(MatchText({.subject = "actor/hts"}), "actor/hts clashes_with actor/opposition (1 ev)");
  // The merged id still resolves, to the entity it was merged into.
  EXPECT_EQ(MatchText({.subject = "actor/nusra-front"}),
            "actor/hts clashes_with actor/opposition (1 ev)");
  EXPECT_EQ(MatchText({.object = Value::Entity("actor/hts")}),
            "actor/turkey opposes actor/hts (1 ev)\nactor/russia opposes actor/hts (1 ev)");
  std::unique_ptr<View> view = store_->NewView();
  ASSERT_OK_AND_ASSIGN(Entity from, view->GetEntity("actor/nusra-front", kLatest));
  EXPECT_EQ(from.merged_into, "actor/hts");
  ASSERT_OK_AND_ASSIGN(Entity into, view->GetEntity("actor/hts", kLatest));
  EXPECT_EQ(absl::StrJoin(into.aliases, "|"), "al-Nusra Front|Nusra|JaN");
  EXPECT_EQ(Search("jan"), "actor/hts");
  ASSERT_OK(view->LookupEntity("actor/nusra-front"));
  ASSERT_OK_AND_ASSIGN(TermId hts, view->LookupEntity("actor/hts"));
  int edges = 0;
  ASSERT_OK(view->ScanEdges(hts, Direction::kBoth, std::nullopt, {},
                            [&](const Edge&) { return ++edges, true; }));
  EXPECT_EQ(edges, 3);

  EXPECT_EQ(store_->Merge("actor/nusra-front", "actor/hts", {}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Merge("actor/hts", "actor/hts", {}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Split("actor/hts", {}).status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Merge("actor/x", "actor/hts", {}).status().code(), absl::StatusCode::kNotFound);

  // A statement asserted about the merged id after the merge lands on hts,
  // and goes back with the split.
  WriteBatch late;
  late.statements.push_back(MakeStatement("actor/nusra-front", "opposes",
                                          Value::Entity("actor/russia"),
                                          {MakeEvidence("doc/tass-1", "outlet/tass", 0.5)}));
  MustApply(late);
  EXPECT_EQ(MatchText({.predicate = "opposes", .object = Value::Entity("actor/russia")}),
            "actor/hts opposes actor/russia (1 ev)");

  ASSERT_OK_AND_ASSIGN(TxTime ts, store_->Split("actor/nusra-front", {}));
  EXPECT_GT(ts, tm);
  EXPECT_EQ(Sorted(all),
            "actor/nusra-front clashes_with actor/opposition (1 ev)\n"
            "actor/nusra-front opposes actor/russia (1 ev)\n"
            "actor/russia opposes actor/hts (1 ev)\n"
            "actor/turkey opposes actor/nusra-front (1 ev)");
  EXPECT_EQ(Sorted(all, {.as_of = ts - 1}),
            "actor/hts clashes_with actor/opposition (1 ev)\n"
            "actor/hts opposes actor/russia (1 ev)\n"
            "actor/russia opposes actor/hts (1 ev)\n"
            "actor/turkey opposes actor/hts (1 ev)");
  EXPECT_EQ(Sorted(all, {.as_of = t0}), apart);
  view = store_->NewView();
  EXPECT_TRUE(view->GetEntity("actor/nusra-front", kLatest)->merged_into.empty());
  EXPECT_EQ(absl::StrJoin(view->GetEntity("actor/hts", kLatest)->aliases, "|"),
            "al-Nusra Front|Nusra");
  EXPECT_EQ(Search("jan"), "actor/nusra-front");
  EXPECT_EQ(Search("jan", {}, tm), "actor/hts");

  ASSERT_OK_AND_ASSIGN(Page<HistoryEvent> h,
                       view->EntityHistory("actor/nusra-front", kLatest, 0, ""));
  std::vector<int> types;
  for (const HistoryEvent& e : h.items) types.push_back(static_cast<int>(e.type));
  // upserted, created x2, upserted+merged, created (late), upserted+split
  EXPECT_EQ(absl::StrJoin(types, ","), "0,1,1,0,4,1,0,5");
}

}  // namespace
}  // namespace kg::testing
