// The change feed in the store: each committed change once, in commit order,
// with its principal and (for statement events) its triple; filters; pages;
// positions that survive a reopen; trimming and its OUT_OF_RANGE; tokens.

#include "storage/change_feed.h"

#include <gtest/gtest.h>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "rocksdb/db.h"
#include "storage/check.h"
#include "storage/codec.h"
#include "storage/db_open.h"
#include "tests/storage/store_test_util.h"

namespace kg::testing {
namespace {

using Type = HistoryEvent::Type;

// By HistoryEvent::Type value.
constexpr const char* kTypeNames[] = {"upserted", "created", "added",   "retracted",
                                      "merged",   "split",   "purged", "revised"};

const char* TypeName(Type type) { return kTypeNames[static_cast<int>(type)]; }

class ChangeFeedTest : public StoreTest {
 protected:
  // Every change after `after` (all pages), one line each:
  // "type entity|subject predicate object principal".
  std::string Changes(ChangePosition after = {}, const ChangeFilter& filter = {},
                      int32_t limit = 0) {
    std::vector<std::string> lines;
    for (;;) {
      absl::StatusOr<ChangePage> page =
          store_->NewView()->ChangesAfter(after, store_->PublishedChange(), filter, limit);
      if (!page.ok()) return page.status().ToString();
      for (const Change& c : page->changes) {
        EXPECT_GT(c.position, after);
        EXPECT_EQ(c.event.at, c.position.tx);
        const std::string what =
            c.predicate.empty() ? c.event.entity
                                : absl::StrCat(c.subject, " ", c.predicate, " ", c.object.lexical);
        lines.push_back(absl::StrCat(TypeName(c.event.type), " ", what, " ", c.event.principal));
      }
      after = page->resume_after;
      if (page->caught_up) break;
    }
    return absl::StrJoin(lines, "\n");
  }

  static WriteBatch Supplies(double confidence) {
    WriteBatch b;
    b.statements = {MakeStatement(
        "actor/turkey", "supplies", Value::Entity("actor/opposition"),
        {MakeEvidence("doc/reuters-1", "outlet/reuters", confidence, "fresh supplies")})};
    return b;
  }
};

TEST_F(ChangeFeedTest, EachChangeOnceInCommitOrder) {
  WriteBatch entities;
  entities.entities = {MakeEntity("actor/turkey", "State", "Turkey"),
                       MakeEntity("actor/opposition", "ArmedGroup", "Syrian opposition"),
                       MakeEntity("outlet/reuters", "MediaOutlet", "Reuters"),
                       MakeEntity("doc/reuters-1", "Document", "Turkey sends supplies")};
  MustApply(entities);
  WriteResult created = MustApply(Supplies(0.7));
  MustApply(Supplies(0.7));  // unchanged: no change
  MustApply(Supplies(0.9));  // revised
  const StatementId sid = created.statement_ids[0];
  ASSERT_OK(store_->Retract(sid, "", "unsure", {.principal = "bob"}).status());
  ASSERT_OK(store_->Merge("actor/opposition", "actor/turkey", {.principal = "admin"}).status());
  ASSERT_OK(store_->Split("actor/opposition", {.principal = "admin"}).status());
  ASSERT_OK(
      store_->Purge({.document = "doc/reuters-1"}, "court order", {.principal = "admin"}).status());
  ASSERT_OK(store_->AppendAudit({.rpc = "kg.v1.AdminService/WhoAmI"}).status());  // not a change

  const char* const supplies = "actor/turkey supplies actor/opposition";
  EXPECT_EQ(Changes(), absl::StrJoin(
                           {
                               std::string("upserted actor/turkey tester"),
                               std::string("upserted actor/opposition tester"),
                               std::string("upserted outlet/reuters tester"),
                               std::string("upserted doc/reuters-1 tester"),
                               absl::StrCat("created ", supplies, " tester"),
                               absl::StrCat("added ", supplies, " tester"),
                               absl::StrCat("revised ", supplies, " tester"),
                               absl::StrCat("retracted ", supplies, " bob"),
                               // A merge rewrites both entities' records.
                               std::string("upserted actor/opposition admin"),
                               std::string("upserted actor/turkey admin"),
                               std::string("merged actor/opposition admin"),
                               std::string("upserted actor/opposition admin"),
                               std::string("upserted actor/turkey admin"),
                               std::string("split actor/opposition admin"),
                               absl::StrCat("purged ", supplies, " admin"),
                           },
                           "\n"));
}

TEST_F(ChangeFeedTest, ResumesAfterAPositionAcrossReopen) {
  MustApply(BaseEntities());
  absl::StatusOr<ChangePage> first =
      store_->NewView()->ChangesAfter({}, store_->PublishedChange(), {}, 3);
  ASSERT_OK(first.status());
  ASSERT_EQ(first->changes.size(), 3u);
  EXPECT_FALSE(first->caught_up);
  const ChangePosition third = first->changes[2].position;
  const std::string rest = Changes(third);
  ASSERT_NE(rest, "");

  const ChangePosition published = store_->PublishedChange();
  Reopen();
  EXPECT_EQ(store_->PublishedChange(), published);
  EXPECT_EQ(Changes(third), rest);
  // Pages of one change each read the same as one page.
  EXPECT_EQ(Changes({}, {}, 1), Changes());
}

TEST_F(ChangeFeedTest, Filters) {
  MustApply(BaseEntities());
  MustApply(Supplies(0.7));
  EXPECT_EQ(Changes({}, {.types = {static_cast<uint8_t>(Type::kStatementCreated)}}),
            "created actor/turkey supplies actor/opposition tester");
  EXPECT_EQ(Changes({}, {.kinds = {"MediaOutlet"}}),
            "upserted outlet/reuters tester\nupserted outlet/tass tester");
  EXPECT_EQ(Changes({}, {.predicates = {"supplies", "opposes"}}),
            "created actor/turkey supplies actor/opposition tester\n"
            "added actor/turkey supplies actor/opposition tester");
  EXPECT_EQ(Changes({}, {.entities = {"actor/opposition"}}),
            "upserted actor/opposition tester\n"
            "created actor/turkey supplies actor/opposition tester\n"
            "added actor/turkey supplies actor/opposition tester");
  // Kinds of statement events are their subject's and object's.
  EXPECT_EQ(
      Changes({}, {.types = {static_cast<uint8_t>(Type::kEvidenceAdded)}, .kinds = {"ArmedGroup"}}),
      "added actor/turkey supplies actor/opposition tester");
  EXPECT_EQ(Changes({}, {.predicates = {"never-used"}}), "");
}

TEST_F(ChangeFeedTest, TrimmingIsReportedNotSkipped) {
  MustApply(BaseEntities());
  ASSERT_OK_AND_ASSIGN(ChangePage before,
                       store_->NewView()->ChangesAfter({}, store_->PublishedChange(), {}, 0));
  const ChangePosition last_before = before.changes.back().position;
  WriteResult later = MustApply(Supplies(0.7));

  ASSERT_OK_AND_ASSIGN(ChangePosition trimmed, store_->TrimChanges(later.committed_at));
  EXPECT_EQ(trimmed, last_before);
  ASSERT_OK_AND_ASSIGN(ChangePosition oldest, store_->NewView()->OldestResumable());
  EXPECT_EQ(oldest, last_before);
  // From the last trimmed change on nothing is missing.
  EXPECT_EQ(Changes(last_before),
            "created actor/turkey supplies actor/opposition tester\n"
            "added actor/turkey supplies actor/opposition tester");
  absl::StatusOr<ChangePage> gap = store_->NewView()->ChangesAfter(
      before.changes.front().position, store_->PublishedChange(), {}, 0);
  EXPECT_EQ(gap.status().code(), absl::StatusCode::kOutOfRange) << gap.status();
  EXPECT_TRUE(absl::StartsWith(gap.status().message(), "from: ")) << gap.status();
  // Trimming again, or to an earlier time, changes nothing.
  ASSERT_OK_AND_ASSIGN(ChangePosition again, store_->TrimChanges(later.committed_at));
  EXPECT_EQ(again, last_before);

  // A store emptied by trimming still knows where its feed stands.
  ASSERT_OK_AND_ASSIGN(ChangePosition all, store_->TrimChanges(kLatest));
  Reopen();
  EXPECT_EQ(store_->PublishedChange(), all);
  EXPECT_EQ(Changes(all), "");
}

TEST_F(ChangeFeedTest, PositionBeyondTheFeedIsOutOfRange) {
  MustApply(BaseEntities());
  const ChangePosition published = store_->PublishedChange();
  absl::StatusOr<ChangePage> ahead =
      store_->NewView()->ChangesAfter({published.tx + 1, 0}, published, {}, 0);
  EXPECT_EQ(ahead.status().code(), absl::StatusCode::kOutOfRange) << ahead.status();
}

TEST_F(ChangeFeedTest, ListenersHearPublications) {
  struct Counter final : ChangeListener {
    std::atomic<int> calls{0};
    void OnChangesPublished() override { ++calls; }
  };
  auto counter = std::make_shared<Counter>();
  store_->AddChangeListener(counter);
  MustApply(BaseEntities());
  MustApply(BaseEntities());  // unchanged: nothing published
  EXPECT_EQ(counter->calls.load(), 1);
  counter.reset();  // an expired listener is dropped, never called
  MustApply(Supplies(0.7));
}

// A data directory from before the feed existed opens read-only (kgd
// --check) without it, and read-write with it added.
TEST_F(ChangeFeedTest, OpensADataDirWithoutTheFeed) {
  MustApply(BaseEntities());
  store_.reset();
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<OpenDb> db,
                         OpenDb::Open(dir_.Sub("db"), OpenDb::Mode::kExisting, 8 << 20));
    ASSERT_TRUE(db->db()->DropColumnFamily(db->cfs()[codec::kFeed]).ok());
  }
  ASSERT_OK_AND_ASSIGN(CheckReport report, CheckDatabase({.path = dir_.Sub("db")}));
  EXPECT_TRUE(report.problems.empty()) << report.ToString();
  Reopen();
  EXPECT_EQ(store_->PublishedChange(), ChangePosition{});
  MustApply(Supplies(0.7));
  EXPECT_EQ(Changes(),
            "created actor/turkey supplies actor/opposition tester\n"
            "added actor/turkey supplies actor/opposition tester");
}

TEST(ChangeTokenTest, RoundTripsAndRejectsOthers) {
  const ChangePosition p{1733000000123456, 7};
  const std::string token = EncodeChangeToken(p);
  ASSERT_OK_AND_ASSIGN(ChangePosition back, DecodeChangeToken(token, "from"));
  EXPECT_EQ(back, p);
  std::string flipped = token;
  flipped[5] = flipped[5] == 'A' ? 'B' : 'A';
  for (const std::string& bad : {std::string(), std::string("garbage"), flipped,
                                 token.substr(0, token.size() - 2), absl::StrCat(token, "AAAA")}) {
    absl::StatusOr<ChangePosition> decoded = DecodeChangeToken(bad, "from");
    EXPECT_EQ(decoded.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_TRUE(absl::StartsWith(decoded.status().message(), "from: ")) << decoded.status();
  }
}

}  // namespace
}  // namespace kg::testing
