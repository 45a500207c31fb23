// Store::Retract: marks evidence retracted in place, one WriteBatch.

#include <string>
#include <string_view>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "storage/rocks_store.h"
#include "storage/status_macros.h"
#include "storage/validation.h"

namespace kg {
namespace {

// The owner of a recorded principal: "alice via gateway" writes for alice.
std::string_view OwnerOf(std::string_view principal) {
  return principal.substr(0, principal.find(" via "));
}

}  // namespace

absl::StatusOr<TxTime> RocksStore::RetractUnsynced(StatementId statement,
                                                   std::string_view evidence_id,
                                                   std::string_view reason,
                                                   const WriteContext& context) {
  KG_RETURN_IF_ERROR(CheckId(evidence_id, "evidence_id"));
  KG_RETURN_IF_ERROR(CheckBytes(reason, kMaxReasonBytes, "reason"));
  absl::MutexLock lock(&write_mu_);
  WriteTxn txn = BeginWrite(context);
  KG_ASSIGN_OR_RETURN(std::optional<codec::StatementRecord> rec, txn.GetStatement(statement));
  if (!rec) return absl::NotFoundError(absl::StrCat("statement: ", statement, " not found"));
  KG_ASSIGN_OR_RETURN(std::vector<Evidence> evidence, txn.EvidenceOf(statement));
  const std::string_view owner = OwnerOf(context.principal);
  int retracted = 0;
  bool found = false;
  for (Evidence& e : evidence) {
    if (!evidence_id.empty() && e.id != evidence_id) continue;
    found = true;
    if (e.retracted_at != 0) {
      if (evidence_id.empty()) continue;
      return absl::FailedPreconditionError(
          absl::StrCat("evidence_id: ", e.id, " already retracted at ", e.retracted_at));
    }
    // Refused before anything is written, so a refusal changes nothing.
    if (!context.may_retract_others && OwnerOf(e.ingested_by) != owner) {
      return absl::PermissionDeniedError(
          absl::StrCat("evidence_id: ", e.id, " belongs to '", std::string(OwnerOf(e.ingested_by)),
                       "'; '", context.principal, "' may retract only its own evidence"));
    }
    e.retracted_at = txn.now();
    e.retracted_by = context.principal;
    e.retraction_reason = std::string(reason);
    std::string digest = absl::HexStringToBytes(e.id);
    std::string id = std::move(e.id);
    e.id.clear();
    txn.Put(codec::kEv, codec::EvidenceKey(statement, digest), codec::EncodeEvidence(e));
    HistoryEvent h;
    h.type = HistoryEvent::Type::kEvidenceRetracted;
    h.statement = statement;
    h.evidence_id = id;
    h.reason = std::string(reason);
    txn.Log('S', statement, h);
    KG_RETURN_IF_ERROR(txn.Feed(std::move(h)));
    ++retracted;
  }
  if (!found && !evidence_id.empty()) {
    return absl::NotFoundError(absl::StrCat("evidence_id: ", std::string(evidence_id),
                                            " not found in statement ", statement));
  }
  if (retracted == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("statement: ", statement, " has no live evidence to retract"));
  }
  // No schema check: retracting (even the last live evidence, which takes
  // the statement out of the graph) cannot leave a statement outside the
  // schema (see storage/schema_guard.h).
  KG_RETURN_IF_ERROR(txn.RefreshSummary(statement));
  KG_RETURN_IF_ERROR(Commit(txn));
  return txn.now();
}

}  // namespace kg
