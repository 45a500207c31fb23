// RocksEngine: KvEngine over an open RocksDB database, the embedded
// default. Internal to storage/; OpenDb makes one for the database it opens.

#ifndef KGD_STORAGE_ROCKS_ENGINE_H_
#define KGD_STORAGE_ROCKS_ENGINE_H_

#include <memory>
#include <vector>

#include "rocksdb/db.h"
#include "storage/kv_engine.h"

namespace kg {

class RocksEngine final : public KvEngine {
 public:
  // `db` and the column family handles (indexed by codec::Cf) must outlive
  // the engine.
  RocksEngine(rocksdb::DB* db, std::vector<rocksdb::ColumnFamilyHandle*> cfs)
      : db_(db), cfs_(std::move(cfs)) {}
  RocksEngine(const RocksEngine&) = delete;
  RocksEngine& operator=(const RocksEngine&) = delete;

  std::unique_ptr<KvSnapshot> NewSnapshot() const override;
  absl::StatusOr<std::optional<std::string>> Get(const KvSnapshot* snapshot, int cf,
                                                 std::string_view key) const override;
  std::vector<absl::StatusOr<std::optional<std::string>>> MultiGet(
      const KvSnapshot* snapshot, int cf, absl::Span<const std::string_view> keys) const override;
  std::unique_ptr<KvIterator> NewIterator(const KvSnapshot* snapshot, int cf) const override;
  std::unique_ptr<KvBatch> NewBatch() const override;
  absl::Status Write(KvBatch& batch, bool sync) override;
  uint64_t LatestSequence() const override { return db_->GetLatestSequenceNumber(); }
  absl::Status SyncLog() override;
  uint64_t DiskBytes() const override;

 private:
  rocksdb::ReadOptions ReadAt(const KvSnapshot* snapshot) const;

  rocksdb::DB* const db_;
  const std::vector<rocksdb::ColumnFamilyHandle*> cfs_;
};

}  // namespace kg

#endif  // KGD_STORAGE_ROCKS_ENGINE_H_
