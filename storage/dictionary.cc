#include "storage/dictionary.h"

#include "absl/hash/hash.h"
#include "absl/strings/str_cat.h"
#include "storage/codec.h"
#include "storage/status_macros.h"

namespace kg {

Dictionary::Shard& Dictionary::TermShard(std::string_view term) {
  return shards_[absl::Hash<absl::string_view>{}(absl::string_view(term.data(), term.size())) %
                 kShards];
}

absl::StatusOr<std::optional<TermId>> Dictionary::Find(std::string_view term,
                                                       const KvSnapshot* snapshot) {
  Shard& shard = TermShard(term);
  {
    absl::MutexLock lock(&shard.mu);
    auto it = shard.by_term.find(absl::string_view(term.data(), term.size()));
    if (it != shard.by_term.end()) return it->second;
  }
  absl::StatusOr<std::optional<std::string>> value = kv_->Get(snapshot, codec::kDict, term);
  if (!value.ok()) return WithContext(value.status(), "dictionary lookup");
  if (!*value) return std::nullopt;
  if ((*value)->size() != 8) return absl::DataLossError("corrupt dictionary entry");
  TermId id = codec::DecodeFixed64((*value)->data());
  Remember(id, term);
  return id;
}

std::optional<std::string> Dictionary::Cached(TermId id) {
  Shard& shard = IdShard(id);
  absl::MutexLock lock(&shard.mu);
  auto it = shard.by_id.find(id);
  if (it == shard.by_id.end()) return std::nullopt;
  return it->second;
}

absl::StatusOr<std::string> Dictionary::TermOf(TermId id, const KvSnapshot* snapshot) {
  if (std::optional<std::string> cached = Cached(id)) return std::move(*cached);
  absl::StatusOr<std::optional<std::string>> term =
      kv_->Get(snapshot, codec::kRdict, codec::Fixed64(id));
  if (!term.ok()) return WithContext(term.status(), "dictionary resolve");
  if (!*term) return absl::NotFoundError(absl::StrCat("term ", id, " not found"));
  Remember(id, **term);
  return std::move(**term);
}

absl::StatusOr<std::vector<std::string>> Dictionary::TermsOf(absl::Span<const TermId> ids,
                                                             const KvSnapshot* snapshot) {
  std::vector<std::string> terms(ids.size());
  std::vector<size_t> missing;
  for (size_t i = 0; i < ids.size(); ++i) {
    std::optional<std::string> cached = Cached(ids[i]);
    if (cached) {
      terms[i] = std::move(*cached);
    } else {
      missing.push_back(i);
    }
  }
  if (missing.empty()) return terms;
  std::vector<std::string> keys;
  keys.reserve(missing.size());
  for (size_t i : missing) keys.push_back(codec::Fixed64(ids[i]));
  const std::vector<std::string_view> views(keys.begin(), keys.end());
  std::vector<absl::StatusOr<std::optional<std::string>>> found =
      kv_->MultiGet(snapshot, codec::kRdict, views);
  for (size_t k = 0; k < missing.size(); ++k) {
    const TermId id = ids[missing[k]];
    if (!found[k].ok()) return WithContext(found[k].status(), "dictionary resolve");
    if (!*found[k]) return absl::NotFoundError(absl::StrCat("term ", id, " not found"));
    Remember(id, **found[k]);
    terms[missing[k]] = std::move(**found[k]);
  }
  return terms;
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
