// Store::Merge and Store::Split: each one WriteBatch.

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "storage/rocks_store.h"
#include "storage/schema_guard.h"
#include "storage/status_macros.h"
#include "storage/validation.h"

namespace kg {
namespace {

std::string S(std::string_view v) { return std::string(v); }

// A merge or split re-points at most this many statements in one batch (the
// same bound as the schema checks of the re-pointed statements).
constexpr size_t kMaxRepoint = kMaxGuardWork;

struct Loaded {
  TermId term = 0;
  EntityVersion version;
};

absl::StatusOr<Loaded> LoadEntity(const WriteTxn& txn, std::string_view id,
                                  std::string_view field) {
  KG_RETURN_IF_ERROR(CheckEntityId(id, field));
  KG_ASSIGN_OR_RETURN(std::optional<TermId> term, txn.FindTerm(codec::EntityTerm(id)));
  if (term) {
    KG_ASSIGN_OR_RETURN(std::optional<EntityVersion> v, txn.LatestEntity(*term));
    if (v) return Loaded{*term, std::move(*v)};
  }
  return absl::NotFoundError(absl::StrCat(S(field), ": entity '", Clip(id), "' not found"));
}

// Moves each statement to where its original endpoints resolve now.
absl::Status RepointAll(WriteTxn& txn, const std::vector<StatementId>& sids) {
  for (StatementId sid : sids) {
    KG_ASSIGN_OR_RETURN(std::optional<codec::StatementRecord> rec, txn.GetStatement(sid));
    if (!rec) return absl::DataLossError(absl::StrCat("index names unknown statement ", sid));
    KG_ASSIGN_OR_RETURN(TermId s, txn.ResolveMerged(rec->original.s));
    TermId o = rec->original.o;
    if (rec->object_is_entity) {
      KG_ASSIGN_OR_RETURN(o, txn.ResolveMerged(o));
    }
    KG_RETURN_IF_ERROR(txn.Repoint(sid, s, o));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<TxTime> RocksStore::MergeUnsynced(std::string_view from, std::string_view into,
                                                 const WriteContext& context) {
  absl::MutexLock lock(&write_mu_);
  WriteTxn txn = BeginWrite(context);
  KG_ASSIGN_OR_RETURN(Loaded f, LoadEntity(txn, from, "from"));
  KG_ASSIGN_OR_RETURN(Loaded t, LoadEntity(txn, into, "into"));
  if (f.term == t.term) {
    return absl::FailedPreconditionError(
        absl::StrCat("into: cannot merge entity '", Clip(from), "' into itself"));
  }
  if (!f.version.record.entity.merged_into.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("from: entity '", Clip(from),
                                                      "' is already merged into '",
                                                      f.version.record.entity.merged_into, "'"));
  }
  if (!t.version.record.entity.merged_into.empty()) {
    return absl::FailedPreconditionError(absl::StrCat("into: entity '", Clip(into),
                                                      "' is merged into '",
                                                      t.version.record.entity.merged_into, "'"));
  }
  KG_ASSIGN_OR_RETURN(std::vector<StatementId> sids, txn.StatementsAt(f.term, kMaxRepoint));

  // `into` takes from's names it does not have yet, remembered for Split.
  codec::EntityRecord into_rec = t.version.record;
  codec::MergedNames added{S(from), {}};
  std::vector<std::string> names = f.version.record.entity.aliases;
  names.insert(names.begin(), f.version.record.entity.label);
  for (const std::string& n : names) {
    const auto& have = into_rec.entity.aliases;
    if (n.empty() || n == into_rec.entity.label ||
        std::find(have.begin(), have.end(), n) != have.end() ||
        std::find(added.names.begin(), added.names.end(), n) != added.names.end())
      continue;
    added.names.push_back(n);
  }
  into_rec.entity.aliases.insert(into_rec.entity.aliases.end(), added.names.begin(),
                                 added.names.end());
  into_rec.merged.push_back(std::move(added));
  codec::EntityRecord from_rec = f.version.record;
  from_rec.entity.merged_into = S(into);

  KG_RETURN_IF_ERROR(txn.PutEntity(f.term, from, &f.version.record, std::move(from_rec)));
  KG_RETURN_IF_ERROR(txn.PutEntity(t.term, into, &t.version.record, std::move(into_rec)));
  KG_RETURN_IF_ERROR(RepointAll(txn, sids));
  SchemaGuard guard(schema_, txn);
  KG_RETURN_IF_ERROR(guard.CheckStatements(
      sids, absl::StrCat("into: merging '", Clip(from), "' (", f.version.record.entity.kind,
                         ") into '", Clip(into), "' (", t.version.record.entity.kind, ")")));
  HistoryEvent h;
  h.type = HistoryEvent::Type::kMerged;
  h.entity = S(from);
  h.other_entity = S(into);
  txn.Log('E', f.term, h);
  txn.Log('E', t.term, h);
  KG_RETURN_IF_ERROR(txn.Feed(std::move(h)));
  KG_RETURN_IF_ERROR(Commit(txn));
  return txn.now();
}

absl::StatusOr<TxTime> RocksStore::SplitUnsynced(std::string_view merged,
                                                 const WriteContext& context) {
  absl::MutexLock lock(&write_mu_);
  WriteTxn txn = BeginWrite(context);
  KG_ASSIGN_OR_RETURN(Loaded f, LoadEntity(txn, merged, "merged"));
  const std::string target_id = f.version.record.entity.merged_into;
  if (target_id.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat("merged: entity '", Clip(merged), "' is not merged"));
  }
  KG_ASSIGN_OR_RETURN(Loaded t, LoadEntity(txn, target_id, "merged_into"));
  // Statements of `merged` now sit at the end of its merge chain.
  KG_ASSIGN_OR_RETURN(TermId resolved, txn.ResolveMerged(t.term));
  KG_ASSIGN_OR_RETURN(std::vector<StatementId> sids, txn.StatementsAt(resolved, kMaxRepoint));

  codec::EntityRecord target_rec = t.version.record;
  for (auto it = target_rec.merged.begin(); it != target_rec.merged.end(); ++it) {
    if (it->from != merged) continue;
    auto& aliases = target_rec.entity.aliases;
    for (const std::string& n : it->names) {
      auto pos = std::find(aliases.begin(), aliases.end(), n);
      if (pos != aliases.end()) aliases.erase(pos);
    }
    target_rec.merged.erase(it);
    break;
  }
  codec::EntityRecord from_rec = f.version.record;
  from_rec.entity.merged_into.clear();
  KG_RETURN_IF_ERROR(txn.PutEntity(f.term, merged, &f.version.record, std::move(from_rec)));
  KG_RETURN_IF_ERROR(txn.PutEntity(t.term, target_id, &t.version.record, std::move(target_rec)));
  KG_RETURN_IF_ERROR(RepointAll(txn, sids));
  // Split restores positions the schema once accepted, but `merged` may have
  // changed kind while it stood for another entity.
  SchemaGuard guard(schema_, txn);
  KG_RETURN_IF_ERROR(guard.CheckStatements(
      sids, absl::StrCat("merged: splitting '", Clip(merged), "' (", f.version.record.entity.kind,
                         ") out of '", target_id, "'")));
  HistoryEvent h;
  h.type = HistoryEvent::Type::kSplit;
  h.entity = S(merged);
  h.other_entity = target_id;
  txn.Log('E', f.term, h);
  txn.Log('E', t.term, h);
  KG_RETURN_IF_ERROR(txn.Feed(std::move(h)));
  KG_RETURN_IF_ERROR(Commit(txn));
  return txn.now();
}

}  // namespace kg
