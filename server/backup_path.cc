#include "server/backup_path.h"

#include <algorithm>
#include <system_error>
#include <vector>

#include "absl/strings/str_cat.h"

namespace kg::server {
namespace {

constexpr size_t kMaxBackupPathBytes = 1024;

bool IsUnder(const std::filesystem::path& path, const std::filesystem::path& root) {
  auto [root_end, path_it] = std::mismatch(root.begin(), root.end(), path.begin(), path.end());
  return root_end == root.end();
}

}  // namespace

absl::StatusOr<std::filesystem::path> BackupDirectory(const std::string& root_dir,
                                                      const std::string& relative, bool may_exist,
                                                      absl::string_view field) {
  if (root_dir.empty()) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": backups are off (kgd runs without --backup_dir)"));
  }
  if (relative.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": is required"));
  if (relative.size() > kMaxBackupPathBytes) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": at most ", kMaxBackupPathBytes, " bytes"));
  }
  const std::filesystem::path path(relative);
  if (path.is_absolute() || path.has_root_name() || path.has_root_directory()) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must be a path relative to the backup root, got '", relative, "'"));
  }
  std::vector<std::filesystem::path> parts;
  for (const std::filesystem::path& part : path) {
    if (part.empty()) continue;  // a trailing slash
    if (part == ".." || part == ".") {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ": '", part.string(), "' is not allowed, got '", relative, "'"));
    }
    parts.push_back(part);
  }
  if (parts.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": is required"));
  std::error_code error;
  const std::filesystem::path root = std::filesystem::canonical(root_dir, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat(field, ": the backup root '", root_dir, "' is unusable: ", error.message()));
  }
  std::filesystem::path current = root;
  for (size_t i = 0; i + 1 < parts.size(); ++i) {
    current /= parts[i];
    if (std::filesystem::symlink_status(current, error).type() ==
        std::filesystem::file_type::not_found) {
      if (!std::filesystem::create_directory(current, error) && error) {
        return absl::UnavailableError(
            absl::StrCat(field, ": cannot create '", current.string(), "': ", error.message()));
      }
      continue;
    }
    current = std::filesystem::canonical(current, error);
    if (error || !IsUnder(current, root)) {
      return absl::PermissionDeniedError(
          absl::StrCat(field, ": '", relative, "' leads outside the backup root"));
    }
    if (!std::filesystem::is_directory(current, error)) {
      return absl::FailedPreconditionError(absl::StrCat(field, ": '", parts[i].string(), "' of '",
                                                        relative, "' is not a directory"));
    }
  }
  current /= parts.back();
  if (std::filesystem::symlink_status(current, error).type() ==
      std::filesystem::file_type::not_found) {
    return current;
  }
  if (!may_exist) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": '", relative, "' already exists under the backup root"));
  }
  current = std::filesystem::canonical(current, error);
  if (error || !IsUnder(current, root)) {
    return absl::PermissionDeniedError(
        absl::StrCat(field, ": '", relative, "' leads outside the backup root"));
  }
  if (!std::filesystem::is_directory(current, error)) {
    return absl::FailedPreconditionError(
        absl::StrCat(field, ": '", relative, "' is not a directory"));
  }
  return current;
}

}  // namespace kg::server
