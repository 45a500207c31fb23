// Property: every read answers, as of a past transaction time, exactly what
// it answered at that time.
//
// Random (seeded) sequences of writes, entity updates, retractions, merges
// and splits run against a real store. After each step the test records the
// answers of a fixed set of reads (as strings) together with the view's
// snapshot_time t_i; at the end it replays every read with as_of = t_i and
// requires identical answers. Sizes are small and bounded: a handful of
// entities, a few dozen steps, pages of at most 1000.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <string>
#include <vector>

#include "query/provenance.h"
#include "storage/schema.h"
#include "storage/store.h"
#include "tests/query/provenance_testing.h"
#include "tests/testing/test_util.h"

namespace kg {
namespace {

using ::kg::testing::HistoryTypeName;
using ::kg::testing::MakeDocument;
using ::kg::testing::MakeEntity;
using ::kg::testing::MakeEvidence;
using ::kg::testing::MakeStatement;
using ::kg::testing::RenderDisputes;
using ::kg::testing::RenderEntity;
using ::kg::testing::RenderExplanation;
using ::kg::testing::RenderStatement;
using ::kg::testing::TempDir;

constexpr int kActors = 5;
constexpr int kIncidents = 3;
constexpr int kOutlets = 3;
constexpr int kDocuments = 4;
constexpr int kSteps = 36;
constexpr int32_t kLimit = 1000;

std::string Actor(int i) { return "actor/g" + std::to_string(i); }
std::string Incident(int i) { return "incident/i" + std::to_string(i); }
std::string Outlet(int i) { return "outlet/p" + std::to_string(i); }
std::string Document(int i) { return "doc/d" + std::to_string(i); }

std::string StatusText(const absl::Status& s) {
  return std::string(absl::StatusCodeToString(s.code())) + "\n";
}

std::string RenderStatements(const absl::StatusOr<Page<Statement>>& page) {
  if (!page.ok()) return StatusText(page.status());
  std::string out;
  for (const Statement& s : page->items) out += RenderStatement(s, "", /*with_times=*/true);
  if (!page->next_page_token.empty()) out += "more\n";
  return out;
}

std::string RenderHistory(const absl::StatusOr<Page<HistoryEvent>>& page) {
  if (!page.ok()) return StatusText(page.status());
  std::string out;
  for (const HistoryEvent& e : page->items) {
    out += absl::StrFormat("%d %s %s %s #%d %s %s %s\n", e.at, e.principal, HistoryTypeName(e.type),
                           e.entity, e.statement, e.evidence_id, e.other_entity, e.reason);
  }
  return out;
}

// One recorded moment: the time, the statements known then, the answers.
struct Moment {
  TxTime at = 0;
  std::vector<StatementId> statements;
  std::map<std::string, std::string> answers;  // read -> answer
};

// The fixed set of reads, as of `as_of`.
std::map<std::string, std::string> Answers(View& view, TxTime as_of,
                                           const std::vector<StatementId>& statements) {
  std::map<std::string, std::string> out;
  Filter all;
  all.as_of = as_of;
  Filter strict = all;
  strict.min_reliability = 'C';
  strict.publishers_deny = {Outlet(2)};
  strict.min_sources = 1;

  std::vector<std::string> entities;
  for (int i = 0; i < kActors; ++i) entities.push_back(Actor(i));
  for (int i = 0; i < kIncidents; ++i) entities.push_back(Incident(i));
  for (const std::string& id : entities) {
    absl::StatusOr<Entity> e = view.GetEntity(id, as_of);
    out["GetEntity " + id] =
        e.ok() ? RenderEntity(*e, /*with_times=*/true) : StatusText(e.status());
    out["EntityHistory " + id] = RenderHistory(view.EntityHistory(id, as_of, kLimit, ""));
  }
  for (const char* prefix : {"group", "g", "band"}) {
    absl::StatusOr<Page<Entity>> page = view.SearchEntities(prefix, {}, as_of, kLimit, "");
    std::string text;
    if (!page.ok()) {
      text = StatusText(page.status());
    } else {
      for (const Entity& e : page->items) text += e.id + " " + e.label + "\n";
    }
    out[std::string("SearchEntities ") + prefix] = text;
  }
  for (const char* predicate : {"clashes_with", "supplies", "perpetrated_by"}) {
    Pattern p;
    p.predicate = predicate;
    out[std::string("Match ") + predicate] = RenderStatements(view.Match(p, all, kLimit, ""));
    out[std::string("Match strict ") + predicate] =
        RenderStatements(view.Match(p, strict, kLimit, ""));
  }
  for (int i = 0; i < kActors; ++i) {
    Pattern as_subject;
    as_subject.subject = Actor(i);
    out["Match subject " + Actor(i)] = RenderStatements(view.Match(as_subject, all, kLimit, ""));
    Pattern as_object;
    as_object.object = Value::Entity(Actor(i));
    out["Match object " + Actor(i)] = RenderStatements(view.Match(as_object, all, kLimit, ""));

    std::string edges;
    absl::StatusOr<TermId> term = view.LookupEntity(Actor(i));
    if (term.ok()) {
      int n = 0;
      absl::Status s =
          view.ScanEdges(*term, Direction::kBoth, std::nullopt, all, [&](const Edge& e) {
            edges +=
                absl::StrFormat("#%d %d %d %d %d %.6f %d\n", e.statement, e.subject, e.predicate,
                                e.object, e.object_is_entity, e.corroboration.confidence,
                                e.corroboration.independent_sources);
            return ++n < kLimit;
          });
      if (!s.ok()) edges += StatusText(s);
    } else {
      edges = StatusText(term.status());
    }
    out["ScanEdges " + Actor(i)] = edges;
  }
  Provenance provenance(view, Schema::Default());
  for (StatementId id : statements) {
    const std::string key = absl::StrFormat("#%d", id);
    absl::StatusOr<Explanation> x = provenance.Explain(id, all);
    out["Explain " + key] = x.ok() ? RenderExplanation(*x, true) : StatusText(x.status());
    absl::StatusOr<Explanation> y = provenance.Explain(id, strict);
    out["Explain strict " + key] = y.ok() ? RenderExplanation(*y, true) : StatusText(y.status());
    out["StatementHistory " + key] = RenderHistory(view.StatementHistory(id, as_of, kLimit, ""));
  }
  absl::StatusOr<Page<Dispute>> disputes = provenance.ListDisputes("", all, kLimit, "");
  out["ListDisputes"] = disputes.ok()
                            ? RenderDisputes(disputes->items, true) + disputes->next_page_token
                            : StatusText(disputes.status());
  for (int i = 0; i < kIncidents; ++i) {
    absl::StatusOr<Page<Dispute>> d = provenance.ListDisputes(Incident(i), all, kLimit, "");
    out["ListDisputes " + Incident(i)] =
        d.ok() ? RenderDisputes(d->items, true) : StatusText(d.status());
  }
  for (int i = 0; i < kOutlets; ++i) {
    out["ClaimsBy " + Outlet(i)] =
        RenderStatements(view.ClaimsBy(SourceRole::kPublisher, Outlet(i), "", "", all, kLimit, ""));
  }
  out["ClaimsBy local sources"] = RenderStatements(
      view.ClaimsBy(SourceRole::kClaimant, "local sources", "", "", all, kLimit, ""));
  out["ClaimsBy doc/d0"] = RenderStatements(
      view.ClaimsBy(SourceRole::kDocument, Document(0), "", "", strict, kLimit, ""));
  absl::StatusOr<Stats> stats = view.GetStats(as_of);
  if (stats.ok()) {
    std::string text =
        absl::StrFormat("entities=%d statements=%d evidence=%d retracted=%d\n", stats->entities,
                        stats->statements, stats->evidence, stats->retracted_evidence);
    for (const auto& [k, v] : stats->entities_per_kind) text += absl::StrFormat("%s=%d ", k, v);
    for (const auto& [k, v] : stats->statements_per_predicate) {
      text += absl::StrFormat("%s=%d ", k, v);
    }
    out["GetStats"] = text;
  } else {
    out["GetStats"] = StatusText(stats.status());
  }
  return out;
}

// Drives one random sequence and keeps track of what may be done next.
class Scenario {
 public:
  Scenario(Store& store, uint32_t seed) : store_(store), rng_(seed) {}

  absl::Status Setup() {
    WriteBatch b;
    for (int i = 0; i < kActors; ++i) {
      b.entities.push_back(MakeEntity(Actor(i), "ArmedGroup", "Group " + std::to_string(i),
                                      {"g" + std::to_string(i) + " brigade"}));
    }
    for (int i = 0; i < kIncidents; ++i) {
      b.entities.push_back(MakeEntity(Incident(i), "Attack", "Attack " + std::to_string(i)));
    }
    for (int i = 0; i < kOutlets; ++i) {
      b.entities.push_back(MakeEntity(Outlet(i), "MediaOutlet", "Outlet " + std::to_string(i)));
    }
    for (int i = 0; i < kDocuments; ++i) {
      b.entities.push_back(MakeDocument(Document(i), "Report " + std::to_string(i),
                                        "https://example.org/" + std::to_string(i),
                                        "2019-05-1" + std::to_string(i), Outlet(i % kOutlets)));
    }
    b.entities.push_back(MakeEntity("person/c0", "Person", "A named official"));
    return store_.Apply(b, {.principal = "setup"}).status();
  }

  // One random step. Returns what it did, for failure messages. A step the
  // store refuses (an error status) writes nothing and is reported.
  std::string Step() {
    const int r = Uniform(100);
    if (r < 45) return Assert();
    if (r < 60) return Retract();
    if (r < 70) return Upsert();
    if (r < 85) return Merge();
    return Split();
  }

  const std::vector<StatementId>& statements() const { return statements_; }

 private:
  int Uniform(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Uniform(static_cast<int>(v.size()))];
  }

  std::vector<std::string> UnmergedActors() const {
    std::vector<std::string> out;
    for (int i = 0; i < kActors; ++i) {
      if (!merged_into_.count(Actor(i))) out.push_back(Actor(i));
    }
    return out;
  }

  Evidence RandomEvidence() {
    const int doc = Uniform(kDocuments);
    static const std::vector<std::string> kDescriptions = {"local sources", "officials", ""};
    static const std::vector<std::string> kExcerpts = {
        "fighting was reported", "Fighting was reported.", "an attack took place", "no such thing"};
    static const std::vector<double> kConfidences = {0.3, 0.5, 0.8};
    static const std::vector<char> kReliabilities = {'A', 'C', 'F'};
    static const std::vector<int> kCredibilities = {2, 4, 6};
    const int stance = Uniform(100);
    Evidence e =
        MakeEvidence({.document = Document(doc),
                      .publisher = Outlet(doc % kOutlets),
                      .claimant = Uniform(3) == 0 ? "person/c0" : "",
                      .claimant_description = Pick(kDescriptions),
                      .excerpt = Pick(kExcerpts),
                      .stance = stance < 70 ? Stance::kAsserts
                                            : (stance < 85 ? Stance::kDenies : Stance::kClaims),
                      .confidence = Pick(kConfidences),
                      .reliability = Pick(kReliabilities),
                      .credibility = Pick(kCredibilities),
                      .reported_on = "2019-05-" + std::to_string(10 + Uniform(9))});
    if (e.claimant.empty() && e.claimant_description.empty()) e.claimant_description = "unnamed";
    return e;
  }

  std::string Assert() {
    std::vector<std::string> actors = UnmergedActors();
    Statement s;
    const int shape = Uniform(3);
    if (shape == 2 || actors.size() < 2) {
      s.subject = Incident(Uniform(kIncidents));
      s.predicate = "perpetrated_by";
      s.object = Value::Entity(Pick(actors));
    } else {
      std::shuffle(actors.begin(), actors.end(), rng_);
      s.subject = actors[0];
      s.predicate = shape == 0 ? "clashes_with" : "supplies";
      s.object = Value::Entity(actors[1]);
    }
    const int records = 1 + Uniform(2);
    for (int i = 0; i < records; ++i) s.evidence.push_back(RandomEvidence());
    WriteBatch b;
    b.statements.push_back(s);
    absl::StatusOr<WriteResult> w =
        store_.Apply(b, {.principal = "writer" + std::to_string(Uniform(2))});
    const std::string what = "assert " + s.subject + " " + s.predicate + " " + s.object.lexical;
    if (!w.ok()) return what + ": " + w.status().ToString();
    const StatementId id = w->statement_ids[0];
    if (std::find(statements_.begin(), statements_.end(), id) == statements_.end()) {
      statements_.push_back(id);
    }
    for (const std::string& e : w->evidence_ids[0]) live_[id].insert(e);
    return what + absl::StrFormat(" -> #%d", id);
  }

  std::string Retract() {
    std::vector<StatementId> candidates;
    for (const auto& [id, evidence] : live_) {
      if (!evidence.empty()) candidates.push_back(id);
    }
    if (candidates.empty()) return "retract: nothing live";
    const StatementId id = Pick(candidates);
    std::string evidence;
    if (Uniform(3) != 0) {
      std::vector<std::string> ids(live_[id].begin(), live_[id].end());
      evidence = Pick(ids);
    }
    absl::StatusOr<TxTime> t = store_.Retract(id, evidence, "step", {.principal = "retractor"});
    const std::string what =
        absl::StrFormat("retract #%d %s", id, evidence.empty() ? "all" : "one");
    if (!t.ok()) return what + ": " + t.status().ToString();
    if (evidence.empty()) {
      live_[id].clear();
    } else {
      live_[id].erase(evidence);
    }
    return what;
  }

  std::string Upsert() {
    const int i = Uniform(kActors);
    Entity e = MakeEntity(
        Actor(i), "ArmedGroup", "Group " + std::to_string(i) + " v" + std::to_string(++versions_),
        {"g" + std::to_string(i) + " brigade", "band " + std::to_string(versions_)});
    WriteBatch b;
    b.entities.push_back(e);
    absl::StatusOr<WriteResult> w = store_.Apply(b, {.principal = "editor"});
    return "upsert " + e.id + (w.ok() ? "" : ": " + w.status().ToString());
  }

  std::string Merge() {
    std::vector<std::string> actors = UnmergedActors();
    // `from` must have nothing merged into it: chains are not exercised.
    std::vector<std::string> sources;
    for (const std::string& a : actors) {
      bool target = false;
      for (const auto& [from, into] : merged_into_) target |= into == a;
      if (!target) sources.push_back(a);
    }
    if (actors.size() < 2 || sources.empty()) return "merge: no candidates";
    const std::string from = Pick(sources);
    std::vector<std::string> targets;
    for (const std::string& a : actors) {
      if (a != from) targets.push_back(a);
    }
    const std::string into = Pick(targets);
    absl::StatusOr<TxTime> t = store_.Merge(from, into, {.principal = "merger"});
    const std::string what = "merge " + from + " into " + into;
    if (!t.ok()) return what + ": " + t.status().ToString();
    merged_into_[from] = into;
    return what;
  }

  std::string Split() {
    if (merged_into_.empty()) return "split: nothing merged";
    std::vector<std::string> merged;
    for (const auto& [from, into] : merged_into_) merged.push_back(from);
    const std::string from = Pick(merged);
    absl::StatusOr<TxTime> t = store_.Split(from, {.principal = "splitter"});
    const std::string what = "split " + from;
    if (!t.ok()) return what + ": " + t.status().ToString();
    merged_into_.erase(from);
    return what;
  }

  Store& store_;
  std::mt19937 rng_;
  std::vector<StatementId> statements_;
  std::map<StatementId, std::set<std::string>> live_;
  std::map<std::string, std::string> merged_into_;
  int versions_ = 0;
};

class ReplayTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(ReplayTest, EveryReadAnswersAsOfPastTimesExactlyAsThen) {
  TempDir dir;
  ASSERT_OK_AND_ASSIGN(std::unique_ptr<Store> store, Store::Open({.path = dir.Sub("db")}));
  Scenario scenario(*store, GetParam());
  ASSERT_OK(scenario.Setup());

  std::vector<Moment> moments;
  std::vector<std::string> steps;
  int refused = 0;
  for (int step = 0; step <= kSteps; ++step) {
    if (step > 0) {
      steps.push_back(scenario.Step());
      if (steps.back().find(": ") != std::string::npos) ++refused;
    }
    std::unique_ptr<View> view = store->NewView();
    Moment m;
    m.at = view->snapshot_time();
    m.statements = scenario.statements();
    m.answers = Answers(*view, kLatest, m.statements);
    moments.push_back(std::move(m));
  }
  std::string log;
  for (size_t i = 0; i < steps.size(); ++i) log += absl::StrFormat("%d: %s\n", i + 1, steps[i]);
  // Most steps must have been accepted, or the property says little.
  EXPECT_LE(refused, kSteps / 4) << log;

  std::unique_ptr<View> view = store->NewView();
  for (size_t i = 0; i < moments.size(); ++i) {
    const Moment& m = moments[i];
    std::map<std::string, std::string> replay = Answers(*view, m.at, m.statements);
    ASSERT_EQ(replay.size(), m.answers.size());
    for (const auto& [read, answer] : m.answers) {
      ASSERT_EQ(replay[read], answer) << "read '" << read << "' as of moment " << i
                                      << " (after step " << i << ") differs on replay; steps:\n"
                                      << log;
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Seeds, ReplayTest, ::testing::Values(1u, 2u, 3u, 4u, 5u, 6u));

}  // namespace
}  // namespace kg
