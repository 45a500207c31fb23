#include "server/ingest_service.h"

#include <memory>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "server/call.h"
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

absl::StatusOr<WriteResult> IngestService::ApplyAssert(const v1::AssertRequest& request,
                                                       const WriteContext& context) {
  KG_RETURN_IF_ERROR(
      CheckBatchSize(static_cast<int64_t>(request.entities_size()) + request.statements_size(),
                     "entities + statements", limits_));
  KG_ASSIGN_OR_RETURN(WriteBatch batch,
                      WriteBatchFromProto(request.entities(), request.statements()));
  return store_.Apply(batch, context);
}

absl::Status IngestService::UpsertEntities(CallScope& call,
                                           const v1::UpsertEntitiesRequest& request,
                                           v1::WriteResponse& response) {
  KG_RETURN_IF_ERROR(CheckBatchSize(request.entities_size(), "entities", limits_));
  KG_ASSIGN_OR_RETURN(WriteBatch batch, WriteBatchFromProto(request.entities(), {}));
  KG_ASSIGN_OR_RETURN(WriteResult result, store_.Apply(batch, call.caller().write_context()));
  WriteResultToProto(result, &response);
  return absl::OkStatus();
}

absl::Status IngestService::Assert(CallScope& call, const v1::AssertRequest& request,
                                   v1::WriteResponse& response) {
  KG_ASSIGN_OR_RETURN(WriteResult result, ApplyAssert(request, call.caller().write_context()));
  WriteResultToProto(result, &response);
  return absl::OkStatus();
}

absl::Status IngestService::IngestDocument(CallScope& call,
                                           const v1::IngestDocumentRequest& request,
                                           v1::WriteResponse& response) {
  KG_RETURN_IF_ERROR(
      CheckBatchSize(1 + static_cast<int64_t>(request.entities_size()) + request.statements_size(),
                     "document + entities + statements", limits_));
  KG_RETURN_IF_ERROR(Required(request.has_document(), "document"));
  KG_ASSIGN_OR_RETURN(Entity document, EntityFromProto(request.document(), "document"));
  KG_ASSIGN_OR_RETURN(WriteBatch batch,
                      WriteBatchFromProto(request.entities(), request.statements()));
  batch.document = std::move(document);
  KG_ASSIGN_OR_RETURN(WriteResult result, store_.Apply(batch, call.caller().write_context()));
  WriteResultToProto(result, &response);
  return absl::OkStatus();
}

// Reads one message at a time and applies it, on a worker, as its own batch;
// a bad message fails the call with the committed counts in the status
// details.
class IngestService::BulkIngestReactor final : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  BulkIngestReactor(IngestService& service, grpc::CallbackServerContext* context,
                    grpc::ByteBuffer* response)
      : service_(service), context_(context), response_bytes_(response) {
    absl::StatusOr<std::unique_ptr<CallScope>> scope =
        gate().Admit(*context_, "kg.v1.IngestService/BulkIngest", std::nullopt);
    if (!scope.ok()) {
      absl::MutexLock lock(&mu_);
      finished_ = true;
      Finish(ToGrpcStatus(scope.status()));
      return;
    }
    absl::MutexLock lock(&mu_);  // the watchdog may fire as soon as it is watching
    scope_ = *std::move(scope);
    write_context_ = scope_->caller().write_context();
    activity_ = gate().WatchStream([this] {
      return End(absl::DeadlineExceededError(
          "stream_idle_timeout: no message arrived in time; the stream is ended (messages "
          "before stay applied)"));
    });
    StartRead(&buffer_);
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
    const grpc::Slice bytes = SingleSlice(buffer_);
    scope_->AddRequest(BytesOf(bytes));
    if (absl::Status parsed =
            ParseMessage(BytesOf(bytes), absl::StrCat("messages[", index_, "]"), message_);
        !parsed.ok()) {
      FailLocked(parsed);
      return;
    }
    applying_ = true;
    if (!service_.path().workers.TrySubmit([this] { Apply(); })) {
      applying_ = false;
      FailLocked(absl::ResourceExhaustedError(
          absl::StrCat("messages[", index_,
                       "]: max_queued_calls: too many calls are waiting for a worker; "
                       "resend from this message shortly")));
    }
  }

  void OnDone() override {
    if (activity_ != nullptr) activity_->Detach();
    delete this;
  }

 private:
  CallGate& gate() { return service_.path().gate; }

  // On a worker. No read is outstanding meanwhile, so message_ is ours.
  void Apply() ABSL_LOCKS_EXCLUDED(mu_) {
    absl::StatusOr<WriteResult> result = service_.ApplyAssert(message_, write_context_);
    absl::MutexLock lock(&mu_);
    applying_ = false;
    activity_->Touch();
    if (!result.ok()) {
      FailLocked(absl::Status(result.status().code(),
                              absl::StrCat("messages[", index_, "].", result.status().message())));
      return;
    }
    AddToBulkResponse(*result, &response_);
    ++index_;
    StartRead(&buffer_);
  }

  // The watchdog's way out: false while a message is being applied (that is
  // progress), true once the stream is ended.
  bool End(const absl::Status& outcome) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    if (applying_) return false;
    if (!finished_) EndLocked(outcome);
    return true;
  }

  // Ends the call at message index_, the counts so far in the details.
  void FailLocked(absl::Status failed) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    response_.set_failed_index(index_);
    AddStatusDetail(response_, &failed);
    EndLocked(failed);
  }

  // Completes the admitted call (audit, limits) and finishes the stream.
  void EndLocked(absl::Status outcome) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    finished_ = true;
    if (outcome.ok()) {
      outcome = SerializeMessage(response_, service_.limits_.max_message_bytes, *response_bytes_);
    }
    Finish(gate().Complete(std::move(scope_), outcome, *context_));
  }

  IngestService& service_;
  grpc::CallbackServerContext* const context_;
  grpc::ByteBuffer* const response_bytes_;
  std::unique_ptr<CallScope> scope_;
  WriteContext write_context_;
  std::shared_ptr<StreamActivity> activity_;
  grpc::ByteBuffer buffer_;
  v1::AssertRequest message_;
  v1::BulkIngestResponse response_;
  int64_t index_ = 0;
  absl::Mutex mu_;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool applying_ ABSL_GUARDED_BY(mu_) = false;
};

IngestService::IngestService(Store& store, const CallPath& path)
    : RawService("kg.v1.IngestService", path), store_(store), limits_(path.limits) {
  ServeUnary("UpsertEntities", RunOn::kWorker, &IngestService::UpsertEntities);
  ServeUnary("Assert", RunOn::kWorker, &IngestService::Assert);
  ServeUnary("IngestDocument", RunOn::kWorker, &IngestService::IngestDocument);
  ServeClientStream<v1::AssertRequest, v1::BulkIngestResponse>(
      "BulkIngest", [this](grpc::CallbackServerContext* context, grpc::ByteBuffer* response) {
        return new BulkIngestReactor(*this, context, response);
      });
  ServeUnary("Retract", RunOn::kWorker, &IngestService::Retract);
  ServeUnary("Merge", RunOn::kWorker, &IngestService::Merge);
  ServeUnary("Split", RunOn::kWorker, &IngestService::Split);
  ServeUnary("Purge", RunOn::kWorker, &IngestService::Purge);
  ServeClientStream<v1::ImportChunk, v1::ImportResponse>(
      "Import", [this](grpc::CallbackServerContext* context, grpc::ByteBuffer* response) {
        return StartImport(context, response);
      });
}

absl::Status IngestService::Retract(CallScope& call, const v1::RetractRequest& request,
                                    v1::RetractResponse& response) {
  KG_RETURN_IF_ERROR(Required(request.statement_id() != 0, "statement_id"));
  KG_RETURN_IF_ERROR(Required(!request.reason().empty(), "reason"));
  KG_ASSIGN_OR_RETURN(TxTime at, store_.Retract(request.statement_id(), request.evidence_id(),
                                                request.reason(), call.caller().write_context()));
  response.set_retracted_at(at);
  return absl::OkStatus();
}

absl::Status IngestService::Merge(CallScope& call, const v1::MergeRequest& request,
                                  v1::MergeResponse& response) {
  KG_RETURN_IF_ERROR(Required(!request.from().empty(), "from"));
  KG_RETURN_IF_ERROR(Required(!request.into().empty(), "into"));
  KG_ASSIGN_OR_RETURN(TxTime at,
                      store_.Merge(request.from(), request.into(), call.caller().write_context()));
  response.set_committed_at(at);
  return absl::OkStatus();
}

absl::Status IngestService::Split(CallScope& call, const v1::SplitRequest& request,
                                  v1::MergeResponse& response) {
  KG_RETURN_IF_ERROR(Required(!request.entity().empty(), "entity"));
  KG_ASSIGN_OR_RETURN(TxTime at, store_.Split(request.entity(), call.caller().write_context()));
  response.set_committed_at(at);
  return absl::OkStatus();
}

absl::Status IngestService::Purge(CallScope& call, const v1::PurgeRequest& request,
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
