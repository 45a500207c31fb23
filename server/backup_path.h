// Where a backup request may write: a path relative to --backup_dir,
// resolved without leaving it (shared by Backup, CreateBackup, ListBackups).

#ifndef KGD_SERVER_BACKUP_PATH_H_
#define KGD_SERVER_BACKUP_PATH_H_

#include <filesystem>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace kg::server {

// `relative` resolved under the backup root `root_dir`, creating the
// directories on the way (not the last one). Each step that exists already
// is resolved (symlinks included) and must stay under the root, so no
// request writes outside it. Errors name `field`: FAILED_PRECONDITION
// without a root, or when the path exists and !may_exist (or is no
// directory); INVALID_ARGUMENT for an empty, absolute or too long path or
// one with "." or ".."; PERMISSION_DENIED when it leads outside the root;
// UNAVAILABLE when the root is unusable.
absl::StatusOr<std::filesystem::path> BackupDirectory(const std::string& root_dir,
                                                      const std::string& relative,
                                                      bool may_exist = false,
                                                      absl::string_view field = "directory");

}  // namespace kg::server

#endif  // KGD_SERVER_BACKUP_PATH_H_
