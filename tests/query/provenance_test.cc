// Explain, disputes, independence and the trust policy on the seed
// article's graph, over a real store in a temp dir.

#include "query/provenance.h"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <string>
#include <vector>

#include "storage/corroboration.h"
#include "storage/schema.h"
#include "storage/store.h"
#include "tests/query/provenance_testing.h"
#include "tests/testing/test_util.h"

namespace kg {
namespace {

using ::kg::testing::ApplySeed;
using ::kg::testing::MakeEvidence;
using ::kg::testing::MakeStatement;
using ::kg::testing::RenderCorroboration;
using ::kg::testing::RenderDisputes;
using ::kg::testing::RenderExplanation;
using ::kg::testing::RenderStatement;
using ::kg::testing::SeedIds;
using ::kg::testing::TempDir;

class ProvenanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_OK_AND_ASSIGN(store_, Store::Open({.path = dir_.Sub("db")}));
    ASSERT_OK_AND_ASSIGN(ids_, ApplySeed(*store_));
  }

  // Explains with a fresh view (so that it sees every write so far).
  absl::StatusOr<Explanation> Explain(StatementId id, const Filter& filter = {}) {
    std::unique_ptr<View> view = store_->NewView();
    Provenance provenance(*view, Schema::Default());
    return provenance.Explain(id, filter);
  }

  absl::StatusOr<Page<Dispute>> Disputes(std::string_view entity, const Filter& filter = {},
                                         int32_t page_size = 0, std::string_view token = "",
                                         ProvenanceOptions options = {}) {
    std::unique_ptr<View> view = store_->NewView();
    Provenance provenance(*view, Schema::Default(), options);
    return provenance.ListDisputes(entity, filter, page_size, token);
  }

  // Every page of a listing, concatenated; fails past `max_pages`.
  std::string AllDisputePages(std::string_view entity, int32_t page_size, ProvenanceOptions options,
                              int* pages_out) {
    std::string out;
    std::string token;
    int pages = 0;
    for (; pages < 1000; ++pages) {
      absl::StatusOr<Page<Dispute>> page = Disputes(entity, {}, page_size, token, options);
      if (!page.ok()) return "error: " + page.status().ToString();
      if (static_cast<int32_t>(page->items.size()) > page_size) return "error: page too large";
      out += RenderDisputes(page->items);
      token = page->next_page_token;
      if (token.empty()) break;
    }
    *pages_out = pages + 1;
    return out;
  }

  TempDir dir_;
  std::unique_ptr<Store> store_;
  SeedIds ids_;
};

// Golden: Anadolu claims the government was behind the air attacks, SANA
// denies it, and TASS's general names armed groups instead.
TEST_F(ProvenanceTest, ExplainClaimDenialAndConflict) {
  ASSERT_OK_AND_ASSIGN(Explanation x, Explain(ids_.air_by_government));
  EXPECT_EQ(RenderExplanation(x),
            "incident/idlib-air-attacks perpetrated_by actor/syrian-government\n"
            "  evidence=2 sources=2 publishers=2 claimants=2 supporting=1 denying=1 "
            "reported=2019-05-10..2019-05-11 confidence=0.3000 disputed\n"
            "  - claims by outlet/anadolu[] via outlet/anadolu in doc/aa-0510 \"It claimed the "
            "regime of Syrian President Bashar al-Assad was behind them.\" conf=0.60 grade=C3 "
            "on=2019-05-10\n"
            "  - denies by outlet/sana[] via outlet/sana in doc/sana-0511 \"The army did not "
            "target civilian areas in Idlib.\" conf=0.50 grade=D4 on=2019-05-11\n"
            "disputed: [denied by 1 independent source] [conflicting perpetrated_by]\n"
            "conflict: incident/idlib-air-attacks perpetrated_by actor/nusra\n"
            "  evidence=1 sources=1 publishers=1 claimants=1 supporting=1 denying=0 "
            "reported=2019-05-11..2019-05-11 confidence=0.4000\n"
            "  - claims by person/kupschishin[] via outlet/tass in doc/tass-0511 \"it was "
            "possible illegal armed groups may stage false-flag attacks\" conf=0.40 grade=D5 "
            "on=2019-05-11\n"
            "document doc/aa-0510 \"Regime air attacks hit Idlib\" "
            "https://example.org/aa/0510 2019-05-10 outlet/anadolu\n"
            "document doc/sana-0511 \"Army units strike terrorist positions in Idlib\" "
            "https://example.org/sana/0511 2019-05-11 outlet/sana\n");
  // Set by the store, checked here rather than in the golden text.
  for (const Evidence& e : x.statement.evidence) {
    EXPECT_EQ(e.ingested_at, ids_.committed_at) << e.id;
    EXPECT_EQ(e.ingested_by, "seed") << e.id;
    EXPECT_EQ(e.retracted_at, 0) << e.id;
    EXPECT_FALSE(e.id.empty());
  }
  // The documents are listed in the order the evidence cites them.
  ASSERT_EQ(x.documents.size(), 2u);
  EXPECT_EQ(x.documents[0].id, x.statement.evidence[0].document);
}

// The other side of the conflict is disputed too, by the conflict alone.
TEST_F(ProvenanceTest, ExplainTheCompetingPerpetrator) {
  ASSERT_OK_AND_ASSIGN(Explanation x, Explain(ids_.air_by_nusra));
  EXPECT_TRUE(x.disputed);
  EXPECT_EQ(x.dispute_reasons, std::vector<std::string>{"conflicting perpetrated_by"});
  ASSERT_EQ(x.conflicts.size(), 1u);
  EXPECT_EQ(x.conflicts[0].id, ids_.air_by_government);
  EXPECT_EQ(x.conflicts[0].object.lexical, "actor/syrian-government");
  // The competing statement comes with both of its sides' evidence.
  EXPECT_EQ(x.conflicts[0].evidence.size(), 2u);
  EXPECT_FALSE(x.statement.corroboration.disputed);  // no denial of its own
}

TEST_F(ProvenanceTest, UndisputedStatementsAreExplainedPlainly) {
  for (StatementId id : {ids_.hama_by_opposition, ids_.russia_backs, ids_.air_in_idlib}) {
    ASSERT_OK_AND_ASSIGN(Explanation x, Explain(id));
    EXPECT_FALSE(x.disputed) << RenderExplanation(x);
    EXPECT_TRUE(x.dispute_reasons.empty());
    EXPECT_TRUE(x.conflicts.empty());
    EXPECT_EQ(x.documents.size(), 1u);
  }
  // occurred_in is functional too, but only one place is claimed.
  ASSERT_OK_AND_ASSIGN(Explanation x, Explain(ids_.air_in_idlib));
  EXPECT_EQ(x.statement.corroboration.confidence, 0.9);
}

// A wire story syndicated by three outlets counts once.
TEST_F(ProvenanceTest, SyndicatedWireStoryCountsOnce) {
  ASSERT_OK_AND_ASSIGN(Explanation x, Explain(ids_.supplies));
  const Corroboration& c = x.statement.corroboration;
  EXPECT_EQ(RenderCorroboration(c),
            "evidence=3 sources=1 publishers=3 claimants=1 supporting=3 denying=0 "
            "reported=2019-05-11..2019-05-12 confidence=0.7000");
  EXPECT_FALSE(x.disputed);
  EXPECT_EQ(x.documents.size(), 3u);

  // An independent report (officials in Moscow, via TASS) is a second source:
  // confidence = 1 - (1 - 0.7) * (1 - 0.5) = 0.85.
  WriteBatch more;
  more.statements.push_back(MakeStatement(
      "actor/turkey", "supplies", Value::Entity("actor/opposition"),
      {MakeEvidence({.document = "doc/tass-0511",
                     .publisher = "outlet/tass",
                     .claimant_description = "officials from Moscow",
                     .excerpt = "Parties opposed to the regime have been re-enforced by Turkey",
                     .confidence = 0.5,
                     .reliability = 'D',
                     .credibility = 4,
                     .reported_on = "2019-05-11"})}));
  ASSERT_OK_AND_ASSIGN(WriteResult r, store_->Apply(more, {.principal = "alice"}));
  EXPECT_EQ(r.statement_ids, std::vector<StatementId>{ids_.supplies});
  EXPECT_EQ(r.statements_created, 0);
  ASSERT_OK_AND_ASSIGN(x, Explain(ids_.supplies));
  EXPECT_EQ(RenderCorroboration(x.statement.corroboration),
            "evidence=4 sources=2 publishers=4 claimants=2 supporting=4 denying=0 "
            "reported=2019-05-11..2019-05-12 confidence=0.8500");

  // Re-sending the same evidence changes nothing.
  ASSERT_OK_AND_ASSIGN(r, store_->Apply(more, {.principal = "alice"}));
  EXPECT_EQ(r.evidence_added, 0);
  EXPECT_EQ(r.evidence_unchanged, 1);
  ASSERT_OK_AND_ASSIGN(Explanation again, Explain(ids_.supplies));
  EXPECT_EQ(RenderExplanation(again), RenderExplanation(x));
}

// The store's summary agrees with kg::Corroborate over the live evidence.
TEST_F(ProvenanceTest, CorroborationMatchesCorroborate) {
  for (StatementId id : {ids_.supplies, ids_.air_by_government, ids_.air_by_nusra,
                         ids_.hama_by_opposition, ids_.russia_backs, ids_.air_in_idlib}) {
    ASSERT_OK_AND_ASSIGN(Explanation x, Explain(id));
    std::vector<const Evidence*> live;
    for (const Evidence& e : x.statement.evidence) live.push_back(&e);
    EXPECT_EQ(RenderCorroboration(x.statement.corroboration),
              RenderCorroboration(Corroborate(live)))
        << id;
  }
}

TEST_F(ProvenanceTest, TrustPolicyAppliesToExplain) {
  // Without SANA, nobody denies it; the TASS conflict remains.
  Filter no_sana;
  no_sana.publishers_deny = {"outlet/sana"};
  ASSERT_OK_AND_ASSIGN(Explanation x, Explain(ids_.air_by_government, no_sana));
  EXPECT_EQ(x.statement.evidence.size(), 1u);
  EXPECT_EQ(x.statement.corroboration.confidence, 0.6);
  EXPECT_EQ(x.dispute_reasons, std::vector<std::string>{"conflicting perpetrated_by"});
  EXPECT_EQ(x.documents.size(), 1u);

  // The conflict is judged under the same policy: without TASS there is none.
  Filter neither = no_sana;
  neither.publishers_deny.push_back("outlet/tass");
  ASSERT_OK_AND_ASSIGN(x, Explain(ids_.air_by_government, neither));
  EXPECT_FALSE(x.disputed);
  EXPECT_TRUE(x.conflicts.empty());

  // Admiralty: reliability C or better drops SANA (D) and TASS (D).
  Filter graded;
  graded.min_reliability = 'C';
  ASSERT_OK_AND_ASSIGN(x, Explain(ids_.air_by_government, graded));
  EXPECT_FALSE(x.disputed) << RenderExplanation(x);
  EXPECT_EQ(x.statement.corroboration.confidence, 0.6);
  // Credibility 3 or better keeps Anadolu (3) only.
  Filter credible;
  credible.max_credibility = 3;
  ASSERT_OK_AND_ASSIGN(x, Explain(ids_.air_by_government, credible));
  EXPECT_EQ(x.statement.evidence.size(), 1u);
  EXPECT_FALSE(x.disputed);

  // Allow-list: only Reuters' copy of the wire story.
  Filter reuters_only;
  reuters_only.publishers_allow = {"outlet/reuters"};
  ASSERT_OK_AND_ASSIGN(x, Explain(ids_.supplies, reuters_only));
  EXPECT_EQ(RenderCorroboration(x.statement.corroboration),
            "evidence=1 sources=1 publishers=1 claimants=1 supporting=1 denying=0 "
            "reported=2019-05-11..2019-05-11 confidence=0.7000");
  // ... which leaves the Anadolu/SANA statement with nothing.
  EXPECT_TRUE(absl::IsNotFound(Explain(ids_.air_by_government, reuters_only).status()));

  // Statement-level minimums.
  Filter confident;
  confident.min_confidence = 0.5;
  EXPECT_TRUE(absl::IsNotFound(Explain(ids_.air_by_government, confident).status()));
  EXPECT_OK(Explain(ids_.supplies, confident));
  confident.publishers_deny = {"outlet/sana"};  // 0.6 without the denial
  EXPECT_OK(Explain(ids_.air_by_government, confident));
  Filter two_sources;
  two_sources.min_sources = 2;
  EXPECT_TRUE(absl::IsNotFound(Explain(ids_.supplies, two_sources).status()));
  EXPECT_OK(Explain(ids_.air_by_government, two_sources));
}

TEST_F(ProvenanceTest, ExplainUnknownStatement) {
  absl::StatusOr<Explanation> x = Explain(987654321);
  EXPECT_TRUE(absl::IsNotFound(x.status())) << x.status();
}

// Claims by publisher, document and claimant go straight to View::ClaimsBy;
// checked here with the trust policy on top.
TEST_F(ProvenanceTest, ClaimsBySource) {
  std::unique_ptr<View> view = store_->NewView();
  auto claims = [&](SourceRole role, std::string_view source, const Filter& filter,
                    std::string_view from = "", std::string_view to = "") -> std::string {
    absl::StatusOr<Page<Statement>> page = view->ClaimsBy(role, source, from, to, filter, 100, "");
    if (!page.ok()) return page.status().ToString();
    std::vector<std::string> rendered;
    for (const Statement& s : page->items) rendered.push_back(RenderStatement(s));
    std::sort(rendered.begin(), rendered.end());
    std::string out;
    for (const std::string& r : rendered) out += r;
    return out;
  };
  EXPECT_EQ(claims(SourceRole::kPublisher, "outlet/anadolu", {}),
            "incident/idlib-air-attacks occurred_in loc/idlib\n"
            "  evidence=1 sources=1 publishers=1 claimants=1 supporting=1 denying=0 "
            "reported=2019-05-10..2019-05-10 confidence=0.9000\n"
            "  - asserts by outlet/anadolu[] via outlet/anadolu in doc/aa-0510 \"air attacks in "
            "Idlib throughout last week\" conf=0.90 grade=C2 on=2019-05-10\n"
            // Only Anadolu's evidence, but the statement's corroboration over
            // everything the filter selects: SANA's denial still counts.
            "incident/idlib-air-attacks perpetrated_by actor/syrian-government\n"
            "  evidence=2 sources=2 publishers=2 claimants=2 supporting=1 denying=1 "
            "reported=2019-05-10..2019-05-11 confidence=0.3000 disputed\n"
            "  - claims by outlet/anadolu[] via outlet/anadolu in doc/aa-0510 \"It claimed the "
            "regime of Syrian President Bashar al-Assad was behind them.\" conf=0.60 grade=C3 "
            "on=2019-05-10\n");
  // The wire story's claimant, across the three outlets.
  const std::string wire = claims(SourceRole::kClaimant, "senior opposition and rebel sources", {});
  EXPECT_NE(wire.find("publishers=3"), std::string::npos) << wire;
  EXPECT_NE(wire.find("sources=1 "), std::string::npos) << wire;
  // A document carries everything it supports: SANA's denial and its claim.
  const std::string sana = claims(SourceRole::kDocument, "doc/sana-0511", {});
  EXPECT_NE(sana.find("denies by outlet/sana"), std::string::npos) << sana;
  EXPECT_NE(sana.find("hama-village-attacks perpetrated_by"), std::string::npos) << sana;
  // An entity claimant.
  const std::string general = claims(SourceRole::kClaimant, "person/kupschishin", {});
  EXPECT_NE(general.find("perpetrated_by actor/nusra"), std::string::npos) << general;

  // Date range over reported_on.
  EXPECT_EQ(claims(SourceRole::kPublisher, "outlet/anadolu", {}, "2019-05-11", ""), "");
  EXPECT_EQ(claims(SourceRole::kClaimant, "senior opposition and rebel sources", {}, "2019-05-12",
                   "2019-05-12")
                .find("outlet/reuters"),
            std::string::npos);

  // Trust policy: Admiralty B or better leaves SANA (D) with nothing; a
  // denied publisher has no claims.
  Filter graded;
  graded.min_reliability = 'B';
  EXPECT_EQ(claims(SourceRole::kPublisher, "outlet/sana", graded), "");
  Filter deny;
  deny.publishers_deny = {"outlet/anadolu"};
  EXPECT_EQ(claims(SourceRole::kPublisher, "outlet/anadolu", deny), "");
  Filter confident;
  confident.min_confidence = 0.8;
  EXPECT_EQ(claims(SourceRole::kPublisher, "outlet/anadolu", confident).find("perpetrated_by"),
            std::string::npos);
}

TEST_F(ProvenanceTest, DisputesOfAnEntity) {
  ASSERT_OK_AND_ASSIGN(Page<Dispute> page, Disputes("incident/idlib-air-attacks"));
  EXPECT_TRUE(page.next_page_token.empty());
  ASSERT_EQ(page.items.size(), 2u) << RenderDisputes(page.items);
  // Both sides of each dispute come with their evidence.
  for (const Dispute& d : page.items) {
    ASSERT_EQ(d.conflicting.size(), 1u);
    EXPECT_EQ(d.statement.predicate, "perpetrated_by");
    EXPECT_EQ(d.conflicting[0].predicate, "perpetrated_by");
    EXPECT_NE(d.statement.object, d.conflicting[0].object);
    EXPECT_FALSE(d.conflicting[0].evidence.empty());
  }
  const std::string text = RenderDisputes(page.items);
  EXPECT_NE(text.find("dispute: [denied by 1 independent source] [conflicting perpetrated_by]\n"
                      "  incident/idlib-air-attacks perpetrated_by actor/syrian-government\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("dispute: [conflicting perpetrated_by]\n"
                      "  incident/idlib-air-attacks perpetrated_by actor/nusra\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("denies by outlet/sana"), std::string::npos) << text;

  // As an object: Nusra is a disputed perpetrator.
  ASSERT_OK_AND_ASSIGN(page, Disputes("actor/nusra"));
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].statement.id, ids_.air_by_nusra);
  // Undisputed entities list nothing.
  ASSERT_OK_AND_ASSIGN(page, Disputes("actor/turkey"));
  EXPECT_TRUE(page.items.empty());
  EXPECT_TRUE(page.next_page_token.empty());
}

TEST_F(ProvenanceTest, DisputesOfTheWholeGraphPageAndScanBound) {
  ASSERT_OK_AND_ASSIGN(Page<Dispute> all, Disputes(""));
  EXPECT_TRUE(all.next_page_token.empty());
  ASSERT_EQ(all.items.size(), 2u);
  const std::string expected = RenderDisputes(all.items);

  // One per page, and one statement examined per call: same listing.
  int pages = 0;
  EXPECT_EQ(AllDisputePages("", 1, {}, &pages), expected);
  EXPECT_GE(pages, 2);
  ProvenanceOptions tiny;
  tiny.max_statements_scanned = 1;
  EXPECT_EQ(AllDisputePages("", 1, tiny, &pages), expected);
  EXPECT_GE(pages, 6);  // at least one call per statement
  EXPECT_EQ(AllDisputePages("incident/idlib-air-attacks", 1, tiny, &pages), expected);

  // A trust policy that drops the other perpetrator and the denial.
  Filter strict;
  strict.min_reliability = 'C';
  ASSERT_OK_AND_ASSIGN(Page<Dispute> none, Disputes("", strict));
  EXPECT_TRUE(none.items.empty()) << RenderDisputes(none.items);
}

TEST_F(ProvenanceTest, DisputeTokenPinsTheTransactionTime) {
  ASSERT_OK_AND_ASSIGN(Page<Dispute> first, Disputes("", {}, 1));
  ASSERT_EQ(first.items.size(), 1u);
  ASSERT_FALSE(first.next_page_token.empty());

  // A new disputed statement on a predicate the listing has not reached yet
  // (targeted comes after perpetrated_by in the schema), written between the
  // pages.
  WriteBatch dispute;
  dispute.statements.push_back(
      MakeStatement("incident/hama-village-attacks", "targeted", Value::Entity("loc/hama"),
                    {MakeEvidence({.document = "doc/sana-0511",
                                   .publisher = "outlet/sana",
                                   .claimant = "outlet/sana",
                                   .excerpt = "civilian houses in two villages in northern Hama",
                                   .confidence = 0.6,
                                   .reported_on = "2019-05-11"}),
                     MakeEvidence({.document = "doc/aa-0510",
                                   .publisher = "outlet/anadolu",
                                   .claimant = "outlet/anadolu",
                                   .excerpt = "no attack on Hama villages took place",
                                   .stance = Stance::kDenies,
                                   .confidence = 0.3,
                                   .reported_on = "2019-05-10"})}));
  ASSERT_OK(store_->Apply(dispute, {.principal = "alice"}));

  std::string rest;
  std::string token = first.next_page_token;
  for (int i = 0; i < 100 && !token.empty(); ++i) {
    ASSERT_OK_AND_ASSIGN(Page<Dispute> page, Disputes("", {}, 1, token));
    rest += RenderDisputes(page.items);
    token = page.next_page_token;
  }
  EXPECT_NE(rest.find("perpetrated_by"), std::string::npos) << rest;
  EXPECT_EQ(rest.find("targeted"), std::string::npos) << rest;
  // A fresh listing sees it.
  ASSERT_OK_AND_ASSIGN(Page<Dispute> now, Disputes(""));
  EXPECT_EQ(now.items.size(), 3u) << RenderDisputes(now.items);
}

TEST_F(ProvenanceTest, ListDisputesRejectsBadRequests) {
  EXPECT_TRUE(absl::IsInvalidArgument(Disputes("", {}, -1).status()));
  EXPECT_TRUE(absl::IsResourceExhausted(Disputes("", {}, 1001).status()));
  EXPECT_TRUE(absl::IsInvalidArgument(Disputes("", {}, 1, "garbage").status()));
  EXPECT_TRUE(absl::IsNotFound(Disputes("actor/nobody").status()));
  // A token is valid only for its own entity and filter.
  ASSERT_OK_AND_ASSIGN(Page<Dispute> first, Disputes("", {}, 1));
  ASSERT_FALSE(first.next_page_token.empty());
  EXPECT_OK(Disputes("", {}, 2, first.next_page_token).status());
  Filter strict;
  strict.min_confidence = 0.5;
  for (const absl::Status& s : {Disputes("actor/nusra", {}, 1, first.next_page_token).status(),
                                Disputes("", strict, 1, first.next_page_token).status()}) {
    EXPECT_EQ(s.message(), "page_token: belongs to another listing or query");
  }
}

}  // namespace
}  // namespace kg
