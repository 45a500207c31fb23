// The audit log: Store::AppendAudit and View::ListAudit over the audit
// column family, which no graph write touches.

#include <algorithm>

#include "storage/kv_view.h"
#include "storage/rocks_store.h"
#include "storage/status_macros.h"

namespace kg {
namespace {

// A ListAudit page examines at most this many records, so that a filter
// that matches little costs each call a bounded scan, not the whole log.
constexpr int32_t kAuditScanBudget = 10000;

bool Matches(const AuditQuery& q, const AuditRecord& r) {
  if (!q.principal.empty() && r.principal != q.principal && r.on_behalf_of != q.principal) {
    return false;
  }
  if (!q.rpc.empty() && r.rpc != q.rpc) return false;
  return !q.code || r.code == *q.code;
}

}  // namespace

absl::StatusOr<TxTime> RocksStore::AppendAuditUnsynced(const AuditRecord& record) {
  WriteContext context;
  context.principal = record.principal;
  absl::MutexLock lock(&write_mu_);
  // A write of its own, so that `at` comes from the one transaction clock.
  WriteTxn txn = BeginWrite(context);
  txn.Put(codec::kAudit, codec::AuditKey(txn.now()), codec::EncodeAudit(record));
  KG_RETURN_IF_ERROR(Commit(txn));
  return txn.now();
}

absl::StatusOr<Page<AuditRecord>> KvView::ListAudit(const AuditQuery& query, int32_t limit,
                                                    std::string_view page_token) {
  limit = ClampLimit(limit);
  TxTime eff;
  std::string resume;
  PageListing listing("ListAudit");
  listing.Add(query.principal).Add(query.rpc).Add(query.code.has_value());
  listing.Add(query.code.value_or(0)).Add(query.from).Add(query.to);
  KG_RETURN_IF_ERROR(BeginPage(page_token, listing, kLatest, &eff, &resume));
  TxTime resume_at;
  if (!page_token.empty() && !codec::DecodeAuditKey(resume, &resume_at)) {
    return absl::InvalidArgumentError("page_token: malformed");
  }
  // Records appended after the first page's snapshot stay out of later pages.
  const TxTime high = std::min(query.to, eff);
  Page<AuditRecord> page;
  int32_t examined = 0;
  DbReader::BorrowedIterator it = reader_.Borrow(codec::kAudit);
  for (it->Seek(std::max(resume, codec::AuditKey(std::max<TxTime>(query.from, 0)))); it->Valid();
       it->Next()) {
    KG_RETURN_IF_ERROR(Tick());
    TxTime at;
    if (!codec::DecodeAuditKey(it->key(), &at)) {
      return absl::DataLossError("corrupt audit key");
    }
    if (at > high) break;
    if (examined == kAuditScanBudget) {
      page.next_page_token = EncodePageToken(listing, eff, {std::string(it->key())});
      break;
    }
    ++examined;
    KG_ASSIGN_OR_RETURN(AuditRecord r, codec::DecodeAudit(it->value()));
    if (!Matches(query, r)) continue;
    if (static_cast<int32_t>(page.items.size()) == limit) {
      page.next_page_token = EncodePageToken(listing, eff, {std::string(it->key())});
      break;
    }
    r.at = at;
    page.items.push_back(std::move(r));
  }
  KG_RETURN_IF_ERROR(WithContext(it->status(), "audit"));
  return page;
}

}  // namespace kg
