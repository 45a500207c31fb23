// Schema integrity on every write path (kind changes, merges, splits,
// acyclic predicates, source kinds, attribute references, spans) and
// evidence corrections as versions.

#include <random>

#include "gtest/gtest.h"
#include "storage/store.h"
#include "storage/validation.h"
#include "tests/storage/store_test_util.h"

namespace kg::testing {
namespace {

class SchemaIntegrityTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    WriteBatch b = BaseEntities();
    b.entities.push_back(MakeEntity("loc/town", "Town", "Khan Sheikhoun"));
    b.entities.push_back(MakeEntity("loc/hama", "Region", "Hama"));
    b.entities.push_back(MakeEntity("person/p", "Person", "Someone"));
    MustApply(b);
  }

  absl::StatusOr<WriteResult> Assert(std::string s, std::string p, std::string o,
                                     Evidence e = MakeEvidence("doc/reuters-1", "outlet/reuters",
                                                               0.5)) {
    WriteBatch b;
    b.statements.push_back(
        MakeStatement(std::move(s), std::move(p), Value::Entity(std::move(o)), {std::move(e)}));
    return store_->Apply(b, {.principal = "tester"});
  }

  absl::Status Upsert(Entity e) {
    WriteBatch b;
    b.entities.push_back(std::move(e));
    return store_->Apply(b, {.principal = "tester"}).status();
  }

  static std::string Message(const absl::Status& s) { return std::string(s.message()); }
};

TEST_F(SchemaIntegrityTest, KindChangeThatBreaksAStatementIsRefused) {
  ASSERT_OK(Assert("actor/turkey", "backs", "actor/opposition").status());
  absl::Status s = Upsert(MakeEntity("actor/turkey", "Town", "Turkey"));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition) << s;
  EXPECT_EQ(Message(s),
            "entities[0].kind: changing 'actor/turkey' from State to Town would leave 1 "
            "statement(s) outside the schema, e.g. statement 1 (actor/turkey backs "
            "actor/opposition): predicate 'backs' expects a subject of kind Actor, got Town");
  // A kind change the statements allow is accepted.
  ASSERT_OK(Upsert(MakeEntity("actor/turkey", "Government", "Turkey")));
}

TEST_F(SchemaIntegrityTest, KindChangeIgnoresStatementsWithoutLiveEvidence) {
  absl::StatusOr<WriteResult> r = Assert("actor/turkey", "backs", "actor/opposition");
  ASSERT_OK(r.status());
  // Retracting the last evidence takes the statement out of the graph.
  ASSERT_OK(store_->Retract(r->statement_ids[0], "", "wrong", {}).status());
  ASSERT_OK(Upsert(MakeEntity("actor/turkey", "Town", "Turkey")));
  // Reviving it is an assert and is checked as one.
  EXPECT_EQ(Assert("actor/turkey", "backs", "actor/opposition",
                   MakeEvidence("doc/tass-1", "outlet/tass", 0.5))
                .status()
                .code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST_F(SchemaIntegrityTest, MergeIntoAnotherKindIsRefused) {
  ASSERT_OK(Assert("inc/strike-1", "occurred_in", "loc/town").status());
  absl::StatusOr<TxTime> m = store_->Merge("loc/town", "person/p", {});
  EXPECT_EQ(m.status().code(), absl::StatusCode::kFailedPrecondition) << m.status();
  EXPECT_EQ(Message(m.status()),
            "into: merging 'loc/town' (Town) into 'person/p' (Person) would leave 1 "
            "statement(s) outside the schema, e.g. statement 1 (inc/strike-1 occurred_in "
            "person/p): predicate 'occurred_in' expects an object of kind Location, got Person");
  EXPECT_EQ(MatchText({.subject = "inc/strike-1"}), "inc/strike-1 occurred_in loc/town (1 ev)");
}

TEST_F(SchemaIntegrityTest, MergeThatMakesASelfLoopIsRefused) {
  ASSERT_OK(Assert("loc/town", "located_in", "loc/idlib").status());
  absl::StatusOr<TxTime> m = store_->Merge("loc/town", "loc/idlib", {});
  EXPECT_EQ(m.status().code(), absl::StatusCode::kFailedPrecondition) << m.status();
  EXPECT_NE(Message(m.status()).find("must not form a self-loop"), std::string::npos) << m.status();
}

TEST_F(SchemaIntegrityTest, MergeThatClosesACycleIsRefused) {
  ASSERT_OK(Assert("loc/town", "located_in", "loc/idlib").status());
  ASSERT_OK(Assert("loc/hama", "located_in", "loc/town").status());
  WriteBatch z;
  z.entities.push_back(MakeEntity("loc/zone", "Zone", "Zone"));
  MustApply(z);
  ASSERT_OK(Assert("loc/idlib", "located_in", "loc/zone").status());
  // hama -> town -> idlib -> zone; zone merged into hama closes the loop.
  absl::StatusOr<TxTime> m = store_->Merge("loc/zone", "loc/hama", {});
  EXPECT_EQ(m.status().code(), absl::StatusCode::kFailedPrecondition) << m.status();
  EXPECT_NE(Message(m.status()).find("'located_in' must not form a cycle"), std::string::npos)
      << m.status();
}

TEST_F(SchemaIntegrityTest, SplitChecksTheKindTheEntityHasNow) {
  WriteBatch b;
  b.entities.push_back(MakeEntity("loc/town2", "Town", "Khan Shaykhun"));
  MustApply(b);
  ASSERT_OK(store_->Merge("loc/town2", "loc/town", {}).status());
  ASSERT_OK(Assert("inc/strike-1", "occurred_in", "loc/town2").status());
  // While merged it holds no statement, so its kind may change ...
  ASSERT_OK(Upsert(MakeEntity("loc/town2", "Person", "Khan Shaykhun")));
  // ... but the split would hand the statement back to a Person.
  absl::StatusOr<TxTime> s = store_->Split("loc/town2", {});
  EXPECT_EQ(s.status().code(), absl::StatusCode::kFailedPrecondition) << s.status();
  EXPECT_NE(Message(s.status()).find("merged: splitting 'loc/town2'"), std::string::npos);
}

TEST_F(SchemaIntegrityTest, AssertAboutAMergedEntityUsesTheKindItStandsFor) {
  ASSERT_OK(store_->Merge("person/p", "actor/turkey", {}).status());
  // person/p now stands for a State: a State cannot be located in a Person,
  // and the check sees the State.
  absl::StatusOr<WriteResult> r = Assert("person/p", "located_in", "loc/idlib");
  ASSERT_OK(r.status());
  EXPECT_EQ(Assert("inc/strike-1", "perpetrated_by", "person/p").status().code(),
            absl::StatusCode::kOk);
}

// Writes remember the kinds they read (storage/write_txn.h, KindCache):
// each later write must still see the kind an entity has now.
TEST_F(SchemaIntegrityTest, KindsRememberedAcrossWritesFollowChangesMergesAndSplits) {
  // loc/hama is read as a Region (and remembered) ...
  absl::StatusOr<WriteResult> r = Assert("inc/strike-1", "occurred_in", "loc/hama");
  ASSERT_OK(r.status());
  ASSERT_OK(store_->Retract(r->statement_ids[0], "", "wrong place", {}).status());
  // ... then becomes a Person: occurred_in a Person is refused.
  ASSERT_OK(Upsert(MakeEntity("loc/hama", "Person", "Hama")));
  r = Assert("inc/strike-1", "occurred_in", "loc/hama");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
  ASSERT_OK(Assert("person/p", "member_of", "loc/hama").status());

  // person/p, read as a Person, merged into a State: it stands for the State.
  ASSERT_OK(store_->Merge("person/p", "actor/turkey", {}).status());
  ASSERT_OK(Assert("actor/russia", "backs", "person/p").status());
  r = Assert("person/p", "occurred_in", "loc/idlib");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
  // Split again, it is a Person once more: a Person is no Location.
  ASSERT_OK(store_->Split("person/p", {}).status());
  r = Assert("inc/strike-1", "occurred_in", "person/p");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition) << r.status();
  ASSERT_OK(Assert("person/p", "member_of", "actor/hts").status());

  // An entity created in a write that then fails is not remembered.
  WriteBatch failing;
  failing.entities.push_back(MakeEntity("loc/new", "Town", "New town"));
  failing.statements.push_back(MakeStatement("loc/new", "located_in", Value::Entity("nowhere"),
                                             {MakeEvidence("doc/reuters-1", "", 0.5)}));
  EXPECT_EQ(store_->Apply(failing, {.principal = "tester"}).status().code(),
            absl::StatusCode::kNotFound);
  r = Assert("inc/strike-1", "occurred_in", "loc/new");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound) << r.status();
}

TEST_F(SchemaIntegrityTest, AcyclicPredicatesRefuseSelfLoopsAndCycles) {
  absl::StatusOr<WriteResult> loop = Assert("loc/town", "located_in", "loc/town");
  EXPECT_EQ(loop.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Message(loop.status()),
            "statements[0]: 'located_in' must not form a cycle: loc/town located_in loc/town");
  ASSERT_OK(Assert("loc/town", "located_in", "loc/idlib").status());
  ASSERT_OK(Assert("loc/idlib", "located_in", "loc/hama").status());
  absl::StatusOr<WriteResult> cycle = Assert("loc/hama", "located_in", "loc/town");
  EXPECT_EQ(cycle.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Message(cycle.status()),
            "statements[0]: 'located_in' must not form a cycle: loc/hama located_in loc/town "
            "located_in loc/idlib located_in loc/hama");
  // A cycle within one batch is refused too.
  WriteBatch b;
  b.statements.push_back(MakeStatement("actor/hts", "part_of", Value::Entity("actor/opposition"),
                                       {MakeEvidence("doc/reuters-1", "outlet/reuters", 0.5)}));
  b.statements.push_back(MakeStatement("actor/opposition", "part_of", Value::Entity("actor/hts"),
                                       {MakeEvidence("doc/reuters-1", "outlet/reuters", 0.5)}));
  EXPECT_EQ(store_->Apply(b, {}).status().code(), absl::StatusCode::kFailedPrecondition);
  // A non-acyclic predicate may loop.
  ASSERT_OK(Assert("actor/turkey", "opposes", "actor/russia").status());
  ASSERT_OK(Assert("actor/russia", "opposes", "actor/turkey").status());
}

TEST_F(SchemaIntegrityTest, SourcesAttributesSpansAndPredicates) {
  absl::StatusOr<WriteResult> r = Assert("actor/turkey", "backs", "actor/opposition",
                                         MakeEvidence("doc/reuters-1", "loc/idlib", 0.5));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(Message(r.status()),
            "statements[0].evidence[0].publisher: 'loc/idlib' is a Region; publishers must be of "
            "kind Actor");
  Evidence claimed = MakeEvidence("doc/reuters-1", "outlet/reuters", 0.5);
  claimed.claimant = "inc/strike-1";
  r = Assert("actor/turkey", "backs", "actor/opposition", claimed);
  EXPECT_EQ(Message(r.status()),
            "statements[0].evidence[0].claimant: 'inc/strike-1' is a Airstrike; claimants must be "
            "of kind Actor");

  Entity sponsored = MakeEntity("inc/meeting", "Meeting", "Meeting");
  sponsored.attributes["sponsor"] = Value::Entity("actor/nobody");
  absl::Status s = Upsert(sponsored);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Message(s), "entities[0].attributes[sponsor]: entity 'actor/nobody' not found");
  sponsored.attributes["sponsor"] = Value::Entity("actor/turkey");
  ASSERT_OK(Upsert(sponsored));

  Evidence spanned = MakeEvidence("doc/reuters-1", "outlet/reuters", 0.5, "Türkiye sent");
  spanned.span_begin = 10;
  spanned.span_end = 30;
  r = Assert("actor/turkey", "backs", "actor/opposition", spanned);
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Message(r.status()),
            "statements[0].evidence[0].span_end: span [10, 30) is 20 code points long, the "
            "excerpt 12");
  spanned.span_end = 22;  // 12 code points, 13 bytes
  ASSERT_OK(Assert("actor/turkey", "backs", "actor/opposition", spanned).status());

  r = Assert("actor/turkey", "frobs", "actor/opposition");
  EXPECT_EQ(r.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(Message(r.status()), "statements[0].predicate: 'frobs' is not in the schema");
}

TEST_F(SchemaIntegrityTest, CorrectionIsAVersion) {
  Evidence e = MakeEvidence("doc/reuters-1", "outlet/reuters", 0.6, "x", "2019-05");
  e.reliability = 'C';
  e.credibility = 3;
  absl::StatusOr<WriteResult> first = Assert("actor/turkey", "supplies", "actor/opposition", e);
  ASSERT_OK(first.status());
  const StatementId sid = first->statement_ids[0];
  e.confidence = 0.8;
  e.reliability = 'B';
  e.credibility = 2;
  e.reported_on = "2019-06-02";
  absl::StatusOr<WriteResult> second = Assert("actor/turkey", "supplies", "actor/opposition", e);
  ASSERT_OK(second.status());
  EXPECT_EQ(second->evidence_revised, 1);
  EXPECT_EQ(second->evidence_unchanged, 0);
  EXPECT_EQ(second->evidence_ids, first->evidence_ids);
  // The same values again: unchanged.
  absl::StatusOr<WriteResult> third = Assert("actor/turkey", "supplies", "actor/opposition", e);
  ASSERT_OK(third.status());
  EXPECT_EQ(third->evidence_unchanged, 1);
  EXPECT_EQ(third->evidence_revised, 0);

  std::unique_ptr<View> view = store_->NewView();
  Filter before{.as_of = second->committed_at - 1};
  absl::StatusOr<Statement> old = view->GetStatement(sid, before, false);
  ASSERT_OK(old.status());
  ASSERT_EQ(old->evidence.size(), 1u);
  EXPECT_EQ(old->evidence[0].confidence, 0.6);
  EXPECT_EQ(old->evidence[0].reliability, 'C');
  EXPECT_EQ(old->evidence[0].reported_on, "2019-05");
  EXPECT_TRUE(old->evidence[0].revisions.empty());
  EXPECT_DOUBLE_EQ(old->corroboration.confidence, 0.6);
  absl::StatusOr<Statement> now = view->GetStatement(sid, {}, false);
  ASSERT_OK(now.status());
  EXPECT_EQ(now->evidence[0].confidence, 0.8);
  EXPECT_EQ(now->evidence[0].credibility, 2);
  ASSERT_EQ(now->evidence[0].revisions.size(), 1u);
  EXPECT_EQ(now->evidence[0].revisions[0].by, "tester");
  EXPECT_DOUBLE_EQ(now->corroboration.confidence, 0.8);

  // Grading filters and minimums follow the version in force.
  Filter graded{.min_reliability = 'B'};
  EXPECT_EQ(MatchText({.subject = "actor/turkey"}, graded),
            "actor/turkey supplies actor/opposition (1 ev)");
  graded.as_of = second->committed_at - 1;
  EXPECT_EQ(MatchText({.subject = "actor/turkey"}, graded), "");
  Filter strong{.min_confidence = 0.7};
  EXPECT_EQ(MatchText({.subject = "actor/turkey"}, strong),
            "actor/turkey supplies actor/opposition (1 ev)");
  strong.as_of = second->committed_at - 1;
  EXPECT_EQ(MatchText({.subject = "actor/turkey"}, strong), "");

  // ClaimsBy by date finds it under the date of the read's time.
  auto claims = [&](std::string from, std::string to, TxTime as_of) {
    absl::StatusOr<Page<Statement>> p =
        view->ClaimsBy(SourceRole::kPublisher, "outlet/reuters", from, to, {.as_of = as_of}, 0, "");
    return p.ok() ? static_cast<int>(p->items.size()) : -1;
  };
  EXPECT_EQ(claims("2019-06", "2019-06", kLatest), 1);
  EXPECT_EQ(claims("2019-05", "2019-05", kLatest), 0);
  EXPECT_EQ(claims("2019-05", "2019-05", second->committed_at - 1), 1);
  EXPECT_EQ(claims("2019-06", "2019-06", second->committed_at - 1), 0);

  absl::StatusOr<Page<HistoryEvent>> h = view->StatementHistory(sid, kLatest, 0, "");
  ASSERT_OK(h.status());
  const HistoryEvent& revised = h->items.back();
  EXPECT_EQ(revised.type, HistoryEvent::Type::kEvidenceRevised);
  EXPECT_EQ(revised.principal, "tester");
  EXPECT_EQ(revised.evidence_id, first->evidence_ids[0][0]);
  EXPECT_EQ(DescribeGradeChange(revised.revised_from, revised.revised_to),
            "confidence 0.6 -> 0.8; grading C3 -> B2; reported_on 2019-05 -> 2019-06-02");

  // Survives a reopen; a retraction keeps the versions.
  view.reset();
  Reopen();
  ASSERT_OK(store_->Retract(sid, "", "wrong", {}).status());
  view = store_->NewView();
  absl::StatusOr<Statement> kept = view->GetStatement(sid, {}, true);
  ASSERT_OK(kept.status());
  ASSERT_EQ(kept->evidence.size(), 1u);
  EXPECT_EQ(kept->evidence[0].confidence, 0.8);
  EXPECT_EQ(kept->evidence[0].revisions.size(), 1u);
  absl::StatusOr<WriteResult> resent = Assert("actor/turkey", "supplies", "actor/opposition", e);
  ASSERT_OK(resent.status());
  EXPECT_EQ(resent->evidence_retracted, 1);
  EXPECT_EQ(resent->retracted_evidence_ids, first->evidence_ids[0]);
}

TEST_F(SchemaIntegrityTest, OneWriteCannotCorrectItself) {
  WriteBatch b;
  b.statements.push_back(MakeStatement("actor/turkey", "backs", Value::Entity("actor/hts"),
                                       {MakeEvidence("doc/reuters-1", "outlet/reuters", 0.5),
                                        MakeEvidence("doc/reuters-1", "outlet/reuters", 0.9)}));
  absl::Status s = store_->Apply(b, {}).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  EXPECT_NE(Message(s).find("statements[0].evidence[1]: evidence "), std::string::npos) << s;
}

// Random upserts (with kind changes), asserts, merges, splits and
// retractions; after each step every live statement fits the schema and no
// acyclic predicate has a cycle. Refused steps are fine; a committed
// violation is not.
TEST_F(SchemaIntegrityTest, RandomWritesNeverLeaveAViolation) {
  const std::vector<std::string> kinds = {"State",  "Person",    "Town",
                                          "Region", "Airstrike", "ArmedGroup"};
  const std::vector<std::string> predicates = {"backs",       "located_in",     "part_of",
                                               "occurred_in", "perpetrated_by", "attacks"};
  std::vector<std::string> ids;
  for (int i = 0; i < 8; ++i) ids.push_back(absl::StrCat("e/", i));
  std::mt19937 rng(7);
  auto pick = [&](const auto& v) { return v[rng() % v.size()]; };
  {
    WriteBatch b;
    for (const std::string& id : ids) b.entities.push_back(MakeEntity(id, pick(kinds), id));
    MustApply(b);
  }
  std::vector<StatementId> sids;
  const Schema& schema = store_->schema();
  for (int step = 0; step < 300; ++step) {
    switch (rng() % 6) {
      case 0:
        (void)Upsert(MakeEntity(pick(ids), pick(kinds), "x"));  // may be refused
        break;
      case 1:
      case 2: {
        absl::StatusOr<WriteResult> r =
            Assert(pick(ids), pick(predicates), pick(ids),
                   MakeEvidence("doc/reuters-1", "outlet/reuters", 0.1 * (rng() % 10)));
        if (r.ok()) sids.push_back(r->statement_ids[0]);
        break;
      }
      case 3:
        (void)store_->Merge(pick(ids), pick(ids), {});
        break;
      case 4:
        (void)store_->Split(pick(ids), {});
        break;
      case 5:
        if (!sids.empty()) (void)store_->Retract(pick(sids), "", "r", {});
        break;
    }
    // Full scan: every live statement against the schema, and the graph of
    // each acyclic predicate has no cycle (depth-first over all of it).
    std::unique_ptr<View> view = store_->NewView();
    absl::StatusOr<Page<Statement>> all = view->Match({}, {}, 0, "");
    ASSERT_OK(all.status());
    std::map<std::string, std::map<std::string, std::vector<std::string>>> edges;
    for (const Statement& st : all->items) {
      absl::StatusOr<Entity> s = view->GetEntity(st.subject, kLatest);
      absl::StatusOr<Entity> o = view->GetEntity(st.object.lexical, kLatest);
      ASSERT_OK(s.status());
      ASSERT_OK(o.status());
      ASSERT_OK(schema.CheckStatement(st.predicate, s->kind, st.object, o->kind,
                                      absl::StrCat("step ", step)));
      if (schema.FindPredicate(st.predicate)->acyclic) {
        ASSERT_NE(st.subject, st.object.lexical) << "step " << step;
        edges[st.predicate][st.subject].push_back(st.object.lexical);
      }
    }
    for (const auto& [p, graph] : edges) {
      std::map<std::string, int> state;  // 1 on the stack, 2 done
      std::function<bool(const std::string&)> cyclic = [&](const std::string& n) {
        if (state[n] == 1) return true;
        if (state[n] == 2) return false;
        state[n] = 1;
        auto it = graph.find(n);
        if (it != graph.end()) {
          for (const std::string& m : it->second) {
            if (cyclic(m)) return true;
          }
        }
        state[n] = 2;
        return false;
      };
      for (const auto& [n, out] : graph) ASSERT_FALSE(cyclic(n)) << p << " at step " << step;
    }
  }
}

}  // namespace
}  // namespace kg::testing
