// IngestService.Import: a client stream of ImportChunks parsed as they
// arrive (interop/), each batch applied on a worker like a BulkIngest
// message.

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "interop/interop.h"
#include "server/client_stream.h"
#include "server/convert.h"
#include "server/ingest_service.h"
#include "server/status.h"
#include "server/wire.h"
#include "storage/status_macros.h"

namespace kg::server {
namespace {

constexpr int32_t kDefaultBatchRecords = 1000;
constexpr int32_t kPageSize = 1000;

// The graph an import reads (csv evidence_of, sync): the live store through
// a fresh view per read, so it sees the batches applied so far.
class StoreGraph final : public interop::GraphReader {
 public:
  explicit StoreGraph(const Store& store) : store_(store) {}

  absl::StatusOr<std::vector<v1::Statement>> StatementsAbout(absl::string_view subject,
                                                             int32_t limit) override {
    Pattern pattern;
    pattern.subject = std::string(subject);
    absl::StatusOr<Page<Statement>> page = store_.NewView()->Match(pattern, Filter{}, limit, "");
    if (absl::IsNotFound(page.status())) return std::vector<v1::Statement>();
    KG_RETURN_IF_ERROR(page.status());
    std::vector<v1::Statement> out(page->items.size());
    for (size_t i = 0; i < out.size(); ++i) StatementToProto(page->items[i], true, &out[i]);
    return out;
  }

  absl::StatusOr<std::vector<std::string>> SubjectsOf(absl::string_view predicate,
                                                      absl::string_view object,
                                                      int64_t limit) override {
    Pattern pattern;
    pattern.predicate = std::string(predicate);
    pattern.object = Value::Entity(std::string(object));
    std::unique_ptr<View> view = store_.NewView();
    std::vector<std::string> out;
    std::string token;
    do {
      absl::StatusOr<Page<Statement>> page = view->Match(pattern, Filter{}, kPageSize, token);
      if (absl::IsNotFound(page.status())) return out;
      KG_RETURN_IF_ERROR(page.status());
      for (const Statement& s : page->items) out.push_back(s.subject);
      if (static_cast<int64_t>(out.size()) > limit) {
        return absl::ResourceExhaustedError(
            absl::StrCat("more than ", limit, " entities are ", predicate, " ", object));
      }
      token = std::move(page->next_page_token);
    } while (!token.empty());
    return out;
  }

 private:
  const Store& store_;
};

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
  out.sync = in.sync();
  if (in.mapping().size() > (1 << 20)) {
    return absl::InvalidArgumentError("chunks[0].options.mapping: at most 1 MiB");
  }
  out.mapping = in.mapping();
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

// Parses each chunk as it arrives and applies the batches it completes, on
// a worker, before the next chunk is read.
class IngestService::ImportReactor final : public ClientStreamReactor {
 public:
  ImportReactor(IngestService& service, grpc::CallbackServerContext* context,
                grpc::ByteBuffer* response)
      : ClientStreamReactor(service.path(), context, response, "kg.v1.IngestService/Import",
                            "chunks"),
        service_(service) {}

 private:
  absl::Status OnMessage(absl::string_view bytes, int64_t index) override {
    v1::ImportChunk chunk;
    KG_RETURN_IF_ERROR(ParseMessage(bytes, absl::StrCat("chunks[", index, "]"), chunk));
    if (index == 0) {
      KG_ASSIGN_OR_RETURN(interop::ImportOptions options,
                          ImportOptionsFromProto(chunk.options(), service_.limits_));
      options.graph = &graph_;
      absl::StatusOr<std::unique_ptr<interop::Importer>> importer =
          interop::Importer::New(options, service_.store_.schema());
      if (!importer.ok()) {
        return absl::Status(importer.status().code(),
                            absl::StrCat("chunks[0].options.", importer.status().message()));
      }
      importer_ = *std::move(importer);
    }
    response_.set_bytes_read(response_.bytes_read() + static_cast<int64_t>(chunk.data().size()));
    std::vector<v1::AssertRequest> batches;
    return Apply(importer_->Feed(chunk.data(), &batches), batches);
  }

  absl::Status OnEnd() override {
    if (importer_ == nullptr) {
      return absl::InvalidArgumentError(
          "chunks: the stream is empty; the first chunk carries the options");
    }
    std::vector<v1::AssertRequest> batches;
    KG_RETURN_IF_ERROR(Apply(importer_->Finish(&batches), batches));
    return importer_->Sync([&](const v1::RetractRequest& r) -> absl::Status {
      KG_RETURN_IF_ERROR(service_.store_
                             .Retract(r.statement_id(), r.evidence_id(), r.reason(),
                                      call().caller().write_context())
                             .status());
      response_.set_sync_retracted(response_.sync_retracted() + 1);
      return absl::OkStatus();
    });
  }

  // Commits the batches that parsed, then reports the parse error, if any.
  absl::Status Apply(const absl::Status& parsed, const std::vector<v1::AssertRequest>& batches) {
    for (const v1::AssertRequest& batch : batches) {
      KG_RETURN_IF_ERROR(
          service_.ApplyCounted(batch, call().caller().write_context(),
                                absl::StrCat("batch ", response_.counts().messages_applied(),
                                             " (input up to line ", importer_->lines(), "): "),
                                response_.mutable_counts()));
    }
    response_.set_lines_read(importer_->lines());
    response_.set_skipped_unmapped(importer_->skipped());
    if (!parsed.ok()) {
      return absl::Status(parsed.code(), absl::StrCat(parsed.message(), " (batch ",
                                                      response_.counts().messages_applied(), ")"));
    }
    return absl::OkStatus();
  }

  google::protobuf::Message& response() override { return response_; }
  // The batch that failed: every one before it is committed.
  void SetFailedAt(int64_t) override {
    response_.mutable_counts()->set_failed_index(response_.counts().messages_applied());
  }

  IngestService& service_;
  StoreGraph graph_{service_.store_};
  std::unique_ptr<interop::Importer> importer_;
  v1::ImportResponse response_;
};

grpc::ServerReadReactor<grpc::ByteBuffer>* IngestService::StartImport(
    grpc::CallbackServerContext* context, grpc::ByteBuffer* response) {
  auto* reactor = new ImportReactor(*this, context, response);
  reactor->Start();
  return reactor;
}

}  // namespace kg::server
