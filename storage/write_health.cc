#include "storage/write_health.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"

namespace kg {
namespace {

const char* ReasonName(rocksdb::BackgroundErrorReason reason) {
  switch (reason) {
    case rocksdb::BackgroundErrorReason::kFlush:
      return "flush";
    case rocksdb::BackgroundErrorReason::kCompaction:
      return "compaction";
    case rocksdb::BackgroundErrorReason::kWriteCallback:
      return "write";
    case rocksdb::BackgroundErrorReason::kMemTable:
      return "memtable";
    case rocksdb::BackgroundErrorReason::kManifestWrite:
      return "manifest write";
    case rocksdb::BackgroundErrorReason::kFlushNoWAL:
      return "flush";
    case rocksdb::BackgroundErrorReason::kManifestWriteNoWAL:
      return "manifest write";
  }
  return "background work";
}

}  // namespace

void WriteHealth::OnBackgroundError(rocksdb::BackgroundErrorReason reason, rocksdb::Status* error) {
  if (error == nullptr || error->ok()) return;
  absl::MutexLock lock(&mu_);
  error_ = absl::StrCat(error->IsNoSpace() ? "disk full: " : "", "writes stopped after a ",
                        ReasonName(reason), " error: ", error->ToString());
  // A full disk (and any error short of fatal) clears once the cause does;
  // RocksDB retries, and so does MaybeResume.
  recoverable_ = error->IsNoSpace() || error->severity() < rocksdb::Status::kFatalError;
}

void WriteHealth::OnErrorRecoveryEnd(const rocksdb::BackgroundErrorRecoveryInfo& info) {
  if (!info.new_bg_error.ok()) return;
  absl::MutexLock lock(&mu_);
  error_.clear();
  recoverable_ = false;
}

void WriteHealth::SetSpaceError(std::string error) {
  absl::MutexLock lock(&mu_);
  space_error_ = std::move(error);
}

std::string WriteHealth::error() const {
  absl::MutexLock lock(&mu_);
  return space_error_.empty() ? error_ : space_error_;
}

bool WriteHealth::recoverable() const {
  absl::MutexLock lock(&mu_);
  return !space_error_.empty() || recoverable_;
}

std::string WriteHealth::rocksdb_error() const {
  absl::MutexLock lock(&mu_);
  return error_;
}

void WriteHealth::MaybeResume(rocksdb::DB* db) {
  {
    absl::MutexLock lock(&mu_);
    if (error_.empty() || !recoverable_ || resuming_) return;
    const absl::Time now = absl::Now();
    if (now - last_resume_ < absl::Seconds(1)) return;
    last_resume_ = now;
    resuming_ = true;
  }
  const rocksdb::Status resumed = db->Resume();
  absl::MutexLock lock(&mu_);
  resuming_ = false;
  // RocksDB reports a successful recovery through OnErrorRecoveryEnd too;
  // a manual Resume that worked clears the error here as well.
  if (resumed.ok()) {
    error_.clear();
    recoverable_ = false;
  }
}

}  // namespace kg
