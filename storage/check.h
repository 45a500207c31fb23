// The offline consistency check of a kgd data directory (`kgd --check`) and
// the repair of what is derived from the records (`kgd --repair`).
//
// The records are the truth: statement records, evidence records, entity
// versions, history events, the audit log. Everything else is derived from
// them and can be rebuilt: the index entries in the three orders (spo, pos,
// osp: one per position a statement had, with the intervals its positions
// imply and, at its current position, the summary Corroborate() gives over
// its live evidence), the triple lookup, the provenance index, the alias
// index, the reverse dictionary and the meta counters. The check compares
// each derived entry with a recomputation from the records, both ways
// (missing entries and entries no record explains), and checks that the
// history has an event for every statement, evidence record, retraction
// and entity version. storage/FORMAT.md ("Checking and repairing") lists
// the problems by name.
//
// Both refuse (FAILED_PRECONDITION) a directory another process holds open
// (a running kgd): the check holds RocksDB's LOCK file while it reads, so no
// kgd starts meanwhile; it never writes. A damaged file (bad checksum,
// truncated, a damaged MANIFEST) is DATA_LOSS naming the file.
//
// Memory: the expected alias index is held in memory (about 100 bytes a
// name); everything else is checked entry by entry.
//
// Example:
//   KG_ASSIGN_OR_RETURN(kg::CheckReport report, kg::CheckDatabase({.path = dir}));
//   std::fputs(report.ToString().c_str(), stdout);

#ifndef KGD_STORAGE_CHECK_H_
#define KGD_STORAGE_CHECK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"

namespace kg {

struct CheckOptions {
  std::string path;  // the data directory
  // Rebuild the derived data the check finds wrong (one synced write at a
  // new transaction time), then check again. Records are never changed.
  bool repair = false;
};

struct CheckProblem {
  std::string kind;                   // e.g. "index.summary" (storage/FORMAT.md)
  std::string description;            // what is wrong, in one line
  int64_t count = 0;                  // how many entries
  std::vector<std::string> examples;  // at most 5, naming keys or ids
  bool repairable = false;            // derived data that --repair rebuilds
};

struct CheckReport {
  std::string path;
  int64_t statements = 0;
  int64_t evidence = 0;
  int64_t index_entries = 0;  // spo + pos + osp
  int64_t prov_keys = 0;
  int64_t entities = 0;
  int64_t entity_versions = 0;
  int64_t alias_keys = 0;
  int64_t history_events = 0;
  int64_t terms = 0;
  // What is wrong now (after a repair: what is left), ordered by kind.
  std::vector<CheckProblem> problems;
  // With repair: what was wrong before it, and the entries written or deleted.
  std::vector<CheckProblem> repaired;
  int64_t entries_rewritten = 0;

  bool ok() const { return problems.empty(); }
  // A human report: the counts, then one line per problem with examples.
  std::string ToString() const;
};

absl::StatusOr<CheckReport> CheckDatabase(const CheckOptions& options);

}  // namespace kg

#endif  // KGD_STORAGE_CHECK_H_
