// Backups through RocksDB's BackupEngine (storage/backup.h).
//
// Store::Backup takes, under the writer mutex, a checkpoint of the live
// database (hard links plus a memtable flush: milliseconds), so the backup's
// transaction time is exactly the last-tx then; with the mutex released it
// opens the checkpoint as a database of its own and hands it to BackupEngine,
// which copies only files it does not hold yet (share_files_with_checksum:
// SST files are named by checksum and size, so the checkpoint's hard-linked
// files match the earlier backups' copies). The checkpoint is then removed.
// The transaction time is kept in the backup's app metadata ("kgd-tx=T").

#include "storage/backup.h"

#include <filesystem>
#include <memory>
#include <random>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "rocksdb/utilities/backup_engine.h"
#include "rocksdb/utilities/checkpoint.h"
#include "storage/db_open.h"
#include "storage/rocks_status.h"
#include "storage/rocks_store.h"
#include "storage/status_macros.h"

namespace kg {
namespace {

constexpr char kTxMetadata[] = "kgd-tx=";
constexpr char kStagingPrefix[] = ".kgd-staging-";

BackupInfo InfoFrom(const rocksdb::BackupInfo& b) {
  BackupInfo out;
  out.id = b.backup_id;
  out.created_at = b.timestamp;
  out.bytes = b.size;
  out.files = b.number_files;
  absl::string_view meta = b.app_metadata;
  int64_t tx = 0;
  if (absl::ConsumePrefix(&meta, kTxMetadata) && absl::SimpleAtoi(meta, &tx)) out.as_of = tx;
  return out;
}

absl::Status Unavailable(const std::string& what, const std::string& path,
                         const rocksdb::Status& s) {
  return absl::UnavailableError(absl::StrCat(what, " '", path, "': ", s.ToString()));
}

// Removes checkpoints a crashed backup left behind in `repository`.
void RemoveStaging(const std::filesystem::path& repository) {
  std::error_code error;
  for (auto it = std::filesystem::directory_iterator(repository, error);
       !error && it != std::filesystem::directory_iterator(); it.increment(error)) {
    if (absl::StartsWith(it->path().filename().string(), kStagingPrefix)) {
      std::error_code ignored;  // best effort: the next backup tries again
      std::filesystem::remove_all(it->path(), ignored);
    }
  }
}

}  // namespace

absl::StatusOr<BackupInfo> RocksStore::Backup(const std::string& repository, int32_t keep_last) {
  if (keep_last < 0) return absl::InvalidArgumentError("keep_last: must be >= 0");
  std::error_code error;
  std::filesystem::create_directories(repository, error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("backup: cannot create '", repository, "': ", error.message()));
  }
  RemoveStaging(repository);
  const std::filesystem::path staging =
      std::filesystem::path(repository) /
      absl::StrCat(kStagingPrefix, std::random_device{}(), "-", std::random_device{}());
  TxTime as_of = 0;
  {
    absl::MutexLock lock(&write_mu_);
    as_of = counters_.last_tx;
    rocksdb::Checkpoint* raw = nullptr;
    KG_RETURN_IF_ERROR(
        kg::FromRocks(rocksdb::Checkpoint::Create(db_->db(), &raw), "backup: checkpoint"));
    std::unique_ptr<rocksdb::Checkpoint> checkpoint(raw);
    const rocksdb::Status s = checkpoint->CreateCheckpoint(staging.string());
    if (!s.ok()) return Unavailable("backup: cannot checkpoint into", staging.string(), s);
  }
  absl::StatusOr<BackupInfo> result = [&]() -> absl::StatusOr<BackupInfo> {
    KG_ASSIGN_OR_RETURN(std::unique_ptr<OpenDb> copy,
                        OpenDb::Open(staging.string(), OpenDb::Mode::kExisting, 8 << 20));
    rocksdb::BackupEngine* raw = nullptr;
    rocksdb::Status s = rocksdb::BackupEngine::Open(rocksdb::BackupEngineOptions(repository),
                                                    rocksdb::Env::Default(), &raw);
    if (!s.ok()) return Unavailable("backup: cannot open the repository", repository, s);
    std::unique_ptr<rocksdb::BackupEngine> engine(raw);
    rocksdb::CreateBackupOptions options;
    options.flush_before_backup = true;
    rocksdb::BackupID id = 0;
    s = engine->CreateNewBackupWithMetadata(options, copy->db(), absl::StrCat(kTxMetadata, as_of),
                                            &id);
    if (!s.ok()) return Unavailable("backup: cannot write into", repository, s);
    if (keep_last > 0) {
      s = engine->PurgeOldBackups(static_cast<uint32_t>(keep_last));
      if (!s.ok()) return Unavailable("backup: cannot prune", repository, s);
    }
    rocksdb::BackupInfo info;
    s = engine->GetBackupInfo(id, &info);
    if (!s.ok()) return Unavailable("backup: cannot read back", repository, s);
    return InfoFrom(info);
  }();
  std::filesystem::remove_all(staging, error);  // best effort: the next backup removes it
  return result;
}

absl::StatusOr<std::vector<BackupInfo>> ListBackups(const std::string& repository) {
  if (!std::filesystem::exists(std::filesystem::path(repository) / "meta")) {
    return absl::NotFoundError(absl::StrCat("'", repository, "' holds no backups"));
  }
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  const rocksdb::Status s = rocksdb::BackupEngineReadOnly::Open(
      rocksdb::BackupEngineOptions(repository), rocksdb::Env::Default(), &raw);
  if (!s.ok()) return Unavailable("backups: cannot open the repository", repository, s);
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  std::vector<rocksdb::BackupInfo> infos;
  engine->GetBackupInfo(&infos);
  std::vector<BackupInfo> out;
  for (const rocksdb::BackupInfo& b : infos) out.push_back(InfoFrom(b));
  return out;
}

absl::StatusOr<BackupInfo> RestoreBackup(const std::string& repository, uint32_t id,
                                         const std::string& target) {
  std::error_code error;
  if (std::filesystem::exists(target, error) && !std::filesystem::is_empty(target, error)) {
    return absl::FailedPreconditionError(
        absl::StrCat("data_dir: '", target, "' is not empty; restore into a new directory"));
  }
  KG_ASSIGN_OR_RETURN(std::vector<BackupInfo> backups, ListBackups(repository));
  if (backups.empty()) {
    return absl::NotFoundError(absl::StrCat("'", repository, "' holds no backups"));
  }
  const BackupInfo* chosen = &backups.back();
  if (id != 0) {
    chosen = nullptr;
    for (const BackupInfo& b : backups) {
      if (b.id == id) chosen = &b;
    }
    if (chosen == nullptr) {
      return absl::NotFoundError(
          absl::StrCat("backup_id: no backup ", id, " in '", repository, "'"));
    }
  }
  rocksdb::BackupEngineReadOnly* raw = nullptr;
  rocksdb::Status s = rocksdb::BackupEngineReadOnly::Open(rocksdb::BackupEngineOptions(repository),
                                                          rocksdb::Env::Default(), &raw);
  if (!s.ok()) return Unavailable("restore: cannot open the repository", repository, s);
  std::unique_ptr<rocksdb::BackupEngineReadOnly> engine(raw);
  // Every file's checksum is verified as it is copied.
  s = engine->RestoreDBFromBackup(rocksdb::RestoreOptions(), chosen->id, target, target);
  KG_RETURN_IF_ERROR(kg::FromRocks(s, absl::StrCat("restore backup ", chosen->id, " of '",
                                                   repository, "' into '", target, "'")));
  return *chosen;
}

}  // namespace kg
