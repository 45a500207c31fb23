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

grpc::Status AdminService::GetStats(grpc::ServerContext* context,
                                    const v1::GetStatsRequest* request,
                                    v1::GetStatsResponse* response) {
  return gate_.Run(
      *context, "kg.v1.AdminService/GetStats", request, [&](CallScope&) -> absl::Status {
        KG_ASSIGN_OR_RETURN(TxTime as_of, AsOfFromProto(request->filter(), "filter"));
        KG_ASSIGN_OR_RETURN(Stats stats, NewCallView(store_, context)->GetStats(as_of));
        StatsToProto(stats, response);
        HealthToProto(store_.Health(), response);
        return absl::OkStatus();
      });
}

grpc::Status AdminService::Backup(grpc::ServerContext* context, const v1::BackupRequest* request,
                                  v1::BackupResponse* response) {
  return gate_.Run(*context, "kg.v1.AdminService/Backup", request, [&](CallScope&) -> absl::Status {
    KG_ASSIGN_OR_RETURN(std::filesystem::path directory,
                        BackupDirectory(backup_dir_, request->directory()));
    if (absl::Status written = store_.Checkpoint(directory.string()); !written.ok()) {
      // A disk or permission problem on the server, not the request's fault.
      return absl::UnavailableError(absl::StrCat("directory: cannot write a backup to '",
                                                 directory.string(), "': ", written.message()));
    }
    response->set_directory(directory.string());
    response->set_bytes(DirectoryBytes(directory));
    return absl::OkStatus();
  });
}

grpc::Status AdminService::WhoAmI(grpc::ServerContext* context, const v1::WhoAmIRequest* request,
                                  v1::WhoAmIResponse* response) {
  return gate_.Run(*context, "kg.v1.AdminService/WhoAmI", request,
                   [&](CallScope& call) -> absl::Status {
                     const Caller& caller = call.caller();
                     response->set_principal(caller.principal);
                     response->set_role(std::string(RoleName(caller.role)));
                     response->set_authenticated_by(caller.authenticated_by);
                     response->set_on_behalf_of(caller.on_behalf_of);
                     for (const std::string& permission : PermissionNames(caller.role)) {
                       response->add_permissions(permission);
                     }
                     return absl::OkStatus();
                   });
}

grpc::Status AdminService::ListAudit(grpc::ServerContext* context,
                                     const v1::ListAuditRequest* request,
                                     v1::ListAuditResponse* response) {
  return gate_.Run(
      *context, "kg.v1.AdminService/ListAudit", request, [&](CallScope&) -> absl::Status {
        KG_ASSIGN_OR_RETURN(AuditQuery query, AuditQueryFromProto(*request));
        KG_ASSIGN_OR_RETURN(int32_t limit, ResolvePageSize(request->page_size(), limits_));
        KG_ASSIGN_OR_RETURN(
            Page<AuditRecord> page,
            NewCallView(store_, context)->ListAudit(query, limit, request->page_token()));
        AuditPageToProto(page, response);
        return absl::OkStatus();
      });
}

}  // namespace kg::server
