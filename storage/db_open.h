// OpenDb: the store's RocksDB database with its column families, opened
// with the store's options, for RocksStore and the offline check and
// repair (storage/check.h). Internal to storage/.

#ifndef KGD_STORAGE_DB_OPEN_H_
#define KGD_STORAGE_DB_OPEN_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "rocksdb/cache.h"
#include "rocksdb/db.h"
#include "rocksdb/listener.h"
#include "storage/rocks_engine.h"

namespace kg {

// The options of column family `cf` (a codec::Cf) of every kgd database, for
// the store and for the files the bulk loader writes (which land in the
// bottom level): LZ4 in the upper levels, where data is rewritten soon, and
// ZSTD at the bottom, where nearly all of it stays. Bloom filters only where
// point lookups miss: terms, statements (the triple lookup of a new
// statement), evidence (a new record of a known statement), aliases and
// meta; the other column families are scanned, or read where the key is
// known to exist, and a whole-key filter there would be stored and cached
// for nothing.
rocksdb::ColumnFamilyOptions StoreColumnFamilyOptions(int cf,
                                                      std::shared_ptr<rocksdb::Cache> block_cache);

class OpenDb {
 public:
  enum class Mode {
    kCreate,    // read-write, created when missing (Store::Open)
    kExisting,  // read-write, NOT_FOUND unless a database is there (repair)
    kReadOnly,  // no write of any kind, no lock taken; the WAL is replayed in memory
  };
  // paranoid_checks is on: a damaged file found while opening fails the
  // open (DATA_LOSS naming it), and later read errors stop writes.
  // `listener`, when set, hears RocksDB's background errors and recoveries.
  static absl::StatusOr<std::unique_ptr<OpenDb>> Open(
      const std::string& path, Mode mode, size_t block_cache_bytes,
      std::shared_ptr<rocksdb::EventListener> listener = nullptr);
  OpenDb(const OpenDb&) = delete;
  OpenDb& operator=(const OpenDb&) = delete;
  // Releases the handles and closes the database.
  ~OpenDb();

  rocksdb::DB* db() const { return db_.get(); }
  // Indexed by codec::Cf. A read-only open of a database written before a
  // column family existed (the `feed` of format 1) has null for it; a
  // read-write open creates it.
  const std::vector<rocksdb::ColumnFamilyHandle*>& cfs() const { return cfs_; }
  // The database as the store's logic sees it.
  KvEngine* engine() const { return engine_.get(); }

 private:
  OpenDb() = default;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> cfs_;
  std::unique_ptr<RocksEngine> engine_;
};

// Holds `<path>/LOCK` as RocksDB does, so that no kgd opens the database
// meanwhile. FAILED_PRECONDITION "<path>: in use by another process (a
// running kgd?)" when it is held; NOT_FOUND when `path` holds no database.
class DirLock {
 public:
  static absl::StatusOr<std::unique_ptr<DirLock>> Acquire(const std::string& path);
  DirLock(const DirLock&) = delete;
  DirLock& operator=(const DirLock&) = delete;
  ~DirLock();

 private:
  DirLock() = default;
  rocksdb::FileLock* lock_ = nullptr;
};

}  // namespace kg

#endif  // KGD_STORAGE_DB_OPEN_H_
