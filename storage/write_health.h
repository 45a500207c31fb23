// WriteHealth: what RocksDB reports about the store's ability to write —
// background errors (a full disk, a failed flush or compaction, a damaged
// file found by one) and their recovery — kept for Store::Health and for
// resuming writes once the cause is gone. Internal to storage/.
//
// Thread safety: RocksDB calls the listener from its own threads; the
// accessors may be called from any thread.

#ifndef KGD_STORAGE_WRITE_HEALTH_H_
#define KGD_STORAGE_WRITE_HEALTH_H_

#include <string>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "rocksdb/db.h"
#include "rocksdb/listener.h"

namespace kg {

class WriteHealth final : public rocksdb::EventListener {
 public:
  void OnBackgroundError(rocksdb::BackgroundErrorReason reason, rocksdb::Status* error) override;
  void OnErrorRecoveryEnd(const rocksdb::BackgroundErrorRecoveryInfo& info) override;

  // The store's own refusal for lack of free space ("" clears it).
  void SetSpaceError(std::string error) ABSL_LOCKS_EXCLUDED(mu_);

  // The current error ("" when writes work: the space error first, then
  // RocksDB's) and whether it is recoverable (a space error always is).
  std::string error() const ABSL_LOCKS_EXCLUDED(mu_);
  bool recoverable() const ABSL_LOCKS_EXCLUDED(mu_);
  // RocksDB's background error alone.
  std::string rocksdb_error() const ABSL_LOCKS_EXCLUDED(mu_);

  // When writes are stopped by a recoverable error, asks RocksDB to resume
  // (at most once a second, from the writer that comes first): RocksDB
  // flushes what it holds and clears the error if the disk takes it. Cheap
  // while healthy.
  void MaybeResume(rocksdb::DB* db) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  mutable absl::Mutex mu_;
  std::string space_error_ ABSL_GUARDED_BY(mu_);
  std::string error_ ABSL_GUARDED_BY(mu_);
  bool recoverable_ ABSL_GUARDED_BY(mu_) = false;
  absl::Time last_resume_ ABSL_GUARDED_BY(mu_) = absl::InfinitePast();
  bool resuming_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace kg

#endif  // KGD_STORAGE_WRITE_HEALTH_H_
