// EntityFacts: what reads ask most of an entity — whether it exists as of a
// time, whether it is merged, its kind — remembered across views by term,
// so that a traversal or a point read need not seek and decode the entity's
// record for each node it touches.
//
// A fact comes from the version of the record a read found, and holds from
// that version's transaction time (`from`). The read that found it saw it
// as the latest in its snapshot, so it holds at least up to that snapshot's
// time (`confirmed`), and beyond it for as long as no write has put an
// entity since. Writes that put entities say so, with their time, before
// they commit (EntitiesWrittenAt), so a view whose snapshot includes such a
// write never takes an older fact for the latest.
//
// Thread safety: all methods may be called concurrently.

#ifndef KGD_STORAGE_ENTITY_FACTS_H_
#define KGD_STORAGE_ENTITY_FACTS_H_

#include <atomic>
#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/synchronization/mutex.h"
#include "storage/types.h"

namespace kg {

class EntityFacts {
 public:
  struct Fact {
    std::string kind;
    bool merged = false;
    TxTime from = 0;       // the version's transaction time
    TxTime confirmed = 0;  // the snapshot in which it was the latest
  };

  // The fact about `term` that holds as of `as_of`, if one is known.
  std::optional<Fact> Find(TermId term, TxTime as_of) const;
  // Remembers a fact found as the latest version of a snapshot.
  void Remember(TermId term, Fact fact);
  // Called by a write that puts entity records, with its transaction time,
  // before it commits.
  void EntitiesWrittenAt(TxTime t) { last_entity_write_.store(t, std::memory_order_release); }

 private:
  static constexpr int kShards = 16;
  static constexpr size_t kFactsPerShard = 1 << 15;  // 524,288 in all
  struct Shard {
    mutable absl::Mutex mu;
    absl::flat_hash_map<TermId, Fact> facts ABSL_GUARDED_BY(mu);
  };

  std::atomic<TxTime> last_entity_write_{0};
  Shard shards_[kShards];
};

}  // namespace kg

#endif  // KGD_STORAGE_ENTITY_FACTS_H_
