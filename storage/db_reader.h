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
#include "rocksdb/db.h"
#include "storage/codec.h"
#include "storage/dictionary.h"
#include "storage/schema.h"

namespace kg {

// Borrowed handles of an open store; valid while the store is open.
struct DbHandles {
  rocksdb::DB* db = nullptr;
  std::vector<rocksdb::ColumnFamilyHandle*> cf;  // indexed by codec::Cf
  Dictionary* dict = nullptr;
  const Schema* schema = nullptr;
};

// An entity record and the transaction time it was written.
struct EntityVersion {
  codec::EntityRecord record;
  TxTime tx = 0;
};

class DbReader {
 public:
  // `snapshot` null reads the latest state.
  DbReader(const DbHandles& h, const rocksdb::Snapshot* snapshot) : h_(h) {
    ro_.snapshot = snapshot;
  }

  const DbHandles& handles() const { return h_; }
  const rocksdb::ReadOptions& options() const { return ro_; }

  absl::StatusOr<std::optional<std::string>> Get(int cf, std::string_view key) const;
  std::unique_ptr<rocksdb::Iterator> NewIterator(int cf) const;

  absl::StatusOr<std::optional<TermId>> FindTerm(std::string_view term) const;
  absl::StatusOr<std::optional<TermId>> FindEntity(std::string_view id) const {
    return FindTerm(codec::EntityTerm(id));
  }
  // The entity id of an entity term (INVALID_ARGUMENT for other terms).
  absl::StatusOr<std::string> EntityId(TermId id) const;
  absl::StatusOr<Value> TermValue(TermId id) const;

  // The version of `id` in force at `as_of`, or nullopt.
  absl::StatusOr<std::optional<EntityVersion>> EntityAt(TermId id, TxTime as_of) const;
  absl::StatusOr<std::optional<codec::StatementRecord>> StatementAt(StatementId sid) const;
  // Every evidence record of the statement, retracted ones included, with
  // their hex ids, in id order.
  absl::StatusOr<std::vector<Evidence>> EvidenceOf(StatementId sid) const;
  absl::StatusOr<std::optional<codec::IndexValue>> IndexAt(codec::IndexOrder order,
                                                           const codec::Triple& t,
                                                           StatementId sid) const;
  // The meta counter `key`, 0 when absent.
  absl::StatusOr<uint64_t> Counter(std::string_view key) const;

 private:
  DbHandles h_;
  rocksdb::ReadOptions ro_;
};

// Decodes an evidence entry of the ev column family (key and value).
absl::StatusOr<Evidence> DecodeEvidenceEntry(std::string_view key, std::string_view value);

}  // namespace kg

#endif  // KGD_STORAGE_DB_READER_H_
