#include "storage/rocks_engine.h"

#include "absl/strings/str_cat.h"
#include "storage/codec.h"
#include "storage/rocks_status.h"

namespace kg {

namespace {

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

class RocksSnapshot final : public KvSnapshot {
 public:
  explicit RocksSnapshot(rocksdb::DB* db) : db_(db), snapshot_(db->GetSnapshot()) {}
  ~RocksSnapshot() override { db_->ReleaseSnapshot(snapshot_); }
  uint64_t sequence() const override { return snapshot_->GetSequenceNumber(); }
  const rocksdb::Snapshot* get() const { return snapshot_; }

 private:
  rocksdb::DB* const db_;
  const rocksdb::Snapshot* const snapshot_;
};

class RocksIterator final : public KvIterator {
 public:
  explicit RocksIterator(rocksdb::Iterator* it) : it_(it) {}
  void Seek(std::string_view target) override { it_->Seek(ToSlice(target)); }
  void SeekForPrev(std::string_view target) override { it_->SeekForPrev(ToSlice(target)); }
  void SeekToFirst() override { it_->SeekToFirst(); }
  void SeekToLast() override { it_->SeekToLast(); }
  bool Valid() const override { return it_->Valid(); }
  void Next() override { it_->Next(); }
  void Prev() override { it_->Prev(); }
  std::string_view key() const override { return it_->key().ToStringView(); }
  std::string_view value() const override { return it_->value().ToStringView(); }
  absl::Status status() const override { return FromRocks(it_->status(), ""); }

 private:
  const std::unique_ptr<rocksdb::Iterator> it_;
};

// A failed Put or Delete of a WriteBatch can only be an oversized key or
// value; the first failure is kept and returned by Write.
class RocksBatch final : public KvBatch {
 public:
  explicit RocksBatch(const std::vector<rocksdb::ColumnFamilyHandle*>* cfs) : cfs_(cfs) {}
  void Put(int cf, std::string_view key, std::string_view value) override {
    Keep(batch_.Put((*cfs_)[cf], ToSlice(key), ToSlice(value)));
  }
  void Delete(int cf, std::string_view key) override {
    Keep(batch_.Delete((*cfs_)[cf], ToSlice(key)));
  }
  void DeleteRange(int cf, std::string_view begin, std::string_view end) override {
    Keep(batch_.DeleteRange((*cfs_)[cf], ToSlice(begin), ToSlice(end)));
  }
  int64_t Count() const override { return batch_.Count(); }
  rocksdb::WriteBatch* batch() { return &batch_; }
  const rocksdb::Status& failed() const { return failed_; }

 private:
  void Keep(const rocksdb::Status& s) {
    if (failed_.ok()) failed_ = s;
  }
  const std::vector<rocksdb::ColumnFamilyHandle*>* const cfs_;
  rocksdb::WriteBatch batch_;
  rocksdb::Status failed_;
};

absl::StatusOr<std::optional<std::string>> FoundOrAbsent(const rocksdb::Status& s,
                                                         std::string value, int cf) {
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, absl::StrCat("read ", codec::CfName(cf)));
  return value;
}

}  // namespace

rocksdb::ReadOptions RocksEngine::ReadAt(const KvSnapshot* snapshot) const {
  rocksdb::ReadOptions ro;
  if (snapshot != nullptr) ro.snapshot = static_cast<const RocksSnapshot*>(snapshot)->get();
  return ro;
}

std::unique_ptr<KvSnapshot> RocksEngine::NewSnapshot() const {
  return std::make_unique<RocksSnapshot>(db_);
}

absl::StatusOr<std::optional<std::string>> RocksEngine::Get(const KvSnapshot* snapshot, int cf,
                                                            std::string_view key) const {
  std::string value;
  const rocksdb::Status s = db_->Get(ReadAt(snapshot), cfs_[cf], ToSlice(key), &value);
  return FoundOrAbsent(s, std::move(value), cf);
}

std::vector<absl::StatusOr<std::optional<std::string>>> RocksEngine::MultiGet(
    const KvSnapshot* snapshot, int cf, absl::Span<const std::string_view> keys) const {
  std::vector<rocksdb::Slice> slices;
  slices.reserve(keys.size());
  for (std::string_view key : keys) slices.push_back(ToSlice(key));
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db_->MultiGet(ReadAt(snapshot), cfs_[cf], keys.size(), slices.data(), values.data(),
                statuses.data());
  std::vector<absl::StatusOr<std::optional<std::string>>> found;
  found.reserve(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    found.push_back(FoundOrAbsent(statuses[i], values[i].ToString(), cf));
  }
  return found;
}

std::unique_ptr<KvIterator> RocksEngine::NewIterator(const KvSnapshot* snapshot, int cf) const {
  return std::make_unique<RocksIterator>(db_->NewIterator(ReadAt(snapshot), cfs_[cf]));
}

std::unique_ptr<KvBatch> RocksEngine::NewBatch() const {
  return std::make_unique<RocksBatch>(&cfs_);
}

absl::Status RocksEngine::Write(KvBatch& batch, bool sync) {
  auto& rocks = static_cast<RocksBatch&>(batch);
  if (!rocks.failed().ok()) return FromRocks(rocks.failed(), "");
  rocksdb::WriteOptions wo;
  wo.sync = sync;
  return FromRocks(db_->Write(wo, rocks.batch()), "");
}

absl::Status RocksEngine::SyncLog() { return FromRocks(db_->SyncWAL(), ""); }

uint64_t RocksEngine::DiskBytes() const {
  uint64_t total = 0;
  for (rocksdb::ColumnFamilyHandle* cf : cfs_) {
    uint64_t bytes = 0;
    if (cf != nullptr && db_->GetIntProperty(cf, "rocksdb.live-sst-files-size", &bytes)) {
      total += bytes;
    }
  }
  rocksdb::VectorLogPtr wal;
  if (db_->GetSortedWalFiles(wal).ok()) {
    for (const auto& f : wal) total += f->SizeFileBytes();
  }
  return total;
}

}  // namespace kg
