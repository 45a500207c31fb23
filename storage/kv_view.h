// KvView: kg::View over one KvEngine snapshot. Internal; callers use
// Store::NewView.

#ifndef KGD_STORAGE_KV_VIEW_H_
#define KGD_STORAGE_KV_VIEW_H_

#include <functional>
#include <memory>
#include <string>

#include "storage/db_reader.h"
#include "storage/entity_facts.h"
#include "storage/page_token.h"
#include "storage/store.h"

namespace kg {

// Results per page when the caller asks for none or too many.
inline constexpr int32_t kMaxPageSize = 10000;

struct ValidTime {
  const std::string& from;
  const std::string& to;
};

// The database's sequence number after a commit, and that commit's
// transaction time (the `last-tx` a snapshot at that sequence reads).
struct CommitPoint {
  uint64_t sequence = 0;
  TxTime tx = 0;
};

class KvView final : public View {
 public:
  // `last`: the latest commit known to the caller. A snapshot taken at its
  // sequence number has its time without reading `last-tx`.
  KvView(const DbHandles& h, std::function<bool()> is_cancelled, CommitPoint last = {});
  ~KvView() override;

  TxTime snapshot_time() const override { return snapshot_time_; }
  absl::StatusOr<Entity> GetEntity(std::string_view id, TxTime as_of) override;
  absl::StatusOr<Page<Entity>> SearchEntities(std::string_view prefix,
                                              const std::vector<std::string>& kinds, TxTime as_of,
                                              int32_t limit, std::string_view page_token) override;
  absl::StatusOr<Page<Statement>> Match(const Pattern& pattern, const Filter& filter, int32_t limit,
                                        std::string_view page_token) override;
  absl::StatusOr<Statement> GetStatement(StatementId id, const Filter& filter,
                                         bool include_retracted) override;
  absl::StatusOr<Page<Statement>> ClaimsBy(SourceRole role, std::string_view source,
                                           std::string_view date_from, std::string_view date_to,
                                           const Filter& filter, int32_t limit,
                                           std::string_view page_token) override;
  absl::StatusOr<Page<HistoryEvent>> EntityHistory(std::string_view id, TxTime as_of, int32_t limit,
                                                   std::string_view page_token) override;
  absl::StatusOr<Page<HistoryEvent>> StatementHistory(StatementId id, TxTime as_of, int32_t limit,
                                                      std::string_view page_token) override;
  absl::StatusOr<Stats> GetStats(TxTime as_of) override;
  absl::StatusOr<ChangePage> ChangesAfter(ChangePosition after, ChangePosition until,
                                          const ChangeFilter& filter, int32_t limit) override;
  absl::StatusOr<ChangePosition> OldestResumable() override;
  absl::StatusOr<Page<AuditRecord>> ListAudit(const AuditQuery& query, int32_t limit,
                                              std::string_view page_token) override;
  absl::StatusOr<TermId> LookupEntity(std::string_view id) override;
  absl::StatusOr<TermId> LookupPredicate(std::string_view name) override;
  absl::StatusOr<Value> Resolve(TermId term) override;
  absl::StatusOr<std::string> KindOf(TermId entity, TxTime as_of) override;
  absl::Status ScanEdges(TermId node, Direction direction, std::optional<TermId> predicate,
                         const Filter& filter,
                         const std::function<bool(const Edge&)>& visit) override;

 private:
  // as_of clamped to what this snapshot can see.
  TxTime Effective(TxTime as_of) const { return std::min(as_of, snapshot_time_); }
  // CANCELLED every so often once is_cancelled fires.
  absl::Status Tick();
  // The read time of a page of `listing` (the token's pin, else the
  // effective as_of) and its resume key (empty on the first page).
  absl::Status BeginPage(std::string_view token, const PageListing& listing, TxTime as_of,
                         TxTime* eff, std::string* resume) const;
  // Follows merged_into as of `as_of` from an entity term.
  absl::StatusOr<TermId> FollowMerges(TermId id, TxTime as_of) const;
  // Whether entity `id` exists as of `as_of`, is merged, and its kind: from
  // the store's EntityFacts when they know, else from its record (and then
  // remembered when the record is this snapshot's latest). nullopt when it
  // does not exist then.
  absl::StatusOr<std::optional<EntityFacts::Fact>> FactsAt(TermId id, TxTime as_of) const;
  // The statement `sid` as seen at `as_of` (endpoints from `at`, valid time
  // `valid`, both read by the caller), with the evidence `filter` selects
  // and their corroboration; nullopt when it does not pass the filter.
  absl::StatusOr<std::optional<Statement>> Evaluate(StatementId sid, const codec::Triple& at,
                                                    const ValidTime& valid, const Filter& filter,
                                                    TxTime as_of, bool apply_minimums);
  // The term of entity `id` when it exists as of `as_of`; else NOT_FOUND
  // "<field>: entity 'id' not found" (without "<field>: " when empty).
  absl::StatusOr<TermId> EntityAsOf(std::string_view field, std::string_view id,
                                    TxTime as_of) const;
  // One page of the log of `target` up to `eff`, from `resume` on.
  absl::StatusOr<Page<HistoryEvent>> History(char tag, uint64_t target, const PageListing& listing,
                                             TxTime eff, std::string_view resume, int32_t limit);

  // Declared first: destroyed after the reader's kept iterators.
  const std::unique_ptr<KvSnapshot> snapshot_;
  DbReader reader_;
  std::function<bool()> is_cancelled_;
  TxTime snapshot_time_ = 0;
  uint32_t ticks_ = 0;
};

inline int32_t ClampLimit(int32_t limit) {
  return limit <= 0 || limit > kMaxPageSize ? kMaxPageSize : limit;
}

}  // namespace kg

#endif  // KGD_STORAGE_KV_VIEW_H_
