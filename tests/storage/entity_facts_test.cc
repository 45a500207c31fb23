// Entity facts remembered across views (storage/entity_facts.h): the window
// in which a fact holds, and, through a real store, that no view ever takes
// a fact of an older version for the latest — after kind changes, merges
// and splits, from views older and newer than the write, and as of times
// before it.

#include "storage/entity_facts.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "tests/storage/store_test_util.h"

namespace kg::testing {
namespace {

TEST(EntityFactsTest, AFactHoldsFromItsVersionUntilAnEntityIsWritten) {
  EntityFacts facts;
  EXPECT_FALSE(facts.Find(7, 100).has_value());
  facts.Remember(7, {"Town", false, /*from=*/10, /*confirmed=*/50});
  EXPECT_FALSE(facts.Find(7, 9).has_value());  // before the version
  ASSERT_TRUE(facts.Find(7, 10).has_value());
  EXPECT_EQ(facts.Find(7, 50)->kind, "Town");
  // Past its snapshot while no entity was written since.
  EXPECT_TRUE(facts.Find(7, 90).has_value());
  facts.EntitiesWrittenAt(60);
  EXPECT_FALSE(facts.Find(7, 90).has_value());
  EXPECT_TRUE(facts.Find(7, 50).has_value());  // its own window still holds
  // A view of an older snapshot does not replace a fact confirmed later.
  facts.Remember(7, {"Village", false, 60, 70});
  facts.Remember(7, {"Town", false, 10, 55});
  EXPECT_EQ(facts.Find(7, 70)->kind, "Village");
}

class EntityFactsStoreTest : public StoreTest {
 protected:
  std::string KindNow(const std::string& id) {
    std::unique_ptr<View> view = store_->NewView();
    absl::StatusOr<TermId> term = view->LookupEntity(id);
    EXPECT_TRUE(term.ok()) << term.status();
    absl::StatusOr<std::string> kind = view->KindOf(*term, kLatest);
    EXPECT_TRUE(kind.ok()) << kind.status();
    return kind.value_or("");
  }
};

TEST_F(EntityFactsStoreTest, ViewsSeeTheKindAndMergesOfTheirOwnTime) {
  WriteBatch b = BaseEntities();
  b.entities.push_back(MakeEntity("loc/a", "Town", "A"));
  const TxTime created = MustApply(b).committed_at;
  std::unique_ptr<View> before = store_->NewView();
  ASSERT_OK_AND_ASSIGN(TermId a, before->LookupEntity("loc/a"));
  EXPECT_EQ(KindNow("loc/a"), "Town");  // remembered

  WriteBatch change;
  change.entities.push_back(MakeEntity("loc/a", "Village", "A"));
  const TxTime changed = MustApply(change).committed_at;
  EXPECT_EQ(KindNow("loc/a"), "Village");
  // The view from before the write sees its own time, and what it
  // remembers then does not mislead a later view.
  EXPECT_EQ(*before->KindOf(a, kLatest), "Town");
  EXPECT_EQ(KindNow("loc/a"), "Village");
  // As of a time before the change.
  std::unique_ptr<View> now = store_->NewView();
  EXPECT_EQ(*now->KindOf(a, created), "Town");
  EXPECT_EQ(*now->KindOf(a, changed), "Village");
  EXPECT_EQ(now->KindOf(a, created - 1).status().code(), absl::StatusCode::kNotFound);

  // A statement-only write keeps what is remembered true.
  WriteBatch st;
  st.statements.push_back(MakeStatement("inc/strike-1", "occurred_in", Value::Entity("loc/a"),
                                        {MakeEvidence("doc/reuters-1", "outlet/reuters", 0.5)}));
  MustApply(st);
  EXPECT_EQ(KindNow("loc/a"), "Village");

  // A read naming loc/a follows its merge into loc/idlib, and its split.
  const auto by_object = [&](const std::string& object) {
    Pattern p;
    p.object = Value::Entity(object);
    std::unique_ptr<View> view = store_->NewView();
    absl::StatusOr<Page<Statement>> page = view->Match(p, Filter{}, 10, "");
    EXPECT_TRUE(page.ok()) << page.status();
    std::vector<std::string> found;
    for (const Statement& s : page.ok() ? page->items : std::vector<Statement>{}) {
      found.push_back(absl::StrCat(s.subject, " ", s.object.lexical));
    }
    return found;
  };
  const std::vector<std::string> alone = {"inc/strike-1 loc/a"};
  WriteBatch region;
  region.entities.push_back(MakeEntity("loc/a", "Region", "A"));
  MustApply(region);
  EXPECT_EQ(by_object("loc/a"), alone);  // remembered unmerged
  ASSERT_OK(store_->Merge("loc/a", "loc/idlib", {}).status());
  EXPECT_EQ(by_object("loc/a"), std::vector<std::string>{"inc/strike-1 loc/idlib"});
  ASSERT_OK(store_->Split("loc/a", {}).status());
  EXPECT_EQ(by_object("loc/a"), alone);
}

}  // namespace
}  // namespace kg::testing
