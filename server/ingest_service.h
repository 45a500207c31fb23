// kg.v1.IngestService: every write of the API, each one atomic Store call.

#ifndef KGD_SERVER_INGEST_SERVICE_H_
#define KGD_SERVER_INGEST_SERVICE_H_

#include "kg/v1/kg.grpc.pb.h"
#include "server/gate.h"
#include "server/options.h"
#include "storage/store.h"

namespace kg::server {

// BulkIngest is served by a reactor (an idle or slow stream holds no
// thread); the other rpcs are unary.
class IngestService final
    : public v1::IngestService::WithCallbackMethod_BulkIngest<v1::IngestService::Service> {
 public:
  // `store` and `gate` must outlive the service.
  IngestService(Store& store, CallGate& gate, const ServerLimits& limits)
      : store_(store), gate_(gate), limits_(limits) {}

  grpc::Status UpsertEntities(grpc::ServerContext* context,
                              const v1::UpsertEntitiesRequest* request,
                              v1::WriteResponse* response) override;
  grpc::Status Assert(grpc::ServerContext* context, const v1::AssertRequest* request,
                      v1::WriteResponse* response) override;
  grpc::Status IngestDocument(grpc::ServerContext* context,
                              const v1::IngestDocumentRequest* request,
                              v1::WriteResponse* response) override;
  grpc::ServerReadReactor<v1::AssertRequest>* BulkIngest(grpc::CallbackServerContext* context,
                                                         v1::BulkIngestResponse* response) override;
  grpc::Status Retract(grpc::ServerContext* context, const v1::RetractRequest* request,
                       v1::RetractResponse* response) override;
  grpc::Status Merge(grpc::ServerContext* context, const v1::MergeRequest* request,
                     v1::MergeResponse* response) override;
  grpc::Status Split(grpc::ServerContext* context, const v1::SplitRequest* request,
                     v1::MergeResponse* response) override;
  grpc::Status Purge(grpc::ServerContext* context, const v1::PurgeRequest* request,
                     v1::PurgeResponse* response) override;

 private:
  // Validates, converts and applies one AssertRequest.
  absl::StatusOr<WriteResult> ApplyAssert(const v1::AssertRequest& request,
                                          const WriteContext& context);

  class BulkIngestReactor;

  Store& store_;
  CallGate& gate_;
  const ServerLimits limits_;
};

}  // namespace kg::server

#endif  // KGD_SERVER_INGEST_SERVICE_H_
