// CheckDatabase: a store written through every write path is consistent;
// derived data damaged through RocksDB directly is found, named and counted,
// and a repair rebuilds it so that reads answer as before the damage.

#include "storage/check.h"

#include <gtest/gtest.h>

#include <map>
#include <memory>
#include <string>

#include "absl/strings/str_cat.h"
#include "query/neighbors.h"
#include "rocksdb/db.h"
#include "storage/codec.h"
#include "storage/db_open.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kg::testing {
namespace {

using codec::IndexOrder;

class CheckTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    MustApply(BaseEntities());
    WriteBatch b;
    b.entities.push_back(MakeEntity("actor/nusra-front", "ArmedGroup", "al-Nusra Front", {"JaN"}));
    b.statements.push_back(MakeStatement(
        "actor/turkey", "supplies", Value::Entity("actor/opposition"),
        {MakeEvidence("doc/reuters-1", "outlet/reuters", 0.8, "sent supplies", "2019-05-10"),
         MakeEvidence("doc/tass-1", "outlet/tass", 0.4, "denied", "2019-05-11")}));
    b.statements.push_back(MakeStatement("actor/turkey", "opposes",
                                         Value::Entity("actor/nusra-front"),
                                         {MakeEvidence("doc/reuters-1", "outlet/reuters", 0.6)}));
    b.statements.push_back(MakeStatement("actor/russia", "opposes", Value::Entity("actor/hts"),
                                         {MakeEvidence("doc/tass-1", "outlet/tass", 0.5)}));
    WriteResult r = MustApply(b);
    supplies_ = r.statement_ids[0];
    // A correction (a revision), a retraction, a merge and its split, a
    // second merge left in place, a purge and an audit record: every write path.
    WriteBatch revised;
    revised.statements.push_back(MakeStatement(
        "actor/turkey", "supplies", Value::Entity("actor/opposition"),
        {MakeEvidence("doc/reuters-1", "outlet/reuters", 0.9, "sent supplies", "2019-05-12")}));
    MustApply(revised);
    ASSERT_OK(store_->Retract(supplies_, r.evidence_ids[0][1], "misread", {}));
    ASSERT_OK(store_->Merge("actor/nusra-front", "actor/hts", {}));
    ASSERT_OK(store_->Split("actor/nusra-front", {}));
    ASSERT_OK(store_->Merge("actor/nusra-front", "actor/hts", {}));
    ASSERT_OK(store_->Purge({.statement = r.statement_ids[2], .evidence_id = r.evidence_ids[2][0]},
                            "court order", {}));
    ASSERT_OK(store_->AppendAudit({.principal = "tester", .rpc = "x"}));
    before_ = Reads();
  }

  // Everything a reader sees, as one string.
  std::string Reads() {
    std::unique_ptr<View> view = store_->NewView();
    std::string out = MatchText({});
    absl::StatusOr<Statement> s = view->GetStatement(supplies_, {}, true);
    if (s.ok()) {
      absl::StrAppend(&out, "\nsupplies: ", s->evidence.size(), " ev, confidence ",
                      s->corroboration.confidence, ", sources ",
                      s->corroboration.independent_sources);
    }
    absl::StatusOr<Page<Entity>> found = view->SearchEntities("nusra", {}, kLatest, 0, "");
    if (found.ok()) {
      for (const Entity& e : found->items) absl::StrAppend(&out, "\nsearch: ", e.id);
    }
    absl::StatusOr<Page<Statement>> claims =
        view->ClaimsBy(SourceRole::kPublisher, "outlet/reuters", "", "", {}, 0, "");
    if (claims.ok()) absl::StrAppend(&out, "\nreuters:\n", Render(claims->items));
    return out;
  }

  // The raw database, with the store closed.
  std::unique_ptr<OpenDb> Raw() {
    store_.reset();
    absl::StatusOr<std::unique_ptr<OpenDb>> db =
        OpenDb::Open(dir_.Sub("db"), OpenDb::Mode::kExisting, 8 << 20);
    EXPECT_TRUE(db.ok()) << db.status();
    return db.ok() ? std::move(*db) : nullptr;
  }

  // The first key of `cf` for which `pick` holds.
  static std::string FirstKey(OpenDb& db, int cf,
                              const std::function<bool(std::string_view, std::string_view)>& pick) {
    std::unique_ptr<rocksdb::Iterator> it(db.db()->NewIterator({}, db.cfs()[cf]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (pick(it->key().ToStringView(), it->value().ToStringView())) return it->key().ToString();
    }
    return "";
  }

  static std::map<std::string, int64_t> Counts(const std::vector<CheckProblem>& problems) {
    std::map<std::string, int64_t> out;
    for (const CheckProblem& p : problems) out[p.kind] = p.count;
    return out;
  }

  StatementId supplies_ = 0;
  std::string before_;
};

TEST_F(CheckTest, EveryWritePathLeavesAConsistentStore) {
  store_.reset();
  ASSERT_OK_AND_ASSIGN(CheckReport report, CheckDatabase({.path = dir_.Sub("db")}));
  EXPECT_TRUE(report.ok()) << report.ToString();
  EXPECT_EQ(report.statements, 2);  // the purge removed the third
  // 3 for the first statement, 6 for the second (two positions: merged and not).
  EXPECT_EQ(report.index_entries, 9);
  EXPECT_GT(report.prov_keys, 0);
  EXPECT_GT(report.alias_keys, 0);
  EXPECT_NE(report.ToString().find("consistent: no problems found"), std::string::npos);
  // Repairing a consistent store writes nothing.
  ASSERT_OK_AND_ASSIGN(CheckReport repaired,
                       CheckDatabase({.path = dir_.Sub("db"), .repair = true}));
  EXPECT_TRUE(repaired.ok());
  EXPECT_EQ(repaired.entries_rewritten, 0);
}

TEST_F(CheckTest, RefusesADirectoryInUse) {
  absl::StatusOr<CheckReport> check = CheckDatabase({.path = dir_.Sub("db")});
  EXPECT_EQ(check.status().code(), absl::StatusCode::kFailedPrecondition) << check.status();
  EXPECT_NE(check.status().message().find("in use by another process"), std::string::npos);
  absl::StatusOr<CheckReport> repair = CheckDatabase({.path = dir_.Sub("db"), .repair = true});
  EXPECT_EQ(repair.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(CheckDatabase({.path = dir_.Sub("none")}).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(CheckTest, SummariesWrittenBeforeTheyWereCompleteReadTheSame) {
  auto neighbours = [&] {
    std::unique_ptr<View> view = store_->NewView();
    std::string out;
    for (const char* id : {"actor/turkey", "actor/opposition", "actor/hts"}) {
      absl::StatusOr<Page<Neighbor>> page =
          FindNeighbors(*view, store_->schema(), {.id = id, .direction = Direction::kBoth});
      if (!page.ok()) {
        absl::StrAppend(&out, id, ": ", page.status().ToString(), "\n");
        continue;
      }
      for (const Neighbor& n : page->items) {
        const Corroboration& c = n.statement.corroboration;
        absl::StrAppend(&out, id, " #", n.statement.id, " ", n.statement.subject, " ",
                        n.statement.predicate, " ", n.statement.object.lexical,
                        " n=", c.evidence_count, " pubs=", c.publishers, " claimants=", c.claimants,
                        " sup=", c.supporting, " den=", c.denying, " ", c.first_reported, "..",
                        c.last_reported, " conf=", c.confidence, "\n");
      }
    }
    return out;
  };
  const std::string before = neighbours();
  ASSERT_NE(before.find("pubs=1"), std::string::npos) << before;
  {
    // Every index value as a store without the full summary wrote it.
    std::unique_ptr<OpenDb> db = Raw();
    ASSERT_NE(db, nullptr);
    rocksdb::WriteBatch old;
    for (IndexOrder order : {IndexOrder::kSpo, IndexOrder::kPos, IndexOrder::kOsp}) {
      const int cf = codec::IndexCf(order);
      std::unique_ptr<rocksdb::Iterator> it(db->db()->NewIterator({}, db->cfs()[cf]));
      for (it->SeekToFirst(); it->Valid(); it->Next()) {
        ASSERT_OK_AND_ASSIGN(codec::IndexValue v,
                             codec::DecodeIndexValue(it->value().ToStringView()));
        ASSERT_TRUE(v.complete);
        v.complete = false;
        old.Put(db->cfs()[cf], it->key(), codec::EncodeIndexValue(v));
      }
    }
    ASSERT_TRUE(db->db()->Write({}, &old).ok());
  }
  ASSERT_OK_AND_ASSIGN(CheckReport report, CheckDatabase({.path = dir_.Sub("db")}));
  EXPECT_TRUE(report.ok()) << report.ToString();
  Reopen();
  EXPECT_EQ(Reads(), before_);
  EXPECT_EQ(neighbours(), before);
  std::unique_ptr<View> view = store_->NewView();
  ASSERT_OK_AND_ASSIGN(TermId turkey, view->LookupEntity("actor/turkey"));
  int edges = 0;
  ASSERT_OK(view->ScanEdges(turkey, Direction::kOut, std::nullopt, {}, [&](const Edge& e) {
    EXPECT_TRUE(e.partial);
    ++edges;
    return true;
  }));
  EXPECT_EQ(edges, 2);
}

TEST_F(CheckTest, FindsDamagedDerivedDataAndRepairRebuildsIt) {
  std::unique_ptr<OpenDb> db = Raw();
  ASSERT_NE(db, nullptr);
  rocksdb::DB* raw = db->db();
  const auto& cf = db->cfs();
  rocksdb::WriteBatch damage;
  auto any = [](std::string_view, std::string_view) { return true; };
  // The supplies statement's current spo entry gets a wrong summary in all
  // three orders (index.summary); another statement loses its pos entry
  // (index.missing); an osp entry appears for no statement (index.orphan).
  std::string supplies_spo = FirstKey(*db, codec::kSpo, [&](std::string_view k, std::string_view) {
    codec::Triple t;
    StatementId sid;
    return codec::DecodeIndexKey(IndexOrder::kSpo, k, &t, &sid) && sid == supplies_;
  });
  ASSERT_FALSE(supplies_spo.empty());
  codec::Triple t;
  StatementId sid;
  ASSERT_TRUE(codec::DecodeIndexKey(IndexOrder::kSpo, supplies_spo, &t, &sid));
  std::string value;
  ASSERT_TRUE(raw->Get({}, cf[codec::kSpo], supplies_spo, &value).ok());
  ASSERT_OK_AND_ASSIGN(codec::IndexValue v, codec::DecodeIndexValue(value));
  v.live_evidence += 3;
  v.confidence = 0.01;
  for (IndexOrder order : {IndexOrder::kSpo, IndexOrder::kPos, IndexOrder::kOsp}) {
    damage.Put(cf[codec::IndexCf(order)], codec::IndexKey(order, t, sid),
               codec::EncodeIndexValue(v));
  }
  const std::string other_pos =
      FirstKey(*db, codec::kPos, [&](std::string_view k, std::string_view) {
        codec::Triple ot;
        StatementId os;
        return codec::DecodeIndexKey(IndexOrder::kPos, k, &ot, &os) && os != supplies_;
      });
  damage.Delete(cf[codec::kPos], other_pos);
  damage.Put(cf[codec::kOsp], codec::IndexKey(IndexOrder::kOsp, {1, 2, 3}, 999), value);
  // Provenance: one key gone (prov.missing), one for nothing (prov.orphan).
  damage.Delete(cf[codec::kProv], FirstKey(*db, codec::kProv, any));
  damage.Put(cf[codec::kProv],
             codec::ProvKey(codec::ProvRole::kPublisher, "outlet/nobody", "2019-01-01", 998,
                            std::string(16, 'x')),
             "");
  // An alias entry, a reverse dictionary entry and a triple lookup gone.
  damage.Delete(cf[codec::kAlias], FirstKey(*db, codec::kAlias, any));
  damage.Delete(cf[codec::kRdict], FirstKey(*db, codec::kRdict, any));
  damage.Delete(cf[codec::kStmt],
                FirstKey(*db, codec::kStmt,
                         [](std::string_view k, std::string_view) { return k[0] == 0x02; }));
  // A counter behind the records.
  damage.Put(cf[codec::kMeta], std::string(codec::kNextStmtKey), codec::Fixed64(1));
  // A history event gone: records, not derived; found, not repairable.
  damage.Delete(cf[codec::kLog],
                FirstKey(*db, codec::kLog, [](std::string_view k, std::string_view v) {
                  absl::StatusOr<HistoryEvent> e = codec::DecodeHistory(v);
                  return k[0] == 'S' && e.ok() && e->type == HistoryEvent::Type::kStatementCreated;
                }));
  ASSERT_TRUE(raw->Write({}, &damage).ok());
  db.reset();

  ASSERT_OK_AND_ASSIGN(CheckReport found, CheckDatabase({.path = dir_.Sub("db")}));
  EXPECT_FALSE(found.ok());
  const std::map<std::string, int64_t> expected = {
      {"alias.mismatch", 1}, {"dict.mismatch", 1}, {"history.missing", 1}, {"index.missing", 1},
      {"index.orphan", 1},   {"index.summary", 1}, {"meta.counter", 1},    {"prov.missing", 1},
      {"prov.orphan", 1},    {"stmt.triple", 1}};
  EXPECT_EQ(Counts(found.problems), expected) << found.ToString();
  const std::string text = found.ToString();
  EXPECT_NE(text.find("index.summary: 1"), std::string::npos) << text;
  EXPECT_NE(text.find(absl::StrCat("statement ", supplies_, " spo")), std::string::npos) << text;
  EXPECT_NE(text.find("history.missing: 1"), std::string::npos) << text;
  EXPECT_NE(text.find("(not repairable)"), std::string::npos) << text;

  ASSERT_OK_AND_ASSIGN(CheckReport repaired,
                       CheckDatabase({.path = dir_.Sub("db"), .repair = true}));
  EXPECT_EQ(Counts(repaired.repaired), expected);
  EXPECT_GT(repaired.entries_rewritten, 0);
  // Only what needs the records is left.
  EXPECT_EQ(Counts(repaired.problems), (std::map<std::string, int64_t>{{"history.missing", 1}}))
      << repaired.ToString();
  Reopen();
  EXPECT_EQ(Reads(), before_);
  // Writes go on with counters past the records.
  WriteBatch more;
  more.statements.push_back(MakeStatement("actor/russia", "backs", Value::Entity("actor/turkey"),
                                          {MakeEvidence("doc/tass-1", "outlet/tass", 0.3)}));
  WriteResult r = MustApply(more);
  EXPECT_EQ(r.statements_created, 1);
  EXPECT_GT(r.statement_ids[0], 3u);  // the purged statement's id is not reused
}

}  // namespace
}  // namespace kg::testing
