// Group commit: with sync_writes (the default) every acknowledged write is
// behind a WAL sync, and concurrent writers share syncs.

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kg::testing {
namespace {

WriteBatch Note(int writer, int i) {
  WriteBatch b;
  b.statements.push_back(MakeStatement(
      "inc/strike-1", "description", Value::String(absl::StrCat("w", writer, " note ", i)),
      {MakeEvidence("doc/tass-1", "outlet/tass", 0.5, absl::StrCat(writer, ":", i))}));
  return b;
}

class DurabilityTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    MustApply(BaseEntities());
  }

  // `writers` threads each apply `per_writer` one-statement batches; every
  // call must succeed.
  void Write(Store& store, int writers, int per_writer) {
    std::vector<std::thread> threads;
    for (int w = 0; w < writers; ++w) {
      threads.emplace_back([&store, w, per_writer] {
        for (int i = 0; i < per_writer; ++i) {
          absl::StatusOr<WriteResult> r = store.Apply(Note(w, i), {});
          ASSERT_TRUE(r.ok()) << r.status();
          ASSERT_EQ(r->statements_created, 1);
        }
      });
    }
    for (std::thread& t : threads) t.join();
  }
};

TEST_F(DurabilityTest, SyncIsTheDefaultAndEveryWriteIsBehindASync) {
  const StoreHealth before = store_->Health();
  EXPECT_TRUE(before.sync_writes);
  EXPECT_EQ(before.commits, 1);  // BaseEntities
  EXPECT_EQ(before.wal_syncs, 1);
  Write(*store_, 1, 20);
  const StoreHealth after = store_->Health();
  EXPECT_EQ(after.commits, 21);
  // One writer: nobody to share with, one sync per write.
  EXPECT_EQ(after.wal_syncs, 21);
  EXPECT_EQ(after.error, "");
}

TEST_F(DurabilityTest, ConcurrentWritersShareSyncs) {
  constexpr int kWriters = 8, kPerWriter = 60;
  const StoreHealth before = store_->Health();
  Write(*store_, kWriters, kPerWriter);
  const StoreHealth after = store_->Health();
  const int64_t commits = after.commits - before.commits;
  const int64_t syncs = after.wal_syncs - before.wal_syncs;
  EXPECT_EQ(commits, kWriters * kPerWriter);
  // Writers queue on the writer mutex while a sync is in flight and the next
  // sync covers them all: fewer syncs than writes (on this machine about one
  // per 4-7 writes).
  EXPECT_LT(syncs, commits) << "no write group formed";
  EXPECT_GT(syncs, 0);
  std::unique_ptr<View> view = store_->NewView();
  absl::StatusOr<Page<Statement>> page = view->Match({.subject = "inc/strike-1"}, {}, 0, "");
  ASSERT_OK(page);
  EXPECT_EQ(page->items.size(), static_cast<size_t>(kWriters * kPerWriter));
}

TEST_F(DurabilityTest, ARetryThatChangesNothingIsStillAcknowledgedDurably) {
  MustApply(Note(0, 0));
  const int64_t commits = store_->Health().commits;
  absl::StatusOr<WriteResult> again = store_->Apply(Note(0, 0), {});
  ASSERT_OK(again);
  EXPECT_EQ(again->evidence_unchanged, 1);
  // Nothing committed, and nothing needed a new sync.
  EXPECT_EQ(store_->Health().commits, commits);
}

TEST_F(DurabilityTest, SyncOffWritesWithoutSyncing) {
  store_.reset();
  absl::StatusOr<std::unique_ptr<Store>> s =
      Store::Open({.path = dir_.Sub("db"), .sync_writes = false});
  ASSERT_OK(s);
  store_ = std::move(*s);
  Write(*store_, 4, 10);
  const StoreHealth health = store_->Health();
  EXPECT_FALSE(health.sync_writes);
  EXPECT_EQ(health.commits, 40);
  EXPECT_EQ(health.wal_syncs, 0);
  // Still there after a reopen (a clean close flushes the WAL).
  Reopen();
  std::unique_ptr<View> view = store_->NewView();
  absl::StatusOr<Page<Statement>> page = view->Match({.subject = "inc/strike-1"}, {}, 0, "");
  ASSERT_OK(page);
  EXPECT_EQ(page->items.size(), 40u);
}

}  // namespace
}  // namespace kg::testing
