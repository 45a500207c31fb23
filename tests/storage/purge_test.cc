// Store::Purge: evidence, its provenance entries and history go for good,
// summaries follow, and statements left without evidence disappear, also
// from reads as of earlier times.

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/bulk_load.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"

namespace kg::testing {
namespace {

const char* TypeName(HistoryEvent::Type t) {
  switch (t) {
    case HistoryEvent::Type::kEntityUpserted:
      return "upserted";
    case HistoryEvent::Type::kStatementCreated:
      return "created";
    case HistoryEvent::Type::kEvidenceAdded:
      return "added";
    case HistoryEvent::Type::kEvidenceRetracted:
      return "retracted";
    case HistoryEvent::Type::kMerged:
      return "merged";
    case HistoryEvent::Type::kSplit:
      return "split";
    case HistoryEvent::Type::kPurged:
      return "purged";
    case HistoryEvent::Type::kEvidenceRevised:
      return "revised";
  }
  return "?";
}

// One line per event: type, principal, and what is set of statement,
// evidence id, count and reason.
std::string RenderHistory(const absl::StatusOr<Page<HistoryEvent>>& page) {
  if (!page.ok()) return page.status().ToString();
  std::vector<std::string> lines;
  for (const HistoryEvent& e : page->items) {
    std::string line = absl::StrCat(TypeName(e.type), " ", e.principal);
    if (e.statement != 0) absl::StrAppend(&line, " s", e.statement);
    if (!e.evidence_id.empty()) absl::StrAppend(&line, " ", e.evidence_id.substr(0, 6));
    if (e.count != 0) absl::StrAppend(&line, " count=", e.count);
    if (!e.reason.empty()) absl::StrAppend(&line, " '", e.reason, "'");
    lines.push_back(std::move(line));
  }
  return absl::StrJoin(lines, "\n");
}

class PurgeTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    MustApply(BaseEntities());
    AddGraph();
  }

  // supplies: a (reuters-1, claimant and description) + b (tass-1);
  // occurred_in: c (reuters-1 only); deaths: d (reuters-1) + e (tass-1,
  // retracted); opposes: f (tass-1).
  void AddGraph() {
    Evidence a = MakeEvidence("doc/reuters-1", "outlet/reuters", 0.7,
                              "Ankara has sent fresh supplies", "2019-05-11");
    a.claimant = "actor/opposition";
    a.claimant_description = "senior opposition sources";
    Evidence b = MakeEvidence("doc/tass-1", "outlet/tass", 0.6, "supplies seen", "2019-05-12");
    Evidence c = MakeEvidence("doc/reuters-1", "outlet/reuters", 0.8, "strikes in Idlib");
    Evidence d = MakeEvidence("doc/reuters-1", "outlet/reuters", 0.5, "12 killed");
    Evidence e = MakeEvidence("doc/tass-1", "outlet/tass", 0.4, "12 dead");
    Evidence f = MakeEvidence("doc/tass-1", "outlet/tass", 0.6, "Moscow opposes");
    WriteBatch batch;
    batch.statements = {
        MakeStatement("actor/turkey", "supplies", Value::Entity("actor/opposition"), {a, b}),
        MakeStatement("inc/strike-1", "occurred_in", Value::Entity("loc/idlib"), {c}),
        MakeStatement("inc/strike-1", "deaths", Value{ValueType::kInteger, "12"}, {d, e}),
        MakeStatement("actor/russia", "opposes", Value::Entity("actor/hts"), {f}),
    };
    WriteResult r = MustApply(batch);
    ASSERT_EQ(r.statement_ids.size(), 4u);
    supplies_ = r.statement_ids[0], occurred_ = r.statement_ids[1];
    deaths_ = r.statement_ids[2], opposes_ = r.statement_ids[3];
    a_ = r.evidence_ids[0][0], b_ = r.evidence_ids[0][1], e_ = r.evidence_ids[2][1];
    ASSERT_OK_AND_ASSIGN(retracted_at_, store_->Retract(deaths_, e_, "unsure", {}));
  }

  std::string Claims(SourceRole role, const std::string& source, TxTime as_of = kLatest) {
    absl::StatusOr<Page<Statement>> p =
        store_->NewView()->ClaimsBy(role, source, "", "", {.as_of = as_of}, 0, "");
    return p.ok() ? Render(p->items) : p.status().ToString();
  }

  // "subject-term confidence sources" of the edges around `node`.
  std::string Edges(const std::string& node, Direction dir, TxTime as_of = kLatest) {
    std::unique_ptr<View> view = store_->NewView();
    absl::StatusOr<TermId> term = view->LookupEntity(node);
    if (!term.ok()) return term.status().ToString();
    std::vector<std::string> lines;
    absl::Status s =
        view->ScanEdges(*term, dir, std::nullopt, {.as_of = as_of}, [&](const Edge& e) {
          lines.push_back(absl::StrCat("s", e.statement, " ", e.corroboration.confidence, " ",
                                       e.corroboration.independent_sources));
          return true;
        });
    return s.ok() ? absl::StrJoin(lines, "\n") : s.ToString();
  }

  std::string History(StatementId sid, TxTime as_of = kLatest) {
    return RenderHistory(store_->NewView()->StatementHistory(sid, as_of, 0, ""));
  }
  std::string History(const std::string& entity, TxTime as_of = kLatest) {
    return RenderHistory(store_->NewView()->EntityHistory(entity, as_of, 0, ""));
  }

  // Every read a purge can change, rendered.
  std::string Everything() {
    std::vector<std::string> parts = {MatchText({}), Claims(SourceRole::kDocument, "doc/reuters-1"),
                                      Claims(SourceRole::kPublisher, "outlet/tass")};
    for (StatementId sid : {supplies_, occurred_, deaths_, opposes_}) parts.push_back(History(sid));
    parts.push_back(History("inc/strike-1"));
    parts.push_back(Edges("actor/turkey", Direction::kOut));
    return absl::StrJoin(parts, "\n--\n");
  }

  const WriteContext admin_{.principal = "admin"};
  StatementId supplies_ = 0, occurred_ = 0, deaths_ = 0, opposes_ = 0;
  std::string a_, b_, e_;
  TxTime retracted_at_ = 0;
};

TEST_F(PurgeTest, DocumentAcrossStatements) {
  const TxTime t0 = store_->NewView()->snapshot_time();
  EXPECT_EQ(Edges("actor/turkey", Direction::kOut), absl::StrCat("s", supplies_, " 0.88 2"));

  ASSERT_OK_AND_ASSIGN(PurgeResult r,
                       store_->Purge({.document = "doc/reuters-1"}, "court order", admin_));
  EXPECT_GT(r.purged_at, t0);
  EXPECT_EQ(r.evidence_purged, 3);     // a, c and d
  EXPECT_EQ(r.statements_removed, 1);  // occurred_in
  EXPECT_EQ(store_->NewView()->snapshot_time(), r.purged_at);

  // Now and as of before the purge alike: what the document said is gone.
  for (TxTime as_of : {kLatest, t0, retracted_at_ - 1}) {
    SCOPED_TRACE(as_of);
    EXPECT_EQ(MatchText({.predicate = "supplies"}, {.as_of = as_of}),
              "actor/turkey supplies actor/opposition (1 ev)");
    EXPECT_EQ(MatchText({.predicate = "occurred_in"}, {.as_of = as_of}), "");
    EXPECT_EQ(Claims(SourceRole::kDocument, "doc/reuters-1", as_of), "");
    EXPECT_EQ(Claims(SourceRole::kPublisher, "outlet/reuters", as_of), "");
    EXPECT_EQ(Claims(SourceRole::kClaimant, "actor/opposition", as_of), "");
    EXPECT_EQ(Claims(SourceRole::kClaimant, "Senior opposition sources", as_of), "");
    // The summary is recomputed, and the one of the past no longer answers.
    EXPECT_EQ(Edges("actor/turkey", Direction::kOut, as_of),
              absl::StrCat("s", supplies_, " 0.6 1"));
    EXPECT_EQ(Edges("loc/idlib", Direction::kIn, as_of), "");
    std::unique_ptr<View> view = store_->NewView();
    ASSERT_OK_AND_ASSIGN(Statement st, view->GetStatement(supplies_, {.as_of = as_of}, true));
    ASSERT_EQ(st.evidence.size(), 1u);
    EXPECT_EQ(st.evidence[0].id, b_);
    EXPECT_EQ(st.corroboration.evidence_count, 1);
    EXPECT_DOUBLE_EQ(st.corroboration.confidence, 0.6);
    EXPECT_EQ(view->GetStatement(occurred_, {.as_of = as_of}, true).status().code(),
              absl::StatusCode::kNotFound);
  }
  // deaths keeps its retracted record: still a statement, with nothing live.
  EXPECT_EQ(MatchText({.predicate = "deaths"}), "");
  EXPECT_EQ(MatchText({.predicate = "deaths"}, {.as_of = retracted_at_ - 1}),
            "inc/strike-1 deaths 12 (1 ev)");
  EXPECT_EQ(Claims(SourceRole::kPublisher, "outlet/tass"),
            "actor/russia opposes actor/hts (1 ev)\n"
            "actor/turkey supplies actor/opposition (1 ev)");

  // History: no trace of the purged records but the purge itself.
  EXPECT_EQ(
      History(supplies_),
      absl::StrCat("created tester s", supplies_, "\n", "added tester s", supplies_, " ",
                   b_.substr(0, 6), "\n", "purged admin s", supplies_, " count=1 'court order'"));
  EXPECT_EQ(
      History(deaths_),
      absl::StrCat("created tester s", deaths_, "\n", "added tester s", deaths_, " ",
                   e_.substr(0, 6), "\n", "retracted anonymous s", deaths_, " ", e_.substr(0, 6),
                   " 'unsure'\n", "purged admin s", deaths_, " count=1 'court order'"));
  EXPECT_EQ(History(occurred_), absl::StrCat("NOT_FOUND: statement ", occurred_, " not found"));
  EXPECT_EQ(History(supplies_, t0),
            absl::StrCat("created tester s", supplies_, "\n", "added tester s", supplies_, " ",
                         b_.substr(0, 6)));
  // The removed statement's creation leaves its entities' histories; the
  // purge is recorded there instead.
  EXPECT_EQ(History("inc/strike-1"),
            absl::StrCat("upserted tester\n", "created tester s", deaths_, "\n", "purged admin s",
                         occurred_, " count=1 'court order'"));
  EXPECT_EQ(History("loc/idlib"), absl::StrCat("upserted tester\n", "purged admin s", occurred_,
                                               " count=1 'court order'"));
  EXPECT_EQ(History("loc/idlib", t0), "upserted tester");

  for (TxTime as_of : {kLatest, t0}) {
    ASSERT_OK_AND_ASSIGN(Stats stats, store_->NewView()->GetStats(as_of));
    EXPECT_EQ(stats.statements, 2);  // supplies, opposes
    EXPECT_EQ(stats.evidence, 2);    // b, f
    EXPECT_EQ(stats.retracted_evidence, 1);
    EXPECT_EQ(stats.statements_per_predicate.count("occurred_in"), 0u);
  }

  // The same triple asserted again is a new statement with a fresh history.
  WriteBatch again;
  again.statements.push_back(MakeStatement("inc/strike-1", "occurred_in",
                                           Value::Entity("loc/idlib"),
                                           {MakeEvidence("doc/tass-1", "outlet/tass", 0.5)}));
  WriteResult w = MustApply(again);
  EXPECT_EQ(w.statements_created, 1);
  EXPECT_EQ(w.evidence_added, 1);
  const StatementId fresh = w.statement_ids[0];
  EXPECT_GT(fresh, opposes_);
  EXPECT_EQ(MatchText({.predicate = "occurred_in"}), "inc/strike-1 occurred_in loc/idlib (1 ev)");
  EXPECT_EQ(MatchText({.predicate = "occurred_in"}, {.as_of = r.purged_at}), "");
  EXPECT_EQ(History(fresh), absl::StrCat("created tester s", fresh, "\n", "added tester s", fresh,
                                         " ", w.evidence_ids[0][0].substr(0, 6)));
  EXPECT_EQ(Edges("loc/idlib", Direction::kIn), absl::StrCat("s", fresh, " 0.5 1"));
}

TEST_F(PurgeTest, SurvivesReopen) {
  ASSERT_OK(store_->Purge({.document = "doc/reuters-1"}, "court order", admin_));
  const std::string after = Everything();
  Reopen();
  EXPECT_EQ(Everything(), after);
}

TEST_F(PurgeTest, OneRecordThenTheLast) {
  ASSERT_OK_AND_ASSIGN(PurgeResult r,
                       store_->Purge({.statement = supplies_, .evidence_id = a_}, "dup", admin_));
  EXPECT_EQ(r.evidence_purged, 1);
  EXPECT_EQ(r.statements_removed, 0);
  EXPECT_EQ(MatchText({.predicate = "supplies"}), "actor/turkey supplies actor/opposition (1 ev)");
  EXPECT_EQ(Claims(SourceRole::kDocument, "doc/reuters-1"),
            "inc/strike-1 occurred_in loc/idlib (1 ev)\n"
            "inc/strike-1 deaths 12 (1 ev)");
  EXPECT_EQ(Claims(SourceRole::kClaimant, "actor/opposition"), "");
  EXPECT_EQ(History(supplies_),
            absl::StrCat("created tester s", supplies_, "\n", "added tester s", supplies_, " ",
                         b_.substr(0, 6), "\n", "purged admin s", supplies_, " count=1 'dup'"));

  ASSERT_OK_AND_ASSIGN(r,
                       store_->Purge({.statement = supplies_, .evidence_id = b_}, "dup", admin_));
  EXPECT_EQ(r.evidence_purged, 1);
  EXPECT_EQ(r.statements_removed, 1);
  EXPECT_EQ(MatchText({.predicate = "supplies"}), "");
  EXPECT_EQ(Edges("actor/turkey", Direction::kOut), "");
  EXPECT_EQ(Edges("actor/opposition", Direction::kIn), "");
  EXPECT_EQ(Claims(SourceRole::kPublisher, "outlet/tass"), "actor/russia opposes actor/hts (1 ev)");
  const std::string purged = absl::StrCat("purged admin s", supplies_, " count=1 'dup'");
  EXPECT_EQ(History("actor/turkey"), "upserted tester\n" + purged);
  EXPECT_EQ(History("actor/opposition"), "upserted tester\n" + purged);
}

TEST_F(PurgeTest, SummariesOfEarlierPositionsNoLongerAnswer) {
  const TxTime before_merge = store_->NewView()->snapshot_time();
  ASSERT_OK(store_->Merge("actor/opposition", "actor/hts", {}));
  ASSERT_OK(store_->Purge({.statement = supplies_, .evidence_id = a_}, "dup", admin_));
  // As of before the merge the statement pointed at opposition; the summary
  // of that (closed) entry still counted a.
  EXPECT_EQ(Edges("actor/turkey", Direction::kOut, before_merge),
            absl::StrCat("s", supplies_, " 0.6 1"));
  EXPECT_EQ(Edges("actor/turkey", Direction::kOut), absl::StrCat("s", supplies_, " 0.6 1"));
  EXPECT_EQ(MatchText({.subject = "actor/turkey"}, {.as_of = before_merge}),
            "actor/turkey supplies actor/opposition (1 ev)");
  EXPECT_EQ(MatchText({.subject = "actor/turkey"}), "actor/turkey supplies actor/hts (1 ev)");
  // Purging the rest removes the entries at both positions.
  ASSERT_OK(store_->Purge({.statement = supplies_, .evidence_id = b_}, "dup", admin_));
  EXPECT_EQ(Edges("actor/turkey", Direction::kOut, before_merge), "");
  EXPECT_EQ(Edges("actor/turkey", Direction::kOut), "");
  EXPECT_EQ(Edges("actor/opposition", Direction::kIn, before_merge), "");
}

TEST_F(PurgeTest, BadRequestsChangeNothing) {
  const std::string before = Everything();
  const TxTime t = store_->NewView()->snapshot_time();
  auto purge = [&](const PurgeTarget& target, std::string reason) {
    return store_->Purge(target, reason, admin_).status().ToString();
  };
  EXPECT_EQ(purge({.document = "doc/reuters-1"}, ""), "INVALID_ARGUMENT: reason: is required");
  EXPECT_EQ(purge({}, "x"),
            "INVALID_ARGUMENT: document: is required (or statement and evidence_id)");
  EXPECT_EQ(purge({.document = "doc/reuters-1", .statement = supplies_, .evidence_id = a_}, "x"),
            "INVALID_ARGUMENT: document: give either a document or a statement and evidence_id, "
            "not both");
  EXPECT_EQ(purge({.statement = supplies_}, "x"),
            "INVALID_ARGUMENT: evidence_id: is required with statement");
  EXPECT_EQ(purge({.evidence_id = a_}, "x"),
            "INVALID_ARGUMENT: statement: is required with evidence_id");
  EXPECT_EQ(purge({.document = "doc/ bad"}, "x"),
            "INVALID_ARGUMENT: document: must not contain whitespace or control characters: "
            "'doc/ bad'");
  EXPECT_EQ(purge({.document = "doc/none"}, "x"),
            "NOT_FOUND: document: no evidence cites 'doc/none'");
  // A document entity that exists but is cited by nothing.
  EXPECT_EQ(purge({.document = "outlet/reuters"}, "x"),
            "NOT_FOUND: document: no evidence cites 'outlet/reuters'");
  EXPECT_EQ(purge({.statement = 999, .evidence_id = a_}, "x"),
            "NOT_FOUND: statement: 999 not found");
  EXPECT_EQ(purge({.statement = opposes_, .evidence_id = a_}, "x"),
            absl::StrCat("NOT_FOUND: evidence_id: ", a_, " not found in statement ", opposes_));
  EXPECT_EQ(store_->NewView()->snapshot_time(), t);
  EXPECT_EQ(Everything(), before);
}

TEST(PurgeLimitTest, MoreThan200000RecordsOfOneDocument) {
  TempDir dir;
  const std::string path = dir.Sub("db");
  {
    ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkLoader> loader, BulkLoader::Create({.path = path}));
    ASSERT_OK(loader->Add(BaseEntities()));
    // 200,001 records: 201 statements of 995 records each, plus 6.
    constexpr int kTotal = 200001, kPerStatement = 995;
    for (int done = 0, i = 0; done < kTotal; ++i) {
      Statement st =
          MakeStatement("inc/strike-1", "description", Value::String(absl::StrCat("note ", i)), {});
      for (int j = 0; j < kPerStatement && done < kTotal; ++j, ++done) {
        st.evidence.push_back(
            MakeEvidence("doc/reuters-1", "outlet/reuters", 0.5, absl::StrCat("excerpt ", j)));
      }
      WriteBatch b;
      b.statements.push_back(std::move(st));
      ASSERT_OK(loader->Add(b));
    }
    ASSERT_OK(loader->Finish());
  }
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> store, Store::Open({.path = path}));
  const TxTime t = store->NewView()->snapshot_time();
  absl::StatusOr<PurgeResult> r = store->Purge({.document = "doc/reuters-1"}, "too much", {});
  EXPECT_EQ(r.status().code(), absl::StatusCode::kResourceExhausted);
  EXPECT_EQ(r.status().message(),
            "document: 'doc/reuters-1' is cited by more than 200000 evidence records, the most one "
            "purge removes");
  EXPECT_EQ(store->NewView()->snapshot_time(), t);
  ASSERT_OK_AND_ASSIGN(Stats stats, store->NewView()->GetStats(kLatest));
  EXPECT_EQ(stats.evidence, 200001);
}

}  // namespace
}  // namespace kg::testing
