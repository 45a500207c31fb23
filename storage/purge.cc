// Store::Purge: the one write that deletes. Evidence records go with their
// provenance index entries and the history events about them; statements
// left without evidence go entirely. One WriteBatch.

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "storage/rocks_store.h"
#include "storage/status_macros.h"
#include "storage/validation.h"

namespace kg {
namespace {

// One purge removes at most this many evidence records, so that its batch
// stays a bounded size.
constexpr size_t kMaxPurge = 200000;

// The evidence records to remove (with their hex ids), by statement.
using Selection = std::map<StatementId, std::vector<Evidence>>;

absl::Status CheckTarget(const PurgeTarget& target, std::string_view reason) {
  if (reason.empty()) return absl::InvalidArgumentError("reason: is required");
  KG_RETURN_IF_ERROR(CheckBytes(reason, kMaxReasonBytes, "reason"));
  const bool by_record = target.statement != 0 || !target.evidence_id.empty();
  if (!target.document.empty()) {
    if (by_record) {
      return absl::InvalidArgumentError(
          "document: give either a document or a statement and evidence_id, not both");
    }
    return CheckEntityId(target.document, "document");
  }
  if (!by_record) {
    return absl::InvalidArgumentError("document: is required (or statement and evidence_id)");
  }
  if (target.statement == 0) {
    return absl::InvalidArgumentError("statement: is required with evidence_id");
  }
  if (target.evidence_id.empty()) {
    return absl::InvalidArgumentError("evidence_id: is required with statement");
  }
  return CheckId(target.evidence_id, "evidence_id");
}

// Every evidence record citing `document`, found through the provenance
// index.
absl::StatusOr<Selection> SelectDocument(const WriteTxn& txn, const std::string& document) {
  const std::string prefix = codec::ProvPrefix(codec::ProvRole::kDocument, document);
  std::vector<std::pair<StatementId, std::string>> cited;
  absl::Status status;
  KG_RETURN_IF_ERROR(txn.Scan(codec::kProv, prefix, [&](std::string_view key, std::string_view) {
    std::string_view date;
    StatementId sid;
    std::string digest;
    if (!codec::DecodeProvKeyTail(key.substr(prefix.size()), &date, &sid, &digest)) {
      status = absl::DataLossError("corrupt provenance key");
      return false;
    }
    if (cited.size() == kMaxPurge) {
      status = absl::ResourceExhaustedError(
          absl::StrCat("document: '", Clip(document), "' is cited by more than ", kMaxPurge,
                       " evidence records, the most one purge removes"));
      return false;
    }
    cited.emplace_back(sid, std::move(digest));
    return true;
  }));
  KG_RETURN_IF_ERROR(status);
  if (cited.empty()) {
    return absl::NotFoundError(absl::StrCat("document: no evidence cites '", Clip(document), "'"));
  }
  Selection out;
  for (const auto& [sid, digest] : cited) {
    const std::string key = codec::EvidenceKey(sid, digest);
    KG_ASSIGN_OR_RETURN(std::optional<std::string> raw, txn.Get(codec::kEv, key));
    if (!raw) return absl::DataLossError("provenance names unknown evidence");
    KG_ASSIGN_OR_RETURN(Evidence e, DecodeEvidenceEntry(key, *raw));
    out[sid].push_back(std::move(e));
  }
  return out;
}

absl::StatusOr<Selection> SelectRecord(const WriteTxn& txn, StatementId sid,
                                       const std::string& evidence_id) {
  KG_ASSIGN_OR_RETURN(std::optional<codec::StatementRecord> rec, txn.GetStatement(sid));
  if (!rec) return absl::NotFoundError(absl::StrCat("statement: ", sid, " not found"));
  KG_ASSIGN_OR_RETURN(std::vector<Evidence> evidence, txn.EvidenceOf(sid));
  for (Evidence& e : evidence) {
    if (e.id == evidence_id) return Selection{{sid, {std::move(e)}}};
  }
  return absl::NotFoundError(
      absl::StrCat("evidence_id: ", Clip(evidence_id), " not found in statement ", sid));
}

bool AboutEvidence(const HistoryEvent& e, const std::set<std::string>& ids) {
  return (e.type == HistoryEvent::Type::kEvidenceAdded ||
          e.type == HistoryEvent::Type::kEvidenceRetracted) &&
         ids.count(e.evidence_id) != 0;
}

}  // namespace

absl::StatusOr<PurgeResult> RocksStore::PurgeUnsynced(const PurgeTarget& target,
                                                      std::string_view reason,
                                                      const WriteContext& context) {
  KG_RETURN_IF_ERROR(CheckTarget(target, reason));
  absl::MutexLock lock(&write_mu_);
  WriteTxn txn = BeginWrite(context);
  Selection selected;
  if (!target.document.empty()) {
    KG_ASSIGN_OR_RETURN(selected, SelectDocument(txn, target.document));
  } else {
    KG_ASSIGN_OR_RETURN(selected, SelectRecord(txn, target.statement, target.evidence_id));
  }

  PurgeResult result;
  result.purged_at = txn.now();
  // Removed statements by the entities whose logs recorded their creation
  // (their original endpoints), and the kPurged events those logs get.
  std::map<TermId, std::set<StatementId>> removed_at;
  std::vector<std::pair<TermId, HistoryEvent>> entity_events;
  for (const auto& [sid, evidence] : selected) {
    std::set<std::string> ids;
    for (const Evidence& e : evidence) {
      const std::string digest = absl::HexStringToBytes(e.id);
      txn.Delete(codec::kEv, codec::EvidenceKey(sid, digest));
      for (std::string& key : AllProvKeysOf(sid, digest, e))
        txn.Delete(codec::kProv, std::move(key));
      ids.insert(e.id);
    }
    result.evidence_purged += static_cast<int32_t>(evidence.size());
    HistoryEvent purged;
    purged.type = HistoryEvent::Type::kPurged;
    purged.statement = sid;
    purged.reason = std::string(reason);
    purged.count = static_cast<int32_t>(evidence.size());
    KG_RETURN_IF_ERROR(txn.Feed(purged));

    KG_ASSIGN_OR_RETURN(std::vector<Evidence> left, txn.EvidenceOf(sid));
    if (!left.empty()) {
      KG_RETURN_IF_ERROR(
          txn.EraseHistory('S', sid, [&](const HistoryEvent& e) { return AboutEvidence(e, ids); }));
      KG_RETURN_IF_ERROR(txn.RefreshSummary(sid));
      KG_RETURN_IF_ERROR(txn.OutdatePastSummaries(sid));
      txn.Log('S', sid, std::move(purged));
      continue;
    }
    KG_ASSIGN_OR_RETURN(std::optional<codec::StatementRecord> rec, txn.GetStatement(sid));
    if (!rec) return absl::DataLossError(absl::StrCat("evidence of unknown statement ", sid));
    KG_RETURN_IF_ERROR(txn.DeleteStatement(sid));
    KG_RETURN_IF_ERROR(txn.EraseHistory('S', sid, [](const HistoryEvent&) { return true; }));
    ++result.statements_removed;
    std::vector<TermId> endpoints{rec->original.s};
    if (rec->object_is_entity && rec->original.o != rec->original.s) {
      endpoints.push_back(rec->original.o);
    }
    for (TermId term : endpoints) {
      removed_at[term].insert(sid);
      KG_ASSIGN_OR_RETURN(purged.entity, txn.latest().EntityId(term));
      entity_events.emplace_back(term, purged);
    }
  }
  for (const auto& [term, sids] : removed_at) {
    // An init-capture: clang before 16 cannot capture a structured binding.
    KG_RETURN_IF_ERROR(txn.EraseHistory('E', term, [&sids = sids](const HistoryEvent& e) {
      return e.type == HistoryEvent::Type::kStatementCreated && sids.count(e.statement) != 0;
    }));
  }
  for (auto& [term, event] : entity_events) txn.Log('E', term, std::move(event));
  KG_RETURN_IF_ERROR(Commit(txn));
  return result;
}

}  // namespace kg
