#include "server/ingest_service.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/call.h"
#include "server/convert.h"
#include "server/status.h"
#include "storage/status_macros.h"

namespace kg::server {
namespace {

absl::Status Required(bool present, absl::string_view field) {
  return present ? absl::OkStatus()
                 : absl::InvalidArgumentError(absl::StrCat(field, ": is required"));
}

}  // namespace

absl::StatusOr<WriteResult> IngestService::ApplyAssert(const v1::AssertRequest& request,
                                                       const WriteContext& context) {
  KG_RETURN_IF_ERROR(
      CheckBatchSize(static_cast<int64_t>(request.entities_size()) + request.statements_size(),
                     "entities + statements", limits_));
  KG_ASSIGN_OR_RETURN(WriteBatch batch,
                      WriteBatchFromProto(request.entities(), request.statements()));
  return store_.Apply(batch, context);
}

grpc::Status IngestService::UpsertEntities(grpc::ServerContext* context,
                                           const v1::UpsertEntitiesRequest* request,
                                           v1::WriteResponse* response) {
  return gate_.Run(
      *context, "kg.v1.IngestService/UpsertEntities", request,
      [&](CallScope& call) -> absl::Status {
        KG_RETURN_IF_ERROR(CheckBatchSize(request->entities_size(), "entities", limits_));
        KG_ASSIGN_OR_RETURN(WriteBatch batch, WriteBatchFromProto(request->entities(), {}));
        KG_ASSIGN_OR_RETURN(WriteResult result, store_.Apply(batch, call.caller().write_context()));
        WriteResultToProto(result, response);
        return absl::OkStatus();
      });
}

grpc::Status IngestService::Assert(grpc::ServerContext* context, const v1::AssertRequest* request,
                                   v1::WriteResponse* response) {
  return gate_.Run(*context, "kg.v1.IngestService/Assert", request,
                   [&](CallScope& call) -> absl::Status {
                     KG_ASSIGN_OR_RETURN(WriteResult result,
                                         ApplyAssert(*request, call.caller().write_context()));
                     WriteResultToProto(result, response);
                     return absl::OkStatus();
                   });
}

grpc::Status IngestService::IngestDocument(grpc::ServerContext* context,
                                           const v1::IngestDocumentRequest* request,
                                           v1::WriteResponse* response) {
  return gate_.Run(
      *context, "kg.v1.IngestService/IngestDocument", request,
      [&](CallScope& call) -> absl::Status {
        KG_RETURN_IF_ERROR(CheckBatchSize(
            1 + static_cast<int64_t>(request->entities_size()) + request->statements_size(),
            "document + entities + statements", limits_));
        KG_RETURN_IF_ERROR(Required(request->has_document(), "document"));
        KG_ASSIGN_OR_RETURN(Entity document, EntityFromProto(request->document(), "document"));
        KG_ASSIGN_OR_RETURN(WriteBatch batch,
                            WriteBatchFromProto(request->entities(), request->statements()));
        batch.document = std::move(document);
        KG_ASSIGN_OR_RETURN(WriteResult result, store_.Apply(batch, call.caller().write_context()));
        WriteResultToProto(result, response);
        return absl::OkStatus();
      });
}

grpc::Status IngestService::BulkIngest(grpc::ServerContext* context,
                                       grpc::ServerReader<v1::AssertRequest>* reader,
                                       v1::BulkIngestResponse* response) {
  return gate_.Run(
      *context, "kg.v1.IngestService/BulkIngest", nullptr, [&](CallScope& call) -> absl::Status {
        const WriteContext write_context = call.caller().write_context();
        v1::AssertRequest message;
        // Bounded by the client's stream; each message is bounded by the batch
        // limit and the receive message size.
        for (int64_t index = 0; reader->Read(&message); ++index) {
          if (context->IsCancelled()) return absl::CancelledError("bulk ingest cancelled");
          call.AddRequest(message);
          absl::StatusOr<WriteResult> result = ApplyAssert(message, write_context);
          if (!result.ok()) {
            // The call fails with this message's status; what came before it
            // stays committed and is reported in the status details.
            response->set_failed_index(index);
            absl::Status failed(result.status().code(),
                                absl::StrCat("messages[", index, "].", result.status().message()));
            AddStatusDetail(*response, &failed);
            return failed;
          }
          AddToBulkResponse(*result, response);
        }
        return absl::OkStatus();
      });
}

grpc::Status IngestService::Retract(grpc::ServerContext* context, const v1::RetractRequest* request,
                                    v1::RetractResponse* response) {
  return gate_.Run(
      *context, "kg.v1.IngestService/Retract", request, [&](CallScope& call) -> absl::Status {
        KG_RETURN_IF_ERROR(Required(request->statement_id() != 0, "statement_id"));
        KG_RETURN_IF_ERROR(Required(!request->reason().empty(), "reason"));
        KG_ASSIGN_OR_RETURN(TxTime at,
                            store_.Retract(request->statement_id(), request->evidence_id(),
                                           request->reason(), call.caller().write_context()));
        response->set_retracted_at(at);
        return absl::OkStatus();
      });
}

grpc::Status IngestService::Merge(grpc::ServerContext* context, const v1::MergeRequest* request,
                                  v1::MergeResponse* response) {
  return gate_.Run(*context, "kg.v1.IngestService/Merge", request,
                   [&](CallScope& call) -> absl::Status {
                     KG_RETURN_IF_ERROR(Required(!request->from().empty(), "from"));
                     KG_RETURN_IF_ERROR(Required(!request->into().empty(), "into"));
                     KG_ASSIGN_OR_RETURN(TxTime at, store_.Merge(request->from(), request->into(),
                                                                 call.caller().write_context()));
                     response->set_committed_at(at);
                     return absl::OkStatus();
                   });
}

grpc::Status IngestService::Split(grpc::ServerContext* context, const v1::SplitRequest* request,
                                  v1::MergeResponse* response) {
  return gate_.Run(*context, "kg.v1.IngestService/Split", request,
                   [&](CallScope& call) -> absl::Status {
                     KG_RETURN_IF_ERROR(Required(!request->entity().empty(), "entity"));
                     KG_ASSIGN_OR_RETURN(
                         TxTime at, store_.Split(request->entity(), call.caller().write_context()));
                     response->set_committed_at(at);
                     return absl::OkStatus();
                   });
}

grpc::Status IngestService::Purge(grpc::ServerContext* context, const v1::PurgeRequest* request,
                                  v1::PurgeResponse* response) {
  return gate_.Run(
      *context, "kg.v1.IngestService/Purge", request, [&](CallScope& call) -> absl::Status {
        KG_ASSIGN_OR_RETURN(PurgeTarget target, PurgeTargetFromProto(*request));
        KG_ASSIGN_OR_RETURN(PurgeResult result,
                            store_.Purge(target, request->reason(), call.caller().write_context()));
        response->set_purged_at(result.purged_at);
        response->set_evidence_purged(result.evidence_purged);
        response->set_statements_removed(result.statements_removed);
        return absl::OkStatus();
      });
}

}  // namespace kg::server
