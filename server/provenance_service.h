// kg.v1.ProvenanceService: explain a statement, claims by source, disputes,
// and the history of a statement or entity.

#ifndef KGD_SERVER_PROVENANCE_SERVICE_H_
#define KGD_SERVER_PROVENANCE_SERVICE_H_

#include "kg/v1/kg.grpc.pb.h"
#include "server/options.h"
#include "server/rpc.h"
#include "storage/store.h"

namespace kg::server {

// ListDisputes aggregates over many statements and runs on the worker pool;
// the others read what their answer holds, on gRPC's callback thread.
class ProvenanceService final : public RawService<v1::ProvenanceService::Service> {
 public:
  // `store` and `path` must outlive the service.
  ProvenanceService(Store& store, const CallPath& path);

 private:
  absl::Status OnExplain(CallScope& call, const v1::ExplainRequest& request,
                         v1::ExplainResponse& response);
  absl::Status OnListClaims(CallScope& call, const v1::ListClaimsRequest& request,
                            v1::StatementsPage& response);
  absl::Status OnListDisputes(CallScope& call, const v1::ListDisputesRequest& request,
                              v1::ListDisputesResponse& response);
  absl::Status OnHistory(CallScope& call, const v1::HistoryRequest& request,
                         v1::HistoryResponse& response);

  Store& store_;
  const ServerLimits& limits_;
};

}  // namespace kg::server

#endif  // KGD_SERVER_PROVENANCE_SERVICE_H_
