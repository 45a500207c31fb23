// SchemaGuard keeps every live statement within the schema across the writes
// that change what existing statements mean: an entity's kind changed by an
// upsert, a merge or a split that re-points statements, and new edges of
// acyclic predicates. It runs inside a WriteTxn once the write's changes are
// staged and reads the staged state; a refusal fails the write, so nothing of
// it is committed.
//
// Retract and Purge need no guard: they only take statements out of the
// graph (a statement without live evidence is invisible to reads and ignored
// here), and removing a statement breaks no rule: domain and range hold per
// statement, and removing edges cannot close a cycle. A statement left
// without live evidence is checked again when evidence revives it, as any
// assert is.
//
// Work bound: one guard examines at most kMaxGuardWork statements and edges
// in all (the bound on the statements one merge re-points), and fails with
// RESOURCE_EXHAUSTED beyond.
//
// REQUIRES: the store's writer mutex is held (as for the WriteTxn).

#ifndef KGD_STORAGE_SCHEMA_GUARD_H_
#define KGD_STORAGE_SCHEMA_GUARD_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "storage/schema.h"
#include "storage/write_txn.h"

namespace kg {

inline constexpr int64_t kMaxGuardWork = 200000;

// RESOURCE_EXHAUSTED "schema check: more than 200000 statements and edges to
// examine in one write" once `work` exceeds kMaxGuardWork. Shared with
// BulkLoader, whose Add is one write.
absl::Status CheckGuardWork(int64_t work);
// FAILED_PRECONDITION "<field>: 'located_in' must not form a cycle: a
// located_in b located_in a" for the path a, b, a (a self-loop is a, a).
absl::Status CycleError(std::string_view field, std::string_view predicate,
                        const std::vector<std::string>& path);

class SchemaGuard {
 public:
  SchemaGuard(const Schema& schema, const WriteTxn& txn) : schema_(schema), txn_(txn) {}
  SchemaGuard(const SchemaGuard&) = delete;
  SchemaGuard& operator=(const SchemaGuard&) = delete;

  // Checks every live statement whose current index entries touch `node`
  // against the schema (domain, range, acyclic self-loops) with the staged
  // kinds. FAILED_PRECONDITION "<what> would leave N statement(s) outside
  // the schema, e.g. statement 12 (actor/x backs actor/y): predicate 'backs'
  // expects a subject of kind Actor, got Town".
  absl::Status CheckAt(TermId node, std::string_view what);
  // The same for the given statements (those a merge or split re-pointed),
  // and each live one of an acyclic predicate must not close a cycle.
  absl::Status CheckStatements(const std::vector<StatementId>& sids, std::string_view what);
  // A live statement of an acyclic predicate must not be a self-loop or
  // close a cycle with the live statements of that predicate (staged ones
  // included). FAILED_PRECONDITION "<field>: 'located_in' must not form a
  // cycle: a located_in b located_in a". OK for other statements.
  absl::Status CheckAcyclic(StatementId sid, std::string_view field);

 private:
  struct Violations {
    int64_t count = 0;
    std::string first;
  };
  // Adds the statement's violation (if live and outside the schema) to *v.
  absl::Status Check(StatementId sid, Violations* v);
  absl::Status Refuse(const Violations& v, std::string_view what) const;
  absl::Status Spend(int64_t work);
  // "statement 12 (a p b)".
  absl::StatusOr<std::string> Describe(StatementId sid, const codec::Triple& t);
  absl::StatusOr<std::string> Name(TermId term);

  const Schema& schema_;
  const WriteTxn& txn_;
  int64_t work_ = 0;
};

}  // namespace kg

#endif  // KGD_STORAGE_SCHEMA_GUARD_H_
