#include "server/admin_service.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/auth.h"
#include "server/backup_path.h"
#include "server/call.h"
#include "server/convert.h"
#include "storage/status_macros.h"

namespace kg::server {
namespace {

// Total size of the regular files under `directory` (a fresh checkpoint:
// bounded by the database's own file count).
uint64_t DirectoryBytes(const std::filesystem::path& directory) {
  uint64_t bytes = 0;
  std::error_code error;
  for (auto it = std::filesystem::recursive_directory_iterator(directory, error);
       !error && it != std::filesystem::recursive_directory_iterator(); it.increment(error)) {
    if (it->is_regular_file(error)) bytes += it->file_size(error);
  }
  return bytes;  // a partial sum when listing failed; the size is informational
}

}  // namespace

AdminService::AdminService(Store& store, const CallPath& path, std::string backup_dir)
    : RawService("kg.v1.AdminService", path),
      store_(store),
      limits_(path.limits),
      backup_dir_(std::move(backup_dir)) {
  ServeUnary("GetStats", RunOn::kWorker, &AdminService::OnGetStats);
  ServeUnary("Backup", RunOn::kWorker, &AdminService::OnBackup);
  ServeUnary("CreateBackup", RunOn::kWorker, &AdminService::OnCreateBackup);
  ServeUnary("ListBackups", RunOn::kWorker, &AdminService::OnListBackups);
  ServeUnary("WhoAmI", RunOn::kCallbackThread, &AdminService::OnWhoAmI);
  ServeUnary("ListAudit", RunOn::kCallbackThread, &AdminService::OnListAudit);
}

absl::Status AdminService::OnGetStats(CallScope& call, const v1::GetStatsRequest& request,
                                      v1::GetStatsResponse& response) {
  KG_ASSIGN_OR_RETURN(TxTime as_of, AsOfFromProto(request.filter(), "filter"));
  KG_ASSIGN_OR_RETURN(Stats stats, NewCallView(store_, &call.context())->GetStats(as_of));
  StatsToProto(stats, &response);
  HealthToProto(store_.Health(), &response);
  return absl::OkStatus();
}

absl::Status AdminService::OnBackup(CallScope& /*call*/, const v1::BackupRequest& request,
                                    v1::BackupResponse& response) {
  KG_ASSIGN_OR_RETURN(std::filesystem::path directory,
                      BackupDirectory(backup_dir_, request.directory()));
  if (absl::Status written = store_.Checkpoint(directory.string()); !written.ok()) {
    // A disk or permission problem on the server, not the request's fault.
    return absl::UnavailableError(absl::StrCat("directory: cannot write a backup to '",
                                               directory.string(), "': ", written.message()));
  }
  response.set_directory(directory.string());
  response.set_bytes(DirectoryBytes(directory));
  return absl::OkStatus();
}

absl::Status AdminService::OnWhoAmI(CallScope& call, const v1::WhoAmIRequest& /*request*/,
                                    v1::WhoAmIResponse& response) {
  const Caller& caller = call.caller();
  response.set_principal(caller.principal);
  response.set_role(std::string(RoleName(caller.role)));
  response.set_authenticated_by(caller.authenticated_by);
  response.set_on_behalf_of(caller.on_behalf_of);
  for (const std::string& permission : PermissionNames(caller.role)) {
    response.add_permissions(permission);
  }
  return absl::OkStatus();
}

absl::Status AdminService::OnListAudit(CallScope& call, const v1::ListAuditRequest& request,
                                       v1::ListAuditResponse& response) {
  KG_ASSIGN_OR_RETURN(AuditQuery query, AuditQueryFromProto(request));
  KG_ASSIGN_OR_RETURN(int32_t limit, ResolvePageSize(request.page_size(), limits_));
  KG_ASSIGN_OR_RETURN(
      Page<AuditRecord> page,
      NewCallView(store_, &call.context())->ListAudit(query, limit, request.page_token()));
  AuditPageToProto(page, &response);
  return absl::OkStatus();
}

}  // namespace kg::server
