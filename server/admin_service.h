// kg.v1.AdminService: statistics, online backup under the backup root,
// the caller's identity, and the audit log.

#ifndef KGD_SERVER_ADMIN_SERVICE_H_
#define KGD_SERVER_ADMIN_SERVICE_H_

#include <string>

#include "kg/v1/kg.grpc.pb.h"
#include "server/gate.h"
#include "server/options.h"
#include "storage/store.h"

namespace kg::server {

class AdminService final : public v1::AdminService::Service {
 public:
  // `store` and `gate` must outlive the service. Backups go under
  // `backup_dir` (none when empty).
  AdminService(Store& store, CallGate& gate, const ServerLimits& limits, std::string backup_dir)
      : store_(store), gate_(gate), limits_(limits), backup_dir_(std::move(backup_dir)) {}

  grpc::Status GetStats(grpc::ServerContext* context, const v1::GetStatsRequest* request,
                        v1::GetStatsResponse* response) override;
  grpc::Status Backup(grpc::ServerContext* context, const v1::BackupRequest* request,
                      v1::BackupResponse* response) override;
  // admin_backups.cc
  grpc::Status CreateBackup(grpc::ServerContext* context, const v1::CreateBackupRequest* request,
                            v1::BackupInfo* response) override;
  grpc::Status ListBackups(grpc::ServerContext* context, const v1::ListBackupsRequest* request,
                           v1::ListBackupsResponse* response) override;
  grpc::Status WhoAmI(grpc::ServerContext* context, const v1::WhoAmIRequest* request,
                      v1::WhoAmIResponse* response) override;
  grpc::Status ListAudit(grpc::ServerContext* context, const v1::ListAuditRequest* request,
                         v1::ListAuditResponse* response) override;

 private:
  Store& store_;
  CallGate& gate_;
  const ServerLimits limits_;
  const std::string backup_dir_;
};

}  // namespace kg::server

#endif  // KGD_SERVER_ADMIN_SERVICE_H_
