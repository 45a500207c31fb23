#include "storage/record_sink.h"

#include <set>

#include "absl/strings/escaping.h"

namespace kg {

HistoryEvent PutEntityVersion(RecordSink& sink, TermId id, std::string_view id_text,
                              codec::EntityRecord record) {
  record.entity.id.clear();  // the id is the key
  record.entity.updated_at = 0;
  record.entity.updated_by = sink.principal();
  sink.Put(codec::kEnt, codec::EntityKey(id, sink.now()), codec::EncodeEntity(record));
  HistoryEvent upserted;
  upserted.type = HistoryEvent::Type::kEntityUpserted;
  upserted.entity = std::string(id_text);
  sink.Log('E', id, upserted);
  return upserted;
}

HistoryEvent PutNewStatement(RecordSink& sink, StatementId sid, const codec::StatementRecord& rec,
                             const Statement& st) {
  sink.Put(codec::kStmt, codec::StatementKey(sid), codec::EncodeStatement(rec));
  sink.Put(codec::kStmt, codec::TripleKey(rec.original), codec::Fixed64(sid));
  HistoryEvent created;
  created.type = HistoryEvent::Type::kStatementCreated;
  created.statement = sid;
  sink.Log('S', sid, created);
  HistoryEvent of_entity = created;
  of_entity.entity = st.subject;
  sink.Log('E', rec.original.s, of_entity);
  if (rec.object_is_entity && rec.original.o != rec.original.s) {
    of_entity.entity = st.object.lexical;
    sink.Log('E', rec.original.o, std::move(of_entity));
  }
  return created;
}

Evidence PutNewEvidence(RecordSink& sink, StatementId sid, std::string_view digest,
                        const Evidence& in, HistoryEvent* added) {
  Evidence e = in;
  e.id.clear();
  e.ingested_at = sink.now();
  e.ingested_by = sink.principal();
  e.retracted_at = 0;
  e.retracted_by.clear();
  e.retraction_reason.clear();
  sink.Put(codec::kEv, codec::EvidenceKey(sid, digest), codec::EncodeEvidence(e));
  for (std::string& prov : ProvKeysOf(sid, digest, e)) sink.Put(codec::kProv, std::move(prov), "");
  added->type = HistoryEvent::Type::kEvidenceAdded;
  added->statement = sid;
  added->evidence_id = absl::BytesToHexString(absl::string_view(digest.data(), digest.size()));
  sink.Log('S', sid, *added);
  return e;
}

void PutIndexEntries(RecordSink& sink, StatementId sid, const codec::Triple& t,
                     const std::string& value) {
  for (codec::IndexOrder order : codec::kIndexOrders) {
    sink.Put(codec::IndexCf(order), codec::IndexKey(order, t, sid), value);
  }
}

std::vector<std::string> SearchNames(const codec::EntityRecord& record) {
  std::set<std::string> names;
  if (!record.entity.merged_into.empty()) return {};
  auto add = [&](std::string_view name) {
    std::string n = NormalizeText(name);
    if (!n.empty()) names.insert(std::move(n));
  };
  add(record.entity.label);
  for (const std::string& a : record.entity.aliases) add(a);
  return {names.begin(), names.end()};
}

namespace {

void AppendProvKeys(StatementId sid, std::string_view digest, const Evidence& e,
                    std::string_view date, std::vector<std::string>* keys) {
  using codec::ProvRole;
  if (!e.publisher.empty()) {
    keys->push_back(codec::ProvKey(ProvRole::kPublisher, e.publisher, date, sid, digest));
  }
  keys->push_back(codec::ProvKey(ProvRole::kDocument, e.document, date, sid, digest));
  if (!e.claimant.empty()) {
    keys->push_back(codec::ProvKey(ProvRole::kClaimant, e.claimant, date, sid, digest));
  }
  std::string described = NormalizeText(e.claimant_description);
  if (!described.empty()) {
    keys->push_back(codec::ProvKey(ProvRole::kClaimantDescription, described, date, sid, digest));
  }
}

}  // namespace

std::vector<std::string> ProvKeysOf(StatementId sid, std::string_view digest, const Evidence& e) {
  std::vector<std::string> keys;
  AppendProvKeys(sid, digest, e, e.reported_on, &keys);
  return keys;
}

std::vector<std::string> AllProvKeysOf(StatementId sid, std::string_view digest,
                                       const Evidence& e) {
  std::set<std::string> dates = {e.reported_on};
  for (const EvidenceRevision& r : e.revisions) dates.insert(r.before.reported_on);
  std::vector<std::string> keys;
  for (const std::string& date : dates) AppendProvKeys(sid, digest, e, date, &keys);
  return keys;
}

void FillSummary(const Corroboration& c, int32_t live_evidence, const codec::StatementRecord& rec,
                 TxTime now, codec::IndexValue* v) {
  if (!codec::AnyOpen(v->intervals)) v->intervals.push_back({now, kLatest});
  v->object_is_entity = rec.object_is_entity;
  v->disputed = c.disputed;
  v->live_evidence = live_evidence;
  v->independent_sources = c.independent_sources;
  v->confidence = c.confidence;
  v->last_change = now;
  v->valid_from = rec.valid_from;
  v->valid_to = rec.valid_to;
  v->complete = true;
  v->publishers = c.publishers;
  v->claimants = c.claimants;
  v->supporting = c.supporting;
  v->denying = c.denying;
  v->first_reported = c.first_reported;
  v->last_reported = c.last_reported;
}

}  // namespace kg
