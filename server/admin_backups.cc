// kg.v1.AdminService's backup repositories: CreateBackup and ListBackups
// (storage/backup.h), confined to --backup_dir like Backup.

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/admin_service.h"
#include "server/backup_path.h"
#include "server/call.h"
#include "storage/backup.h"
#include "storage/status_macros.h"

namespace kg::server {
namespace {

void BackupInfoToProto(const BackupInfo& b, const std::string& repository, v1::BackupInfo* out) {
  out->set_id(b.id);
  out->set_created_at(b.created_at);
  out->set_as_of(b.as_of);
  out->set_bytes(b.bytes);
  out->set_files(b.files);
  out->set_repository(repository);
}

}  // namespace

absl::Status AdminService::OnCreateBackup(CallScope& /*call*/,
                                          const v1::CreateBackupRequest& request,
                                          v1::BackupInfo& response) {
  if (request.keep_last() < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("keep_last: must be >= 0, got ", request.keep_last()));
  }
  KG_ASSIGN_OR_RETURN(
      std::filesystem::path repository,
      BackupDirectory(backup_dir_, request.repository(), /*may_exist=*/true, "repository"));
  KG_ASSIGN_OR_RETURN(BackupInfo backup, store_.Backup(repository.string(), request.keep_last()));
  BackupInfoToProto(backup, repository.string(), &response);
  return absl::OkStatus();
}

absl::Status AdminService::OnListBackups(CallScope& /*call*/, const v1::ListBackupsRequest& request,
                                         v1::ListBackupsResponse& response) {
  KG_ASSIGN_OR_RETURN(
      std::filesystem::path repository,
      BackupDirectory(backup_dir_, request.repository(), /*may_exist=*/true, "repository"));
  absl::StatusOr<std::vector<BackupInfo>> backups = kg::ListBackups(repository.string());
  if (!backups.ok()) {
    return absl::Status(backups.status().code(),
                        absl::StrCat("repository: ", backups.status().message()));
  }
  for (const BackupInfo& b : *backups) {
    BackupInfoToProto(b, repository.string(), response.add_backups());
  }
  return absl::OkStatus();
}

}  // namespace kg::server
