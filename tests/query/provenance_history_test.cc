// Time travel on the seed article's graph: retractions, merge and split seen
// through every read as of before and after, and the history of statements
// and entities.

#include <gtest/gtest.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

#include "query/provenance.h"
#include "storage/schema.h"
#include "storage/store.h"
#include "tests/query/provenance_testing.h"
#include "tests/testing/test_util.h"

namespace kg {
namespace {

using ::kg::testing::ApplySeed;
using ::kg::testing::HistoryTypeName;
using ::kg::testing::MakeEntity;
using ::kg::testing::MakeEvidence;
using ::kg::testing::MakeStatement;
using ::kg::testing::RenderDisputes;
using ::kg::testing::RenderEntity;
using ::kg::testing::RenderExplanation;
using ::kg::testing::RenderStatement;
using ::kg::testing::SeedIds;
using ::kg::testing::TempDir;

Filter AsOf(TxTime t) {
  Filter f;
  f.as_of = t;
  return f;
}

std::string RenderEvents(const std::vector<HistoryEvent>& events) {
  std::string out;
  for (const HistoryEvent& e : events) {
    out += HistoryTypeName(e.type);
    out += " by " + e.principal;
    if (!e.entity.empty()) out += " entity=" + e.entity;
    if (!e.other_entity.empty()) out += " other=" + e.other_entity;
    if (e.statement != 0) out += " statement";
    if (!e.evidence_id.empty()) out += " evidence";
    if (!e.reason.empty()) out += " reason=" + e.reason;
    out += "\n";
  }
  return out;
}

class ProvenanceHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(store_, Store::Open({.path = dir_.Sub("db")}));
    ASSERT_OK_AND_ASSIGN(ids_, ApplySeed(*store_));
  }

  absl::StatusOr<Explanation> Explain(StatementId id, const Filter& filter = {}) {
    std::unique_ptr<View> view = store_->NewView();
    Provenance provenance(*view, Schema::Default());
    return provenance.Explain(id, filter);
  }

  std::string ExplainText(StatementId id, const Filter& filter = {}) {
    absl::StatusOr<Explanation> x = Explain(id, filter);
    if (!x.ok()) return std::string(absl::StatusCodeToString(x.status().code()));
    return RenderExplanation(*x, /*with_times=*/true);
  }

  std::string DisputesText(std::string_view entity, const Filter& filter = {}) {
    std::unique_ptr<View> view = store_->NewView();
    Provenance provenance(*view, Schema::Default());
    absl::StatusOr<Page<Dispute>> page = provenance.ListDisputes(entity, filter, 1000, "");
    if (!page.ok()) return std::string(absl::StatusCodeToString(page.status().code()));
    return RenderDisputes(page->items, /*with_times=*/true);
  }

  absl::StatusOr<std::vector<HistoryEvent>> StatementHistory(StatementId id, TxTime as_of) {
    std::unique_ptr<View> view = store_->NewView();
    absl::StatusOr<Page<HistoryEvent>> page = view->StatementHistory(id, as_of, 1000, "");
    if (!page.ok()) return page.status();
    return page->items;
  }

  absl::StatusOr<std::vector<HistoryEvent>> EntityHistory(std::string_view id, TxTime as_of) {
    std::unique_ptr<View> view = store_->NewView();
    absl::StatusOr<Page<HistoryEvent>> page = view->EntityHistory(id, as_of, 1000, "");
    if (!page.ok()) return page.status();
    return page->items;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  SeedIds ids_;
};

TEST_F(ProvenanceHistoryTest, RetractThenAsOfBeforeAndAfter) {
  const TxTime t0 = ids_.committed_at;
  const std::string before = ExplainText(ids_.air_by_government);
  ASSERT_OK_AND_ASSIGN(TxTime tr,
                       store_->Retract(ids_.air_by_government, ids_.sana_denial,
                                       "SANA withdrew the report", {.principal = "bob"}));
  EXPECT_GT(tr, t0);

  // As of any moment before the retraction: the answer given then.
  EXPECT_EQ(ExplainText(ids_.air_by_government, AsOf(t0)), before);
  EXPECT_EQ(ExplainText(ids_.air_by_government, AsOf(tr - 1)), before);
  // Before the statement existed: nothing.
  EXPECT_EQ(ExplainText(ids_.air_by_government, AsOf(t0 - 1)), "NOT_FOUND");

  // After: the denial is still listed, with its retraction, and no longer
  // counts.
  ASSERT_OK_AND_ASSIGN(Explanation after, Explain(ids_.air_by_government));
  ASSERT_EQ(after.statement.evidence.size(), 2u);
  const Evidence* denial = nullptr;
  for (const Evidence& e : after.statement.evidence) {
    if (e.id == ids_.sana_denial) denial = &e;
  }
  ASSERT_NE(denial, nullptr);
  EXPECT_EQ(denial->retracted_at, tr);
  EXPECT_EQ(denial->retracted_by, "bob");
  EXPECT_EQ(denial->retraction_reason, "SANA withdrew the report");
  EXPECT_EQ(after.statement.corroboration.evidence_count, 1);
  EXPECT_EQ(after.statement.corroboration.denying, 0);
  EXPECT_EQ(after.statement.corroboration.confidence, 0.6);
  EXPECT_EQ(after.dispute_reasons, std::vector<std::string>{"conflicting perpetrated_by"});
  EXPECT_EQ(ExplainText(ids_.air_by_government, AsOf(tr)), ExplainText(ids_.air_by_government));

  // Retracting it again is refused and changes nothing.
  EXPECT_TRUE(absl::IsFailedPrecondition(
      store_->Retract(ids_.air_by_government, ids_.sana_denial, "again", {.principal = "bob"})
          .status()));
  EXPECT_EQ(ExplainText(ids_.air_by_government, AsOf(t0)), before);

  // Retract the other perpetrator entirely: it is still explained (all
  // retracted, confidence 0), and the conflict is gone from now on.
  const std::string disputes_before = DisputesText("");
  ASSERT_OK_AND_ASSIGN(
      TxTime tr2, store_->Retract(ids_.air_by_nusra, "", "misattributed", {.principal = "carol"}));
  ASSERT_OK_AND_ASSIGN(Explanation gone, Explain(ids_.air_by_nusra));
  ASSERT_EQ(gone.statement.evidence.size(), 1u);
  EXPECT_EQ(gone.statement.evidence[0].retracted_at, tr2);
  EXPECT_EQ(gone.statement.corroboration.evidence_count, 0);
  EXPECT_EQ(gone.statement.corroboration.confidence, 0);
  EXPECT_FALSE(gone.disputed);
  Filter some_confidence;
  some_confidence.min_confidence = 0.01;
  EXPECT_TRUE(absl::IsNotFound(Explain(ids_.air_by_nusra, some_confidence).status()));

  ASSERT_OK_AND_ASSIGN(Explanation now, Explain(ids_.air_by_government));
  EXPECT_FALSE(now.disputed) << RenderExplanation(now);
  EXPECT_EQ(DisputesText(""), "");
  EXPECT_EQ(DisputesText("", AsOf(tr2 - 1)), disputes_before);
  EXPECT_NE(DisputesText("", AsOf(t0)), disputes_before);  // SANA's denial was live then
  EXPECT_NE(DisputesText("", AsOf(t0)).find("denied by 1 independent source"), std::string::npos);
}

TEST_F(ProvenanceHistoryTest, StatementHistoryListsAssertAndRetract) {
  const TxTime t0 = ids_.committed_at;
  // A second report of the same statement later, by another principal.
  WriteBatch more;
  more.statements.push_back(MakeStatement(
      "incident/idlib-air-attacks", "perpetrated_by", Value::Entity("actor/syrian-government"),
      {MakeEvidence({.document = "doc/reuters-0511",
                     .publisher = "outlet/reuters",
                     .claimant_description = "opposition activists",
                     .excerpt = "government aircraft struck Idlib",
                     .confidence = 0.5,
                     .reported_on = "2019-05-11"})}));
  ASSERT_OK_AND_ASSIGN(WriteResult w, store_->Apply(more, {.principal = "alice"}));
  const TxTime t1 = w.committed_at;
  ASSERT_OK_AND_ASSIGN(TxTime t2, store_->Retract(ids_.air_by_government, ids_.anadolu_claim,
                                                  "duplicate", {.principal = "bob"}));

  ASSERT_OK_AND_ASSIGN(std::vector<HistoryEvent> events,
                       StatementHistory(ids_.air_by_government, kLatest));
  EXPECT_EQ(RenderEvents(events),
            "statement-created by seed statement\n"
            "evidence-added by seed statement evidence\n"
            "evidence-added by seed statement evidence\n"
            "evidence-added by alice statement evidence\n"
            "evidence-retracted by bob statement evidence reason=duplicate\n");
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[0].at, t0);
  EXPECT_EQ(events[3].at, t1);
  EXPECT_EQ(events[3].evidence_id, w.evidence_ids[0][0]);
  EXPECT_EQ(events[4].at, t2);
  EXPECT_EQ(events[4].evidence_id, ids_.anadolu_claim);
  for (const HistoryEvent& e : events) EXPECT_EQ(e.statement, ids_.air_by_government);

  // As of t1: the retraction has not happened yet.
  ASSERT_OK_AND_ASSIGN(std::vector<HistoryEvent> then,
                       StatementHistory(ids_.air_by_government, t1));
  EXPECT_EQ(then.size(), 4u);
  // Before it was asserted the statement is unknown, as GetStatement says.
  EXPECT_EQ(StatementHistory(ids_.air_by_government, t0 - 1).status().code(),
            absl::StatusCode::kNotFound);
}

// The graph around a duplicate of Nusra: its own statements, one of which
// becomes a second copy of an existing triple once merged, and one a
// competing perpetrator.
class MergeSplitTest : public ProvenanceHistoryTest {
 protected:
  void SetUp() override {
    ProvenanceHistoryTest::SetUp();
    if (HasFatalFailure()) return;
    WriteBatch b;
    b.entities.push_back(
        MakeEntity("actor/al-nusra-front", "ArmedGroup", "al-Nusra Front", {"Nusra Front"}));
    b.statements.push_back(MakeStatement(
        "incident/hama-village-attacks", "perpetrated_by", Value::Entity("actor/al-nusra-front"),
        {MakeEvidence({.document = "doc/tass-0511",
                       .publisher = "outlet/tass",
                       .claimant = "person/kupschishin",
                       .excerpt = "Nusra Front militants shelled villages in Hama",
                       .stance = Stance::kClaims,
                       .confidence = 0.4,
                       .reported_on = "2019-05-11"})}));
    b.statements.push_back(MakeStatement(
        "actor/al-nusra-front", "clashes_with", Value::Entity("actor/syrian-government"),
        {MakeEvidence({.document = "doc/sana-0511",
                       .publisher = "outlet/sana",
                       .claimant = "outlet/sana",
                       .excerpt = "clashes between government-backed and al-Nusra fighters",
                       .confidence = 0.8,
                       .reported_on = "2019-05-11"})}));
    b.statements.push_back(MakeStatement(
        "actor/nusra", "clashes_with", Value::Entity("actor/syrian-government"),
        {MakeEvidence({.document = "doc/tass-0511",
                       .publisher = "outlet/tass",
                       .claimant = "person/kupschishin",
                       .excerpt = "terrorists are planning to stage an offensive on the Syrian "
                                  "army",
                       .confidence = 0.5,
                       .reported_on = "2019-05-11"})}));
    b.statements.push_back(
        // member_of, not the acyclic part_of: the merge turns it into a
        // self-loop, which part_of would refuse.
        MakeStatement("actor/al-nusra-front", "member_of", Value::Entity("actor/nusra"),
                      {MakeEvidence({.document = "doc/reuters-0511",
                                     .publisher = "outlet/reuters",
                                     .claimant = "outlet/reuters",
                                     .excerpt = "the Nusra Front, a wing of Jabhat al-Nusra",
                                     .confidence = 0.3,
                                     .reported_on = "2019-05-11"})}));
    ASSERT_OK_AND_ASSIGN(WriteResult r, store_->Apply(b, {.principal = "seed"}));
    t0_ = r.committed_at;
    statements_ = {ids_.supplies,           ids_.air_by_government, ids_.air_by_nusra,
                   ids_.hama_by_opposition, ids_.russia_backs,      ids_.air_in_idlib};
    for (StatementId id : r.statement_ids) statements_.push_back(id);
  }

  // Every read the merge may change, rendered as of `as_of`.
  std::string Answers(TxTime as_of) {
    const Filter filter = AsOf(as_of);
    std::unique_ptr<View> view = store_->NewView();
    std::string out;
    auto status_text = [](const absl::Status& s) {
      return std::string(absl::StatusCodeToString(s.code())) + "\n";
    };
    const std::vector<std::string> ids = {"actor/nusra", "actor/al-nusra-front"};
    for (const std::string& id : ids) {
      absl::StatusOr<Entity> e = view->GetEntity(id, as_of);
      out +=
          "GetEntity " + id + ": " + (e.ok() ? RenderEntity(*e) + "\n" : status_text(e.status()));
    }
    for (const char* prefix : {"nusra", "al-nusra", "jabhat"}) {
      absl::StatusOr<Page<Entity>> page = view->SearchEntities(prefix, {}, as_of, 100, "");
      out += std::string("SearchEntities ") + prefix + ":";
      if (!page.ok()) {
        out += status_text(page.status());
        continue;
      }
      for (const Entity& e : page->items) out += " " + e.id;
      out += "\n";
    }
    std::vector<std::pair<std::string, Pattern>> patterns;
    for (const std::string& id : ids) {
      Pattern as_subject;
      as_subject.subject = id;
      patterns.emplace_back("subject " + id, as_subject);
      Pattern as_object;
      as_object.object = Value::Entity(id);
      patterns.emplace_back("object " + id, as_object);
    }
    for (const char* predicate : {"perpetrated_by", "clashes_with", "member_of"}) {
      Pattern p;
      p.predicate = predicate;
      patterns.emplace_back(std::string("predicate ") + predicate, p);
    }
    for (const auto& [name, pattern] : patterns) {
      absl::StatusOr<Page<Statement>> page = view->Match(pattern, filter, 100, "");
      out += "Match " + name + ":\n";
      if (!page.ok()) {
        out += status_text(page.status());
        continue;
      }
      for (const Statement& s : page->items) out += RenderStatement(s, "  ", true);
    }
    for (const std::string& id : ids) {
      absl::StatusOr<TermId> term = view->LookupEntity(id);
      out += "ScanEdges " + id + ":";
      if (!term.ok()) {
        out += status_text(term.status());
        continue;
      }
      std::vector<std::string> edges;
      absl::Status s =
          view->ScanEdges(*term, Direction::kBoth, std::nullopt, filter, [&](const Edge& e) {
            std::string text =
                absl::StrFormat(" #%d %s %s %s %.4f/%d", e.statement, ResolveText(*view, e.subject),
                                ResolveText(*view, e.predicate), ResolveText(*view, e.object),
                                e.corroboration.confidence, e.corroboration.independent_sources);
            edges.push_back(text);
            return edges.size() < 1000;
          });
      if (!s.ok()) {
        out += status_text(s);
        continue;
      }
      for (const std::string& e : edges) out += e;
      out += "\n";
    }
    for (StatementId id : statements_) {
      out += absl::StrFormat("Explain #%d: ", id) + ExplainText(id, filter) + "\n";
    }
    for (const std::string& id : ids) {
      out += "Disputes " + id + ":\n" + DisputesText(id, filter);
    }
    out += "Disputes:\n" + DisputesText("", filter);
    return out;
  }

  static std::string ResolveText(View& view, TermId term) {
    absl::StatusOr<Value> v = view.Resolve(term);
    return v.ok() ? v->lexical : "?";
  }

  TxTime t0_ = 0;
  std::vector<StatementId> statements_;
};

TEST_F(MergeSplitTest, MergeThenSplitRestoresEveryAnswer) {
  const std::string apart = Answers(kLatest);
  ASSERT_OK_AND_ASSIGN(
      TxTime tm, store_->Merge("actor/al-nusra-front", "actor/nusra", {.principal = "alice"}));
  const std::string merged = Answers(kLatest);
  ASSERT_NE(merged, apart);

  // What the merge means.
  {
    std::unique_ptr<View> view = store_->NewView();
    ASSERT_OK_AND_ASSIGN(Entity from, view->GetEntity("actor/al-nusra-front", kLatest));
    EXPECT_EQ(from.merged_into, "actor/nusra");
    ASSERT_OK_AND_ASSIGN(Entity into, view->GetEntity("actor/nusra", kLatest));
    EXPECT_NE(std::find(into.aliases.begin(), into.aliases.end(), "al-Nusra Front"),
              into.aliases.end())
        << RenderEntity(into);
    EXPECT_NE(std::find(into.aliases.begin(), into.aliases.end(), "Nusra Front"),
              into.aliases.end())
        << RenderEntity(into);
    Pattern p;
    p.subject = "actor/nusra";
    ASSERT_OK_AND_ASSIGN(Page<Statement> page, view->Match(p, {}, 100, ""));
    std::string text;
    for (const Statement& s : page.items) text += RenderStatement(s);
    // The duplicate's clash now has Nusra as its subject.
    EXPECT_NE(text.find("clashes between government-backed and al-Nusra fighters"),
              std::string::npos)
        << text;
  }
  // Nusra is now a competing perpetrator of the Hama attacks too.
  EXPECT_NE(DisputesText("actor/nusra").find("Nusra Front militants"), std::string::npos);

  ASSERT_OK_AND_ASSIGN(TxTime ts, store_->Split("actor/al-nusra-front", {.principal = "carol"}));
  EXPECT_GT(ts, tm);
  EXPECT_EQ(Answers(kLatest), apart);

  // Every moment answers as it did then.
  EXPECT_EQ(Answers(t0_), apart);
  EXPECT_EQ(Answers(tm - 1), apart);
  EXPECT_EQ(Answers(tm), merged);
  EXPECT_EQ(Answers(ts - 1), merged);
  EXPECT_EQ(Answers(ts), apart);

  // Merging again after the split behaves like the first merge.
  ASSERT_OK_AND_ASSIGN(
      TxTime tm2, store_->Merge("actor/al-nusra-front", "actor/nusra", {.principal = "alice"}));
  EXPECT_EQ(Answers(kLatest), merged);
  EXPECT_EQ(Answers(tm2 - 1), apart);
}

TEST_F(MergeSplitTest, EntityHistoryListsMergeAndSplit) {
  ASSERT_OK_AND_ASSIGN(
      TxTime tm, store_->Merge("actor/al-nusra-front", "actor/nusra", {.principal = "alice"}));
  ASSERT_OK_AND_ASSIGN(TxTime ts, store_->Split("actor/al-nusra-front", {.principal = "carol"}));

  ASSERT_OK_AND_ASSIGN(std::vector<HistoryEvent> events,
                       EntityHistory("actor/al-nusra-front", kLatest));
  std::vector<HistoryEvent> merges;
  for (const HistoryEvent& e : events) {
    if (e.type == HistoryEvent::Type::kMerged || e.type == HistoryEvent::Type::kSplit) {
      merges.push_back(e);
    }
  }
  EXPECT_EQ(RenderEvents(merges),
            "merged by alice entity=actor/al-nusra-front other=actor/nusra\n"
            "split by carol entity=actor/al-nusra-front other=actor/nusra\n")
      << RenderEvents(events);
  ASSERT_EQ(merges.size(), 2u);
  EXPECT_EQ(merges[0].at, tm);
  EXPECT_EQ(merges[1].at, ts);
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events[0].type, HistoryEvent::Type::kEntityUpserted);
  EXPECT_EQ(events[0].at, t0_);
  for (size_t i = 1; i < events.size(); ++i) EXPECT_LE(events[i - 1].at, events[i].at);

  // As of the merge, the split has not happened.
  ASSERT_OK_AND_ASSIGN(std::vector<HistoryEvent> then, EntityHistory("actor/al-nusra-front", tm));
  // (A merge or split also records the entity's new record, at the same time.)
  EXPECT_EQ(then.size(),
            static_cast<size_t>(std::count_if(events.begin(), events.end(),
                                              [&](const HistoryEvent& e) { return e.at <= tm; })));
  EXPECT_LT(then.size(), events.size());
  EXPECT_EQ(then.back().type, HistoryEvent::Type::kMerged);

  // Merge and split refuse what cannot be done, changing nothing.
  EXPECT_FALSE(store_->Split("actor/al-nusra-front", {.principal = "carol"}).ok());
  EXPECT_FALSE(store_->Merge("actor/nusra", "actor/nusra", {.principal = "alice"}).ok());
  EXPECT_FALSE(store_->Merge("actor/nobody", "actor/nusra", {.principal = "alice"}).ok());
  ASSERT_OK_AND_ASSIGN(std::vector<HistoryEvent> after,
                       EntityHistory("actor/al-nusra-front", kLatest));
  EXPECT_EQ(after.size(), events.size());
}

}  // namespace
}  // namespace kg
