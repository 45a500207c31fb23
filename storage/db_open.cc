#include "storage/db_open.h"

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <filesystem>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "rocksdb/cache.h"
#include "rocksdb/env.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/statistics.h"
#include "rocksdb/table.h"
#include "storage/codec.h"
#include "storage/rocks_status.h"
#include "storage/status_macros.h"

namespace kg {
namespace {

// RocksDB's info log (<path>/LOG) written with stdio, ignoring failures:
// on a full disk RocksDB's own file logger asserts (in builds with
// assertions, such as Debian's) when it writes after a failed write, and
// its info log is not worth stopping for.
class TolerantLogger final : public rocksdb::Logger {
 public:
  explicit TolerantLogger(const std::string& path)
      : rocksdb::Logger(rocksdb::InfoLogLevel::INFO_LEVEL), file_(std::fopen(path.c_str(), "a")) {}
  ~TolerantLogger() override {
    if (file_ != nullptr) std::fclose(file_);
  }
  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override {
    if (file_ == nullptr) return;
    absl::MutexLock lock(&mu_);
    // Best effort, by design: see above.
    (void)std::vfprintf(file_, format, ap);
    (void)std::fputc('\n', file_);
    (void)std::fflush(file_);
  }

 private:
  absl::Mutex mu_;
  std::FILE* const file_;
};

}  // namespace

rocksdb::ColumnFamilyOptions StoreColumnFamilyOptions(int cf,
                                                      std::shared_ptr<rocksdb::Cache> block_cache) {
  rocksdb::BlockBasedTableOptions table;
  table.block_cache = std::move(block_cache);
  switch (cf) {
    case codec::kMeta:
    case codec::kDict:
    case codec::kRdict:
    case codec::kStmt:
    case codec::kEv:
    case codec::kAlias:
      table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
      break;
    default:
      break;
  }
  table.block_size = 16 << 10;
  rocksdb::ColumnFamilyOptions cf_options;
  cf_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  cf_options.compression = rocksdb::kLZ4Compression;
  cf_options.bottommost_compression = rocksdb::kZSTD;
  return cf_options;
}

absl::StatusOr<std::unique_ptr<OpenDb>> OpenDb::Open(
    const std::string& path, Mode mode, size_t block_cache_bytes,
    std::shared_ptr<rocksdb::EventListener> listener) {
  if (mode != Mode::kCreate && !std::filesystem::exists(std::filesystem::path(path) / "CURRENT")) {
    return absl::NotFoundError(absl::StrCat(path, ": no kgd database here"));
  }
  const std::shared_ptr<rocksdb::Cache> block_cache = rocksdb::NewLRUCache(block_cache_bytes);
  // Reads verify each block's checksum (ReadOptions::verify_checksums, on
  // by default): a flipped byte in an SST is a Corruption, never an answer.

  rocksdb::DBOptions db_options;
  db_options.create_if_missing = mode == Mode::kCreate;
  db_options.create_missing_column_families = mode != Mode::kReadOnly;
  db_options.paranoid_checks = true;
  // A torn last WAL record (a crash mid-write) is dropped; any other damage
  // stops the open with the file named rather than losing synced writes.
  db_options.wal_recovery_mode = rocksdb::WALRecoveryMode::kPointInTimeRecovery;
  db_options.IncreaseParallelism(2);
  if (listener != nullptr) db_options.listeners.push_back(std::move(listener));
  // Tickers only (block-cache hits and misses for kgd's /metrics): per-core
  // counters, without the timers and histograms that cost on every read.
  db_options.statistics = rocksdb::CreateDBStatistics();
  db_options.statistics->set_stats_level(rocksdb::StatsLevel::kExceptHistogramOrTimers);
  if (mode != Mode::kReadOnly) {
    std::error_code error;
    std::filesystem::create_directories(path, error);  // a failure shows in DB::Open
    db_options.info_log =
        std::make_shared<TolerantLogger>((std::filesystem::path(path) / "LOG").string());
  }

  // A read-only open cannot create a column family: it opens those there.
  std::vector<std::string> existing;
  if (mode == Mode::kReadOnly) {
    KG_RETURN_IF_ERROR(FromRocks(rocksdb::DB::ListColumnFamilies(db_options, path, &existing),
                                 absl::StrCat("open ", path)));
  }
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  std::vector<int> opened;  // the codec::Cf of each descriptor
  for (int cf = 0; cf < codec::kNumCfs; ++cf) {
    if (mode == Mode::kReadOnly &&
        std::find(existing.begin(), existing.end(), codec::CfName(cf)) == existing.end()) {
      continue;
    }
    descriptors.emplace_back(codec::CfName(cf), StoreColumnFamilyOptions(cf, block_cache));
    opened.push_back(cf);
  }
  std::unique_ptr<OpenDb> out(new OpenDb());
  rocksdb::DB* raw = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  const rocksdb::Status s =
      mode == Mode::kReadOnly
          ? rocksdb::DB::OpenForReadOnly(db_options, path, descriptors, &handles, &raw)
          : rocksdb::DB::Open(db_options, path, descriptors, &handles, &raw);
  out->cfs_.assign(codec::kNumCfs, nullptr);
  for (size_t i = 0; i < handles.size(); ++i) out->cfs_[opened[i]] = handles[i];
  if (s.IsIOError() && absl::StrContains(s.ToString(), "lock file")) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": in use by another process (a running kgd?): ", s.ToString()));
  }
  KG_RETURN_IF_ERROR(FromRocks(s, absl::StrCat("open ", path)));
  out->db_.reset(raw);
  out->engine_ = std::make_unique<RocksEngine>(raw, out->cfs_);
  return out;
}

OpenDb::~OpenDb() {
  engine_.reset();
  if (!db_) return;
  for (rocksdb::ColumnFamilyHandle* h : cfs_) {
    if (h == nullptr) continue;
    // Closing: nothing useful can be done with a failure here.
    (void)db_->DestroyColumnFamilyHandle(h);
  }
  (void)db_->Close();  // the destructor of db_ releases it either way
}

absl::StatusOr<std::unique_ptr<DirLock>> DirLock::Acquire(const std::string& path) {
  if (!std::filesystem::exists(std::filesystem::path(path) / "CURRENT")) {
    return absl::NotFoundError(absl::StrCat(path, ": no kgd database here"));
  }
  std::unique_ptr<DirLock> lock(new DirLock());
  const rocksdb::Status s = rocksdb::Env::Default()->LockFile(
      (std::filesystem::path(path) / "LOCK").string(), &lock->lock_);
  if (!s.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat(path, ": in use by another process (a running kgd?): ", s.ToString()));
  }
  return lock;
}

DirLock::~DirLock() {
  if (lock_ != nullptr) (void)rocksdb::Env::Default()->UnlockFile(lock_);  // best effort
}

}  // namespace kg
