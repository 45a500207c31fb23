#include "server/admin_service.h"

#include <algorithm>
#include <filesystem>
#include <string>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"
#include "server/auth.h"
#include "server/call.h"
#include "server/convert.h"
#include "storage/status_macros.h"

namespace kg::server {
namespace {

constexpr size_t kMaxBackupPathBytes = 1024;

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

bool IsUnder(const std::filesystem::path& path, const std::filesystem::path& root) {
  auto [root_end, path_it] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return root_end == root.end();
}

// `relative` resolved under the backup root, creating the directories on
// the way. Each step that exists already is resolved (symlinks included)
// and must stay under the root, so no request writes outside it.
absl::StatusOr<std::filesystem::path> BackupDirectory(const std::string& root_dir,
                                                      const std::string& relative) {
  if (root_dir.empty()) {
    return absl::FailedPreconditionError(
        "directory: backups are off (kgd runs without --backup_dir)");
  }
  if (relative.empty()) return absl::InvalidArgumentError("directory: is required");
  if (relative.size() > kMaxBackupPathBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat("directory: at most ", kMaxBackupPathBytes, " bytes"));
  }
  const std::filesystem::path path(relative);
  if (path.is_absolute() || path.has_root_name() || path.has_root_directory()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "directory: must be a path relative to the backup root, got '", relative, "'"));
  }
  std::vector<std::filesystem::path> parts;
  for (const std::filesystem::path& part : path) {
    if (part.empty()) continue;  // a trailing slash
    if (part == ".." || part == ".") {
      return absl::InvalidArgumentError(
          absl::StrCat("directory: '", part.string(), "' is not allowed, got '", relative, "'"));
    }
    parts.push_back(part);
  }
  if (parts.empty()) return absl::InvalidArgumentError("directory: is required");
  std::error_code error;
  const std::filesystem::path root = std::filesystem::canonical(root_dir, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("directory: the backup root '", root_dir, "' is unusable: ", error.message()));
  }
  std::filesystem::path current = root;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    current /= parts[i];
    if (std::filesystem::symlink_status(current, error).type() ==
        std::filesystem::file_type::not_found) {
      if (!std::filesystem::create_directory(current, error) && error) {
        return absl::UnavailableError(
            absl::StrCat("directory: cannot create '", current.string(), "': ", error.message()));
      }
      continue;
    }
    current = std::filesystem::canonical(current, error);
    if (error || !IsUnder(current, root)) {
      return absl::PermissionDeniedError(
          absl::StrCat("directory: '", relative, "' leads outside the backup root"));
    }
    if (!std::filesystem::is_directory(current, error)) {
      return absl::FailedPreconditionError(absl::StrCat("directory: '", parts[i].string(), "' of '",
                                                        relative, "' is not a directory"));
    }
  }
  current /= parts.back();
  if (std::filesystem::symlink_status(current, error).type() !=
      std::filesystem::file_type::not_found) {
    return absl::FailedPreconditionError(
        absl::StrCat("directory: '", relative, "' already exists under the backup root"));
  }
  return current;
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
