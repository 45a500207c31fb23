// Writers and readers on several threads, pagination across writes, and the
// format version check.

#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>

#include "absl/strings/str_cat.h"
#include "rocksdb/db.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kg::testing {
namespace {

class ConcurrencyTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    MustApply(BaseEntities());
  }

  static WriteBatch Notes(int writer, int from, int n) {
    WriteBatch b;
    for (int i = from; i < from + n; ++i) {
      b.statements.push_back(MakeStatement(
          "inc/strike-1", "description", Value::String(absl::StrCat("w", writer, " note ", i)),
          {MakeEvidence("doc/tass-1", "outlet/tass", 0.5, absl::StrCat(writer, ":", i))}));
    }
    return b;
  }
};

TEST_F(ConcurrencyTest, WritersAndReadersOnSeveralThreads) {
  constexpr int kWriters = 3, kBatches = 20, kPerBatch = 10;
  std::atomic<bool> done{false};
  std::atomic<int> bad_reads{0};
  std::vector<std::thread> threads;
  std::vector<std::vector<StatementId>> ids(kWriters);
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int b = 0; b < kBatches; ++b) {
        WriteBatch batch = Notes(w, b * kPerBatch, kPerBatch);
        // Every writer also upserts one new entity: dictionary ids must not collide.
        batch.entities.push_back(
            MakeEntity(absl::StrCat("actor/w", w, "-", b), "Person", absl::StrCat("W", w)));
        absl::StatusOr<WriteResult> r = store_->Apply(batch, {});
        ASSERT_TRUE(r.ok()) << r.status();
        ids[w].insert(ids[w].end(), r->statement_ids.begin(), r->statement_ids.end());
      }
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&] {
      while (!done.load()) {
        // A snapshot never shows part of a batch.
        std::unique_ptr<View> view = store_->NewView();
        absl::StatusOr<Page<Statement>> page = view->Match({.subject = "inc/strike-1"}, {}, 0, "");
        if (!page.ok() || page->items.size() % kPerBatch != 0) ++bad_reads;
      }
    });
  }
  for (int w = 0; w < kWriters; ++w) threads[w].join();
  done = true;
  for (size_t i = kWriters; i < threads.size(); ++i) threads[i].join();
  EXPECT_EQ(bad_reads.load(), 0);
  std::set<StatementId> all;
  for (const auto& v : ids) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), static_cast<size_t>(kWriters * kBatches * kPerBatch));
  std::unique_ptr<View> view = store_->NewView();
  std::set<TermId> terms;
  for (int w = 0; w < kWriters; ++w) {
    for (int b = 0; b < kBatches; ++b) {
      ASSERT_OK_AND_ASSIGN(TermId t, view->LookupEntity(absl::StrCat("actor/w", w, "-", b)));
      terms.insert(t);
      ASSERT_OK_AND_ASSIGN(Value v, view->Resolve(t));
      EXPECT_EQ(v.lexical, absl::StrCat("actor/w", w, "-", b));
    }
  }
  EXPECT_EQ(terms.size(), static_cast<size_t>(kWriters * kBatches));
  ASSERT_OK_AND_ASSIGN(Page<Statement> page, view->Match({.subject = "inc/strike-1"}, {}, 0, ""));
  EXPECT_EQ(page.items.size(), all.size());
}

TEST_F(ConcurrencyTest, PagesStayOnTheirSnapshotTimeWhileWritesGoOn) {
  MustApply(Notes(0, 0, 25));
  std::unique_ptr<View> first = store_->NewView();
  ASSERT_OK_AND_ASSIGN(Page<Statement> page, first->Match({}, {}, 10, ""));
  std::vector<StatementId> seen;
  for (const Statement& s : page.items) seen.push_back(s.id);
  ASSERT_FALSE(page.next_page_token.empty());
  std::string token = page.next_page_token;
  for (int round = 1; !token.empty() && round < 20; ++round) {
    // Writes in between pages, before and after the resume point.
    MustApply(Notes(round, 0, 5));
    std::unique_ptr<View> view = store_->NewView();
    ASSERT_OK_AND_ASSIGN(Page<Statement> next, view->Match({}, {}, 10, token));
    for (const Statement& s : next.items) seen.push_back(s.id);
    token = next.next_page_token;
  }
  EXPECT_EQ(seen.size(), 25u);
  EXPECT_EQ(std::set<StatementId>(seen.begin(), seen.end()).size(), 25u);
  // A fresh read sees everything.
  ASSERT_OK_AND_ASSIGN(Page<Statement> now, store_->NewView()->Match({}, {}, 0, ""));
  EXPECT_GT(now.items.size(), 25u);
}

TEST(FormatVersionTest, UnknownVersionIsRefused) {
  TempDir dir;
  const std::string path = dir.Sub("db");
  { ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> store, Store::Open({.path = path})); }
  {
    rocksdb::DB* raw = nullptr;
    rocksdb::Options options;
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(options, path, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> cfs;
    for (const std::string& n : names) cfs.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    ASSERT_TRUE(rocksdb::DB::Open(options, path, cfs, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    ASSERT_TRUE(db->Put(rocksdb::WriteOptions(), "kgd-format", "99").ok());
    for (auto* h : handles) ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
  }
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open({.path = path});
  ASSERT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store.status().message(),
            path + ": database has format version 99; this build reads format version 1");
}

}  // namespace
}  // namespace kg::testing
