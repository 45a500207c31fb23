#include "storage/group_sync.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "storage/kv_engine.h"
#include "storage/write_health.h"

namespace kg {

absl::Status GroupSync::WaitDurable(uint64_t sequence) {
  absl::MutexLock lock(&mu_);
  auto done_or_free = [this, sequence]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return durable_ >= sequence || !syncing_ || !failed_.ok();
  };
  while (true) {
    mu_.Await(absl::Condition(&done_or_free));
    if (!failed_.ok()) return failed_;
    if (durable_ >= sequence) return absl::OkStatus();
    if (!syncing_) break;
  }
  // This thread syncs for everyone queued behind it. Every write with a
  // sequence up to `target` has returned from DB::Write, so its WAL record
  // is in the file (RocksDB flushes it to the OS unless manual_wal_flush).
  if (const std::string stopped = health_->rocksdb_error(); !stopped.empty()) {
    return absl::UnavailableError(
        absl::StrCat("not acknowledged: the write-ahead log cannot be synced: ", stopped));
  }
  syncing_ = true;
  const uint64_t target = kv_->LatestSequence();
  mu_.Unlock();
  const absl::Status synced = kv_->SyncLog();
  mu_.Lock();
  syncing_ = false;
  ++syncs_;
  if (!synced.ok()) {
    failed_ = absl::UnavailableError(
        absl::StrCat("write-ahead log sync failed, writes stopped: ", synced.message()));
    return failed_;
  }
  durable_ = std::max(durable_, target);
  return absl::OkStatus();
}

absl::Status GroupSync::failed() const {
  absl::MutexLock lock(&mu_);
  return failed_;
}

int64_t GroupSync::syncs() const {
  absl::MutexLock lock(&mu_);
  return syncs_;
}

}  // namespace kg
