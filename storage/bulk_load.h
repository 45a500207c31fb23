// kg::BulkLoader: the fast first load of an EMPTY (freshly created) kgd
// database. It accepts entities and statements with evidence, validates and
// schema-checks them exactly as Store::Apply does, and produces the same key
// layout and summaries, as if everything had been one Apply at one
// transaction time; a normal Store then opens and serves the result.
//
// Keys are gathered per column family in memory, sorted and written as
// runs (one set per half of `memory_budget_bytes`, on a thread of their own
// while the next half fills); Finish merges each column family's runs into
// non-overlapping SST files and ingests them together (see
// storage/FORMAT.md, "Bulk loading"). Nothing is visible in the
// database before Finish; a load that fails or is abandoned leaves it as
// empty as it was (temporary files are removed).
//
//   KG_ASSIGN_OR_RETURN(std::unique_ptr<BulkLoader> loader,
//                       BulkLoader::Create({.path = dir}));
//   KG_RETURN_IF_ERROR(loader->Add(batch));   // any number of times
//   KG_ASSIGN_OR_RETURN(BulkLoadResult r, loader->Finish());
//
// Differences from a series of Apply calls: every record carries the one
// transaction time of the load; an entity id may be loaded once; statements
// may reference entities of the same or an earlier Add. A triple asserted in
// several Adds is one statement whose evidence is the union (re-sent evidence
// is stored once), as with Apply; the load being one write, evidence re-sent
// with other values is refused in any Add, as Apply refuses it within one.
//
// Memory besides the key buffers: the term, triple and evidence maps (an
// evidence record about 80 bytes, with its grade) and the edges of acyclic
// predicates (about 60 bytes each) for the cycle check.
//
// Thread safety: a BulkLoader is used by one thread (it runs its own
// writer threads). The database must not be open elsewhere while it loads.

#ifndef KGD_STORAGE_BULK_LOAD_H_
#define KGD_STORAGE_BULK_LOAD_H_

#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/store.h"

namespace kg {

struct BulkLoadOptions {
  // Directory of the RocksDB database; created if missing; must hold no data.
  std::string path;
  // As StoreOptions::schema_path.
  std::string schema_path;
  // Bytes of keys and values held in memory: half fills while the other
  // half is sorted and written out as SST files.
  size_t memory_budget_bytes = 256 << 20;
  // Recorded as ingested_by / updated_by / the history's principal.
  std::string principal = "bulk-load";
};

struct BulkLoadResult {
  TxTime committed_at = 0;
  int64_t entities = 0;
  int64_t statements = 0;
  int64_t evidence_added = 0;
  int64_t evidence_unchanged = 0;
  int64_t runs = 0;       // sorted runs written while loading
  int64_t sst_files = 0;  // files ingested, merged from the runs
};

class BulkLoader {
 public:
  // FAILED_PRECONDITION when the database at options.path holds any data.
  static absl::StatusOr<std::unique_ptr<BulkLoader>> Create(const BulkLoadOptions& options);
  virtual ~BulkLoader() = default;

  // Validates the whole batch first (errors name the field as Apply's do);
  // on error nothing of it is loaded and the loader stays usable.
  virtual absl::Status Add(const WriteBatch& batch) = 0;
  // Ingests everything and writes the counters; the loader is spent after.
  virtual absl::StatusOr<BulkLoadResult> Finish() = 0;
};

}  // namespace kg

#endif  // KGD_STORAGE_BULK_LOAD_H_
