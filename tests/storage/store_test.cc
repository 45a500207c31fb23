// Writes and reads of kg::Store over a real RocksDB in a temp dir.

#include "storage/store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "tests/storage/store_test_util.h"

namespace kg::testing {
namespace {

class ApplyTest : public StoreTest {
 protected:
  void SetUp() override {
    StoreTest::SetUp();
    MustApply(BaseEntities());
  }

  // turkey supplies opposition (reuters), strike occurred_in idlib (tass),
  // strike deaths 12 (tass), russia opposes hts (tass).
  void AddStatements() {
    WriteBatch b;
    Evidence r = MakeEvidence("doc/reuters-1", "outlet/reuters", 0.7,
                              "Ankara has sent fresh supplies", "2019-05-11");
    r.claimant_description = "senior opposition sources";
    r.reliability = 'B';
    r.credibility = 3;
    b.statements.push_back(
        MakeStatement("actor/turkey", "supplies", Value::Entity("actor/opposition"), {r}));
    Evidence t = MakeEvidence("doc/tass-1", "outlet/tass", 0.6, "strikes in Idlib", "2019-05-20");
    b.statements.push_back(
        MakeStatement("inc/strike-1", "occurred_in", Value::Entity("loc/idlib"), {t}));
    b.statements.push_back(
        MakeStatement("inc/strike-1", "deaths", Value{ValueType::kInteger, "12"}, {t}));
    b.statements.push_back(
        MakeStatement("actor/russia", "opposes", Value::Entity("actor/hts"), {t}));
    WriteResult res = MustApply(b);
    ASSERT_EQ(res.statement_ids.size(), 4u);
    ids_ = res.statement_ids;
  }

  std::vector<StatementId> ids_;
};

TEST_F(ApplyTest, EntityRoundTripEveryField) {
  Entity e = MakeEntity("loc/khan-sheikhoun", "Town", "Khan Sheikhoun", {"Khan Shaykhun"});
  e.attributes["population"] = Value{ValueType::kInteger, "52000"};
  e.attributes["founded"] = Value{ValueType::kDate, "1900"};
  e.external_ids["wikidata"] = "Q1411826";
  e.latitude = 35.44;
  e.longitude = 36.65;
  WriteBatch b;
  b.entities.push_back(e);
  WriteResult r = MustApply(b);
  EXPECT_EQ(r.entities_written, 1);
  std::unique_ptr<View> view = store_->NewView();
  ASSERT_OK_AND_ASSIGN(Entity got, view->GetEntity("loc/khan-sheikhoun", kLatest));
  EXPECT_EQ(got.id, e.id);
  EXPECT_EQ(got.kind, "Town");
  EXPECT_EQ(got.label, "Khan Sheikhoun");
  EXPECT_EQ(got.aliases, e.aliases);
  EXPECT_EQ(got.attributes.at("population"), e.attributes.at("population"));
  EXPECT_EQ(got.attributes.at("founded"), e.attributes.at("founded"));
  EXPECT_EQ(got.external_ids, e.external_ids);
  EXPECT_EQ(got.latitude, e.latitude);
  EXPECT_EQ(got.longitude, e.longitude);
  EXPECT_EQ(got.updated_at, r.committed_at);
  EXPECT_EQ(got.updated_by, "tester");
  EXPECT_TRUE(got.merged_into.empty());

  // An identical upsert writes nothing; a changed one is a new version and
  // the old one stays readable as of its time.
  WriteResult again = MustApply(b);
  EXPECT_EQ(again.entities_unchanged, 1);
  EXPECT_EQ(again.entities_written, 0);
  b.entities[0].label = "Khan Shaykhun";
  WriteResult changed = MustApply(b);
  EXPECT_EQ(changed.entities_written, 1);
  view = store_->NewView();
  EXPECT_EQ(view->GetEntity("loc/khan-sheikhoun", kLatest)->label, "Khan Shaykhun");
  EXPECT_EQ(view->GetEntity("loc/khan-sheikhoun", r.committed_at)->label, "Khan Sheikhoun");
  EXPECT_EQ(view->GetEntity("loc/khan-sheikhoun", r.committed_at - 1).status().code(),
            absl::StatusCode::kNotFound);
}

TEST_F(ApplyTest, ADocumentBatchLendsItsIdPublisherAndDate) {
  WriteBatch b;
  Entity doc = MakeEntity("doc/aa-1", "Document", "Anadolu report");
  doc.attributes["publisher"] = Value::Entity("outlet/reuters");
  doc.attributes["date"] = Value{ValueType::kDate, "2019-05-11"};
  b.document = doc;
  b.statements.push_back(MakeStatement("actor/turkey", "backs", Value::Entity("actor/opposition"),
                                       {MakeEvidence("", "", 0.7, "Turkey backs them")}));
  MustApply(b);
  std::unique_ptr<View> view = store_->NewView();
  absl::StatusOr<Page<Statement>> page =
      view->Match({.subject = "actor/turkey", .predicate = "backs"}, {}, 0, "");
  ASSERT_TRUE(page.ok()) << page.status();
  ASSERT_EQ(page->items.size(), 1u);
  ASSERT_EQ(page->items[0].evidence.size(), 1u);
  const Evidence& e = page->items[0].evidence[0];
  EXPECT_EQ(e.document, "doc/aa-1");
  EXPECT_EQ(e.publisher, "outlet/reuters");
  EXPECT_EQ(e.reported_on, "2019-05-11");

  // Errors about the document name it, whatever its slot in the batch.
  b.document->kind = "State";
  absl::StatusOr<WriteResult> bad = store_->Apply(b, {});
  EXPECT_EQ(bad.status().message(),
            "document.kind: must be Document or one of its sub-kinds, got 'State'");
  b.document->kind = "Document";
  b.document->attributes["publisher"] = Value::Entity("outlet/nobody");
  bad = store_->Apply(b, {});
  EXPECT_EQ(bad.status().code(), absl::StatusCode::kNotFound);
  EXPECT_TRUE(absl::StartsWith(bad.status().message(), "document.attributes[publisher]"))
      << bad.status();
}

TEST_F(ApplyTest, StatementAndEvidenceRoundTrip) {
  Evidence e =
      MakeEvidence("doc/reuters-1", "outlet/reuters", 0.7, "Ankara has sent supplies", "2019-05");
  e.claimant = "actor/opposition";
  e.claimant_description = "senior opposition sources";
  e.span_begin = 10;
  e.span_end = 34;
  e.stance = Stance::kClaims;
  e.reliability = 'B';
  e.credibility = 2;
  e.extractor = "analyst:jdoe";
  Statement st = MakeStatement("actor/turkey", "supplies", Value::Entity("actor/opposition"), {e});
  st.valid_from = "2019-05";
  st.valid_to = "2019-06-30";
  WriteBatch b;
  b.statements.push_back(st);
  WriteResult r = MustApply(b);
  EXPECT_EQ(r.statements_created, 1);
  EXPECT_EQ(r.evidence_added, 1);
  ASSERT_EQ(r.evidence_ids.size(), 1u);
  ASSERT_EQ(r.evidence_ids[0].size(), 1u);
  EXPECT_EQ(r.evidence_ids[0][0].size(), 32u);

  std::unique_ptr<View> view = store_->NewView();
  ASSERT_OK_AND_ASSIGN(Statement got, view->GetStatement(r.statement_ids[0], {}, false));
  EXPECT_EQ(got.subject, "actor/turkey");
  EXPECT_EQ(got.predicate, "supplies");
  EXPECT_EQ(got.object, Value::Entity("actor/opposition"));
  EXPECT_EQ(got.valid_from, "2019-05");
  EXPECT_EQ(got.valid_to, "2019-06-30");
  ASSERT_EQ(got.evidence.size(), 1u);
  const Evidence& g = got.evidence[0];
  EXPECT_EQ(g.id, r.evidence_ids[0][0]);
  EXPECT_EQ(g.document, e.document);
  EXPECT_EQ(g.publisher, e.publisher);
  EXPECT_EQ(g.claimant, e.claimant);
  EXPECT_EQ(g.claimant_description, e.claimant_description);
  EXPECT_EQ(g.excerpt, e.excerpt);
  EXPECT_EQ(g.span_begin, 10);
  EXPECT_EQ(g.span_end, 34);
  EXPECT_EQ(g.stance, Stance::kClaims);
  EXPECT_EQ(g.confidence, 0.7);
  EXPECT_EQ(g.reliability, 'B');
  EXPECT_EQ(g.credibility, 2);
  EXPECT_EQ(g.extractor, "analyst:jdoe");
  EXPECT_EQ(g.reported_on, "2019-05");
  EXPECT_EQ(g.ingested_at, r.committed_at);
  EXPECT_EQ(g.ingested_by, "tester");
  EXPECT_EQ(g.retracted_at, 0);
  EXPECT_EQ(got.corroboration.evidence_count, 1);
  EXPECT_NEAR(got.corroboration.confidence, 0.7, 1e-9);

  // Literal objects of every type round-trip through the dictionary.
  WriteBatch lits;
  Evidence t = MakeEvidence("doc/tass-1", "outlet/tass", 0.5);
  lits.statements.push_back(
      MakeStatement("inc/strike-1", "deaths", Value{ValueType::kInteger, "-3"}, {t}));
  lits.statements.push_back(
      MakeStatement("inc/strike-1", "description", Value::String("Ünïcode ✓"), {t}));
  WriteResult lr = MustApply(lits);
  view = store_->NewView();
  EXPECT_EQ(view->GetStatement(lr.statement_ids[0], {}, false)->object,
            (Value{ValueType::kInteger, "-3"}));
  EXPECT_EQ(view->GetStatement(lr.statement_ids[1], {}, false)->object, Value::String("Ünïcode ✓"));
}

TEST_F(ApplyTest, EveryPatternShape) {
  AddStatements();
  const Value opp = Value::Entity("actor/opposition");
  EXPECT_EQ(MatchText({}),
            "actor/turkey supplies actor/opposition (1 ev)\n"
            "actor/russia opposes actor/hts (1 ev)\n"
            "inc/strike-1 occurred_in loc/idlib (1 ev)\n"
            "inc/strike-1 deaths 12 (1 ev)");
  EXPECT_EQ(MatchText({.subject = "inc/strike-1"}),
            "inc/strike-1 occurred_in loc/idlib (1 ev)\ninc/strike-1 deaths 12 (1 ev)");
  EXPECT_EQ(MatchText({.predicate = "supplies"}), "actor/turkey supplies actor/opposition (1 ev)");
  EXPECT_EQ(MatchText({.object = opp}), "actor/turkey supplies actor/opposition (1 ev)");
  EXPECT_EQ(MatchText({.subject = "inc/strike-1", .predicate = "deaths"}),
            "inc/strike-1 deaths 12 (1 ev)");
  EXPECT_EQ(MatchText({.subject = "actor/turkey", .object = opp}),
            "actor/turkey supplies actor/opposition (1 ev)");
  EXPECT_EQ(MatchText({.predicate = "deaths", .object = Value{ValueType::kInteger, "12"}}),
            "inc/strike-1 deaths 12 (1 ev)");
  EXPECT_EQ(MatchText({.subject = "actor/turkey", .predicate = "supplies", .object = opp}),
            "actor/turkey supplies actor/opposition (1 ev)");
  // Non-matching combinations and literals never stored are empty; an
  // unknown entity is NOT_FOUND, as in every other read.
  EXPECT_EQ(MatchText({.subject = "actor/turkey", .predicate = "opposes"}), "");
  EXPECT_EQ(MatchText({.predicate = "deaths", .object = Value{ValueType::kInteger, "99"}}), "");
  EXPECT_EQ(MatchText({.subject = "actor/nobody"}),
            "NOT_FOUND: subject: entity 'actor/nobody' not found");
  EXPECT_EQ(MatchText({.object = Value::Entity("actor/nobody")}),
            "NOT_FOUND: object: entity 'actor/nobody' not found");
}

TEST_F(ApplyTest, FiltersSelectEvidence) {
  AddStatements();
  // A second, independent source for turkey supplies opposition.
  WriteBatch b;
  Evidence t = MakeEvidence("doc/tass-1", "outlet/tass", 0.5, "TASS says so", "2019-05-21");
  b.statements.push_back(
      MakeStatement("actor/turkey", "supplies", Value::Entity("actor/opposition"), {t}));
  MustApply(b);
  const Pattern p{.predicate = "supplies"};
  EXPECT_EQ(MatchText(p), "actor/turkey supplies actor/opposition (2 ev)");
  EXPECT_EQ(MatchText(p, {.publishers_allow = {"outlet/tass"}}),
            "actor/turkey supplies actor/opposition (1 ev)");
  EXPECT_EQ(MatchText(p, {.publishers_deny = {"outlet/tass", "outlet/reuters"}}), "");
  EXPECT_EQ(MatchText(p, {.min_reliability = 'B'}),
            "actor/turkey supplies actor/opposition (1 ev)");
  EXPECT_EQ(MatchText(p, {.max_credibility = 3}), "actor/turkey supplies actor/opposition (1 ev)");
  EXPECT_EQ(MatchText(p, {.min_sources = 2}), "actor/turkey supplies actor/opposition (2 ev)");
  EXPECT_EQ(MatchText(p, {.min_sources = 3}), "");
  // 1 - 0.3 * 0.5 = 0.85
  EXPECT_EQ(MatchText(p, {.min_confidence = 0.84}),
            "actor/turkey supplies actor/opposition (2 ev)");
  EXPECT_EQ(MatchText(p, {.min_confidence = 0.86}), "");

  std::unique_ptr<View> view = store_->NewView();
  ASSERT_OK_AND_ASSIGN(TermId turkey, view->LookupEntity("actor/turkey"));
  ASSERT_OK_AND_ASSIGN(TermId supplies, view->LookupPredicate("supplies"));
  std::vector<Edge> edges;
  auto collect = [&](const Edge& e) {
    edges.push_back(e);
    return true;
  };
  ASSERT_OK(view->ScanEdges(turkey, Direction::kOut, supplies, {}, collect));
  ASSERT_EQ(edges.size(), 1u);
  EXPECT_NEAR(edges[0].corroboration.confidence, 0.85, 1e-9);
  EXPECT_EQ(edges[0].corroboration.independent_sources, 2);
  // From the summary alone, the edge's corroboration is the statement's.
  EXPECT_FALSE(edges[0].partial);
  ASSERT_OK_AND_ASSIGN(Statement whole, view->GetStatement(edges[0].statement, {}, false));
  EXPECT_EQ(edges[0].corroboration, whole.corroboration);
  EXPECT_EQ(edges[0].corroboration.publishers, 2);
  edges.clear();
  ASSERT_OK(view->ScanEdges(turkey, Direction::kOut, std::nullopt,
                            {.publishers_allow = {"outlet/reuters"}}, collect));
  ASSERT_EQ(edges.size(), 1u);
  EXPECT_NEAR(edges[0].corroboration.confidence, 0.7, 1e-9);
  EXPECT_EQ(edges[0].corroboration.publishers, 1);
  ASSERT_OK_AND_ASSIGN(Value obj, view->Resolve(edges[0].object));
  EXPECT_EQ(obj, Value::Entity("actor/opposition"));
  ASSERT_OK_AND_ASSIGN(std::string kind, view->KindOf(edges[0].object, kLatest));
  EXPECT_EQ(kind, "ArmedGroup");
  // In-edges of the opposition, with and without a predicate.
  ASSERT_OK_AND_ASSIGN(TermId opp, view->LookupEntity("actor/opposition"));
  edges.clear();
  ASSERT_OK(view->ScanEdges(opp, Direction::kIn, supplies, {}, collect));
  EXPECT_EQ(edges.size(), 1u);
  edges.clear();
  ASSERT_OK(view->ScanEdges(opp, Direction::kBoth, std::nullopt, {}, collect));
  EXPECT_EQ(edges.size(), 1u);
}

TEST_F(ApplyTest, ValidTimeWindow) {
  WriteBatch b;
  Statement st = MakeStatement("actor/turkey", "backs", Value::Entity("actor/opposition"),
                               {MakeEvidence("doc/reuters-1", "outlet/reuters", 0.9)});
  st.valid_from = "2019-05";
  st.valid_to = "2019-06";
  b.statements.push_back(st);
  MustApply(b);
  const Pattern p{.predicate = "backs"};
  const std::string hit = "actor/turkey backs actor/opposition (1 ev)";
  EXPECT_EQ(MatchText(p, {.valid_from = "2019-06-30"}), hit);
  EXPECT_EQ(MatchText(p, {.valid_from = "2019-07"}), "");
  EXPECT_EQ(MatchText(p, {.valid_to = "2019-04-30"}), "");
  EXPECT_EQ(MatchText(p, {.valid_to = "2019-05-01"}), hit);
}

TEST_F(ApplyTest, BadBatchWritesNothing) {
  WriteBatch b;
  b.entities.push_back(MakeEntity("actor/new", "State", "Newland"));
  b.statements.push_back(MakeStatement("actor/new", "supplies", Value::Entity("actor/opposition"),
                                       {MakeEvidence("doc/reuters-1", "outlet/reuters", 0.5)}));
  b.statements.push_back(MakeStatement("actor/turkey", "backs", Value::Entity("actor/opposition"),
                                       {MakeEvidence("doc/reuters-1", "outlet/reuters", 0.5),
                                        MakeEvidence("doc/reuters-1", "outlet/nobody", 0.5)}));
  absl::StatusOr<WriteResult> r = store_->Apply(b, {});
  ASSERT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(r.status().message(),
            "statements[1].evidence[1].publisher: entity 'outlet/nobody' not found");
  std::unique_ptr<View> view = store_->NewView();
  EXPECT_EQ(view->GetEntity("actor/new", kLatest).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(MatchText({}), "");
  EXPECT_EQ(view->LookupEntity("actor/new").status().code(), absl::StatusCode::kNotFound);
}

struct BadCase {
  std::string name;
  std::function<void(WriteBatch&)> mutate;
  absl::StatusCode code;
  std::string message;
};

TEST_F(ApplyTest, ErrorsNameRecordFieldAndReason) {
  auto one = [] {
    WriteBatch b;
    b.statements.push_back(MakeStatement("actor/turkey", "supplies",
                                         Value::Entity("actor/opposition"),
                                         {MakeEvidence("doc/reuters-1", "outlet/reuters", 0.5)}));
    return b;
  };
  std::vector<BadCase> cases = {
      {"confidence", [](WriteBatch& b) { b.statements[0].evidence[0].confidence = 1.5; },
       absl::StatusCode::kInvalidArgument,
       "statements[0].evidence[0].confidence: must be in [0, 1], got 1.5"},
      {"reliability", [](WriteBatch& b) { b.statements[0].evidence[0].reliability = 'G'; },
       absl::StatusCode::kInvalidArgument,
       "statements[0].evidence[0].reliability: must be A-F, got 'G'"},
      {"credibility", [](WriteBatch& b) { b.statements[0].evidence[0].credibility = 0; },
       absl::StatusCode::kInvalidArgument,
       "statements[0].evidence[0].credibility: must be 1-6, got 0"},
      {"span",
       [](WriteBatch& b) {
         b.statements[0].evidence[0].span_begin = 5;
         b.statements[0].evidence[0].span_end = 2;
       },
       absl::StatusCode::kInvalidArgument,
       "statements[0].evidence[0].span_begin: span must be both -1 or 0 <= begin <= end, got "
       "[5, 2)"},
      {"date", [](WriteBatch& b) { b.statements[0].evidence[0].reported_on = "2019-02-30"; },
       absl::StatusCode::kInvalidArgument,
       "statements[0].evidence[0].reported_on: must be a date YYYY, YYYY-MM or YYYY-MM-DD, got "
       "'2019-02-30'"},
      {"no evidence", [](WriteBatch& b) { b.statements[0].evidence.clear(); },
       absl::StatusCode::kInvalidArgument,
       "statements[0].evidence: at least one evidence record required"},
      {"no document", [](WriteBatch& b) { b.statements[0].evidence[0].document.clear(); },
       absl::StatusCode::kInvalidArgument, "statements[0].evidence[0].document: required"},
      {"document kind", [](WriteBatch& b) { b.statements[0].evidence[0].document = "outlet/tass"; },
       absl::StatusCode::kFailedPrecondition,
       "statements[0].evidence[0].document: entity 'outlet/tass' is a MediaOutlet, not a "
       "Document"},
      {"unknown subject", [](WriteBatch& b) { b.statements[0].subject = "actor/x"; },
       absl::StatusCode::kNotFound, "statements[0].subject: entity 'actor/x' not found"},
      {"schema", [](WriteBatch& b) { b.statements[0].subject = "loc/idlib"; },
       absl::StatusCode::kFailedPrecondition, ""},
      {"integer",
       [](WriteBatch& b) {
         b.statements[0].predicate = "deaths";
         b.statements[0].subject = "inc/strike-1";
         b.statements[0].object = Value{ValueType::kInteger, "12x"};
       },
       absl::StatusCode::kInvalidArgument, "statements[0].object: not an integer: '12x'"},
      {"entity kind", [](WriteBatch& b) { b.entities.push_back(MakeEntity("a/b", "Dragon", "x")); },
       absl::StatusCode::kInvalidArgument, "entities[0].kind: unknown kind 'Dragon'"},
      {"entity id", [](WriteBatch& b) { b.entities.push_back(MakeEntity("a b", "State", "x")); },
       absl::StatusCode::kInvalidArgument, ""},
      {"latitude",
       [](WriteBatch& b) {
         Entity e = MakeEntity("loc/x", "Town", "x");
         e.latitude = 91;
         b.entities.push_back(e);
       },
       absl::StatusCode::kInvalidArgument, "entities[0].latitude: must be in [-90, 90], got 91"},
      {"duplicate",
       [](WriteBatch& b) {
         b.entities.push_back(MakeEntity("loc/x", "Town", "x"));
         b.entities.push_back(MakeEntity("loc/x", "Town", "y"));
       },
       absl::StatusCode::kInvalidArgument, "entities[1].id: 'loc/x' duplicates entities[0]"},
  };
  for (const BadCase& c : cases) {
    WriteBatch b = one();
    c.mutate(b);
    absl::StatusOr<WriteResult> r = store_->Apply(b, {});
    EXPECT_EQ(r.status().code(), c.code) << c.name << ": " << r.status();
    if (!c.message.empty()) {
      EXPECT_EQ(r.status().message(), c.message) << c.name;
    }
  }
  EXPECT_EQ(store_->Apply(WriteBatch{}, {}).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(MatchText({}), "");
}

TEST_F(ApplyTest, ResendIsIdempotent) {
  WriteBatch b;
  b.statements.push_back(
      MakeStatement("actor/turkey", "supplies", Value::Entity("actor/opposition"),
                    {MakeEvidence("doc/reuters-1", "outlet/reuters", 0.5, "x")}));
  WriteResult first = MustApply(b);
  b.entities = BaseEntities().entities;
  WriteResult second = MustApply(b);
  EXPECT_EQ(second.statements_created, 0);
  EXPECT_EQ(second.evidence_added, 0);
  EXPECT_EQ(second.evidence_unchanged, 1);
  EXPECT_EQ(second.entities_unchanged, 10);
  EXPECT_EQ(second.statement_ids, first.statement_ids);
  EXPECT_EQ(second.evidence_ids, first.evidence_ids);
  EXPECT_EQ(second.committed_at, first.committed_at);  // nothing was written
  // Retracted evidence re-sent stays retracted and is reported as such.
  ASSERT_OK(store_->Retract(first.statement_ids[0], "", "wrong", {}));
  WriteResult third = MustApply(b);
  EXPECT_EQ(third.evidence_unchanged, 0);
  EXPECT_EQ(third.evidence_retracted, 1);
  EXPECT_EQ(third.retracted_evidence_ids, first.evidence_ids[0]);
  EXPECT_EQ(MatchText({}), "");
}

TEST_F(ApplyTest, AsOfBeforeAndAfterRetraction) {
  AddStatements();
  const StatementId sid = ids_[0];
  std::unique_ptr<View> before = store_->NewView();
  const TxTime t0 = before->snapshot_time();
  ASSERT_OK_AND_ASSIGN(TxTime t1, store_->Retract(sid, "", "misattributed", {.principal = "bob"}));
  EXPECT_GT(t1, t0);
  EXPECT_EQ(store_->Retract(sid, "", "again", {}).status().code(),
            absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(store_->Retract(999, "", "x", {}).status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->Retract(sid, "00", "x", {}).status().code(), absl::StatusCode::kNotFound);

  const Pattern p{.predicate = "supplies"};
  EXPECT_EQ(MatchText(p), "");
  EXPECT_EQ(MatchText(p, {.as_of = t0}), "actor/turkey supplies actor/opposition (1 ev)");
  EXPECT_EQ(MatchText(p, {.as_of = t1 - 1}), "actor/turkey supplies actor/opposition (1 ev)");
  EXPECT_EQ(MatchText(p, {.as_of = t1}), "");
  // The old view still sees the statement: it is a snapshot.
  ASSERT_OK_AND_ASSIGN(Page<Statement> old, before->Match(p, {}, 0, ""));
  EXPECT_EQ(old.items.size(), 1u);

  std::unique_ptr<View> view = store_->NewView();
  ASSERT_OK_AND_ASSIGN(Statement st, view->GetStatement(sid, {}, true));
  ASSERT_EQ(st.evidence.size(), 1u);
  EXPECT_EQ(st.evidence[0].retracted_at, t1);
  EXPECT_EQ(st.evidence[0].retracted_by, "bob");
  EXPECT_EQ(st.evidence[0].retraction_reason, "misattributed");
  EXPECT_EQ(st.corroboration.evidence_count, 0);
  ASSERT_OK_AND_ASSIGN(Statement without, view->GetStatement(sid, {}, false));
  EXPECT_TRUE(without.evidence.empty());
  ASSERT_OK_AND_ASSIGN(Statement then, view->GetStatement(sid, {.as_of = t0}, false));
  EXPECT_EQ(then.evidence.size(), 1u);
  EXPECT_EQ(then.evidence[0].retracted_at, 0);  // not retracted yet as of t0
  EXPECT_EQ(view->GetStatement(sid, {.as_of = 1}, false).status().code(),
            absl::StatusCode::kNotFound);

  ASSERT_OK_AND_ASSIGN(TermId turkey, view->LookupEntity("actor/turkey"));
  int edges = 0;
  auto count = [&](const Edge&) { return ++edges, true; };
  ASSERT_OK(view->ScanEdges(turkey, Direction::kOut, std::nullopt, {}, count));
  EXPECT_EQ(edges, 0);
  ASSERT_OK(view->ScanEdges(turkey, Direction::kOut, std::nullopt, {.as_of = t0}, count));
  EXPECT_EQ(edges, 1);

  ASSERT_OK_AND_ASSIGN(Page<HistoryEvent> h, view->StatementHistory(sid, kLatest, 0, ""));
  ASSERT_EQ(h.items.size(), 3u);
  EXPECT_EQ(h.items[0].type, HistoryEvent::Type::kStatementCreated);
  EXPECT_EQ(h.items[1].type, HistoryEvent::Type::kEvidenceAdded);
  EXPECT_EQ(h.items[2].type, HistoryEvent::Type::kEvidenceRetracted);
  EXPECT_EQ(h.items[2].reason, "misattributed");
  EXPECT_EQ(h.items[2].principal, "bob");
  EXPECT_EQ(h.items[2].at, t1);
  ASSERT_OK_AND_ASSIGN(Page<HistoryEvent> h0, view->StatementHistory(sid, t0, 0, ""));
  EXPECT_EQ(h0.items.size(), 2u);
}

TEST_F(ApplyTest, ReopenPreservesEverything) {
  AddStatements();
  const std::string before = MatchText({});
  TxTime t = store_->NewView()->snapshot_time();
  Reopen();
  EXPECT_EQ(MatchText({}), before);
  std::unique_ptr<View> view = store_->NewView();
  EXPECT_EQ(view->snapshot_time(), t);
  EXPECT_EQ(view->GetEntity("actor/hts", kLatest)->aliases.size(), 2u);
  // Counters continue: new terms and statements get fresh ids.
  WriteBatch b;
  b.entities.push_back(MakeEntity("actor/iran", "State", "Iran"));
  b.statements.push_back(MakeStatement("actor/iran", "backs", Value::Entity("actor/russia"),
                                       {MakeEvidence("doc/tass-1", "outlet/tass", 0.4)}));
  WriteResult r = MustApply(b);
  EXPECT_GT(r.committed_at, t);
  EXPECT_GT(r.statement_ids[0], *std::max_element(ids_.begin(), ids_.end()));
  view = store_->NewView();
  ASSERT_OK_AND_ASSIGN(TermId iran, view->LookupEntity("actor/iran"));
  ASSERT_OK_AND_ASSIGN(TermId russia, view->LookupEntity("actor/russia"));
  EXPECT_NE(iran, russia);
  EXPECT_EQ(MatchText({.subject = "actor/iran"}), "actor/iran backs actor/russia (1 ev)");
}

TEST_F(ApplyTest, ClaimsByPublisherDocumentClaimant) {
  AddStatements();
  std::unique_ptr<View> view = store_->NewView();
  auto claims = [&](SourceRole role, std::string source, std::string from = "",
                    std::string to = "") {
    absl::StatusOr<Page<Statement>> p = view->ClaimsBy(role, source, from, to, {}, 0, "");
    return p.ok() ? Render(p->items) : p.status().ToString();
  };
  EXPECT_EQ(claims(SourceRole::kPublisher, "outlet/tass"),
            "inc/strike-1 occurred_in loc/idlib (1 ev)\n"
            "inc/strike-1 deaths 12 (1 ev)\n"
            "actor/russia opposes actor/hts (1 ev)");
  EXPECT_EQ(claims(SourceRole::kPublisher, "outlet/tass", "2019-05-21"), "");
  EXPECT_EQ(claims(SourceRole::kPublisher, "outlet/tass", "2019-05", "2019-05"),
            "inc/strike-1 occurred_in loc/idlib (1 ev)\n"
            "inc/strike-1 deaths 12 (1 ev)\n"
            "actor/russia opposes actor/hts (1 ev)");
  EXPECT_EQ(claims(SourceRole::kDocument, "doc/reuters-1", "", "2019-05-11"),
            "actor/turkey supplies actor/opposition (1 ev)");
  EXPECT_EQ(claims(SourceRole::kDocument, "doc/reuters-1", "", "2019-05-10"), "");
  EXPECT_EQ(claims(SourceRole::kClaimant, "Senior Opposition Sources"),
            "actor/turkey supplies actor/opposition (1 ev)");
  EXPECT_EQ(
      claims(SourceRole::kPublisher, "outlet/tass", "2019-13"),
      "INVALID_ARGUMENT: date_from: must be a date YYYY, YYYY-MM or YYYY-MM-DD, got '2019-13'");
  ASSERT_OK_AND_ASSIGN(Page<Statement> paged,
                       view->ClaimsBy(SourceRole::kPublisher, "outlet/tass", "", "", {}, 2, ""));
  EXPECT_EQ(paged.items.size(), 2u);
  ASSERT_FALSE(paged.next_page_token.empty());
  ASSERT_OK_AND_ASSIGN(Page<Statement> rest, view->ClaimsBy(SourceRole::kPublisher, "outlet/tass",
                                                            "", "", {}, 2, paged.next_page_token));
  EXPECT_EQ(Render(rest.items), "actor/russia opposes actor/hts (1 ev)");
  EXPECT_TRUE(rest.next_page_token.empty());
}

TEST_F(ApplyTest, ClaimsByListsEachStatementOnce) {
  // TASS reports russia opposes hts twice (May 1 and June 1) and turkey
  // supplies opposition once in between (May 15).
  WriteBatch b;
  b.statements.push_back(
      MakeStatement("actor/russia", "opposes", Value::Entity("actor/hts"),
                    {MakeEvidence("doc/tass-1", "outlet/tass", 0.5, "first", "2019-05-01"),
                     MakeEvidence("doc/tass-1", "outlet/tass", 0.6, "second", "2019-06-01")}));
  b.statements.push_back(
      MakeStatement("actor/turkey", "supplies", Value::Entity("actor/opposition"),
                    {MakeEvidence("doc/tass-1", "outlet/tass", 0.5, "middle", "2019-05-15")}));
  MustApply(b);
  std::unique_ptr<View> view = store_->NewView();
  // Every page of one listing, one statement per line.
  auto all = [&](std::string from, std::string to, int32_t limit) {
    std::string out, token;
    for (int pages = 0; pages < 10; ++pages) {
      absl::StatusOr<Page<Statement>> p =
          view->ClaimsBy(SourceRole::kPublisher, "outlet/tass", from, to, {}, limit, token);
      if (!p.ok()) return p.status().ToString();
      for (const Statement& s : p->items) out += Render({s}) + "\n";
      token = p->next_page_token;
      if (token.empty()) break;
    }
    return out;
  };
  // By the earliest reported_on in range, then statement id; both of its
  // dated records travel with the statement.
  const std::string both =
      "actor/russia opposes actor/hts (2 ev)\n"
      "actor/turkey supplies actor/opposition (1 ev)\n";
  EXPECT_EQ(all("", "", 0), both);
  EXPECT_EQ(all("", "", 1), both);
  EXPECT_EQ(all("2019-05", "2019-06", 1), both);
  EXPECT_EQ(all("2019-05-10", "", 1),
            "actor/turkey supplies actor/opposition (1 ev)\n"
            "actor/russia opposes actor/hts (1 ev)\n");
  EXPECT_EQ(all("", "2019-05-10", 1), "actor/russia opposes actor/hts (1 ev)\n");
}

TEST_F(ApplyTest, ClaimsByUnknownSourceIsNotFound) {
  AddStatements();
  std::unique_ptr<View> view = store_->NewView();
  auto claims = [&](SourceRole role, std::string source, TxTime as_of = kLatest) {
    absl::StatusOr<Page<Statement>> p =
        view->ClaimsBy(role, source, "", "", {.as_of = as_of}, 0, "");
    return p.ok() ? Render(p->items) : p.status().ToString();
  };
  EXPECT_EQ(claims(SourceRole::kPublisher, "outlet/nobody"),
            "NOT_FOUND: publisher: entity 'outlet/nobody' not found");
  EXPECT_EQ(claims(SourceRole::kPublisher, "outlet/tass", 1),
            "NOT_FOUND: publisher: entity 'outlet/tass' not found");
  EXPECT_EQ(claims(SourceRole::kDocument, "doc/nobody"),
            "NOT_FOUND: document: entity 'doc/nobody' not found");
  // An entity that claims nothing, and a description nobody gave: empty.
  EXPECT_EQ(claims(SourceRole::kClaimant, "actor/turkey"), "");
  EXPECT_EQ(claims(SourceRole::kClaimant, "a passer-by"), "");
}

TEST_F(ApplyTest, PageTokensBelongToTheirListing) {
  AddStatements();
  std::unique_ptr<View> view = store_->NewView();
  ASSERT_OK_AND_ASSIGN(Page<Statement> claims,
                       view->ClaimsBy(SourceRole::kPublisher, "outlet/tass", "", "", {}, 1, ""));
  ASSERT_FALSE(claims.next_page_token.empty());
  const std::string token = claims.next_page_token;
  const std::string other = "INVALID_ARGUMENT: page_token: belongs to another listing or query";
  EXPECT_EQ(view->Match({}, {}, 1, token).status().ToString(), other);
  EXPECT_EQ(view->SearchEntities("", {}, kLatest, 1, token).status().ToString(), other);
  EXPECT_EQ(view->EntityHistory("outlet/tass", kLatest, 1, token).status().ToString(), other);
  EXPECT_EQ(view->ClaimsBy(SourceRole::kDocument, "outlet/tass", "", "", {}, 1, token)
                .status()
                .ToString(),
            other);
  EXPECT_EQ(view->ClaimsBy(SourceRole::kPublisher, "outlet/tass", "2019", "", {}, 1, token)
                .status()
                .ToString(),
            other);
  EXPECT_EQ(
      view->ClaimsBy(SourceRole::kPublisher, "outlet/tass", "", "", {.min_sources = 1}, 1, token)
          .status()
          .ToString(),
      other);
  EXPECT_OK(view->ClaimsBy(SourceRole::kPublisher, "outlet/tass", "", "", {}, 5, token).status());

  ASSERT_OK_AND_ASSIGN(Page<Statement> match, view->Match({.subject = "inc/strike-1"}, {}, 1, ""));
  ASSERT_FALSE(match.next_page_token.empty());
  EXPECT_EQ(
      view->Match({.subject = "actor/turkey"}, {}, 1, match.next_page_token).status().ToString(),
      other);
  EXPECT_OK(view->Match({.subject = "inc/strike-1"}, {}, 1, match.next_page_token).status());
}

TEST_F(ApplyTest, PagesSayTheTimeTheyAnswerAsOf) {
  AddStatements();
  std::unique_ptr<View> first_view = store_->NewView();
  ASSERT_OK_AND_ASSIGN(Page<Statement> first,
                       first_view->Match({.subject = "inc/strike-1"}, {}, 1, ""));
  EXPECT_EQ(first.as_of, first_view->snapshot_time());  // "latest", clamped
  ASSERT_FALSE(first.next_page_token.empty());
  WriteBatch later;  // the next page still answers as of the first
  later.entities.push_back(MakeEntity("actor/qatar", "State", "Qatar"));
  MustApply(later);
  std::unique_ptr<View> view = store_->NewView();
  ASSERT_GT(view->snapshot_time(), first.as_of);
  ASSERT_OK_AND_ASSIGN(Page<Statement> next,
                       view->Match({.subject = "inc/strike-1"}, {}, 1, first.next_page_token));
  EXPECT_EQ(next.as_of, first.as_of);
  ASSERT_OK_AND_ASSIGN(
      Page<Statement> claims,
      view->ClaimsBy(SourceRole::kPublisher, "outlet/tass", "", "", {.as_of = first.as_of}, 1, ""));
  EXPECT_EQ(claims.as_of, first.as_of);
}

TEST_F(ApplyTest, HistoryOfWhatDidNotExistYetIsNotFound) {
  AddStatements();
  std::unique_ptr<View> view = store_->NewView();
  EXPECT_EQ(view->EntityHistory("inc/strike-1", 1, 0, "").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(view->StatementHistory(ids_[0], 1, 0, "").status().code(), absl::StatusCode::kNotFound);
  EXPECT_OK(view->StatementHistory(ids_[0], kLatest, 0, "").status());
}

TEST_F(ApplyTest, StatsAndEntityHistory) {
  AddStatements();
  ASSERT_OK(store_->Retract(ids_[3], "", "dup", {}));
  std::unique_ptr<View> view = store_->NewView();
  ASSERT_OK_AND_ASSIGN(Stats stats, view->GetStats(kLatest));
  EXPECT_EQ(stats.entities, 10);
  EXPECT_EQ(stats.entities_per_kind["State"], 2);
  EXPECT_EQ(stats.statements, 3);
  EXPECT_EQ(stats.evidence, 3);
  EXPECT_EQ(stats.retracted_evidence, 1);
  EXPECT_EQ(stats.statements_per_predicate["supplies"], 1);
  EXPECT_EQ(stats.statements_per_predicate.count("opposes"), 0u);
  EXPECT_GT(stats.disk_bytes, 0u);

  ASSERT_OK_AND_ASSIGN(Page<HistoryEvent> h, view->EntityHistory("inc/strike-1", kLatest, 0, ""));
  ASSERT_EQ(h.items.size(), 3u);
  EXPECT_EQ(h.items[0].type, HistoryEvent::Type::kEntityUpserted);
  EXPECT_EQ(h.items[1].type, HistoryEvent::Type::kStatementCreated);
  EXPECT_EQ(h.items[2].type, HistoryEvent::Type::kStatementCreated);
  ASSERT_OK_AND_ASSIGN(Page<HistoryEvent> p1, view->EntityHistory("inc/strike-1", kLatest, 1, ""));
  ASSERT_EQ(p1.items.size(), 1u);
  ASSERT_OK_AND_ASSIGN(Page<HistoryEvent> p2,
                       view->EntityHistory("inc/strike-1", kLatest, 5, p1.next_page_token));
  EXPECT_EQ(p2.items.size(), 2u);
  EXPECT_EQ(view->EntityHistory("nobody", kLatest, 0, "").status().code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(view->EntityHistory("inc/strike-1", kLatest, 0, "garbage!").status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(ApplyTest, CheckpointOpens) {
  AddStatements();
  const std::string expected = MatchText({});
  const std::string copy = dir_.Sub("copy");
  ASSERT_OK(store_->Checkpoint(copy));
  EXPECT_EQ(store_->Checkpoint(copy).code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> other, Store::Open({.path = copy}));
  ASSERT_OK_AND_ASSIGN(Page<Statement> page, other->NewView()->Match({}, {}, 0, ""));
  EXPECT_EQ(Render(page.items), expected);
}

TEST_F(ApplyTest, CancelledScanStops) {
  WriteBatch b;
  for (int i = 0; i < 600; ++i) {
    b.statements.push_back(MakeStatement("inc/strike-1", "description",
                                         Value::String(absl::StrCat("note ", i)),
                                         {MakeEvidence("doc/tass-1", "outlet/tass", 0.5)}));
  }
  MustApply(b);
  std::unique_ptr<View> view = store_->NewView([] { return true; });
  EXPECT_EQ(view->Match({}, {}, 0, "").status().code(), absl::StatusCode::kCancelled);
  ASSERT_OK_AND_ASSIGN(TermId strike, view->LookupEntity("inc/strike-1"));
  EXPECT_EQ(
      view->ScanEdges(strike, Direction::kOut, std::nullopt, {}, [](const Edge&) { return true; })
          .code(),
      absl::StatusCode::kCancelled);
}

}  // namespace
}  // namespace kg::testing
