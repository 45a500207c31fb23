// Opening, closing and checkpointing the RocksDB database.

#include "storage/rocks_store.h"

#include <algorithm>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rocksdb/cache.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/table.h"
#include "rocksdb/utilities/checkpoint.h"
#include "storage/codec.h"
#include "storage/rocks_status.h"
#include "storage/rocks_view.h"
#include "storage/status_macros.h"

namespace kg {

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  return RocksStore::Open(options);
}

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

  rocksdb::BlockBasedTableOptions table;
  table.block_cache = rocksdb::NewLRUCache(options.block_cache_bytes);
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (int cf = 0; cf < codec::kNumCfs; ++cf) {
    descriptors.emplace_back(codec::CfName(cf), cf_options);
  }
  rocksdb::DB* raw = nullptr;
  KG_RETURN_IF_ERROR(
      FromRocks(rocksdb::DB::Open(db_options, options.path, descriptors, &store->cfs_, &raw),
                absl::StrCat("open ", options.path)));
  store->db_.reset(raw);
  store->dict_ =
      std::make_unique<Dictionary>(raw, store->cfs_[codec::kDict], store->cfs_[codec::kRdict]);
  store->handles_ = DbHandles{raw, store->cfs_, store->dict_.get(), &store->schema_};

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
    rocksdb::WriteOptions wo;
    wo.sync = true;
    KG_RETURN_IF_ERROR(
        FromRocks(raw->Put(wo, store->cfs_[codec::kMeta], std::string(codec::kFormatKey), ours),
                  "write format version"));
  }
  absl::MutexLock lock(&store->write_mu_);
  KG_ASSIGN_OR_RETURN(uint64_t last_tx, reader.Counter(codec::kLastTxKey));
  KG_ASSIGN_OR_RETURN(uint64_t next_term, reader.Counter(codec::kNextTermKey));
  KG_ASSIGN_OR_RETURN(uint64_t next_stmt, reader.Counter(codec::kNextStmtKey));
  store->counters_.last_tx = static_cast<TxTime>(last_tx);
  store->counters_.next_term = std::max<uint64_t>(next_term, 1);
  store->counters_.next_stmt = std::max<uint64_t>(next_stmt, 1);
  return std::unique_ptr<Store>(std::move(store));
}

RocksStore::~RocksStore() {
  if (!db_) return;
  for (rocksdb::ColumnFamilyHandle* h : cfs_) {
    // Closing: nothing useful can be done with a failure here.
    (void)db_->DestroyColumnFamilyHandle(h);
  }
  (void)db_->Close();  // the destructor below releases it either way
}

WriteTxn RocksStore::BeginWrite(const WriteContext& context) {
  TxTime clock = absl::ToUnixMicros(absl::Now());
  TxTime now = std::max(clock, counters_.last_tx + 1);
  return WriteTxn(handles_, now, counters_, context.principal);
}

absl::Status RocksStore::Commit(WriteTxn& txn) {
  KG_RETURN_IF_ERROR(txn.Commit(options_.sync_writes));
  counters_ = txn.counters();
  for (const auto& [id, term] : txn.new_terms()) dict_->Remember(id, term);
  return absl::OkStatus();
}

std::unique_ptr<View> RocksStore::NewView(std::function<bool()> is_cancelled) const {
  return std::make_unique<RocksView>(handles_, std::move(is_cancelled));
}

absl::Status RocksStore::Checkpoint(const std::string& directory) const {
  if (std::filesystem::exists(directory)) {
    return absl::FailedPreconditionError(
        absl::StrCat("checkpoint: ", directory, " already exists"));
  }
  rocksdb::Checkpoint* raw = nullptr;
  KG_RETURN_IF_ERROR(FromRocks(rocksdb::Checkpoint::Create(db_.get(), &raw), "checkpoint"));
  std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
  return FromRocks(checkpoint->CreateCheckpoint(directory), absl::StrCat("checkpoint ", directory));
}

}  // namespace kg
