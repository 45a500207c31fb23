#include "storage/write_txn.h"

#include <algorithm>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "storage/corroboration.h"
#include "storage/status_macros.h"

namespace kg {

using codec::IndexOrder;

namespace {

// Merged chains are short in practice; the bound only stops a corrupt cycle.
constexpr int kMaxMergeChain = 64;

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

WriteTxn::WriteTxn(const DbHandles& h, TxTime now, const Counters& counters, std::string principal,
                   const KindCache* kinds)
    : h_(h),
      now_(now),
      principal_(std::move(principal)),
      latest_(h, nullptr),
      counters_(counters),
      first_new_stmt_(counters.next_stmt),
      kinds_(kinds) {}

absl::StatusOr<std::optional<std::string>> WriteTxn::Get(int cf, std::string_view key) const {
  auto it = overlay_[cf].find(std::string(key));
  if (it != overlay_[cf].end()) return it->second;
  return latest_.Get(cf, key);
}

absl::Status WriteTxn::Scan(
    int cf, std::string_view prefix,
    const std::function<bool(std::string_view, std::string_view)>& fn) const {
  std::unique_ptr<KvIterator> it = latest_.NewIterator(cf);
  it->Seek(prefix);
  const auto& ov = overlay_[cf];
  auto o = ov.lower_bound(std::string(prefix));
  for (;;) {
    bool db_ok = it->Valid() && StartsWith(it->key(), prefix);
    bool ov_ok = o != ov.end() && StartsWith(o->first, prefix);
    if (!db_ok && !ov_ok) break;
    bool keep = true;
    if (db_ok && (!ov_ok || it->key() < std::string_view(o->first))) {
      keep = fn(it->key(), it->value());
      it->Next();
    } else {
      if (db_ok && it->key() == std::string_view(o->first)) it->Next();
      if (o->second) keep = fn(o->first, *o->second);  // a deleted key is skipped
      ++o;
    }
    if (!keep) break;
  }
  return WithContext(it->status(), "scan");
}

absl::StatusOr<std::optional<std::string>> WriteTxn::GetOfStatement(StatementId sid, int cf,
                                                                    std::string_view key) const {
  if (!IsNewStatement(sid)) return Get(cf, key);
  auto it = overlay_[cf].find(std::string(key));
  if (it != overlay_[cf].end()) return it->second;
  return std::nullopt;
}

void WriteTxn::Put(int cf, std::string key, std::string value) {
  overlay_[cf][std::move(key)] = std::move(value);
}

void WriteTxn::Delete(int cf, std::string key) { overlay_[cf][std::move(key)] = std::nullopt; }

absl::StatusOr<std::optional<TermId>> WriteTxn::FindTerm(std::string_view term) const {
  auto it = pending_terms_.find(std::string(term));
  if (it != pending_terms_.end()) return it->second;
  return latest_.FindTerm(term);
}

absl::StatusOr<TermId> WriteTxn::Intern(std::string_view term) {
  absl::StatusOr<std::optional<TermId>> found = FindTerm(term);
  if (!found.ok()) return found.status();
  if (found->has_value()) return **found;
  TermId id = counters_.next_term++;
  pending_terms_.emplace(std::string(term), id);
  new_terms_.emplace_back(id, std::string(term));
  Put(codec::kDict, std::string(term), codec::Fixed64(id));
  Put(codec::kRdict, codec::Fixed64(id), std::string(term));
  return id;
}

absl::StatusOr<Value> WriteTxn::TermValue(TermId id) const {
  KG_ASSIGN_OR_RETURN(std::optional<std::string> term, Get(codec::kRdict, codec::Fixed64(id)));
  if (!term) return absl::DataLossError(absl::StrCat("unknown term ", id));
  bool is_predicate = false;
  return codec::DecodeTerm(*term, &is_predicate);
}

absl::StatusOr<std::optional<EntityVersion>> WriteTxn::LatestEntity(TermId id) const {
  auto it = overlay_[codec::kEnt].find(codec::EntityKey(id, now_));
  // Entity versions are never deleted: an overlay entry is always a value.
  if (it != overlay_[codec::kEnt].end() && it->second) {
    absl::StatusOr<codec::EntityRecord> rec = codec::DecodeEntity(*it->second);
    if (!rec.ok()) return rec.status();
    EntityVersion v{std::move(*rec), now_};
    v.record.entity.updated_at = now_;
    return v;
  }
  auto cached = entity_cache_.find(id);
  if (cached != entity_cache_.end()) return cached->second;
  KG_ASSIGN_OR_RETURN(std::optional<EntityVersion> v, latest_.EntityAt(id, kLatest));
  entity_cache_.emplace(id, v);
  return v;
}

absl::StatusOr<std::optional<WriteTxn::EntityKind>> WriteTxn::LatestKind(TermId id) const {
  const bool put_here = overlay_[codec::kEnt].contains(codec::EntityKey(id, now_));
  if (!put_here && kinds_ != nullptr) {
    if (const std::string* kind = kinds_->Find(id)) return EntityKind{*kind, false};
  }
  KG_ASSIGN_OR_RETURN(std::optional<EntityVersion> v, LatestEntity(id));
  if (!v) return std::nullopt;
  EntityKind k{v->record.entity.kind, !v->record.entity.merged_into.empty()};
  if (!put_here && !k.merged) kinds_read_.try_emplace(id, k.kind);
  return k;
}

absl::Status WriteTxn::PutEntity(TermId id, std::string_view id_text,
                                 const codec::EntityRecord* old, codec::EntityRecord record) {
  entities_put_.push_back(id);
  KG_RETURN_IF_ERROR(WriteAliasChanges(id, old, record));
  return Feed(PutEntityVersion(*this, id, id_text, std::move(record)));
}

absl::Status WriteTxn::WriteAliasChanges(TermId id, const codec::EntityRecord* old,
                                         const codec::EntityRecord& record) {
  std::vector<std::string> before = old ? SearchNames(*old) : std::vector<std::string>{};
  std::vector<std::string> after = SearchNames(record);
  std::vector<std::string> removed, added;
  std::set_difference(before.begin(), before.end(), after.begin(), after.end(),
                      std::back_inserter(removed));
  std::set_difference(after.begin(), after.end(), before.begin(), before.end(),
                      std::back_inserter(added));
  auto update = [&](const std::string& name, bool open) -> absl::Status {
    std::string key = codec::AliasKey(name, id);
    KG_ASSIGN_OR_RETURN(std::optional<std::string> raw, Get(codec::kAlias, key));
    std::vector<codec::Interval> intervals;
    if (raw) {
      KG_ASSIGN_OR_RETURN(intervals, codec::DecodeIntervals(*raw));
    }
    if (open) {
      intervals.push_back({now_, kLatest});
    } else {
      for (codec::Interval& i : intervals) {
        if (i.to == kLatest) i.to = now_;
      }
    }
    Put(codec::kAlias, std::move(key), codec::EncodeIntervals(intervals));
    return absl::OkStatus();
  };
  for (const std::string& n : removed) KG_RETURN_IF_ERROR(update(n, false));
  for (const std::string& n : added) KG_RETURN_IF_ERROR(update(n, true));
  return absl::OkStatus();
}

absl::StatusOr<TermId> WriteTxn::ResolveMerged(TermId id) const {
  for (int i = 0; i < kMaxMergeChain; ++i) {
    KG_ASSIGN_OR_RETURN(std::optional<EntityKind> k, LatestKind(id));
    if (!k || !k->merged) return id;
    KG_ASSIGN_OR_RETURN(std::optional<EntityVersion> v, LatestEntity(id));
    if (!v) return absl::DataLossError("a merged entity has no record");
    KG_ASSIGN_OR_RETURN(std::optional<TermId> next,
                        FindTerm(codec::EntityTerm(v->record.entity.merged_into)));
    if (!next) return absl::DataLossError("merged_into names an unknown entity");
    id = *next;
  }
  return absl::DataLossError("merge chain too long (cycle?)");
}

absl::StatusOr<std::optional<codec::StatementRecord>> WriteTxn::GetStatement(
    StatementId sid) const {
  KG_ASSIGN_OR_RETURN(std::optional<std::string> raw,
                      GetOfStatement(sid, codec::kStmt, codec::StatementKey(sid)));
  if (!raw) return std::nullopt;
  KG_ASSIGN_OR_RETURN(codec::StatementRecord rec, codec::DecodeStatement(*raw));
  return rec;
}

void WriteTxn::PutStatement(StatementId sid, const codec::StatementRecord& record) {
  Put(codec::kStmt, codec::StatementKey(sid), codec::EncodeStatement(record));
}

absl::StatusOr<std::vector<Evidence>> WriteTxn::EvidenceOf(StatementId sid) const {
  std::vector<Evidence> out;
  if (IsNewStatement(sid)) {
    // Nothing in the database yet: the overlay alone, without an iterator.
    const std::string prefix = codec::EvidencePrefix(sid);
    const auto& ov = overlay_[codec::kEv];
    for (auto o = ov.lower_bound(prefix); o != ov.end() && StartsWith(o->first, prefix); ++o) {
      if (!o->second) continue;
      KG_ASSIGN_OR_RETURN(Evidence e, DecodeEvidenceEntry(o->first, *o->second));
      out.push_back(std::move(e));
    }
    return out;
  }
  absl::Status status;
  KG_RETURN_IF_ERROR(
      Scan(codec::kEv, codec::EvidencePrefix(sid), [&](std::string_view k, std::string_view v) {
        absl::StatusOr<Evidence> e = DecodeEvidenceEntry(k, v);
        if (!e.ok()) {
          status = e.status();
          return false;
        }
        out.push_back(std::move(*e));
        return true;
      }));
  KG_RETURN_IF_ERROR(status);
  return out;
}

absl::StatusOr<std::optional<codec::IndexValue>> WriteTxn::CurrentSummary(
    StatementId sid, const codec::StatementRecord& record) const {
  KG_ASSIGN_OR_RETURN(
      std::optional<std::string> raw,
      GetOfStatement(sid, codec::kSpo,
                     codec::IndexKey(IndexOrder::kSpo, record.TripleAt(kLatest), sid)));
  if (!raw) return std::nullopt;
  KG_ASSIGN_OR_RETURN(codec::IndexValue v, codec::DecodeIndexValue(*raw));
  return v;
}

absl::Status WriteTxn::RefreshSummary(StatementId sid) {
  KG_ASSIGN_OR_RETURN(std::optional<codec::StatementRecord> rec, GetStatement(sid));
  if (!rec) return absl::InternalError(absl::StrCat("statement ", sid, " vanished"));
  KG_ASSIGN_OR_RETURN(std::vector<Evidence> evidence, EvidenceOf(sid));
  std::vector<const Evidence*> live;
  for (const Evidence& e : evidence) {
    if (e.retracted_at == 0) live.push_back(&e);
  }
  Corroboration c = Corroborate(live);
  codec::Triple t = rec->TripleAt(kLatest);
  for (IndexOrder order : codec::kIndexOrders) {
    std::string key = codec::IndexKey(order, t, sid);
    KG_ASSIGN_OR_RETURN(std::optional<std::string> raw,
                        GetOfStatement(sid, codec::IndexCf(order), key));
    codec::IndexValue v;
    if (raw) {
      KG_ASSIGN_OR_RETURN(v, codec::DecodeIndexValue(*raw));
    }
    FillSummary(c, static_cast<int32_t>(live.size()), *rec, now_, &v);
    Put(codec::IndexCf(order), std::move(key), codec::EncodeIndexValue(v));
  }
  return absl::OkStatus();
}

absl::Status WriteTxn::OutdatePastSummaries(StatementId sid) {
  KG_ASSIGN_OR_RETURN(std::optional<codec::StatementRecord> rec, GetStatement(sid));
  if (!rec) return absl::InternalError(absl::StrCat("statement ", sid, " vanished"));
  const codec::Triple current = rec->TripleAt(kLatest);
  std::set<std::pair<TermId, TermId>> past;
  for (const codec::Position& p : rec->positions) {
    if (p.s != current.s || p.o != current.o) past.emplace(p.s, p.o);
  }
  for (const auto& [s, o] : past) {
    for (IndexOrder order : codec::kIndexOrders) {
      std::string key = codec::IndexKey(order, {s, rec->original.p, o}, sid);
      KG_ASSIGN_OR_RETURN(std::optional<std::string> raw, Get(codec::IndexCf(order), key));
      if (!raw) continue;
      KG_ASSIGN_OR_RETURN(codec::IndexValue v, codec::DecodeIndexValue(*raw));
      v.last_change = now_;
      Put(codec::IndexCf(order), std::move(key), codec::EncodeIndexValue(v));
    }
  }
  return absl::OkStatus();
}

absl::Status WriteTxn::DeleteStatement(StatementId sid) {
  KG_ASSIGN_OR_RETURN(std::optional<codec::StatementRecord> rec, GetStatement(sid));
  if (!rec) return absl::InternalError(absl::StrCat("statement ", sid, " vanished"));
  std::set<std::pair<TermId, TermId>> positions;
  for (const codec::Position& p : rec->positions) positions.emplace(p.s, p.o);
  for (const auto& [s, o] : positions) {
    for (IndexOrder order : codec::kIndexOrders) {
      Delete(codec::IndexCf(order), codec::IndexKey(order, {s, rec->original.p, o}, sid));
    }
  }
  Delete(codec::kStmt, codec::StatementKey(sid));
  Delete(codec::kStmt, codec::TripleKey(rec->original));
  return absl::OkStatus();
}

absl::Status WriteTxn::Repoint(StatementId sid, TermId s, TermId o) {
  KG_ASSIGN_OR_RETURN(std::optional<codec::StatementRecord> rec, GetStatement(sid));
  if (!rec) return absl::InternalError(absl::StrCat("statement ", sid, " vanished"));
  codec::Triple old = rec->TripleAt(kLatest);
  if (old.s == s && old.o == o) return absl::OkStatus();
  for (IndexOrder order : codec::kIndexOrders) {
    std::string key = codec::IndexKey(order, old, sid);
    KG_ASSIGN_OR_RETURN(std::optional<std::string> raw, Get(codec::IndexCf(order), key));
    if (!raw) continue;
    KG_ASSIGN_OR_RETURN(codec::IndexValue v, codec::DecodeIndexValue(*raw));
    for (codec::Interval& i : v.intervals) {
      if (i.to == kLatest) i.to = now_;
    }
    Put(codec::IndexCf(order), std::move(key), codec::EncodeIndexValue(v));
  }
  if (rec->positions.back().from == now_) {
    rec->positions.back().s = s, rec->positions.back().o = o;
  } else {
    rec->positions.push_back({now_, s, o});
  }
  PutStatement(sid, *rec);
  return RefreshSummary(sid);
}

absl::StatusOr<std::vector<StatementId>> WriteTxn::StatementsAt(TermId node, size_t cap) const {
  std::set<StatementId> sids;
  absl::Status status;
  for (IndexOrder order : {IndexOrder::kSpo, IndexOrder::kOsp}) {
    KG_RETURN_IF_ERROR(Scan(codec::IndexCf(order), codec::Fixed64(node),
                            [&](std::string_view k, std::string_view v) {
                              codec::Triple t;
                              StatementId sid;
                              absl::StatusOr<codec::IndexValue> iv = codec::DecodeIndexValue(v);
                              if (!iv.ok() || !codec::DecodeIndexKey(order, k, &t, &sid)) {
                                status = absl::DataLossError("corrupt index entry");
                                return false;
                              }
                              if (codec::AnyOpen(iv->intervals)) sids.insert(sid);
                              if (sids.size() > cap) {
                                status = absl::ResourceExhaustedError(
                                    absl::StrCat("more than ", cap, " statements to re-point"));
                                return false;
                              }
                              return true;
                            }));
    KG_RETURN_IF_ERROR(status);
  }
  return std::vector<StatementId>(sids.begin(), sids.end());
}

void WriteTxn::Log(char tag, uint64_t target, HistoryEvent event) {
  event.at = 0;  // the time is in the key
  event.principal = principal_;
  Put(codec::kLog, codec::LogKey(tag, target, now_, log_seq_++), codec::EncodeHistory(event));
}

absl::Status WriteTxn::EraseHistory(char tag, uint64_t target,
                                    const std::function<bool(const HistoryEvent&)>& erase) {
  std::vector<std::string> doomed;
  absl::Status status;
  KG_RETURN_IF_ERROR(
      Scan(codec::kLog, codec::LogPrefix(tag, target), [&](std::string_view k, std::string_view v) {
        absl::StatusOr<HistoryEvent> e = codec::DecodeHistory(v);
        if (!e.ok()) {
          status = e.status();
          return false;
        }
        if (erase(*e)) doomed.emplace_back(k);
        return true;
      }));
  KG_RETURN_IF_ERROR(status);
  for (std::string& key : doomed) Delete(codec::kLog, std::move(key));
  return absl::OkStatus();
}

absl::Status WriteTxn::Feed(HistoryEvent event) {
  codec::ChangeRecord change;
  if (event.statement != 0) {
    KG_ASSIGN_OR_RETURN(std::optional<codec::StatementRecord> rec, GetStatement(event.statement));
    if (!rec) return absl::InternalError(absl::StrCat("statement ", event.statement, " vanished"));
    change.triple = rec->TripleAt(kLatest);
  }
  event.at = 0;  // the time is in the key
  event.principal = principal_;
  change.event = std::move(event);
  Put(codec::kFeed, codec::FeedKey({now_, feed_seq_++}), codec::EncodeChange(change));
  return absl::OkStatus();
}

std::optional<ChangePosition> WriteTxn::last_change() const {
  if (feed_seq_ == 0) return std::nullopt;
  return ChangePosition{now_, feed_seq_ - 1};
}

absl::Status WriteTxn::Commit(bool sync) {
  counters_.last_tx = now_;
  Put(codec::kMeta, std::string(codec::kLastTxKey), codec::Fixed64(static_cast<uint64_t>(now_)));
  Put(codec::kMeta, std::string(codec::kNextTermKey), codec::Fixed64(counters_.next_term));
  Put(codec::kMeta, std::string(codec::kNextStmtKey), codec::Fixed64(counters_.next_stmt));
  // The batch holds each key's last state once, column family by column
  // family in key order: the memtable inserts a run of ascending keys far
  // more cheaply than the same keys in the order the write produced them.
  std::unique_ptr<KvBatch> batch = h_.kv->NewBatch();
  for (int cf = 0; cf < codec::kNumCfs; ++cf) {
    for (const auto& [key, value] : overlay_[cf]) {
      if (value) {
        batch->Put(cf, key, *value);
      } else {
        batch->Delete(cf, key);
      }
    }
  }
  return WithContext(h_.kv->Write(*batch, sync), "commit");
}

}  // namespace kg
