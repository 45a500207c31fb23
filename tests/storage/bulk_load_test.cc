// BulkLoader: a small graph loaded through BulkLoader and through
// Store::Apply reads back identically (every read rendered as text, minus
// transaction times); the loader refuses a non-empty database and validates
// as Apply does, acyclic predicates and evidence re-sent with other values
// included.

#include "storage/bulk_load.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/status_macros.h"
#include "storage/store.h"
#include "tests/storage/store_test_util.h"
#include "tests/testing/test_util.h"

namespace kg::testing {
namespace {

constexpr char kPrincipal[] = "loader";

// Two batches: the second re-asserts a triple of the first with new and
// repeated evidence, and adds statements about first-batch entities.
std::vector<WriteBatch> Batches() {
  WriteBatch a = BaseEntities();
  a.entities.push_back(MakeEntity("doc/reuters-2", "Document", "Convoy reaches Idlib"));
  a.entities.back().attributes["date"] = Value{ValueType::kDate, "2019-05-12"};
  a.entities.back().attributes["publisher"] = Value::Entity("outlet/reuters");
  Evidence r = MakeEvidence("doc/reuters-1", "outlet/reuters", 0.8,
                            "Turkey has sent fresh supplies", "2019-05-11");
  r.claimant_description = "senior opposition sources";
  r.stance = Stance::kClaims;
  r.reliability = 'B';
  r.credibility = 2;
  Evidence t = MakeEvidence("doc/tass-1", "outlet/tass", 0.6, "no supplies were sent", "2019-05");
  t.claimant = "actor/russia";
  t.stance = Stance::kDenies;
  Statement supplies =
      MakeStatement("actor/turkey", "supplies", Value::Entity("actor/opposition"), {r, t});
  supplies.valid_from = "2019-05";
  supplies.valid_to = "2019-06-30";
  a.statements = {
      supplies,
      MakeStatement("inc/strike-1", "occurred_in", Value::Entity("loc/idlib"), {t}),
      MakeStatement("inc/strike-1", "deaths", Value{ValueType::kInteger, "12"}, {t, r}),
      MakeStatement("actor/russia", "opposes", Value::Entity("actor/hts"), {t}),
      // The same evidence twice in one statement is stored once.
      MakeStatement("actor/turkey", "opposes", Value::Entity("actor/hts"), {r, r}),
  };
  WriteBatch b;
  b.entities = {MakeEntity("actor/iran", "State", "Iran", {"Islamic Republic"})};
  Evidence r2 =
      MakeEvidence("doc/reuters-2", "outlet/reuters", 0.9, "the convoy arrived", "2019-05-12");
  b.statements = {
      MakeStatement("actor/turkey", "supplies", Value::Entity("actor/opposition"), {r2, t}),
      MakeStatement("actor/iran", "backs", Value::Entity("actor/russia"), {r2}),
      // Evidence naming neither publisher nor date takes the document's.
      MakeStatement("actor/iran", "opposes", Value::Entity("actor/hts"),
                    {MakeEvidence("doc/reuters-2", "", 0.7, "Iran opposes HTS", "")}),
      MakeStatement("inc/strike-1", "description", Value::String("Ünïcode ✓"), {r2}),
  };
  return {a, b};
}

std::string RenderEvidence(const Evidence& e) {
  return absl::StrCat("    ev ", e.id, " doc=", e.document, " pub=", e.publisher,
                      " claimant=", e.claimant, " desc=", e.claimant_description,
                      " excerpt=", e.excerpt, " stance=", static_cast<int>(e.stance),
                      " conf=", e.confidence, " grade=", std::string(1, e.reliability),
                      e.credibility, " extractor=", e.extractor, " on=", e.reported_on,
                      " by=", e.ingested_by, " retracted=", e.retracted_at != 0);
}

std::string RenderCorroboration(const Corroboration& c) {
  return absl::StrCat("n=", c.evidence_count, " src=", c.independent_sources,
                      " pubs=", c.publishers, " claimants=", c.claimants, " sup=", c.supporting,
                      " den=", c.denying, " first=", c.first_reported, " last=", c.last_reported,
                      " conf=", c.confidence, " disputed=", c.disputed);
}

std::string RenderStatement(const Statement& st) {
  std::vector<std::string> lines = {
      absl::StrCat("  #", st.id, " ", st.subject, " ", st.predicate, " ",
                   static_cast<int>(st.object.type), ":", st.object.lexical, " valid=[",
                   st.valid_from, ",", st.valid_to, "] ", RenderCorroboration(st.corroboration))};
  for (const Evidence& e : st.evidence) lines.push_back(RenderEvidence(e));
  return absl::StrJoin(lines, "\n");
}

template <typename T>
std::string RenderPage(const absl::StatusOr<Page<T>>& page, std::string (*render)(const T&)) {
  if (!page.ok()) return page.status().ToString();
  std::vector<std::string> lines;
  for (const T& item : page->items) lines.push_back(render(item));
  return absl::StrJoin(lines, "\n");
}

std::string RenderEntity(const Entity& e) {
  std::vector<std::string> attrs;
  for (const auto& [k, v] : e.attributes) attrs.push_back(absl::StrCat(k, "=", v.lexical));
  return absl::StrCat("  ", e.id, " ", e.kind, " '", e.label, "' aliases=[",
                      absl::StrJoin(e.aliases, "|"), "] attrs=[", absl::StrJoin(attrs, ","),
                      "] merged=", e.merged_into, " by=", e.updated_by);
}

// Every read the store offers over the graph, as text without times.
std::string RenderAll(Store& store) {
  std::unique_ptr<View> view = store.NewView();
  std::vector<std::string> out;
  out.push_back("match all:");
  out.push_back(RenderPage<Statement>(view->Match(Pattern{}, Filter{}, 0, ""), RenderStatement));
  for (StatementId id = 1; id <= 8; ++id) {
    absl::StatusOr<Statement> st = view->GetStatement(id, Filter{}, true);
    out.push_back(absl::StrCat("get ", id, ":"));
    out.push_back(st.ok() ? RenderStatement(*st) : st.status().ToString());
  }
  const std::vector<std::string> ids = {"actor/turkey",     "actor/russia", "actor/hts",
                                        "actor/opposition", "actor/iran",   "inc/strike-1",
                                        "loc/idlib"};
  for (const std::string& id : ids) {
    absl::StatusOr<TermId> term = view->LookupEntity(id);
    if (!term.ok()) {
      out.push_back(absl::StrCat(id, ": ", term.status().ToString()));
      continue;
    }
    for (Direction d : {Direction::kOut, Direction::kIn}) {
      std::vector<std::string> edges;
      absl::Status s = view->ScanEdges(*term, d, std::nullopt, Filter{}, [&](const Edge& e) {
        edges.push_back(absl::StrCat(e.statement, ":", e.subject, "-", e.predicate, "-", e.object,
                                     " ent=", e.object_is_entity, " valid=[", e.valid_from, ",",
                                     e.valid_to, "] partial=", e.partial, " ",
                                     RenderCorroboration(e.corroboration)));
        return true;
      });
      out.push_back(absl::StrCat("edges ", id, d == Direction::kOut ? " out: " : " in: ",
                                 s.ok() ? absl::StrJoin(edges, "; ") : s.ToString()));
    }
  }
  for (std::string prefix : {"", "t", "nusra", "islamic", "convoy"}) {
    out.push_back(absl::StrCat("search '", prefix, "':"));
    out.push_back(
        RenderPage<Entity>(view->SearchEntities(prefix, {}, kLatest, 0, ""), RenderEntity));
  }
  struct Source {
    SourceRole role;
    std::string name;
  };
  for (const Source& src :
       std::vector<Source>{{SourceRole::kPublisher, "outlet/reuters"},
                           {SourceRole::kPublisher, "outlet/tass"},
                           {SourceRole::kDocument, "doc/tass-1"},
                           {SourceRole::kClaimant, "actor/russia"},
                           {SourceRole::kClaimant, "senior opposition sources"}}) {
    out.push_back(absl::StrCat("claims by ", src.name, ":"));
    out.push_back(RenderPage<Statement>(view->ClaimsBy(src.role, src.name, "", "", Filter{}, 0, ""),
                                        RenderStatement));
  }
  absl::StatusOr<Stats> stats = view->GetStats(kLatest);
  if (stats.ok()) {
    std::vector<std::string> kinds, predicates;
    for (const auto& [k, n] : stats->entities_per_kind) kinds.push_back(absl::StrCat(k, "=", n));
    for (const auto& [p, n] : stats->statements_per_predicate) {
      predicates.push_back(absl::StrCat(p, "=", n));
    }
    out.push_back(absl::StrCat(
        "stats: entities=", stats->entities, " statements=", stats->statements,
        " evidence=", stats->evidence, " retracted=", stats->retracted_evidence,
        " kinds=", absl::StrJoin(kinds, ","), " predicates=", absl::StrJoin(predicates, ",")));
  } else {
    out.push_back(stats.status().ToString());
  }
  return absl::StrJoin(out, "\n");
}

std::unique_ptr<Store> MustOpen(const std::string& path) {
  absl::StatusOr<std::unique_ptr<Store>> s = Store::Open({.path = path});
  EXPECT_TRUE(s.ok()) << s.status();
  return s.ok() ? std::move(*s) : nullptr;
}

std::string LoadedThroughApply(const std::string& path) {
  std::unique_ptr<Store> store = MustOpen(path);
  if (!store) return "";
  for (const WriteBatch& b : Batches()) {
    absl::StatusOr<WriteResult> r = store->Apply(b, {.principal = kPrincipal});
    EXPECT_TRUE(r.ok()) << r.status();
  }
  return RenderAll(*store);
}

absl::StatusOr<BulkLoadResult> BulkLoad(const std::string& path, size_t budget) {
  KG_ASSIGN_OR_RETURN(
      std::unique_ptr<BulkLoader> loader,
      BulkLoader::Create({.path = path, .memory_budget_bytes = budget, .principal = kPrincipal}));
  for (const WriteBatch& b : Batches()) KG_RETURN_IF_ERROR(loader->Add(b));
  return loader->Finish();
}

TEST(BulkLoadTest, ReadsEqualApply) {
  TempDir dir;
  const std::string expected = LoadedThroughApply(dir.Sub("apply"));
  ASSERT_NE(expected.find("stats: entities=12 statements=8 evidence=11"), std::string::npos)
      << expected;
  ASSERT_NE(expected.find(" doc=doc/reuters-2 pub=outlet/reuters claimant= desc= excerpt=Iran "
                          "opposes HTS"),
            std::string::npos)
      << expected;
  ASSERT_NE(expected.find("excerpt=Iran opposes HTS stance=0 conf=0.7 grade=F6 extractor= "
                          "on=2019-05-12"),
            std::string::npos)
      << expected;

  ASSERT_OK_AND_ASSIGN(BulkLoadResult r, BulkLoad(dir.Sub("bulk"), 64 << 20));
  EXPECT_EQ(r.entities, 12);
  EXPECT_EQ(r.statements, 8);
  EXPECT_EQ(r.evidence_added, 11);
  EXPECT_EQ(r.evidence_unchanged, 2);
  std::unique_ptr<Store> store = MustOpen(dir.Sub("bulk"));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(RenderAll(*store), expected);
}

TEST(BulkLoadTest, SpillsIntoSeveralRunsWithTheSameResult) {
  TempDir dir;
  const std::string expected = LoadedThroughApply(dir.Sub("apply"));
  ASSERT_OK_AND_ASSIGN(BulkLoadResult r, BulkLoad(dir.Sub("bulk"), 4096));
  EXPECT_GT(r.runs, 11);           // more than one run per column family
  EXPECT_LE(r.sst_files, r.runs);  // merged
  std::unique_ptr<Store> store = MustOpen(dir.Sub("bulk"));
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(RenderAll(*store), expected);
}

TEST(BulkLoadTest, LoadedStoreTakesFurtherWritesIdempotently) {
  TempDir dir;
  ASSERT_OK(BulkLoad(dir.Sub("db"), 64 << 20).status());
  std::unique_ptr<Store> store = MustOpen(dir.Sub("db"));
  ASSERT_NE(store, nullptr);
  // Re-sending the first batch's statements finds them all.
  WriteBatch again = Batches()[0];
  again.entities.clear();
  ASSERT_OK_AND_ASSIGN(WriteResult w, store->Apply(again, {.principal = kPrincipal}));
  EXPECT_EQ(w.statements_created, 0);
  EXPECT_EQ(w.evidence_added, 0);
  EXPECT_EQ(w.statement_ids, (std::vector<StatementId>{1, 2, 3, 4, 5}));
  // A new statement gets the next id and new terms do not collide.
  WriteBatch more;
  more.entities = {MakeEntity("actor/new", "ArmedGroup", "New front")};
  more.statements = {MakeStatement("actor/new", "opposes", Value::Entity("actor/iran"),
                                   {MakeEvidence("doc/tass-1", "outlet/tass", 0.5)})};
  ASSERT_OK_AND_ASSIGN(w, store->Apply(more, {.principal = kPrincipal}));
  EXPECT_EQ(w.statement_ids, (std::vector<StatementId>{9}));
  std::unique_ptr<View> view = store->NewView();
  ASSERT_OK_AND_ASSIGN(Page<Statement> page,
                       view->Match({.subject = "actor/new"}, Filter{}, 0, ""));
  ASSERT_EQ(page.items.size(), 1u);
  EXPECT_EQ(page.items[0].object.lexical, "actor/iran");
}

TEST(BulkLoadTest, RefusesNonEmptyDatabase) {
  TempDir dir;
  {
    std::unique_ptr<Store> store = MustOpen(dir.Sub("db"));
    ASSERT_NE(store, nullptr);
    ASSERT_OK(store->Apply(BaseEntities(), {.principal = kPrincipal}).status());
  }
  absl::StatusOr<std::unique_ptr<BulkLoader>> loader = BulkLoader::Create({.path = dir.Sub("db")});
  EXPECT_EQ(loader.status().code(), absl::StatusCode::kFailedPrecondition) << loader.status();
}

TEST(BulkLoadTest, AcceptsFreshlyOpenedDatabase) {
  TempDir dir;
  { ASSERT_NE(MustOpen(dir.Sub("db")), nullptr); }
  ASSERT_OK(BulkLoad(dir.Sub("db"), 64 << 20).status());
}

TEST(BulkLoadTest, ValidatesLikeApply) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkLoader> loader,
                       BulkLoader::Create({.path = dir.Sub("db")}));
  ASSERT_OK(loader->Add(BaseEntities()));
  WriteBatch bad;
  bad.statements = {MakeStatement("actor/turkey", "supplies", Value::Entity("actor/opposition"),
                                  {MakeEvidence("doc/reuters-1", "outlet/reuters", 0.8)}),
                    MakeStatement("actor/ghost", "supplies", Value::Entity("actor/opposition"),
                                  {MakeEvidence("doc/reuters-1", "outlet/reuters", 0.8)})};
  absl::Status s = loader->Add(bad);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(s.message(), "statements[1].subject: entity 'actor/ghost' not found");
  bad.statements[1] = MakeStatement("actor/turkey", "supplies", Value::Entity("actor/opposition"),
                                    {MakeEvidence("outlet/tass", "outlet/tass", 0.8)});
  s = loader->Add(bad);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "statements[1].evidence[0].document: entity 'outlet/tass' is a MediaOutlet, not a "
            "Document");
  bad.statements[1].evidence[0].document = "doc/tass-1";
  bad.statements[1].evidence[0].confidence = 1.5;
  s = loader->Add(bad);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(loader->Add(BaseEntities()).code(), absl::StatusCode::kInvalidArgument);
  // Nothing of the failed batches was loaded.
  ASSERT_OK_AND_ASSIGN(BulkLoadResult r, loader->Finish());
  EXPECT_EQ(r.entities, 10);
  EXPECT_EQ(r.statements, 0);
  EXPECT_EQ(loader->Add(BaseEntities()).code(), absl::StatusCode::kFailedPrecondition);
}

// Each batch through Apply (one write each) and through one load: the same
// outcome, message included. Returns Apply's.
std::vector<absl::Status> ExpectSameOutcomes(const std::vector<WriteBatch>& batches,
                                             const TempDir& dir) {
  std::vector<absl::Status> applied;
  std::unique_ptr<Store> store = MustOpen(dir.Sub("apply"));
  absl::StatusOr<std::unique_ptr<BulkLoader>> loader =
      BulkLoader::Create({.path = dir.Sub("bulk")});
  EXPECT_OK(loader.status());
  if (store == nullptr || !loader.ok()) return applied;
  for (size_t i = 0; i < batches.size(); ++i) {
    applied.push_back(store->Apply(batches[i], {.principal = kPrincipal}).status());
    EXPECT_EQ((*loader)->Add(batches[i]), applied.back()) << "batch " << i;
  }
  EXPECT_OK((*loader)->Finish().status());
  return applied;
}

std::vector<absl::StatusCode> Codes(const std::vector<absl::Status>& statuses) {
  std::vector<absl::StatusCode> codes;
  for (const absl::Status& s : statuses) codes.push_back(s.code());
  return codes;
}

WriteBatch Located(std::vector<std::pair<std::string, std::string>> edges,
                   const std::string& predicate = "located_in") {
  WriteBatch b;
  for (const auto& [s, o] : edges) {
    b.statements.push_back(MakeStatement(s, predicate, Value::Entity(o),
                                         {MakeEvidence("doc/tass-1", "outlet/tass", 0.5)}));
  }
  return b;
}

TEST(BulkLoadTest, RefusesSelfLoopsAndCyclesAsApply) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkLoader> loader,
                       BulkLoader::Create({.path = dir.Sub("db")}));
  WriteBatch base = BaseEntities();
  base.entities.push_back(MakeEntity("loc/town", "Town", "Town"));
  base.entities.push_back(MakeEntity("loc/hama", "Town", "Hama"));
  ASSERT_OK(loader->Add(base));
  absl::Status s = loader->Add(Located({{"loc/town", "loc/town"}}));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "statements[0]: 'located_in' must not form a cycle: loc/town located_in loc/town");
  ASSERT_OK(loader->Add(Located({{"loc/town", "loc/idlib"}, {"loc/idlib", "loc/hama"}})));
  s = loader->Add(Located({{"loc/hama", "loc/town"}}));
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(s.message(),
            "statements[0]: 'located_in' must not form a cycle: loc/hama located_in loc/town "
            "located_in loc/idlib located_in loc/hama");
  // Nothing of the refused batches was loaded.
  ASSERT_OK_AND_ASSIGN(BulkLoadResult r, loader->Finish());
  EXPECT_EQ(r.statements, 2);
}

TEST(BulkLoadTest, AcyclicChecksMatchApply) {
  TempDir dir;
  WriteBatch base = BaseEntities();
  base.entities.push_back(MakeEntity("loc/town", "Town", "Town"));
  WriteBatch zone = Located({{"loc/zone", "loc/idlib"}, {"loc/idlib", "loc/zone"}});
  zone.entities = {MakeEntity("loc/zone", "Town", "Zone")};
  WriteBatch revived = Located({{"loc/town", "loc/idlib"}, {"loc/idlib", "loc/town"}});
  revived.statements[0].evidence = {MakeEvidence("doc/reuters-1", "outlet/reuters", 0.7)};
  const std::vector<absl::Status> applied = ExpectSameOutcomes(
      {base, Located({{"loc/town", "loc/town"}}), Located({{"loc/town", "loc/idlib"}}),
       // A cycle of the batch's own edges, through an entity of the batch.
       zone,
       // A loaded edge re-asserted with nothing new is not checked again;
       // with new evidence it is.
       Located({{"loc/town", "loc/idlib"}, {"loc/idlib", "loc/town"}}), revived,
       Located({{"actor/hts", "actor/opposition"}, {"actor/opposition", "actor/hts"}}, "part_of"),
       Located({{"actor/hts", "actor/hts"}}, "backs"), Located({{"loc/idlib", "loc/town"}})},
      dir);
  constexpr absl::StatusCode kOk = absl::StatusCode::kOk;
  constexpr absl::StatusCode kRefused = absl::StatusCode::kFailedPrecondition;
  EXPECT_EQ(Codes(applied), (std::vector<absl::StatusCode>{kOk, kRefused, kOk, kRefused, kRefused,
                                                           kRefused, kRefused, kOk, kRefused}));
  ASSERT_EQ(applied.size(), 9u);
  EXPECT_EQ(applied[3].message(),
            "statements[0]: 'located_in' must not form a cycle: loc/zone located_in loc/idlib "
            "located_in loc/zone");
  EXPECT_EQ(applied[4].message(),
            "statements[1]: 'located_in' must not form a cycle: loc/idlib located_in loc/town "
            "located_in loc/idlib");
  EXPECT_EQ(applied[5].message(),
            "statements[0]: 'located_in' must not form a cycle: loc/town located_in loc/idlib "
            "located_in loc/town");
}

TEST(BulkLoadTest, RefusesEvidenceResentWithOtherValuesAsOneWrite) {
  TempDir dir;
  const Evidence first = MakeEvidence("doc/tass-1", "outlet/tass", 0.5);
  Evidence other = first;
  other.confidence = 0.9;
  WriteBatch twice = BaseEntities();
  twice.statements = {
      MakeStatement("actor/russia", "opposes", Value::Entity("actor/hts"), {first, other})};
  EXPECT_EQ(Codes(ExpectSameOutcomes({twice}, dir)),
            std::vector<absl::StatusCode>{absl::StatusCode::kInvalidArgument});

  ASSERT_OK_AND_ASSIGN(std::unique_ptr<BulkLoader> loader,
                       BulkLoader::Create({.path = dir.Sub("db")}));
  absl::Status s = loader->Add(twice);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("statements[0].evidence[1]: evidence "), std::string::npos) << s;
  EXPECT_NE(s.message().find(" is sent twice in one write with different values (confidence "
                             "0.5 -> 0.9)"),
            std::string::npos)
      << s;
  twice.statements[0].evidence = {first, first};
  ASSERT_OK(loader->Add(twice));
  // In a later Add too: the load is one write.
  WriteBatch again;
  again.statements = {
      MakeStatement("actor/turkey", "opposes", Value::Entity("actor/hts"), {first}),
      MakeStatement("actor/russia", "opposes", Value::Entity("actor/hts"), {other})};
  s = loader->Add(again);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("statements[1].evidence[0]: evidence "), std::string::npos) << s;
  again.statements[1].evidence = {first};
  ASSERT_OK(loader->Add(again));
  ASSERT_OK_AND_ASSIGN(BulkLoadResult r, loader->Finish());
  EXPECT_EQ(r.statements, 2);
  EXPECT_EQ(r.evidence_added, 2);
  EXPECT_EQ(r.evidence_unchanged, 2);
}

}  // namespace
}  // namespace kg::testing
