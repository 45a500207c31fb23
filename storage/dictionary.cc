#include "storage/dictionary.h"

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "storage/codec.h"
#include "storage/rocks_status.h"

namespace kg {

Dictionary::Shard& Dictionary::TermShard(std::string_view term) {
  return shards_[absl::Hash<absl::string_view>{}(absl::string_view(term.data(), term.size())) %
                 kShards];
}

absl::StatusOr<std::optional<TermId>> Dictionary::Find(std::string_view term,
                                                       const rocksdb::ReadOptions& ro) {
  Shard& shard = TermShard(term);
  {
    absl::MutexLock lock(&shard.mu);
    auto it = shard.by_term.find(absl::string_view(term.data(), term.size()));
    if (it != shard.by_term.end()) return it->second;
  }
  std::string value;
  rocksdb::Status s = db_->Get(ro, dict_, rocksdb::Slice(term.data(), term.size()), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "dictionary lookup");
  if (value.size() != 8) return absl::DataLossError("corrupt dictionary entry");
  TermId id = codec::DecodeFixed64(value.data());
  Remember(id, term);
  return id;
}

absl::StatusOr<std::string> Dictionary::TermOf(TermId id, const rocksdb::ReadOptions& ro) {
  Shard& shard = IdShard(id);
  {
    absl::MutexLock lock(&shard.mu);
    auto it = shard.by_id.find(id);
    if (it != shard.by_id.end()) return it->second;
  }
  std::string term;
  rocksdb::Status s = db_->Get(ro, rdict_, codec::Fixed64(id), &term);
  if (s.IsNotFound()) return absl::NotFoundError(absl::StrCat("term ", id, " not found"));
  if (!s.ok()) return FromRocks(s, "dictionary resolve");
  Remember(id, term);
  return term;
}

void Dictionary::Remember(TermId id, std::string_view term) {
  {
    Shard& shard = IdShard(id);
    absl::MutexLock lock(&shard.mu);
    shard.by_id.try_emplace(id, term);
  }
  Shard& shard = TermShard(term);
  absl::MutexLock lock(&shard.mu);
  shard.by_term.try_emplace(std::string(term), id);
}

}  // namespace kg
