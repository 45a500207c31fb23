// kg.v1.AdminService: statistics and online backup.

#ifndef KGD_SERVER_ADMIN_SERVICE_H_
#define KGD_SERVER_ADMIN_SERVICE_H_

#include "kg/v1/kg.grpc.pb.h"
#include "storage/store.h"

namespace kg::server {

class AdminService final : public v1::AdminService::Service {
 public:
  // `store` must outlive the service.
  explicit AdminService(Store& store) : store_(store) {}

  grpc::Status GetStats(grpc::ServerContext* context, const v1::GetStatsRequest* request,
                        v1::GetStatsResponse* response) override;
  // INVALID_ARGUMENT for a relative path, FAILED_PRECONDITION when the
  // directory exists already.
  grpc::Status Backup(grpc::ServerContext* context, const v1::BackupRequest* request,
                      v1::BackupResponse* response) override;

 private:
  Store& store_;
};

}  // namespace kg::server

#endif  // KGD_SERVER_ADMIN_SERVICE_H_
