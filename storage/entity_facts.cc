#include "storage/entity_facts.h"

namespace kg {

std::optional<EntityFacts::Fact> EntityFacts::Find(TermId term, TxTime as_of) const {
  const Shard& shard = shards_[term % kShards];
  std::optional<Fact> fact;
  {
    absl::MutexLock lock(&shard.mu);
    auto it = shard.facts.find(term);
    if (it == shard.facts.end()) return std::nullopt;
    fact = it->second;
  }
  if (as_of < fact->from) return std::nullopt;
  if (as_of <= fact->confirmed) return fact;
  // Past its snapshot: still the latest when no entity was written since.
  if (last_entity_write_.load(std::memory_order_acquire) <= fact->confirmed) return fact;
  return std::nullopt;
}

void EntityFacts::Remember(TermId term, Fact fact) {
  Shard& shard = shards_[term % kShards];
  absl::MutexLock lock(&shard.mu);
  if (shard.facts.size() >= kFactsPerShard) shard.facts.clear();
  auto [it, inserted] = shard.facts.try_emplace(term, fact);
  // Keep the one confirmed latest: views of older snapshots remember too.
  if (!inserted && it->second.confirmed < fact.confirmed) it->second = std::move(fact);
}

}  // namespace kg
