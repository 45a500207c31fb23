// Backups of a store into a RocksDB BackupEngine repository, and restores.
//
// A repository is a directory of numbered backups. Each backup holds the
// store as of one transaction time (BackupInfo::as_of); files unchanged
// since an earlier backup in the same repository are stored once, so a
// backup after a few writes copies a few files. Store::Backup writes one
// while writes go on; ListBackups and RestoreBackup need no running store.
//
// Example:
//   KG_ASSIGN_OR_RETURN(kg::BackupInfo b, store->Backup("/var/backups/kgd/nightly", 7));
//   ...
//   KG_RETURN_IF_ERROR(kg::RestoreBackup("/var/backups/kgd/nightly", 0, "/var/lib/kgd-new")
//                          .status());

#ifndef KGD_STORAGE_BACKUP_H_
#define KGD_STORAGE_BACKUP_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/types.h"

namespace kg {

struct BackupInfo {
  uint32_t id = 0;         // 1, 2, ... within its repository
  int64_t created_at = 0;  // unix seconds
  TxTime as_of = 0;        // the last transaction the backup holds
  uint64_t bytes = 0;      // its files (shared ones counted in each backup)
  uint32_t files = 0;
};

// The backups in `repository`, oldest first. NOT_FOUND when it holds none
// (or does not exist).
absl::StatusOr<std::vector<BackupInfo>> ListBackups(const std::string& repository);

// Restores backup `id` (0: the newest) of `repository` into `target`, which
// must be missing or an empty directory (FAILED_PRECONDITION otherwise); the
// result opens as a data directory whose reads answer as reads as of the
// backup's as_of did. NOT_FOUND for an unknown id or an empty repository;
// DATA_LOSS when a file of the backup fails its checksum.
absl::StatusOr<BackupInfo> RestoreBackup(const std::string& repository, uint32_t id,
                                         const std::string& target);

}  // namespace kg

#endif  // KGD_STORAGE_BACKUP_H_
