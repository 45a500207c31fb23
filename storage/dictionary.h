// The term dictionary: entity ids, predicates and typed literals (encoded as
// codec terms) to compact TermIds and back.
//
// An id, once assigned, never changes and is never reused, so both directions
// are cached in memory after the first read (sharded hash maps, one mutex per
// shard): a traversal over many nodes resolves each term once per process,
// not once per visit. Ids are assigned by the single writer (see WriteTxn);
// the dictionary only learns them after their batch committed.
//
// Thread safety: all methods may be called concurrently.

#ifndef KGD_STORAGE_DICTIONARY_H_
#define KGD_STORAGE_DICTIONARY_H_

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "storage/kv_engine.h"
#include "storage/types.h"

namespace kg {

class Dictionary {
 public:
  // Reads the engine's dict (term -> id) and rdict (id -> term) column
  // families; `kv` outlives this object.
  explicit Dictionary(const KvEngine* kv) : kv_(kv) {}
  Dictionary(const Dictionary&) = delete;
  Dictionary& operator=(const Dictionary&) = delete;

  // The committed id of `term`, or nullopt. Misses read at `snapshot` (the
  // latest state when null).
  absl::StatusOr<std::optional<TermId>> Find(std::string_view term, const KvSnapshot* snapshot);
  // The term of `id`; NOT_FOUND when unassigned.
  absl::StatusOr<std::string> TermOf(TermId id, const KvSnapshot* snapshot);
  // The terms of `ids`, in order; the misses are read in one MultiGet.
  absl::StatusOr<std::vector<std::string>> TermsOf(absl::Span<const TermId> ids,
                                                   const KvSnapshot* snapshot);
  // Caches a committed assignment.
  void Remember(TermId id, std::string_view term);

 private:
  static constexpr int kShards = 16;
  struct Shard {
    absl::Mutex mu;
    absl::flat_hash_map<TermId, std::string> by_id ABSL_GUARDED_BY(mu);
    absl::flat_hash_map<std::string, TermId> by_term ABSL_GUARDED_BY(mu);
  };
  Shard& IdShard(TermId id) { return shards_[id % kShards]; }
  Shard& TermShard(std::string_view term);

  // The cached term of `id`, if any.
  std::optional<std::string> Cached(TermId id);

  const KvEngine* const kv_;
  Shard shards_[kShards];
};

}  // namespace kg

#endif  // KGD_STORAGE_DICTIONARY_H_
