// GroupSync: group commit for the store's writes. Internal to storage/.
//
// A write is committed to RocksDB unsynced while the store's writer mutex is
// held (so the next writer's validation sees it), and then, with the mutex
// released, waits here until the write-ahead log holding it is fsynced.
// While one fsync is in flight, every writer that commits behind it queues;
// the next fsync (one KvEngine::SyncLog) covers all of them, so concurrent
// writers pay one sync per group rather than one each — the PostgreSQL
// commit_delay-free group commit.
//
// The price: another reader may see a write a sync's time (~0.3-3 ms)
// before it is durable. Only acknowledged writes are promised; a write seen
// but not yet acknowledged can still be lost by a power cut, never by a
// killed process (its WAL record is in the OS by then).
//
// Thread safety: WaitDurable may be called from any number of threads.

#ifndef KGD_STORAGE_GROUP_SYNC_H_
#define KGD_STORAGE_GROUP_SYNC_H_

#include <cstdint>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace kg {

class KvEngine;
class WriteHealth;

class GroupSync {
 public:
  // `kv` and `health` must outlive this object.
  GroupSync(KvEngine* kv, const WriteHealth* health) : kv_(kv), health_(health) {}
  GroupSync(const GroupSync&) = delete;
  GroupSync& operator=(const GroupSync&) = delete;

  // Returns once every write up to the engine's sequence number `sequence` is on
  // stable storage. UNAVAILABLE (naming the cause) when the sync failed:
  // the write may not be durable and must not be acknowledged. A failed
  // sync stays failed (as PostgreSQL stops on a failed fsync): the WAL's
  // state on disk is unknown after one. While RocksDB reports a background
  // error no sync is tried (a WAL whose last append failed must not be
  // synced): UNAVAILABLE, and the write is not acknowledged.
  absl::Status WaitDurable(uint64_t sequence) ABSL_LOCKS_EXCLUDED(mu_);

  // The error of a failed sync (OK while none failed).
  absl::Status failed() const ABSL_LOCKS_EXCLUDED(mu_);

  // WAL syncs done so far (each covers every write committed before it).
  int64_t syncs() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  KvEngine* const kv_;
  const WriteHealth* const health_;
  mutable absl::Mutex mu_;
  uint64_t durable_ ABSL_GUARDED_BY(mu_) = 0;  // every sequence <= this is synced
  bool syncing_ ABSL_GUARDED_BY(mu_) = false;
  int64_t syncs_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status failed_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kg

#endif  // KGD_STORAGE_GROUP_SYNC_H_
