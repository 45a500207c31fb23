// Shared by the provenance tests: builders for entities, statements and
// evidence, the seed article's graph, and renderers that turn query answers
// into strings so that one ASSERT_EQ checks a whole answer.

#ifndef KGD_TESTS_QUERY_PROVENANCE_TESTING_H_
#define KGD_TESTS_QUERY_PROVENANCE_TESTING_H_

#include <algorithm>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "query/provenance.h"
#include "storage/store.h"
#include "storage/types.h"

namespace kg::testing {

inline Entity MakeEntity(std::string id, std::string kind, std::string label,
                         std::vector<std::string> aliases = {}) {
  Entity e;
  e.id = std::move(id);
  e.kind = std::move(kind);
  e.label = std::move(label);
  e.aliases = std::move(aliases);
  return e;
}

inline Entity MakeDocument(std::string id, std::string title, std::string url, std::string date,
                           std::string publisher) {
  Entity e = MakeEntity(std::move(id), "Document", title);
  e.attributes["title"] = Value::String(std::move(title));
  e.attributes["url"] = Value::String(std::move(url));
  e.attributes["date"] = Value{ValueType::kDate, std::move(date)};
  e.attributes["publisher"] = Value::Entity(std::move(publisher));
  return e;
}

struct EvidenceSpec {
  std::string document;
  std::string publisher;
  std::string claimant;
  std::string claimant_description;
  std::string excerpt;
  Stance stance = Stance::kAsserts;
  double confidence = 1.0;
  char reliability = 'F';
  int32_t credibility = 6;
  std::string reported_on;
};

inline Evidence MakeEvidence(const EvidenceSpec& spec) {
  Evidence e;
  e.document = spec.document;
  e.publisher = spec.publisher;
  e.claimant = spec.claimant;
  e.claimant_description = spec.claimant_description;
  e.excerpt = spec.excerpt;
  e.stance = spec.stance;
  e.confidence = spec.confidence;
  e.reliability = spec.reliability;
  e.credibility = spec.credibility;
  e.extractor = "analyst:test";
  e.reported_on = spec.reported_on;
  return e;
}

inline Statement MakeStatement(std::string subject, std::string predicate, Value object,
                               std::vector<Evidence> evidence) {
  Statement s;
  s.subject = std::move(subject);
  s.predicate = std::move(predicate);
  s.object = std::move(object);
  s.evidence = std::move(evidence);
  return s;
}

inline const char* StanceName(Stance s) {
  switch (s) {
    case Stance::kAsserts:
      return "asserts";
    case Stance::kDenies:
      return "denies";
    case Stance::kClaims:
      return "claims";
  }
  return "?";
}

inline std::string RenderTriple(const Statement& s) {
  if (s.object.is_entity()) {
    return absl::StrFormat("%s %s %s", s.subject, s.predicate, s.object.lexical);
  }
  return absl::StrFormat("%s %s \"%s\"", s.subject, s.predicate, s.object.lexical);
}

inline std::string RenderCorroboration(const Corroboration& c) {
  return absl::StrFormat(
      "evidence=%d sources=%d publishers=%d claimants=%d supporting=%d denying=%d "
      "reported=%s..%s confidence=%.4f%s",
      c.evidence_count, c.independent_sources, c.publishers, c.claimants, c.supporting, c.denying,
      c.first_reported, c.last_reported, c.confidence, c.disputed ? " disputed" : "");
}

// One evidence record, without its store-assigned id and times (which the
// tests check on their own); `with_times` adds them for replay comparisons.
inline std::string RenderEvidence(const Evidence& e, bool with_times = false) {
  std::string out = absl::StrFormat("%s by %s[%s] via %s in %s \"%s\" conf=%.2f grade=%c%d on=%s",
                                    StanceName(e.stance), e.claimant, e.claimant_description,
                                    e.publisher, e.document, e.excerpt, e.confidence, e.reliability,
                                    e.credibility, e.reported_on);
  if (e.retracted_at != 0) {
    out += absl::StrFormat(" RETRACTED by %s (%s)", e.retracted_by, e.retraction_reason);
  }
  if (with_times) {
    out += absl::StrFormat(" id=%s ingested=%d/%s retracted=%d", e.id, e.ingested_at, e.ingested_by,
                           e.retracted_at);
  }
  return out;
}

// A statement with its evidence sorted (the store's evidence order is its
// own business) and its corroboration.
inline std::string RenderStatement(const Statement& s, const std::string& indent = "",
                                   bool with_times = false) {
  std::vector<std::string> evidence;
  for (const Evidence& e : s.evidence) evidence.push_back(RenderEvidence(e, with_times));
  std::sort(evidence.begin(), evidence.end());
  std::string out = indent + RenderTriple(s);
  if (!s.valid_from.empty() || !s.valid_to.empty()) {
    out += absl::StrFormat(" valid %s..%s", s.valid_from, s.valid_to);
  }
  if (with_times) out += absl::StrFormat(" #%d", s.id);
  out += "\n" + indent + "  " + RenderCorroboration(s.corroboration) + "\n";
  for (const std::string& e : evidence) out += indent + "  - " + e + "\n";
  return out;
}

inline std::string RenderExplanation(const Explanation& x, bool with_times = false) {
  std::string out = RenderStatement(x.statement, "", with_times);
  out += x.disputed ? "disputed:" : "undisputed";
  for (const std::string& r : x.dispute_reasons) out += " [" + r + "]";
  out += "\n";
  for (const Statement& c : x.conflicts) out += "conflict: " + RenderStatement(c, "", with_times);
  for (const DocumentInfo& d : x.documents) {
    out +=
        absl::StrFormat("document %s \"%s\" %s %s %s\n", d.id, d.title, d.url, d.date, d.publisher);
  }
  return out;
}

inline std::string RenderDisputes(const std::vector<Dispute>& disputes, bool with_times = false) {
  std::string out;
  for (const Dispute& d : disputes) {
    out += "dispute:";
    for (const std::string& r : d.reasons) absl::StrAppend(&out, " [", r, "]");
    absl::StrAppend(&out, "\n", RenderStatement(d.statement, "  ", with_times));
    for (const Statement& c : d.conflicting) {
      absl::StrAppend(&out, "  versus:\n", RenderStatement(c, "    ", with_times));
    }
  }
  return out;
}

inline std::string RenderEntity(const Entity& e, bool with_times = false) {
  std::vector<std::string> aliases = e.aliases;
  std::sort(aliases.begin(), aliases.end());
  std::string out = absl::StrFormat("%s (%s) \"%s\" aliases=[", e.id, e.kind, e.label);
  for (size_t i = 0; i < aliases.size(); ++i) out += (i ? "|" : "") + aliases[i];
  out += "]";
  for (const auto& [k, v] : e.attributes) out += " " + k + "=" + v.lexical;
  if (!e.merged_into.empty()) out += " merged_into=" + e.merged_into;
  if (with_times) out += absl::StrFormat(" updated=%d/%s", e.updated_at, e.updated_by);
  return out;
}

inline const char* HistoryTypeName(HistoryEvent::Type t) {
  switch (t) {
    case HistoryEvent::Type::kEntityUpserted:
      return "upserted";
    case HistoryEvent::Type::kStatementCreated:
      return "statement-created";
    case HistoryEvent::Type::kEvidenceAdded:
      return "evidence-added";
    case HistoryEvent::Type::kEvidenceRetracted:
      return "evidence-retracted";
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

// The seed article's graph (../shared/seeds/idlib-article.txt), shaped for
// the provenance cases:
//   supplies: a Reuters wire story ("Ankara has sent fresh supplies ...")
//     republished by MEMO and Daily Sabah: three publishers, one source;
//   air_by_government: Anadolu claims the air attacks in Idlib were the
//     government's; SANA denies it;
//   air_by_nusra: TASS quotes the Russian general on false-flag attacks by
//     armed groups: a second perpetrator for the same incident (perpetrated_by
//     is functional);
//   hama_by_opposition, russia_backs, air_in_idlib: undisputed.
struct SeedIds {
  TxTime committed_at = 0;
  StatementId supplies = 0;
  StatementId air_by_government = 0;
  StatementId air_by_nusra = 0;
  StatementId hama_by_opposition = 0;
  StatementId russia_backs = 0;
  StatementId air_in_idlib = 0;
  // Evidence ids of air_by_government: Anadolu's claim and SANA's denial.
  std::string anadolu_claim;
  std::string sana_denial;
};

inline constexpr char kWireExcerpt[] =
    "Ankara has sent fresh supplies ahead of an expected Russian-backed offensive in western "
    "Idlib.";

inline WriteBatch SeedBatch() {
  WriteBatch b;
  b.entities = {
      MakeEntity("actor/turkey", "State", "Turkey", {"Ankara"}),
      MakeEntity("actor/russia", "State", "Russia", {"Moscow"}),
      MakeEntity("actor/syrian-government", "Government", "Syrian government", {"Assad regime"}),
      MakeEntity("actor/opposition", "ArmedGroup", "Syrian opposition", {"rebels"}),
      MakeEntity("actor/nusra", "ArmedGroup", "Jabhat al-Nusra", {"Nusra"}),
      MakeEntity("person/kupschishin", "Person", "Viktor Kupschishin"),
      MakeEntity("outlet/reuters", "MediaOutlet", "Reuters"),
      MakeEntity("outlet/memo", "MediaOutlet", "Middle East Monitor"),
      MakeEntity("outlet/sabah", "MediaOutlet", "Daily Sabah"),
      MakeEntity("outlet/tass", "MediaOutlet", "TASS"),
      MakeEntity("outlet/anadolu", "MediaOutlet", "Anadolu Agency"),
      MakeEntity("outlet/sana", "MediaOutlet", "SANA"),
      MakeEntity("loc/idlib", "Region", "Idlib"),
      MakeEntity("loc/hama", "Region", "Hama"),
      MakeEntity("incident/idlib-air-attacks", "Airstrike", "Air attacks in Idlib"),
      MakeEntity("incident/hama-village-attacks", "Attack", "Attacks on villages in Hama"),
      MakeDocument("doc/reuters-0511", "Turkey sends fresh supplies to Idlib rebels",
                   "https://example.org/reuters/0511", "2019-05-11", "outlet/reuters"),
      MakeDocument("doc/memo-0511", "Turkey resupplies rebels before Idlib offensive",
                   "https://example.org/memo/0511", "2019-05-11", "outlet/memo"),
      MakeDocument("doc/sabah-0512", "Ankara sends supplies to Idlib",
                   "https://example.org/sabah/0512", "2019-05-12", "outlet/sabah"),
      MakeDocument("doc/tass-0511", "Nusra fighters mass in Idlib, Russian general says",
                   "https://example.org/tass/0511", "2019-05-11", "outlet/tass"),
      MakeDocument("doc/aa-0510", "Regime air attacks hit Idlib", "https://example.org/aa/0510",
                   "2019-05-10", "outlet/anadolu"),
      MakeDocument("doc/sana-0511", "Army units strike terrorist positions in Idlib",
                   "https://example.org/sana/0511", "2019-05-11", "outlet/sana"),
  };
  b.entities[14].attributes["date"] = Value{ValueType::kDate, "2019-05"};
  b.entities[15].attributes["date"] = Value{ValueType::kDate, "2019-05-11"};

  const std::string opposition_sources = "senior opposition and rebel sources";
  b.statements.push_back(MakeStatement(
      "actor/turkey", "supplies", Value::Entity("actor/opposition"),
      {MakeEvidence({.document = "doc/reuters-0511",
                     .publisher = "outlet/reuters",
                     .claimant_description = opposition_sources,
                     .excerpt = kWireExcerpt,
                     .confidence = 0.7,
                     .reliability = 'B',
                     .credibility = 3,
                     .reported_on = "2019-05-11"}),
       // The wire story republished: same claimant, same excerpt up to case
       // and punctuation.
       MakeEvidence({.document = "doc/memo-0511",
                     .publisher = "outlet/memo",
                     .claimant_description = opposition_sources,
                     .excerpt = "Ankara has sent fresh supplies ahead of an expected "
                                "Russian-backed offensive in western Idlib",
                     .confidence = 0.6,
                     .reliability = 'C',
                     .credibility = 3,
                     .reported_on = "2019-05-11"}),
       MakeEvidence({.document = "doc/sabah-0512",
                     .publisher = "outlet/sabah",
                     .claimant_description = opposition_sources,
                     .excerpt = "ANKARA has sent fresh supplies, ahead of an expected "
                                "Russian-backed offensive in western Idlib.",
                     .confidence = 0.65,
                     .reliability = 'C',
                     .credibility = 4,
                     .reported_on = "2019-05-12"})}));
  b.statements.push_back(MakeStatement(
      "incident/idlib-air-attacks", "perpetrated_by", Value::Entity("actor/syrian-government"),
      {MakeEvidence({.document = "doc/aa-0510",
                     .publisher = "outlet/anadolu",
                     .claimant = "outlet/anadolu",
                     .excerpt = "It claimed the regime of Syrian President Bashar al-Assad was "
                                "behind them.",
                     .stance = Stance::kClaims,
                     .confidence = 0.6,
                     .reliability = 'C',
                     .credibility = 3,
                     .reported_on = "2019-05-10"}),
       MakeEvidence({.document = "doc/sana-0511",
                     .publisher = "outlet/sana",
                     .claimant = "outlet/sana",
                     .excerpt = "The army did not target civilian areas in Idlib.",
                     .stance = Stance::kDenies,
                     .confidence = 0.5,
                     .reliability = 'D',
                     .credibility = 4,
                     .reported_on = "2019-05-11"})}));
  b.statements.push_back(MakeStatement(
      "incident/idlib-air-attacks", "perpetrated_by", Value::Entity("actor/nusra"),
      {MakeEvidence({.document = "doc/tass-0511",
                     .publisher = "outlet/tass",
                     .claimant = "person/kupschishin",
                     .excerpt = "it was possible illegal armed groups may stage false-flag "
                                "attacks",
                     .stance = Stance::kClaims,
                     .confidence = 0.4,
                     .reliability = 'D',
                     .credibility = 5,
                     .reported_on = "2019-05-11"})}));
  b.statements.push_back(MakeStatement(
      "incident/hama-village-attacks", "perpetrated_by", Value::Entity("actor/opposition"),
      {MakeEvidence({.document = "doc/sana-0511",
                     .publisher = "outlet/sana",
                     .claimant = "outlet/sana",
                     .excerpt = "attacks earlier on Saturday staged by Turkish-backed militants",
                     .stance = Stance::kClaims,
                     .confidence = 0.5,
                     .reliability = 'D',
                     .credibility = 4,
                     .reported_on = "2019-05-11"})}));
  b.statements.push_back(
      MakeStatement("actor/russia", "backs", Value::Entity("actor/syrian-government"),
                    {MakeEvidence({.document = "doc/reuters-0511",
                                   .publisher = "outlet/reuters",
                                   .claimant = "outlet/reuters",
                                   .excerpt = "the Russian-backed regime in Syria",
                                   .confidence = 0.9,
                                   .reliability = 'A',
                                   .credibility = 2,
                                   .reported_on = "2019-05-11"})}));
  b.statements.push_back(
      MakeStatement("incident/idlib-air-attacks", "occurred_in", Value::Entity("loc/idlib"),
                    {MakeEvidence({.document = "doc/aa-0510",
                                   .publisher = "outlet/anadolu",
                                   .claimant = "outlet/anadolu",
                                   .excerpt = "air attacks in Idlib throughout last week",
                                   .confidence = 0.9,
                                   .reliability = 'C',
                                   .credibility = 2,
                                   .reported_on = "2019-05-10"})}));
  return b;
}

inline absl::StatusOr<SeedIds> ApplySeed(Store& store, const std::string& principal = "seed") {
  absl::StatusOr<WriteResult> r = store.Apply(SeedBatch(), {.principal = principal});
  if (!r.ok()) return r.status();
  if (r->statement_ids.size() != 6 || r->evidence_ids.size() != 6 ||
      r->evidence_ids[1].size() != 2) {
    return absl::InternalError("seed: unexpected WriteResult shape");
  }
  SeedIds ids;
  ids.committed_at = r->committed_at;
  ids.supplies = r->statement_ids[0];
  ids.air_by_government = r->statement_ids[1];
  ids.air_by_nusra = r->statement_ids[2];
  ids.hama_by_opposition = r->statement_ids[3];
  ids.russia_backs = r->statement_ids[4];
  ids.air_in_idlib = r->statement_ids[5];
  ids.anadolu_claim = r->evidence_ids[1][0];
  ids.sana_denial = r->evidence_ids[1][1];
  return ids;
}

}  // namespace kg::testing

#endif  // KGD_TESTS_QUERY_PROVENANCE_TESTING_H_
