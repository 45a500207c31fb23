#include "server/ingest_service.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
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
  KG_RETURN_IF_ERROR(CheckWriteSize(0, request.entities(), request.statements(), limits_));
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
        KG_RETURN_IF_ERROR(CheckWriteSize(1, request->entities(), request->statements(), limits_));
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

// Reads one message at a time and applies it as its own batch; a bad
// message fails the call with the committed counts in the status details.
class IngestService::BulkIngestReactor final : public grpc::ServerReadReactor<v1::AssertRequest> {
 public:
  BulkIngestReactor(IngestService& service, grpc::CallbackServerContext* context,
                    v1::BulkIngestResponse* response)
      : service_(service), context_(context), response_(response) {
    absl::StatusOr<std::unique_ptr<CallScope>> scope =
        service_.gate_.Admit(*context_, "kg.v1.IngestService/BulkIngest", nullptr);
    if (!scope.ok()) {
      FinishOnce(ToGrpcStatus(scope.status()));
      return;
    }
    absl::MutexLock lock(&mu_);  // the watchdog may fire as soon as it is watching
    scope_ = *std::move(scope);
    write_context_ = scope_->caller().write_context();
    activity_ = service_.gate_.WatchStream([this] {
      End(absl::DeadlineExceededError(
          "stream_idle_timeout: no message arrived in time; the stream is ended (messages "
          "before stay applied)"));
    });
    StartRead(&message_);
  }

  void OnReadDone(bool ok) override {
    // Under the lock: the idle watchdog may end the call from its thread.
    absl::MutexLock lock(&mu_);
    if (finished_) return;
    if (!ok) {  // the client finished sending, or the call is gone
      EndLocked(context_->IsCancelled() ? absl::CancelledError("bulk ingest cancelled")
                                        : absl::OkStatus());
      return;
    }
    activity_->Touch();
    scope_->AddRequest(message_);
    absl::StatusOr<WriteResult> result = service_.ApplyAssert(message_, write_context_);
    if (!result.ok()) {
      response_->set_failed_index(index_);
      absl::Status failed(result.status().code(),
                          absl::StrCat("messages[", index_, "].", result.status().message()));
      AddStatusDetail(*response_, &failed);
      EndLocked(failed);
      return;
    }
    AddToBulkResponse(*result, response_);
    ++index_;
    StartRead(&message_);
  }

  void OnDone() override {
    if (activity_ != nullptr) activity_->Detach();
    delete this;
  }

 private:
  void End(const absl::Status& outcome) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    if (!finished_) EndLocked(outcome);
  }

  // Completes the admitted call (audit, limits) and finishes the stream.
  void EndLocked(const absl::Status& outcome) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    finished_ = true;
    Finish(service_.gate_.Complete(std::move(scope_), outcome, *context_));
  }

  void FinishOnce(grpc::Status status) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    finished_ = true;
    Finish(std::move(status));
  }

  IngestService& service_;
  grpc::CallbackServerContext* const context_;
  v1::BulkIngestResponse* const response_;
  std::unique_ptr<CallScope> scope_;
  WriteContext write_context_;
  std::shared_ptr<StreamActivity> activity_;
  v1::AssertRequest message_;
  int64_t index_ = 0;
  absl::Mutex mu_;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
};

grpc::ServerReadReactor<v1::AssertRequest>* IngestService::BulkIngest(
    grpc::CallbackServerContext* context, v1::BulkIngestResponse* response) {
  return new BulkIngestReactor(*this, context, response);
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
