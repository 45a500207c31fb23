// KvEngine: the ordered key-value engine below the store's logic.
//
// Views, the writer, the dictionary and the offline check read and write
// through this interface only: column families (indexed by codec::Cf) of
// byte-ordered keys, point and multi-point reads, ordered scans, atomic
// batches, consistent snapshots and a log that can be made durable. No
// engine type appears above it, so a backend on another ordered key-value
// engine (a distributed one) implements these classes and reuses the
// store's format and logic unchanged. RocksEngine (storage/rocks_engine.h)
// is the embedded default; what is RocksDB's own (opening, options, the
// bulk loader's SST files, checkpoints, background-error recovery) stays
// beside it in RocksStore.
//
// Example:
//   std::unique_ptr<KvSnapshot> at = engine.NewSnapshot();
//   std::unique_ptr<KvIterator> it = engine.NewIterator(at.get(), codec::kSpo);
//   for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) ...
//   KG_RETURN_IF_ERROR(WithContext(it->status(), "scan"));
//
// Thread safety: an engine may be used from any number of threads; an
// iterator or a batch by one thread at a time. A snapshot may be shared by
// readers on several threads and must outlive the iterators made from it.

#ifndef KGD_STORAGE_KV_ENGINE_H_
#define KGD_STORAGE_KV_ENGINE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"

namespace kg {

// A consistent read point: every batch written up to `sequence()` and none
// after. Released when destroyed.
class KvSnapshot {
 public:
  virtual ~KvSnapshot() = default;
  virtual uint64_t sequence() const = 0;
};

// An ordered scan of one column family at a snapshot (or at the latest state
// when made without one, as of its creation). key() and value() stay valid
// until the iterator moves.
class KvIterator {
 public:
  virtual ~KvIterator() = default;
  // The first key >= target.
  virtual void Seek(std::string_view target) = 0;
  // The last key <= target.
  virtual void SeekForPrev(std::string_view target) = 0;
  virtual void SeekToFirst() = 0;
  virtual void SeekToLast() = 0;
  virtual bool Valid() const = 0;
  virtual void Next() = 0;
  virtual void Prev() = 0;
  virtual std::string_view key() const = 0;
  virtual std::string_view value() const = 0;
  // Not OK when the scan stopped on an error (Valid() is then false).
  virtual absl::Status status() const = 0;
};

// Writes applied together by KvEngine::Write: all of them or none.
class KvBatch {
 public:
  virtual ~KvBatch() = default;
  virtual void Put(int cf, std::string_view key, std::string_view value) = 0;
  virtual void Delete(int cf, std::string_view key) = 0;
  // Deletes every key in [begin, end).
  virtual void DeleteRange(int cf, std::string_view begin, std::string_view end) = 0;
  // The writes added so far.
  virtual int64_t Count() const = 0;
};

class KvEngine {
 public:
  virtual ~KvEngine() = default;

  virtual std::unique_ptr<KvSnapshot> NewSnapshot() const = 0;
  // Reads at `snapshot`, or the latest state when it is null. nullopt when
  // the key is absent.
  virtual absl::StatusOr<std::optional<std::string>> Get(const KvSnapshot* snapshot, int cf,
                                                         std::string_view key) const = 0;
  // Get of each key, in one call (an engine batches the lookups).
  virtual std::vector<absl::StatusOr<std::optional<std::string>>> MultiGet(
      const KvSnapshot* snapshot, int cf, absl::Span<const std::string_view> keys) const = 0;
  virtual std::unique_ptr<KvIterator> NewIterator(const KvSnapshot* snapshot, int cf) const = 0;

  virtual std::unique_ptr<KvBatch> NewBatch() const = 0;
  // Applies `batch` atomically and gives it the next sequence number. With
  // `sync` it is durable on return; without, once SyncLog covers it.
  virtual absl::Status Write(KvBatch& batch, bool sync) = 0;
  // The sequence number of the last batch written.
  virtual uint64_t LatestSequence() const = 0;
  // Makes every batch written before the call durable.
  virtual absl::Status SyncLog() = 0;

  // Bytes the data occupies on disk (table files and log).
  virtual uint64_t DiskBytes() const = 0;
};

// `status` with its message prefixed by "<context>: " (OK stays OK).
absl::Status WithContext(const absl::Status& status, std::string_view context);

}  // namespace kg

#endif  // KGD_STORAGE_KV_ENGINE_H_
