// The audit log: Store::AppendAudit and View::ListAudit.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "rocksdb/db.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kg::testing {
namespace {

AuditRecord Call(std::string principal, std::string rpc, int32_t code = 0,
                 std::string on_behalf_of = "") {
  AuditRecord r;
  r.principal = std::move(principal);
  r.on_behalf_of = std::move(on_behalf_of);
  r.role = "writer";
  r.authenticated_by = "token";
  r.rpc = std::move(rpc);
  r.peer = "ipv4:127.0.0.1:51234";
  r.request_bytes = 42;
  r.request_sha256 = std::string(64, 'a');
  r.code = code;
  r.message = code == 0 ? "" : "denied";
  return r;
}

class AuditTest : public StoreTest {
 protected:
  TxTime Append(const AuditRecord& r) {
    absl::StatusOr<TxTime> at = store_->AppendAudit(r);
    EXPECT_TRUE(at.ok()) << at.status();
    return at.ok() ? *at : 0;
  }

  // "principal[/on_behalf_of] rpc code" per record of one page.
  static std::string Render(const Page<AuditRecord>& page) {
    std::vector<std::string> lines;
    for (const AuditRecord& r : page.items) {
      lines.push_back(absl::StrCat(r.principal, r.on_behalf_of.empty() ? "" : "/", r.on_behalf_of,
                                   " ", r.rpc, " ", r.code));
    }
    return absl::StrJoin(lines, "\n");
  }

  // All pages of one query on a fresh view, concatenated.
  std::string List(const AuditQuery& q, int32_t limit = 0, int* pages = nullptr) {
    std::unique_ptr<View> view = store_->NewView();
    std::vector<std::string> parts;
    std::string token;
    int n = 0;
    do {
      absl::StatusOr<Page<AuditRecord>> page = view->ListAudit(q, limit, token);
      if (!page.ok()) return page.status().ToString();
      if (!page->items.empty()) parts.push_back(Render(*page));
      token = page->next_page_token;
      ++n;
    } while (!token.empty());
    if (pages != nullptr) *pages = n;
    return absl::StrJoin(parts, "\n");
  }
};

TEST_F(AuditTest, AppendAndFilter) {
  const TxTime t1 = Append(Call("alice", "kg.v1.IngestService/Assert"));
  const TxTime t2 = Append(Call("gateway", "kg.v1.IngestService/Assert", 0, "bob"));
  const TxTime t3 = Append(Call("bob", "kg.v1.GraphService/Match", 7));
  const TxTime t4 = Append(Call("alice", "kg.v1.GraphService/Match"));
  EXPECT_LT(t1, t2);
  EXPECT_LT(t2, t3);
  EXPECT_LT(t3, t4);

  std::unique_ptr<View> view = store_->NewView();
  EXPECT_EQ(view->snapshot_time(), t4);
  ASSERT_OK_AND_ASSIGN(Page<AuditRecord> all, view->ListAudit({}, 0, ""));
  EXPECT_TRUE(all.next_page_token.empty());
  ASSERT_EQ(all.items.size(), 4u);
  // Every field round-trips; `at` is the time AppendAudit returned.
  AuditRecord want = Call("gateway", "kg.v1.IngestService/Assert", 0, "bob");
  const AuditRecord& got = all.items[1];
  EXPECT_EQ(got.at, t2);
  EXPECT_EQ(got.principal, want.principal);
  EXPECT_EQ(got.on_behalf_of, want.on_behalf_of);
  EXPECT_EQ(got.role, want.role);
  EXPECT_EQ(got.authenticated_by, want.authenticated_by);
  EXPECT_EQ(got.rpc, want.rpc);
  EXPECT_EQ(got.peer, want.peer);
  EXPECT_EQ(got.request_bytes, want.request_bytes);
  EXPECT_EQ(got.request_sha256, want.request_sha256);
  EXPECT_EQ(got.code, want.code);
  EXPECT_EQ(all.items[2].message, "denied");
  EXPECT_EQ(all.items[0].at, t1);
  EXPECT_EQ(all.items[3].at, t4);

  EXPECT_EQ(List({}),
            "alice kg.v1.IngestService/Assert 0\n"
            "gateway/bob kg.v1.IngestService/Assert 0\n"
            "bob kg.v1.GraphService/Match 7\n"
            "alice kg.v1.GraphService/Match 0");
  EXPECT_EQ(List({.principal = "bob"}),
            "gateway/bob kg.v1.IngestService/Assert 0\n"
            "bob kg.v1.GraphService/Match 7");
  EXPECT_EQ(List({.principal = "gateway"}), "gateway/bob kg.v1.IngestService/Assert 0");
  EXPECT_EQ(List({.principal = "ali"}), "");
  EXPECT_EQ(List({.rpc = "kg.v1.GraphService/Match"}),
            "bob kg.v1.GraphService/Match 7\n"
            "alice kg.v1.GraphService/Match 0");
  EXPECT_EQ(List({.rpc = "kg.v1.GraphService"}), "");
  EXPECT_EQ(List({.code = 7}), "bob kg.v1.GraphService/Match 7");
  EXPECT_EQ(List({.code = 0}),
            "alice kg.v1.IngestService/Assert 0\n"
            "gateway/bob kg.v1.IngestService/Assert 0\n"
            "alice kg.v1.GraphService/Match 0");
  EXPECT_EQ(List({.from = t2, .to = t3}),
            "gateway/bob kg.v1.IngestService/Assert 0\n"
            "bob kg.v1.GraphService/Match 7");
  EXPECT_EQ(List({.from = t2 + 1, .to = t3 - 1}), "");
  EXPECT_EQ(List({.from = t4}), "alice kg.v1.GraphService/Match 0");
  EXPECT_EQ(List({.to = t1}), "alice kg.v1.IngestService/Assert 0");
  EXPECT_EQ(List({.from = t3, .to = t2}), "");
  EXPECT_EQ(List({.principal = "alice", .rpc = "kg.v1.GraphService/Match", .code = 0, .from = t1}),
            "alice kg.v1.GraphService/Match 0");
}

TEST_F(AuditTest, SharesTheTransactionClockWithGraphWrites) {
  WriteResult w = MustApply(BaseEntities());
  const TxTime at = Append(Call("alice", "kg.v1.IngestService/Upsert"));
  EXPECT_GT(at, w.committed_at);
  WriteBatch b;
  b.entities.push_back(MakeEntity("actor/iran", "State", "Iran"));
  EXPECT_GT(MustApply(b).committed_at, at);
}

TEST_F(AuditTest, PagesInOrder) {
  std::vector<std::string> want;
  for (int i = 0; i < 25; ++i) {
    Append(Call(absl::StrCat("user", i), "kg.v1.GraphService/Match"));
    want.push_back(absl::StrCat("user", i, " kg.v1.GraphService/Match 0"));
  }
  int pages = 0;
  EXPECT_EQ(List({}, 10, &pages), absl::StrJoin(want, "\n"));
  EXPECT_EQ(pages, 3);
  std::unique_ptr<View> view = store_->NewView();
  ASSERT_OK_AND_ASSIGN(Page<AuditRecord> first, view->ListAudit({}, 10, ""));
  ASSERT_EQ(first.items.size(), 10u);
  ASSERT_OK_AND_ASSIGN(Page<AuditRecord> second, view->ListAudit({}, 10, first.next_page_token));
  ASSERT_EQ(second.items.size(), 10u);
  EXPECT_GT(second.items[0].at, first.items[9].at);
  EXPECT_EQ(second.items[0].principal, "user10");
  // A page that ends exactly at the last record has no token.
  ASSERT_OK_AND_ASSIGN(Page<AuditRecord> exact, view->ListAudit({}, 25, ""));
  EXPECT_EQ(exact.items.size(), 25u);
  EXPECT_TRUE(exact.next_page_token.empty());
}

TEST_F(AuditTest, PagesExamineABoundedNumberOfRecords) {
  constexpr int kNoise = 10050;
  for (int i = 0; i < kNoise; ++i) Append(Call("reader", "kg.v1.GraphService/Match"));
  Append(Call("admin", "kg.v1.AdminService/Purge"));
  std::unique_ptr<View> view = store_->NewView();
  const AuditQuery q{.principal = "admin"};
  // The first 10,000 records match nothing: an empty page that continues.
  ASSERT_OK_AND_ASSIGN(Page<AuditRecord> first, view->ListAudit(q, 5, ""));
  EXPECT_TRUE(first.items.empty());
  ASSERT_FALSE(first.next_page_token.empty());
  ASSERT_OK_AND_ASSIGN(Page<AuditRecord> second, view->ListAudit(q, 5, first.next_page_token));
  EXPECT_EQ(Render(second), "admin kg.v1.AdminService/Purge 0");
  EXPECT_TRUE(second.next_page_token.empty());
  // Unfiltered, a full page of 10,000 stops at the budget as well.
  ASSERT_OK_AND_ASSIGN(Page<AuditRecord> full, view->ListAudit({}, 0, ""));
  EXPECT_EQ(full.items.size(), 10000u);
  ASSERT_OK_AND_ASSIGN(Page<AuditRecord> rest, view->ListAudit({}, 0, full.next_page_token));
  EXPECT_EQ(rest.items.size(), 51u);
  EXPECT_EQ(rest.items.back().principal, "admin");
  EXPECT_TRUE(rest.next_page_token.empty());
}

TEST_F(AuditTest, ViewsSeeTheirSnapshot) {
  Append(Call("alice", "a"));
  Append(Call("alice", "b"));
  std::unique_ptr<View> old = store_->NewView();
  Append(Call("alice", "c"));
  ASSERT_OK_AND_ASSIGN(Page<AuditRecord> page, old->ListAudit({}, 0, ""));
  EXPECT_EQ(Render(page), "alice a 0\nalice b 0");
  // A token keeps later pages to the first page's snapshot, on any view.
  ASSERT_OK_AND_ASSIGN(Page<AuditRecord> first, old->ListAudit({}, 1, ""));
  ASSERT_OK_AND_ASSIGN(Page<AuditRecord> next,
                       store_->NewView()->ListAudit({}, 5, first.next_page_token));
  EXPECT_EQ(Render(next), "alice b 0");
  EXPECT_TRUE(next.next_page_token.empty());
  EXPECT_EQ(List({}), "alice a 0\nalice b 0\nalice c 0");
}

TEST_F(AuditTest, BadTokensAndCancellation) {
  MustApply(BaseEntities());
  for (int i = 0; i < 600; ++i) Append(Call("alice", "a"));
  std::unique_ptr<View> view = store_->NewView();
  absl::Status s = view->ListAudit({}, 0, "garbage!").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message().substr(0, 11), "page_token:");
  // A token of another read, or of another audit query, is not this one's.
  ASSERT_OK_AND_ASSIGN(Page<Entity> e, view->SearchEntities("", {}, kLatest, 1, ""));
  ASSERT_FALSE(e.next_page_token.empty());
  s = view->ListAudit({}, 0, e.next_page_token).status();
  EXPECT_EQ(s.ToString(), "INVALID_ARGUMENT: page_token: belongs to another listing or query");
  ASSERT_OK_AND_ASSIGN(Page<AuditRecord> a, view->ListAudit({}, 1, ""));
  ASSERT_FALSE(a.next_page_token.empty());
  EXPECT_OK(view->ListAudit({}, 1, a.next_page_token).status());
  s = view->ListAudit({.principal = "alice"}, 1, a.next_page_token).status();
  EXPECT_EQ(s.ToString(), "INVALID_ARGUMENT: page_token: belongs to another listing or query");

  std::unique_ptr<View> cancelled = store_->NewView([] { return true; });
  EXPECT_EQ(cancelled->ListAudit({}, 0, "").status().code(), absl::StatusCode::kCancelled);
}

TEST_F(AuditTest, KeptAcrossReopenAndLeftAloneByPurge) {
  MustApply(BaseEntities());
  WriteBatch b;
  b.statements.push_back(MakeStatement("actor/turkey", "supplies",
                                       Value::Entity("actor/opposition"),
                                       {MakeEvidence("doc/reuters-1", "outlet/reuters", 0.7)}));
  const StatementId sid = MustApply(b).statement_ids[0];
  Append(Call("alice", "kg.v1.IngestService/Assert"));
  Append(Call("admin", "kg.v1.AdminService/Purge", 0, "carol"));
  const std::string before = List({});
  ASSERT_OK(store_->Purge({.document = "doc/reuters-1"}, "court order", {.principal = "admin"}));
  EXPECT_EQ(store_->NewView()->GetStatement(sid, {}, true).status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(List({}), before);
  Reopen();
  EXPECT_EQ(List({}), before);
  Append(Call("bob", "kg.v1.GraphService/Match"));
  EXPECT_EQ(List({}), before + "\nbob kg.v1.GraphService/Match 0");
}

TEST(AuditOpenTest, DatabaseWithoutTheAuditColumnFamilyOpens) {
  TempDir dir;
  const std::string path = dir.Sub("db");
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> store, Store::Open({.path = path}));
    ASSERT_OK(store->Apply(BaseEntities(), {}));
  }
  // Drop the column family, as in a database written before it existed.
  {
    std::vector<std::string> names;
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
    std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
    for (const std::string& n : names) descriptors.emplace_back(n, rocksdb::ColumnFamilyOptions());
    std::vector<rocksdb::ColumnFamilyHandle*> handles;
    rocksdb::DB* raw = nullptr;
    ASSERT_TRUE(rocksdb::DB::Open(rocksdb::DBOptions(), path, descriptors, &handles, &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    for (rocksdb::ColumnFamilyHandle* h : handles) {
      if (h->GetName() == "audit") {
        ASSERT_TRUE(db->DropColumnFamily(h).ok());
      }
      ASSERT_TRUE(db->DestroyColumnFamilyHandle(h).ok());
    }
    ASSERT_TRUE(db->Close().ok());
    names.clear();
    ASSERT_TRUE(rocksdb::DB::ListColumnFamilies(rocksdb::DBOptions(), path, &names).ok());
    ASSERT_EQ(std::count(names.begin(), names.end(), "audit"), 0);
  }
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> store, Store::Open({.path = path}));
  ASSERT_OK_AND_ASSIGN(Page<AuditRecord> empty, store->NewView()->ListAudit({}, 0, ""));
  EXPECT_TRUE(empty.items.empty());
  ASSERT_OK_AND_ASSIGN(TxTime at, store->AppendAudit(Call("alice", "a")));
  ASSERT_OK_AND_ASSIGN(Page<AuditRecord> one, store->NewView()->ListAudit({}, 0, ""));
  ASSERT_EQ(one.items.size(), 1u);
  EXPECT_EQ(one.items[0].at, at);
  ASSERT_OK_AND_ASSIGN(Entity turkey, store->NewView()->GetEntity("actor/turkey", kLatest));
  EXPECT_EQ(turkey.label, "Turkey");
}

}  // namespace
}  // namespace kg::testing
