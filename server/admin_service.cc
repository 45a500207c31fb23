#include "server/admin_service.h"

#include <filesystem>
#include <string>
#include <system_error>

#include "absl/strings/str_cat.h"
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
  absl::Status status = [&]() -> absl::Status {
    KG_ASSIGN_OR_RETURN(TxTime as_of, AsOfFromProto(request->filter(), "filter"));
    KG_ASSIGN_OR_RETURN(Stats stats, NewCallView(store_, context)->GetStats(as_of));
    StatsToProto(stats, response);
    return absl::OkStatus();
  }();
  return Finish(status, *context);
}

grpc::Status AdminService::Backup(grpc::ServerContext* context, const v1::BackupRequest* request,
                                  v1::BackupResponse* response) {
  absl::Status status = [&]() -> absl::Status {
    const std::filesystem::path directory(request->directory());
    if (!directory.is_absolute()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "directory: must be an absolute path on the server, got '", request->directory(), "'"));
    }
    std::error_code error;
    if (std::filesystem::exists(directory, error)) {
      return absl::FailedPreconditionError(
          absl::StrCat("directory: '", request->directory(), "' already exists"));
    }
    KG_RETURN_IF_ERROR(store_.Checkpoint(directory.string()));
    response->set_directory(directory.string());
    response->set_bytes(DirectoryBytes(directory));
    return absl::OkStatus();
  }();
  return Finish(status, *context);
}

}  // namespace kg::server
