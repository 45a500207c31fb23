// kg.v1.IngestService: every write of the API, each one atomic Store call.

#ifndef KGD_SERVER_INGEST_SERVICE_H_
#define KGD_SERVER_INGEST_SERVICE_H_

#include "kg/v1/kg.grpc.pb.h"
#include "server/options.h"
#include "server/rpc.h"
#include "storage/store.h"

namespace kg::server {

// Every write runs on the worker pool (a synced write waits for the disk);
// BulkIngest reads its messages as a reactor, so an idle or slow stream
// holds no thread.
class IngestService final : public RawService<v1::IngestService::Service> {
 public:
  // `store` and `path` must outlive the service.
  IngestService(Store& store, const CallPath& path);

 private:
  class BulkIngestReactor;
  class ImportReactor;

  // Import's reactor (server/ingest_import.cc).
  grpc::ServerReadReactor<grpc::ByteBuffer>* StartImport(grpc::CallbackServerContext* context,
                                                         grpc::ByteBuffer* response);

  absl::Status OnUpsertEntities(CallScope& call, const v1::UpsertEntitiesRequest& request,
                                v1::WriteResponse& response);
  absl::Status OnAssert(CallScope& call, const v1::AssertRequest& request,
                        v1::WriteResponse& response);
  absl::Status OnIngestDocument(CallScope& call, const v1::IngestDocumentRequest& request,
                                v1::WriteResponse& response);
  absl::Status OnRetract(CallScope& call, const v1::RetractRequest& request,
                         v1::RetractResponse& response);
  absl::Status OnMerge(CallScope& call, const v1::MergeRequest& request,
                       v1::MergeResponse& response);
  absl::Status OnSplit(CallScope& call, const v1::SplitRequest& request,
                       v1::MergeResponse& response);
  absl::Status OnPurge(CallScope& call, const v1::PurgeRequest& request,
                       v1::PurgeResponse& response);

  // Validates, converts and applies one AssertRequest.
  absl::StatusOr<WriteResult> ApplyAssert(const v1::AssertRequest& request,
                                          const WriteContext& context);
  // ApplyAssert for one message of a stream: its counts added to `counts`,
  // its error prefixed with `where` ("messages[3].", "batch 2 (...): ").
  absl::Status ApplyCounted(const v1::AssertRequest& request, const WriteContext& context,
                            absl::string_view where, v1::BulkIngestResponse* counts);

  Store& store_;
  const ServerLimits& limits_;
};

}  // namespace kg::server

#endif  // KGD_SERVER_INGEST_SERVICE_H_
