#include "server/ingest_service.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "server/call.h"
#include "server/client_stream.h"
#include "server/convert.h"
#include "server/status.h"
#include "server/wire.h"
#include "storage/status_macros.h"

namespace kg::server {
namespace {

absl::Status Required(bool present, absl::string_view field) {
  return present ? absl::OkStatus()
                 : absl::InvalidArgumentError(absl::StrCat(field, ": is required"));
}

}  // namespace

absl::Status IngestService::ApplyCounted(const v1::AssertRequest& request,
                                         const WriteContext& context, absl::string_view where,
                                         v1::BulkIngestResponse* counts) {
  absl::StatusOr<WriteResult> result = ApplyAssert(request, context);
  if (!result.ok()) {
    return absl::Status(result.status().code(), absl::StrCat(where, result.status().message()));
  }
  AddToBulkResponse(*result, counts);
  return absl::OkStatus();
}

absl::StatusOr<WriteResult> IngestService::ApplyAssert(const v1::AssertRequest& request,
                                                       const WriteContext& context) {
  KG_RETURN_IF_ERROR(CheckWriteSize(0, request.entities(), request.statements(), limits_));
  KG_ASSIGN_OR_RETURN(WriteBatch batch,
                      WriteBatchFromProto(request.entities(), request.statements()));
  return store_.Apply(batch, context);
}

absl::Status IngestService::OnUpsertEntities(CallScope& call,
                                             const v1::UpsertEntitiesRequest& request,
                                             v1::WriteResponse& response) {
  KG_RETURN_IF_ERROR(CheckBatchSize(request.entities_size(), "entities", limits_));
  KG_ASSIGN_OR_RETURN(WriteBatch batch, WriteBatchFromProto(request.entities(), {}));
  KG_ASSIGN_OR_RETURN(WriteResult result, store_.Apply(batch, call.caller().write_context()));
  WriteResultToProto(result, &response);
  return absl::OkStatus();
}

absl::Status IngestService::OnAssert(CallScope& call, const v1::AssertRequest& request,
                                     v1::WriteResponse& response) {
  KG_ASSIGN_OR_RETURN(WriteResult result, ApplyAssert(request, call.caller().write_context()));
  WriteResultToProto(result, &response);
  return absl::OkStatus();
}

absl::Status IngestService::OnIngestDocument(CallScope& call,
                                             const v1::IngestDocumentRequest& request,
                                             v1::WriteResponse& response) {
  KG_RETURN_IF_ERROR(CheckWriteSize(1, request.entities(), request.statements(), limits_));
  KG_RETURN_IF_ERROR(Required(request.has_document(), "document"));
  KG_ASSIGN_OR_RETURN(Entity document, EntityFromProto(request.document(), "document"));
  KG_ASSIGN_OR_RETURN(WriteBatch batch,
                      WriteBatchFromProto(request.entities(), request.statements()));
  batch.document = std::move(document);
  KG_ASSIGN_OR_RETURN(WriteResult result, store_.Apply(batch, call.caller().write_context()));
  WriteResultToProto(result, &response);
  return absl::OkStatus();
}

// Applies each message, on a worker, as its own batch; a bad message fails
// the call with the committed counts in the status details.
class IngestService::BulkIngestReactor final : public ClientStreamReactor {
 public:
  BulkIngestReactor(IngestService& service, grpc::CallbackServerContext* context,
                    grpc::ByteBuffer* response)
      : ClientStreamReactor(service.path(), context, response, "kg.v1.IngestService/BulkIngest",
                            "messages"),
        service_(service) {}

 private:
  absl::Status OnMessage(absl::string_view bytes, int64_t index) override {
    v1::AssertRequest message;
    KG_RETURN_IF_ERROR(ParseMessage(bytes, absl::StrCat("messages[", index, "]"), message));
    return service_.ApplyCounted(message, call().caller().write_context(),
                                 absl::StrCat("messages[", index, "]."), &response_);
  }
  absl::Status OnEnd() override { return absl::OkStatus(); }
  google::protobuf::Message& response() override { return response_; }
  void SetFailedAt(int64_t index) override { response_.set_failed_index(index); }

  IngestService& service_;
  v1::BulkIngestResponse response_;
};

IngestService::IngestService(Store& store, const CallPath& path)
    : RawService("kg.v1.IngestService", path), store_(store), limits_(path.limits) {
  ServeUnary("UpsertEntities", RunOn::kWorker, &IngestService::OnUpsertEntities);
  ServeUnary("Assert", RunOn::kWorker, &IngestService::OnAssert);
  ServeUnary("IngestDocument", RunOn::kWorker, &IngestService::OnIngestDocument);
  ServeClientStream<v1::AssertRequest, v1::BulkIngestResponse>(
      "BulkIngest", [this](grpc::CallbackServerContext* context, grpc::ByteBuffer* response) {
        auto* reactor = new BulkIngestReactor(*this, context, response);
        reactor->Start();
        return reactor;
      });
  ServeUnary("Retract", RunOn::kWorker, &IngestService::OnRetract);
  ServeUnary("Merge", RunOn::kWorker, &IngestService::OnMerge);
  ServeUnary("Split", RunOn::kWorker, &IngestService::OnSplit);
  ServeUnary("Purge", RunOn::kWorker, &IngestService::OnPurge);
  ServeClientStream<v1::ImportChunk, v1::ImportResponse>(
      "Import", [this](grpc::CallbackServerContext* context, grpc::ByteBuffer* response) {
        return StartImport(context, response);
      });
}

absl::Status IngestService::OnRetract(CallScope& call, const v1::RetractRequest& request,
                                      v1::RetractResponse& response) {
  KG_RETURN_IF_ERROR(Required(request.statement_id() != 0, "statement_id"));
  KG_RETURN_IF_ERROR(Required(!request.reason().empty(), "reason"));
  KG_ASSIGN_OR_RETURN(TxTime at, store_.Retract(request.statement_id(), request.evidence_id(),
                                                request.reason(), call.caller().write_context()));
  response.set_retracted_at(at);
  return absl::OkStatus();
}

absl::Status IngestService::OnMerge(CallScope& call, const v1::MergeRequest& request,
                                    v1::MergeResponse& response) {
  KG_RETURN_IF_ERROR(Required(!request.from().empty(), "from"));
  KG_RETURN_IF_ERROR(Required(!request.into().empty(), "into"));
  KG_ASSIGN_OR_RETURN(TxTime at,
                      store_.Merge(request.from(), request.into(), call.caller().write_context()));
  response.set_committed_at(at);
  return absl::OkStatus();
}

absl::Status IngestService::OnSplit(CallScope& call, const v1::SplitRequest& request,
                                    v1::MergeResponse& response) {
  KG_RETURN_IF_ERROR(Required(!request.entity().empty(), "entity"));
  KG_ASSIGN_OR_RETURN(TxTime at, store_.Split(request.entity(), call.caller().write_context()));
  response.set_committed_at(at);
  return absl::OkStatus();
}

absl::Status IngestService::OnPurge(CallScope& call, const v1::PurgeRequest& request,
                                    v1::PurgeResponse& response) {
  KG_ASSIGN_OR_RETURN(PurgeTarget target, PurgeTargetFromProto(request));
  KG_ASSIGN_OR_RETURN(PurgeResult result,
                      store_.Purge(target, request.reason(), call.caller().write_context()));
  response.set_purged_at(result.purged_at);
  response.set_evidence_purged(result.evidence_purged);
  response.set_statements_removed(result.statements_removed);
  return absl::OkStatus();
}

}  // namespace kg::server
