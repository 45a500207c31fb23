// Opening, closing and checkpointing the RocksDB database.

#include "storage/rocks_store.h"

#include <sys/statvfs.h>

#include <algorithm>
#include <filesystem>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rocksdb/statistics.h"
#include "rocksdb/utilities/checkpoint.h"
#include "storage/codec.h"
#include "storage/db_open.h"
#include "storage/kv_view.h"
#include "storage/rocks_status.h"
#include "storage/status_macros.h"

namespace kg {

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  return RocksStore::Open(options);
}

namespace {

// The position of the feed's last change; {0, 0} when it is empty.
absl::StatusOr<ChangePosition> LastInFeed(const DbReader& reader) {
  std::unique_ptr<KvIterator> it = reader.NewIterator(codec::kFeed);
  it->SeekToLast();
  KG_RETURN_IF_ERROR(WithContext(it->status(), "feed"));
  ChangePosition last;
  if (it->Valid() && !codec::DecodeFeedKey(it->key(), &last)) {
    return absl::DataLossError("feed: corrupt key");
  }
  return last;
}

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> RocksStore::Open(const StoreOptions& options) {
  if (options.path.empty()) return absl::InvalidArgumentError("path: must not be empty");
  Schema schema;
  if (options.schema_path.empty()) {
    schema = Schema::Default();
  } else {
    absl::StatusOr<Schema> loaded = Schema::LoadFile(options.schema_path);
    if (!loaded.ok()) return loaded.status();
    schema = std::move(*loaded);
  }
  std::unique_ptr<RocksStore> store(new RocksStore(options, std::move(schema)));

  KG_ASSIGN_OR_RETURN(store->db_, OpenDb::Open(options.path, OpenDb::Mode::kCreate,
                                               options.block_cache_bytes, store->write_health_));
  KvEngine* kv = store->db_->engine();
  store->group_sync_ = std::make_unique<GroupSync>(kv, store->write_health_.get());
  store->dict_ = std::make_unique<Dictionary>(kv);
  store->handles_ = DbHandles{kv, store->dict_.get(), &store->schema_, &store->entity_facts_};

  DbReader reader(store->handles_, nullptr);
  KG_ASSIGN_OR_RETURN(std::optional<std::string> version,
                      reader.Get(codec::kMeta, codec::kFormatKey));
  const std::string ours = absl::StrCat(codec::kFormatVersion);
  if (version && *version != ours) {
    return absl::FailedPreconditionError(absl::StrCat(options.path,
                                                      ": database has format version ", *version,
                                                      "; this build reads format version ", ours));
  }
  if (!version) {
    std::unique_ptr<KvBatch> batch = kv->NewBatch();
    batch->Put(codec::kMeta, codec::kFormatKey, ours);
    KG_RETURN_IF_ERROR(WithContext(kv->Write(*batch, /*sync=*/true), "write format version"));
  }
  // The last change, or (when trimming emptied the feed) the last trimmed.
  KG_ASSIGN_OR_RETURN(ChangePosition last, LastInFeed(reader));
  KG_ASSIGN_OR_RETURN(ChangePosition trimmed, store->NewView({})->OldestResumable());
  store->changes_ = std::make_unique<ChangeSignal>(std::max(last, trimmed));
  absl::MutexLock lock(&store->write_mu_);
  KG_ASSIGN_OR_RETURN(uint64_t last_tx, reader.Counter(codec::kLastTxKey));
  KG_ASSIGN_OR_RETURN(uint64_t next_term, reader.Counter(codec::kNextTermKey));
  KG_ASSIGN_OR_RETURN(uint64_t next_stmt, reader.Counter(codec::kNextStmtKey));
  store->counters_.last_tx = static_cast<TxTime>(last_tx);
  store->counters_.next_term = std::max<uint64_t>(next_term, 1);
  store->counters_.next_stmt = std::max<uint64_t>(next_stmt, 1);
  {
    absl::MutexLock commit_lock(&store->last_commit_mu_);
    store->last_commit_ = {kv->LatestSequence(), static_cast<TxTime>(last_tx)};
  }
  return std::unique_ptr<Store>(std::move(store));
}

RocksStore::~RocksStore() = default;

namespace {
// The RocksDB sequence number of the calling thread's last commit, set by
// Commit under the writer mutex and taken by Durable once the mutex is
// released (the write methods are synchronous, so the thread is the call).
thread_local uint64_t t_commit_sequence = 0;
// Likewise the feed position of its last change, if it had any.
thread_local std::optional<ChangePosition> t_commit_change;
}  // namespace

template <typename T>
absl::StatusOr<T> RocksStore::Durable(absl::StatusOr<T> result) {
  uint64_t sequence = std::exchange(t_commit_sequence, 0);
  const std::optional<ChangePosition> change = std::exchange(t_commit_change, std::nullopt);
  if (!result.ok()) return result;
  if (options_.sync_writes) {
    // A write that changed nothing (a retry of one already applied) may have
    // seen another writer's commit that is not yet synced: wait for that too,
    // so that an OK never vouches for something a power cut could take.
    if (sequence == 0) sequence = handles_.kv->LatestSequence();
    KG_RETURN_IF_ERROR(group_sync_->WaitDurable(sequence));
  }
  if (change) changes_->Publish(*change);
  return result;
}

absl::StatusOr<WriteResult> RocksStore::Apply(const WriteBatch& batch,
                                              const WriteContext& context) {
  KG_RETURN_IF_ERROR(ReadyToWrite());
  absl::StatusOr<WriteResult> result = Durable(ApplyUnsynced(batch, context));
  if (result.ok()) {
    constexpr auto kRelaxed = std::memory_order_relaxed;
    write_batches_.fetch_add(1, kRelaxed);
    entities_written_.fetch_add(result->entities_written, kRelaxed);
    statements_written_.fetch_add(static_cast<int64_t>(result->statement_ids.size()), kRelaxed);
    statements_created_.fetch_add(result->statements_created, kRelaxed);
    evidence_written_.fetch_add(result->evidence_added + result->evidence_revised, kRelaxed);
  }
  return result;
}

absl::StatusOr<TxTime> RocksStore::Retract(StatementId statement, std::string_view evidence_id,
                                           std::string_view reason, const WriteContext& context) {
  KG_RETURN_IF_ERROR(ReadyToWrite());
  return Durable(RetractUnsynced(statement, evidence_id, reason, context));
}

absl::StatusOr<TxTime> RocksStore::Merge(std::string_view from, std::string_view into,
                                         const WriteContext& context) {
  KG_RETURN_IF_ERROR(ReadyToWrite());
  return Durable(MergeUnsynced(from, into, context));
}

absl::StatusOr<TxTime> RocksStore::Split(std::string_view merged, const WriteContext& context) {
  KG_RETURN_IF_ERROR(ReadyToWrite());
  return Durable(SplitUnsynced(merged, context));
}

absl::StatusOr<PurgeResult> RocksStore::Purge(const PurgeTarget& target, std::string_view reason,
                                              const WriteContext& context) {
  KG_RETURN_IF_ERROR(ReadyToWrite());
  return Durable(PurgeUnsynced(target, reason, context));
}

absl::StatusOr<TxTime> RocksStore::AppendAudit(const AuditRecord& record) {
  KG_RETURN_IF_ERROR(ReadyToWrite());
  return Durable(AppendAuditUnsynced(record));
}

absl::Status RocksStore::ReadyToWrite() {
  if (options_.min_free_disk_bytes > 0) {
    struct statvfs fs;
    if (statvfs(options_.path.c_str(), &fs) == 0) {
      const uint64_t free_bytes = static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize;
      if (free_bytes < options_.min_free_disk_bytes) {
        std::string error = absl::StrCat(
            "disk full: ", free_bytes >> 20, " MiB free under ", options_.path, ", writes need ",
            options_.min_free_disk_bytes >> 20, " MiB (min_free_disk); free space to resume");
        write_health_->SetSpaceError(error);
        return absl::ResourceExhaustedError(std::move(error));
      }
      write_health_->SetSpaceError("");
    }
  }
  write_health_->MaybeResume(db_->db());
  return absl::OkStatus();
}

StoreHealth RocksStore::Health() const {
  StoreHealth health;
  health.sync_writes = options_.sync_writes;
  health.commits = commits_.load(std::memory_order_relaxed);
  health.wal_syncs = group_sync_->syncs();
  health.error = write_health_->error();
  health.recoverable = write_health_->recoverable();
  if (absl::Status failed = group_sync_->failed(); !failed.ok()) {
    health.error = std::string(failed.message());
    health.recoverable = false;
  }
  return health;
}

StoreMetrics RocksStore::Metrics() const {
  constexpr auto kRelaxed = std::memory_order_relaxed;
  StoreMetrics m;
  m.write_batches = write_batches_.load(kRelaxed);
  m.entities_written = entities_written_.load(kRelaxed);
  m.statements_written = statements_written_.load(kRelaxed);
  m.statements_created = statements_created_.load(kRelaxed);
  m.evidence_written = evidence_written_.load(kRelaxed);
  rocksdb::DB* db = db_->db();
  if (const std::shared_ptr<rocksdb::Statistics> stats = db->GetDBOptions().statistics) {
    m.block_cache_hits = static_cast<int64_t>(stats->getTickerCount(rocksdb::BLOCK_CACHE_HIT));
    m.block_cache_misses = static_cast<int64_t>(stats->getTickerCount(rocksdb::BLOCK_CACHE_MISS));
  }
  // Summed over the column families; a property RocksDB cannot give reads 0.
  (void)db->GetAggregatedIntProperty(rocksdb::DB::Properties::kEstimatePendingCompactionBytes,
                                     &m.pending_compaction_bytes);
  (void)db->GetAggregatedIntProperty(rocksdb::DB::Properties::kLiveSstFilesSize, &m.live_sst_bytes);
  (void)db->GetIntProperty(rocksdb::DB::Properties::kBackgroundErrors, &m.background_errors);
  return m;
}

WriteTxn RocksStore::BeginWrite(const WriteContext& context) {
  TxTime clock = absl::ToUnixMicros(absl::Now());
  TxTime now = std::max(clock, counters_.last_tx + 1);
  return WriteTxn(handles_, now, counters_, context.principal, &kinds_);
}

absl::Status RocksStore::Commit(WriteTxn& txn) {
  // Before the commit, so that no view of a snapshot with it takes an
  // older entity fact for the latest.
  if (!txn.entities_put().empty()) entity_facts_.EntitiesWrittenAt(txn.now());
  // Unsynced: Durable syncs once the writer mutex is released.
  KG_RETURN_IF_ERROR(txn.Commit(/*sync=*/false));
  // Under the writer mutex no other write commits, so the latest sequence
  // is this write's.
  t_commit_sequence = handles_.kv->LatestSequence();
  t_commit_change = txn.last_change();
  commits_.fetch_add(1, std::memory_order_relaxed);
  counters_ = txn.counters();
  {
    absl::MutexLock lock(&last_commit_mu_);
    last_commit_ = {t_commit_sequence, counters_.last_tx};
  }
  for (const auto& [id, term] : txn.new_terms()) dict_->Remember(id, term);
  for (const auto& [id, kind] : txn.kinds_read()) kinds_.Learn(id, kind);
  for (TermId id : txn.entities_put()) kinds_.Forget(id);
  return absl::OkStatus();
}

absl::StatusOr<ChangePosition> RocksStore::TrimChanges(TxTime before) {
  absl::MutexLock lock(&trim_mu_);
  DbReader reader(handles_, nullptr);
  KG_ASSIGN_OR_RETURN(ChangePosition trimmed, NewView({})->OldestResumable());
  const std::string end = codec::FeedKey({before, 0});
  std::unique_ptr<KvIterator> it = reader.NewIterator(codec::kFeed);
  it->SeekForPrev(end);
  if (it->Valid() && it->key() == end) it->Prev();
  KG_RETURN_IF_ERROR(WithContext(it->status(), "feed"));
  ChangePosition last;
  if (!it->Valid()) return trimmed;
  if (!codec::DecodeFeedKey(it->key(), &last)) {
    return absl::DataLossError("feed: corrupt key");
  }
  if (last <= trimmed) return trimmed;
  std::unique_ptr<KvBatch> batch = handles_.kv->NewBatch();
  batch->DeleteRange(codec::kFeed, codec::FeedKey({}), end);
  batch->Put(codec::kMeta, codec::kFeedTrimmedKey, codec::FeedKey(last));
  KG_RETURN_IF_ERROR(WithContext(handles_.kv->Write(*batch, options_.sync_writes), "trim feed"));
  return last;
}

std::unique_ptr<View> RocksStore::NewView(std::function<bool()> is_cancelled) const {
  CommitPoint last;
  {
    absl::ReaderMutexLock lock(&last_commit_mu_);
    last = last_commit_;
  }
  return std::make_unique<KvView>(handles_, std::move(is_cancelled), last);
}

absl::Status RocksStore::Checkpoint(const std::string& directory) const {
  if (std::filesystem::exists(directory)) {
    return absl::FailedPreconditionError(
        absl::StrCat("checkpoint: ", directory, " already exists"));
  }
  rocksdb::Checkpoint* raw = nullptr;
  KG_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_->db(), &raw), "checkpoint"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  return FromRocks(checkpoint->CreateCheckpoint(directory), absl::StrCat("checkpoint ", directory));
}

}  // namespace kg
