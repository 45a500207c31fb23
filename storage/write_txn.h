// One logical write (Apply, Retract, Merge, Split, Purge or an audit append)
// while it is being built: an in-memory overlay over the latest state, so
// that later steps of the same write read what earlier steps wrote (or
// deleted). Nothing reaches the engine until Commit, which writes the
// overlay (with the counters and the transaction time in the meta column
// family) as one atomic KvBatch.
//
// REQUIRES: the store's writer mutex is held for the life of a WriteTxn.

#ifndef KGD_STORAGE_WRITE_TXN_H_
#define KGD_STORAGE_WRITE_TXN_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/db_reader.h"
#include "storage/record_sink.h"

namespace kg {

// The latest kind of entities that are not merged, by term, as committed:
// most of what a write's schema checks and merge resolution read of an
// entity, kept across writes so that each need not seek and decode the
// entity's record. The store fills it from what a write read and drops what
// a write put, once the write committed (RocksStore::Commit). Bounded:
// cleared when full.
// REQUIRES: the writer mutex, as for a WriteTxn.
class KindCache {
 public:
  static constexpr size_t kCapacity = 1 << 19;

  const std::string* Find(TermId id) const {
    auto it = kinds_.find(id);
    return it == kinds_.end() ? nullptr : &it->second;
  }
  void Learn(TermId id, std::string kind) {
    if (kinds_.size() >= kCapacity) kinds_.clear();
    kinds_.insert_or_assign(id, std::move(kind));
  }
  void Forget(TermId id) { kinds_.erase(id); }

 private:
  absl::flat_hash_map<TermId, std::string> kinds_;
};

// The store's persistent counters.
struct Counters {
  TxTime last_tx = 0;
  uint64_t next_term = 1;
  uint64_t next_stmt = 1;
};

class WriteTxn final : public RecordSink {
 public:
  // `kinds` (may be null) answers LatestKind for entities this write did not
  // put.
  WriteTxn(const DbHandles& h, TxTime now, const Counters& counters, std::string principal,
           const KindCache* kinds = nullptr);
  WriteTxn(const WriteTxn&) = delete;
  WriteTxn& operator=(const WriteTxn&) = delete;

  TxTime now() const override { return now_; }
  const std::string& principal() const override { return principal_; }
  const DbReader& latest() const { return latest_; }
  const Counters& counters() const { return counters_; }
  // Terms assigned by this write, to cache once it committed.
  const std::vector<std::pair<TermId, std::string>>& new_terms() const { return new_terms_; }

  // ---- overlay-aware raw access ----
  absl::StatusOr<std::optional<std::string>> Get(int cf, std::string_view key) const;
  // Get of a key that belongs to statement `sid` (its record, evidence or
  // index entries): a statement created by this write has nothing in the
  // database yet, so only the overlay is read.
  absl::StatusOr<std::optional<std::string>> GetOfStatement(StatementId sid, int cf,
                                                            std::string_view key) const;
  // Visits keys starting with `prefix` in order (database and overlay merged);
  // stops when `fn` returns false.
  absl::Status Scan(int cf, std::string_view prefix,
                    const std::function<bool(std::string_view, std::string_view)>& fn) const;
  void Put(int cf, std::string key, std::string value) override;
  void Delete(int cf, std::string key);

  // ---- terms ----
  absl::StatusOr<std::optional<TermId>> FindTerm(std::string_view term) const;
  // The id of `term`, assigning the next one when new.
  absl::StatusOr<TermId> Intern(std::string_view term);
  // Term `id` as a Value (a predicate as a String value), terms assigned by
  // this write included.
  absl::StatusOr<Value> TermValue(TermId id) const;

  // ---- entities ----
  absl::StatusOr<std::optional<EntityVersion>> LatestEntity(TermId id) const;
  struct EntityKind {
    std::string kind;
    bool merged = false;
  };
  // The kind of entity `id` in its latest version (this write's first), and
  // whether it is merged; nullopt when there is no such entity.
  absl::StatusOr<std::optional<EntityKind>> LatestKind(TermId id) const;
  // For the store's KindCache once this write committed: the kinds of
  // unmerged entities it read from the database, and the entities it put.
  const absl::flat_hash_map<TermId, std::string>& kinds_read() const { return kinds_read_; }
  const std::vector<TermId>& entities_put() const { return entities_put_; }
  // Writes a new version of entity `id` at now() and keeps the alias index in
  // step; `old` is the version it replaces (null for a new entity).
  absl::Status PutEntity(TermId id, std::string_view id_text, const codec::EntityRecord* old,
                         codec::EntityRecord record);
  // Follows merged_into from `id` to the entity that stands for it now.
  absl::StatusOr<TermId> ResolveMerged(TermId id) const;

  // ---- statements ----
  StatementId NewStatementId() { return counters_.next_stmt++; }
  // Whether `sid` was assigned by this write.
  bool IsNewStatement(StatementId sid) const { return sid >= first_new_stmt_; }
  absl::StatusOr<std::optional<codec::StatementRecord>> GetStatement(StatementId sid) const;
  void PutStatement(StatementId sid, const codec::StatementRecord& record);
  absl::StatusOr<std::vector<Evidence>> EvidenceOf(StatementId sid) const;
  // The summary in the statement's index entry at its current position
  // (nullopt when it has none).
  absl::StatusOr<std::optional<codec::IndexValue>> CurrentSummary(
      StatementId sid, const codec::StatementRecord& record) const;
  // Recomputes the live-evidence summary and writes it into the statement's
  // index entries at its current position (opening them when new).
  absl::Status RefreshSummary(StatementId sid);
  // After a purge removed some of the statement's evidence: the summaries of
  // its index entries at earlier positions (closed by a merge or split)
  // counted that evidence, so they are marked changed now and reads of their
  // times use the evidence itself. RefreshSummary covers the current entry.
  absl::Status OutdatePastSummaries(StatementId sid);
  // Deletes the statement's index entries at every position it had, its
  // record and its triple lookup (its evidence and history are the
  // caller's).
  absl::Status DeleteStatement(StatementId sid);
  // Moves the statement's current index entries to (s, o): closes the old
  // entries' intervals at now() and opens the new ones from now().
  absl::Status Repoint(StatementId sid, TermId s, TermId o);
  // The statements whose open index entries touch `node` (as subject or
  // object), deduplicated, at most `cap` (RESOURCE_EXHAUSTED beyond).
  absl::StatusOr<std::vector<StatementId>> StatementsAt(TermId node, size_t cap) const;

  // ---- history ----
  void Log(char tag, uint64_t target, HistoryEvent event) override;
  // Deletes the logged events of `target` for which `erase` returns true.
  absl::Status EraseHistory(char tag, uint64_t target,
                            const std::function<bool(const HistoryEvent&)>& erase);

  // ---- change feed ----
  // Adds `event` to the change feed: call once per change, however many
  // histories log it. A statement event records the statement's current
  // triple, so call it before the statement is deleted.
  absl::Status Feed(HistoryEvent event);
  // The position of this write's last change in the feed, if it has any.
  std::optional<ChangePosition> last_change() const;

  // Writes everything atomically.
  absl::Status Commit(bool sync);

 private:
  absl::Status WriteAliasChanges(TermId id, const codec::EntityRecord* old,
                                 const codec::EntityRecord& record);

  const DbHandles h_;
  const TxTime now_;
  const std::string principal_;
  DbReader latest_;
  Counters counters_;
  const StatementId first_new_stmt_;
  // Latest committed versions read from the database (the database does not
  // change while the writer mutex is held); the overlay is checked first.
  mutable std::map<TermId, std::optional<EntityVersion>> entity_cache_;
  const KindCache* const kinds_;
  mutable absl::flat_hash_map<TermId, std::string> kinds_read_;
  std::vector<TermId> entities_put_;
  // What this write put (a value) or deleted (nullopt), by column family.
  std::map<std::string, std::optional<std::string>> overlay_[codec::kNumCfs];
  std::map<std::string, TermId> pending_terms_;
  std::vector<std::pair<TermId, std::string>> new_terms_;
  uint32_t log_seq_ = 0;
  uint32_t feed_seq_ = 0;
};

}  // namespace kg

#endif  // KGD_STORAGE_WRITE_TXN_H_
