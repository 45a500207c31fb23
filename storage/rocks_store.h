// RocksStore: the kg::Store over one RocksDB database. Internal; callers use
// Store::Open.

#ifndef KGD_STORAGE_ROCKS_STORE_H_
#define KGD_STORAGE_ROCKS_STORE_H_

#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "storage/change_signal.h"
#include "storage/db_open.h"
#include "storage/db_reader.h"
#include "storage/dictionary.h"
#include "storage/group_sync.h"
#include "storage/kv_view.h"
#include "storage/schema.h"
#include "storage/store.h"
#include "storage/write_health.h"
#include "storage/write_txn.h"

namespace kg {

class RocksStore final : public Store {
 public:
  static absl::StatusOr<std::unique_ptr<Store>> Open(const StoreOptions& options);
  ~RocksStore() override;

  absl::StatusOr<WriteResult> Apply(const WriteBatch& batch, const WriteContext& context) override;
  absl::StatusOr<TxTime> Retract(StatementId statement, std::string_view evidence_id,
                                 std::string_view reason, const WriteContext& context) override;
  absl::StatusOr<TxTime> Merge(std::string_view from, std::string_view into,
                               const WriteContext& context) override;
  absl::StatusOr<TxTime> Split(std::string_view merged, const WriteContext& context) override;
  absl::StatusOr<PurgeResult> Purge(const PurgeTarget& target, std::string_view reason,
                                    const WriteContext& context) override;
  absl::StatusOr<TxTime> AppendAudit(const AuditRecord& record) override;
  std::unique_ptr<View> NewView(std::function<bool()> is_cancelled) const override;
  absl::Status Checkpoint(const std::string& directory) const override;
  absl::StatusOr<BackupInfo> Backup(const std::string& repository, int32_t keep_last) override;
  StoreHealth Health() const override;
  StoreMetrics Metrics() const override;
  ChangePosition PublishedChange() const override { return changes_->published(); }
  void AddChangeListener(std::weak_ptr<ChangeListener> listener) override {
    changes_->Add(std::move(listener));
  }
  absl::StatusOr<ChangePosition> TrimChanges(TxTime before) override;
  const Schema& schema() const override { return schema_; }

 private:
  // The writes themselves: each takes write_mu_, commits unsynced and
  // returns with the mutex released; the public methods above then wait
  // for the commit to be durable (WaitDurable), so that writers queued on
  // write_mu_ meanwhile share the next WAL sync.
  absl::StatusOr<WriteResult> ApplyUnsynced(const WriteBatch& batch, const WriteContext& context);
  absl::StatusOr<TxTime> RetractUnsynced(StatementId statement, std::string_view evidence_id,
                                         std::string_view reason, const WriteContext& context);
  absl::StatusOr<TxTime> MergeUnsynced(std::string_view from, std::string_view into,
                                       const WriteContext& context);
  absl::StatusOr<TxTime> SplitUnsynced(std::string_view merged, const WriteContext& context);
  absl::StatusOr<PurgeResult> PurgeUnsynced(const PurgeTarget& target, std::string_view reason,
                                            const WriteContext& context);
  absl::StatusOr<TxTime> AppendAuditUnsynced(const AuditRecord& record);
  // With sync_writes: waits until the calling thread's last commit (or, when
  // its write changed nothing, everything it could have read) is durable.
  // A failed sync turns an OK `result` into the sync's error. Then the
  // commit's changes are published to the feed's readers.
  template <typename T>
  absl::StatusOr<T> Durable(absl::StatusOr<T> result);
  // Before each write: RESOURCE_EXHAUSTED while free space is below the
  // reserve (StoreOptions::min_free_disk_bytes); resumes RocksDB after a
  // recoverable background error.
  absl::Status ReadyToWrite();

  RocksStore(StoreOptions options, Schema schema)
      : options_(std::move(options)), schema_(std::move(schema)) {}

  // A new write at the next transaction time: max(clock, last + 1).
  WriteTxn BeginWrite(const WriteContext& context) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);
  // Commits `txn`; on success advances the counters and caches new terms.
  absl::Status Commit(WriteTxn& txn) ABSL_EXCLUSIVE_LOCKS_REQUIRED(write_mu_);

  absl::Status ValidateStatements(const WriteBatch& batch, WriteTxn& txn) const;
  // Apply of a batch with a document (storage/document.cc).
  absl::StatusOr<WriteResult> ApplyDocument(const WriteBatch& batch, const WriteContext& context);

  const StoreOptions options_;
  const Schema schema_;
  // Shared with RocksDB, which calls it from its threads until closed.
  std::shared_ptr<WriteHealth> write_health_ = std::make_shared<WriteHealth>();
  // Declared first of the database's users so that it is destroyed last.
  std::unique_ptr<OpenDb> db_;
  std::unique_ptr<Dictionary> dict_;
  EntityFacts entity_facts_;
  DbHandles handles_;
  std::unique_ptr<GroupSync> group_sync_;
  std::unique_ptr<ChangeSignal> changes_;
  absl::Mutex trim_mu_;  // one TrimChanges at a time
  std::atomic<int64_t> commits_{0};
  // Of committed Apply calls (StoreMetrics).
  std::atomic<int64_t> write_batches_{0};
  std::atomic<int64_t> entities_written_{0};
  std::atomic<int64_t> statements_written_{0};
  std::atomic<int64_t> statements_created_{0};
  std::atomic<int64_t> evidence_written_{0};
  // Kept apart from write_mu_, which a writer holds while it validates:
  // a new view must not wait for that.
  mutable absl::Mutex last_commit_mu_;
  CommitPoint last_commit_ ABSL_GUARDED_BY(last_commit_mu_);
  absl::Mutex write_mu_;
  Counters counters_ ABSL_GUARDED_BY(write_mu_);
  KindCache kinds_ ABSL_GUARDED_BY(write_mu_);
};

}  // namespace kg

#endif  // KGD_STORAGE_ROCKS_STORE_H_
