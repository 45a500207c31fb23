// kg.v1.AdminService: statistics, online backup under the backup root,
// the caller's identity, and the audit log.

#ifndef KGD_SERVER_ADMIN_SERVICE_H_
#define KGD_SERVER_ADMIN_SERVICE_H_

#include <string>

#include "kg/v1/kg.grpc.pb.h"
#include "server/options.h"
#include "server/rpc.h"
#include "storage/store.h"

namespace kg::server {

// GetStats (a scan), Backup, CreateBackup and ListBackups (files) run on the
// worker pool; WhoAmI and ListAudit (a bounded page) on gRPC's callback
// thread.
class AdminService final : public RawService<v1::AdminService::Service> {
 public:
  // `store` and `path` must outlive the service. Backups go under
  // `backup_dir` (none when empty).
  AdminService(Store& store, const CallPath& path, std::string backup_dir);

 private:
  absl::Status OnGetStats(CallScope& call, const v1::GetStatsRequest& request,
                          v1::GetStatsResponse& response);
  absl::Status OnBackup(CallScope& call, const v1::BackupRequest& request,
                        v1::BackupResponse& response);
  // admin_backups.cc
  absl::Status OnCreateBackup(CallScope& call, const v1::CreateBackupRequest& request,
                              v1::BackupInfo& response);
  absl::Status OnListBackups(CallScope& call, const v1::ListBackupsRequest& request,
                             v1::ListBackupsResponse& response);
  absl::Status OnWhoAmI(CallScope& call, const v1::WhoAmIRequest& request,
                        v1::WhoAmIResponse& response);
  absl::Status OnListAudit(CallScope& call, const v1::ListAuditRequest& request,
                           v1::ListAuditResponse& response);

  Store& store_;
  const ServerLimits& limits_;
  const std::string backup_dir_;
};

}  // namespace kg::server

#endif  // KGD_SERVER_ADMIN_SERVICE_H_
