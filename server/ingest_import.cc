// IngestService.Import: a client stream of ImportChunks parsed as they
// arrive (interop/), each batch applied on a worker like a BulkIngest
// message.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "interop/interop.h"
#include "server/convert.h"
#include "server/ingest_service.h"
#include "server/status.h"
#include "server/wire.h"
#include "storage/status_macros.h"

namespace kg::server {
namespace {

constexpr int32_t kDefaultBatchRecords = 1000;

absl::StatusOr<interop::ImportOptions> ImportOptionsFromProto(const v1::ImportOptions& in,
                                                              const ServerLimits& limits) {
  interop::ImportOptions out;
  absl::StatusOr<interop::Format> format = interop::FormatNamed(in.format());
  if (!format.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("chunks[0].options.", format.status().message()));
  }
  out.format = *format;
  if (!in.base_iri().empty()) out.base_iri = in.base_iri();
  out.document = in.document();
  if (!in.source().empty()) out.source = in.source();
  out.skip_unmapped = in.skip_unmapped();
  out.batch_records = in.batch_records() == 0
                          ? std::min(kDefaultBatchRecords, limits.max_batch_records)
                          : in.batch_records();
  if (out.batch_records < 0) {
    return absl::InvalidArgumentError("chunks[0].options.batch_records: must be >= 0");
  }
  if (out.batch_records > limits.max_batch_records) {
    return absl::ResourceExhaustedError(
        absl::StrCat("chunks[0].options.batch_records: ", out.batch_records, " exceeds the limit ",
                     limits.max_batch_records, " per request"));
  }
  for (const auto& [field, value] :
       {std::pair{"base_iri", &out.base_iri}, std::pair{"document", &out.document},
        std::pair{"source", &out.source}}) {
    if (value->size() > 1024) {
      return absl::InvalidArgumentError(
          absl::StrCat("chunks[0].options.", field, ": at most 1024 bytes"));
    }
  }
  return out;
}

}  // namespace

// Reads one chunk at a time; parses it, then applies the batches it
// completed on a worker before reading the next, so that a client sending
// faster than kgd writes is slowed by flow control, not buffered.
class IngestService::ImportReactor final : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  ImportReactor(IngestService& service, grpc::CallbackServerContext* context,
                grpc::ByteBuffer* response)
      : service_(service), context_(context), response_bytes_(response) {
    absl::StatusOr<std::unique_ptr<CallScope>> scope =
        gate().Admit(*context_, "kg.v1.IngestService/Import", std::nullopt);
    absl::MutexLock lock(&mu_);  // the watchdog may fire as soon as it is watching
    if (!scope.ok()) {
      finished_ = true;
      Finish(ToGrpcStatus(scope.status()));
      return;
    }
    scope_ = *std::move(scope);
    write_context_ = scope_->caller().write_context();
    activity_ = gate().WatchStream([this] {
      return End(absl::DeadlineExceededError(
          "stream_idle_timeout: no chunk arrived in time; the import is ended (batches "
          "before stay committed)"));
    });
    StartRead(&buffer_);
  }

  void OnReadDone(bool ok) override {
    absl::MutexLock lock(&mu_);
    if (finished_) return;
    activity_->Touch();
    if (!ok) {
      if (context_->IsCancelled()) {
        EndLocked(absl::CancelledError("import cancelled"));
      } else if (importer_ == nullptr) {
        EndLocked(
            absl::InvalidArgumentError("chunks: the stream is empty; the first chunk "
                                       "carries the options"));
      } else {
        Submit(/*last=*/true);
      }
      return;
    }
    const grpc::Slice bytes = SingleSlice(buffer_);
    scope_->AddRequest(BytesOf(bytes));
    v1::ImportChunk chunk;
    if (absl::Status parsed =
            ParseMessage(BytesOf(bytes), absl::StrCat("chunks[", chunks_, "]"), chunk);
        !parsed.ok()) {
      FailLocked(parsed);
      return;
    }
    if (chunks_++ == 0) {
      absl::StatusOr<interop::ImportOptions> options =
          ImportOptionsFromProto(chunk.options(), service_.limits_);
      if (!options.ok()) {
        FailLocked(options.status());
        return;
      }
      absl::StatusOr<std::unique_ptr<interop::Importer>> importer =
          interop::Importer::New(*options, service_.store_.schema());
      if (!importer.ok()) {
        FailLocked(importer.status());
        return;
      }
      importer_ = *std::move(importer);
    }
    response_.set_bytes_read(response_.bytes_read() + static_cast<int64_t>(chunk.data().size()));
    data_ = std::move(*chunk.mutable_data());
    Submit(/*last=*/false);
  }

  void OnDone() override {
    if (activity_ != nullptr) activity_->Detach();
    delete this;
  }

 private:
  CallGate& gate() { return service_.path().gate; }

  void Submit(bool last) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    working_ = true;
    if (!service_.path().workers.TrySubmit([this, last] { Work(last); })) {
      working_ = false;
      FailLocked(absl::ResourceExhaustedError(
          "max_queued_calls: too many calls are waiting for a worker; import the rest shortly"));
    }
  }

  // On a worker: parse what arrived, apply the batches it completed. No read
  // is outstanding meanwhile, so importer_ and data_ are ours.
  void Work(bool last) ABSL_LOCKS_EXCLUDED(mu_) {
    std::vector<v1::AssertRequest> batches;
    absl::Status parsed = last ? importer_->Finish(&batches) : importer_->Feed(data_, &batches);
    data_.clear();
    absl::Status applied = absl::OkStatus();
    for (const v1::AssertRequest& batch : batches) {
      absl::StatusOr<WriteResult> result = service_.ApplyAssert(batch, write_context_);
      if (!result.ok()) {
        applied = absl::Status(
            result.status().code(),
            absl::StrCat("batch ", response_.counts().messages_applied(), " (input up to line ",
                         importer_->lines(), "): ", result.status().message()));
        break;
      }
      AddToBulkResponse(*result, response_.mutable_counts());
    }
    absl::MutexLock lock(&mu_);
    working_ = false;
    activity_->Touch();
    response_.set_lines_read(importer_->lines());
    response_.set_skipped_unmapped(importer_->skipped());
    if (!applied.ok()) {
      FailLocked(applied);
    } else if (!parsed.ok()) {
      FailLocked(absl::Status(
          parsed.code(),
          absl::StrCat(parsed.message(), " (batch ", response_.counts().messages_applied(), ")")));
    } else if (last) {
      EndLocked(absl::OkStatus());
    } else {
      StartRead(&buffer_);
    }
  }

  // The watchdog's way out: false while a chunk is being worked on.
  bool End(const absl::Status& outcome) ABSL_LOCKS_EXCLUDED(mu_) {
    absl::MutexLock lock(&mu_);
    if (working_) return false;
    if (!finished_) EndLocked(outcome);
    return true;
  }

  // Ends the call at the batch that failed, the counts so far in the details.
  void FailLocked(absl::Status failed) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    response_.mutable_counts()->set_failed_index(response_.counts().messages_applied());
    AddStatusDetail(response_, &failed);
    EndLocked(failed);
  }

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
  std::unique_ptr<interop::Importer> importer_;
  std::string data_;
  int64_t chunks_ = 0;
  v1::ImportResponse response_;
  absl::Mutex mu_;
  bool finished_ ABSL_GUARDED_BY(mu_) = false;
  bool working_ ABSL_GUARDED_BY(mu_) = false;
};

grpc::ServerReadReactor<grpc::ByteBuffer>* IngestService::StartImport(
    grpc::CallbackServerContext* context, grpc::ByteBuffer* response) {
  return new ImportReactor(*this, context, response);
}

}  // namespace kg::server
