// Typed reads of the store's column families at one snapshot (or at the
// latest state, for the writer). Shared by View and the writer.

#ifndef KGD_STORAGE_DB_READER_H_
#define KGD_STORAGE_DB_READER_H_

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/codec.h"
#include "storage/dictionary.h"
#include "storage/kv_engine.h"
#include "storage/schema.h"

namespace kg {

// Borrowed handles of an open store; valid while the store is open.
class EntityFacts;

struct DbHandles {
  KvEngine* kv = nullptr;
  Dictionary* dict = nullptr;
  const Schema* schema = nullptr;
  EntityFacts* facts = nullptr;  // views remember entity facts here (may be null)
};

// An entity record and the transaction time it was written.
struct EntityVersion {
  codec::EntityRecord record;
  TxTime tx = 0;
};

class DbReader {
 public:
  // `snapshot` null reads the latest state.
  DbReader(const DbHandles& h, const KvSnapshot* snapshot) : h_(h), snapshot_(snapshot) {}

  const DbHandles& handles() const { return h_; }

  absl::StatusOr<std::optional<std::string>> Get(int cf, std::string_view key) const {
    return h_.kv->Get(snapshot_, cf, key);
  }
  std::unique_ptr<KvIterator> NewIterator(int cf) const {
    return h_.kv->NewIterator(snapshot_, cf);
  }

  // An iterator on `cf` lent by this reader and given back when the handle
  // goes out of scope, so that a snapshot reader creates at most one
  // iterator per column family for its repeated seeks (creating one costs
  // far more than a Seek). A nested borrow of the same column family while
  // the first is out gets a fresh iterator. A reader of the latest state
  // (no snapshot) never keeps one: a kept iterator would not see new writes.
  class BorrowedIterator final {
   public:
    BorrowedIterator(const DbReader* owner, int cf, std::unique_ptr<KvIterator> it)
        : owner_(owner), cf_(cf), it_(std::move(it)) {}
    ~BorrowedIterator() { owner_->GiveBack(cf_, std::move(it_)); }
    BorrowedIterator(const BorrowedIterator&) = delete;
    BorrowedIterator& operator=(const BorrowedIterator&) = delete;
    KvIterator* operator->() const { return it_.get(); }
    KvIterator& operator*() const { return *it_; }

   private:
    const DbReader* owner_;
    int cf_;
    std::unique_ptr<KvIterator> it_;
  };
  BorrowedIterator Borrow(int cf) const;

  absl::StatusOr<std::optional<TermId>> FindTerm(std::string_view term) const;
  absl::StatusOr<std::optional<TermId>> FindEntity(std::string_view id) const {
    return FindTerm(codec::EntityTerm(id));
  }
  // The entity id of an entity term (INVALID_ARGUMENT for other terms).
  absl::StatusOr<std::string> EntityId(TermId id) const;
  absl::StatusOr<Value> TermValue(TermId id) const;
  // Sets the subject, predicate and object of `st` from `t`, reading the
  // three terms together.
  absl::Status FillTriple(const codec::Triple& t, Statement* st) const;

  // The version of `id` in force at `as_of`, or nullopt.
  absl::StatusOr<std::optional<EntityVersion>> EntityAt(TermId id, TxTime as_of) const;
  absl::StatusOr<std::optional<codec::StatementRecord>> StatementAt(StatementId sid) const;
  // Every evidence record of the statement, retracted ones included, with
  // their hex ids, in id order, each as it stood at `as_of` (EvidenceAsOf).
  absl::StatusOr<std::vector<Evidence>> EvidenceOf(StatementId sid, TxTime as_of) const;
  absl::StatusOr<std::optional<codec::IndexValue>> IndexAt(codec::IndexOrder order,
                                                           const codec::Triple& t,
                                                           StatementId sid) const;
  // The meta counter `key`, 0 when absent.
  absl::StatusOr<uint64_t> Counter(std::string_view key) const;

 private:
  void GiveBack(int cf, std::unique_ptr<KvIterator> it) const;

  DbHandles h_;
  const KvSnapshot* snapshot_;
  // Kept iterators by column family (snapshot readers only); a reader is
  // used by one thread at a time.
  mutable std::vector<std::unique_ptr<KvIterator>> spare_;
};

// Decodes an evidence entry of the ev column family (key and value).
absl::StatusOr<Evidence> DecodeEvidenceEntry(std::string_view key, std::string_view value);

}  // namespace kg

#endif  // KGD_STORAGE_DB_READER_H_
