// kg.v1.ProvenanceService: explain a statement, claims by source, disputes,
// and the history of a statement or entity.

#ifndef KGD_SERVER_PROVENANCE_SERVICE_H_
#define KGD_SERVER_PROVENANCE_SERVICE_H_

#include "kg/v1/kg.grpc.pb.h"
#include "server/gate.h"
#include "server/options.h"
#include "storage/store.h"

namespace kg::server {

class ProvenanceService final : public v1::ProvenanceService::Service {
 public:
  // `store` and `gate` must outlive the service.
  ProvenanceService(Store& store, CallGate& gate, const ServerLimits& limits)
      : store_(store), gate_(gate), limits_(limits) {}

  grpc::Status Explain(grpc::ServerContext* context, const v1::ExplainRequest* request,
                       v1::ExplainResponse* response) override;
  grpc::Status ListClaims(grpc::ServerContext* context, const v1::ListClaimsRequest* request,
                          v1::StatementsPage* response) override;
  grpc::Status ListDisputes(grpc::ServerContext* context, const v1::ListDisputesRequest* request,
                            v1::ListDisputesResponse* response) override;
  grpc::Status History(grpc::ServerContext* context, const v1::HistoryRequest* request,
                       v1::HistoryResponse* response) override;

 private:
  Store& store_;
  CallGate& gate_;
  const ServerLimits limits_;
};

}  // namespace kg::server

#endif  // KGD_SERVER_PROVENANCE_SERVICE_H_
