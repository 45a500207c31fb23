// GraphService.Export: the graph in another format (interop/), produced a
// page at a time on a worker and streamed as the client reads it: memory
// holds one page and one chunk, whatever the graph's size.

#include <algorithm>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "interop/interop.h"
#include "server/call.h"
#include "server/convert.h"
#include "server/convert_graph.h"
#include "server/graph_service.h"
#include "server/server_stream.h"
#include "server/wire.h"
#include "storage/status_macros.h"
#include "storage/validation.h"

namespace kg::server {
namespace {

// Bytes per ExportChunk, and items read per page.
constexpr size_t kChunkBytes = 64 << 10;
constexpr int32_t kPageItems = 256;

}  // namespace

class GraphService::ExportReactor final : public ServerStreamReactor {
 public:
  ExportReactor(GraphService& service, grpc::CallbackServerContext* context,
                const grpc::ByteBuffer& request)
      : ServerStreamReactor(service.path(), context), service_(service) {
    const grpc::Slice bytes = SingleSlice(request);
    if (!Admit("kg.v1.GraphService/Export", BytesOf(bytes))) return;
    if (absl::Status started = Start(BytesOf(bytes)); !started.ok()) {
      End(started);
      return;
    }
    Submit();
  }

  void OnWriteDone(bool ok) override {
    activity_->Touch();
    chunks_.pop_front();
    if (!ok) {
      End(absl::CancelledError("export: the client went away"));
    } else if (!chunks_.empty()) {
      StartWrite(&chunks_.front());
    } else if (done_) {
      End(absl::OkStatus());
    } else {
      Submit();
    }
  }

  void OnDone() override {
    if (activity_ != nullptr) activity_->Detach();
    delete this;
  }

 private:
  enum class Phase { kEntities, kStatements, kClaims, kSubgraph, kDone };

  absl::Status Start(absl::string_view bytes) {
    v1::ExportRequest request;
    KG_RETURN_IF_ERROR(ParseMessage(bytes, "request", request));
    absl::StatusOr<interop::Format> format = interop::FormatNamed(request.format());
    if (!format.ok()) return absl::InvalidArgumentError(absl::StrCat(format.status().message()));
    KG_ASSIGN_OR_RETURN(filter_, FilterFromProto(request.filter(), "filter"));
    if (request.base_iri().size() > 1024) {
      return absl::InvalidArgumentError("base_iri: at most 1024 bytes");
    }
    if (!request.document().empty() + !request.publisher().empty() + request.has_subgraph() > 1) {
      return absl::InvalidArgumentError(
          "document, publisher, subgraph: at most one of them selects what is exported");
    }
    for (const auto& [field, id, role] :
         {std::tuple{"document", &request.document(), SourceRole::kDocument},
          std::tuple{"publisher", &request.publisher(), SourceRole::kPublisher}}) {
      if (id->empty()) continue;
      KG_RETURN_IF_ERROR(CheckEntityId(*id, field));
      source_ = *id;
      source_role_ = role;
      phase_ = Phase::kClaims;
    }
    if (request.has_subgraph()) {
      if (request.subgraph().has_filter()) {
        return absl::InvalidArgumentError(
            "subgraph.filter: must be unset; the export's filter applies");
      }
      absl::StatusOr<SubgraphRequest> subgraph = SubgraphRequestFromProto(request.subgraph());
      if (!subgraph.ok()) {
        return absl::Status(subgraph.status().code(),
                            absl::StrCat("subgraph.", subgraph.status().message()));
      }
      subgraph_request_ = *std::move(subgraph);
      phase_ = Phase::kSubgraph;
    }
    interop::ExportOptions options;
    options.format = *format;
    if (!request.base_iri().empty()) options.base_iri = request.base_iri();
    if (request.mapping().size() > (1 << 20)) {
      return absl::InvalidArgumentError("mapping: at most 1 MiB");
    }
    options.mapping = request.mapping();
    KG_ASSIGN_OR_RETURN(exporter_, interop::Exporter::New(options, service_.store_.schema()));
    return absl::OkStatus();
  }

  void Submit() {
    if (!path().workers.TrySubmit([this] { Produce(); })) {
      End(absl::ResourceExhaustedError(
          "max_queued_calls: too many calls are waiting for a worker; retry shortly"));
    }
  }

  // On a worker: pages until a chunk is full or the export is done, then
  // the chunks go out as the client reads them.
  void Produce() {
    std::unique_ptr<View> view = NewCallView(service_.store_, context());
    // Every page of every phase reads the graph as of the first one.
    if (filter_.as_of == kLatest) filter_.as_of = view->snapshot_time();
    while (phase_ != Phase::kDone && exporter_->pending_bytes() < kChunkBytes) {
      if (absl::Status read = NextPage(*view); !read.ok()) {
        End(read);
        return;
      }
    }
    if (phase_ == Phase::kDone) {
      exporter_->Finish();
      done_ = true;
    }
    std::string out = exporter_->Take();
    for (size_t at = 0; at < out.size(); at += kChunkBytes) {
      v1::ExportChunk chunk;
      chunk.set_data(out.substr(at, kChunkBytes));
      if (absl::Status s =
              SerializeMessage(chunk, service_.limits_.max_message_bytes, chunks_.emplace_back());
          !s.ok()) {
        End(s);
        return;
      }
    }
    if (chunks_.empty()) {  // nothing at all to export
      End(absl::OkStatus());
      return;
    }
    if (activity_ == nullptr) {
      // A client that stops reading leaves a write pending that only
      // cancelling the call releases.
      activity_ = gate().WatchStream([context = context()] {
        context->TryCancel();
        return true;
      });
    }
    StartWrite(&chunks_.front());
  }

  absl::Status NextPage(View& view) {
    switch (phase_) {
      case Phase::kEntities: {
        KG_ASSIGN_OR_RETURN(Page<Entity> page,
                            view.SearchEntities("", {}, filter_.as_of, kPageItems, token_));
        for (const Entity& entity : page.items) {
          if (!entity.merged_into.empty()) continue;  // its names live on in the survivor
          v1::Entity out;
          EntityToProto(entity, &out);
          exporter_->AddEntity(out);
        }
        return Advance(page.next_page_token, Phase::kStatements);
      }
      case Phase::kStatements: {
        KG_ASSIGN_OR_RETURN(Page<Statement> page,
                            view.Match(Pattern{}, filter_, kPageItems, token_));
        for (const Statement& statement : page.items) AddStatement(statement);
        return Advance(page.next_page_token, Phase::kDone);
      }
      case Phase::kSubgraph:
        return NextSubgraphPage(view);
      case Phase::kClaims: {
        KG_ASSIGN_OR_RETURN(Page<Statement> page, view.ClaimsBy(source_role_, source_, "", "",
                                                                filter_, kPageItems, token_));
        // The entities a page names go before its statements.
        for (const Statement& statement : page.items) {
          KG_RETURN_IF_ERROR(AddNamedEntities(view, statement));
        }
        for (const Statement& statement : page.items) AddStatement(statement);
        return Advance(page.next_page_token, Phase::kDone);
      }
      case Phase::kDone:
        break;
    }
    return absl::OkStatus();
  }

  // The subgraph is found once, then its nodes and its edges' statements go
  // out a page at a time.
  absl::Status NextSubgraphPage(View& view) {
    if (!subgraph_.has_value()) {
      subgraph_request_.filter = filter_;
      KG_ASSIGN_OR_RETURN(subgraph_, service_.subgraph_builder_.Build(view, subgraph_request_,
                                                                      CancellationOf(context())));
    }
    const size_t nodes = subgraph_->nodes.size();
    const size_t end = std::min(subgraph_at_ + kPageItems, nodes + subgraph_->edges.size());
    for (; subgraph_at_ < end; ++subgraph_at_) {
      if (subgraph_at_ < nodes) {
        const Entity& node = subgraph_->nodes[subgraph_at_];
        written_.insert(node.id);
        v1::Entity out;
        EntityToProto(node, &out);
        exporter_->AddEntity(out);
        continue;
      }
      KG_ASSIGN_OR_RETURN(Statement statement,
                          view.GetStatement(subgraph_->edges[subgraph_at_ - nodes].statement_id,
                                            filter_, /*include_retracted=*/false));
      // Its evidence's sources, so that an import of the export resolves them.
      KG_RETURN_IF_ERROR(AddNamedEntities(view, statement));
      AddStatement(statement);
    }
    if (subgraph_at_ == nodes + subgraph_->edges.size()) phase_ = Phase::kDone;
    return absl::OkStatus();
  }

  // The entities a statement names, not written yet: subject, object, and
  // each evidence record's publisher, claimant and document (a document
  // names its publisher, so that goes first).
  absl::Status AddNamedEntities(View& view, const Statement& statement) {
    std::vector<const std::string*> ids = {&statement.subject};
    if (statement.object.type == ValueType::kEntity) ids.push_back(&statement.object.lexical);
    for (const Evidence& e : statement.evidence) {
      ids.insert(ids.end(), {&e.publisher, &e.claimant, &e.document});
    }
    for (const std::string* id : ids) {
      if (id->empty() || !written_.insert(*id).second) continue;
      absl::StatusOr<Entity> entity = view.GetEntity(*id, filter_.as_of);
      if (absl::IsNotFound(entity.status())) continue;  // an anonymous claimant
      KG_RETURN_IF_ERROR(entity.status());
      v1::Entity out;
      EntityToProto(*entity, &out);
      exporter_->AddEntity(out);
    }
    return absl::OkStatus();
  }

  void AddStatement(const Statement& statement) {
    v1::Statement out;
    StatementToProto(statement, /*with_evidence=*/true, &out);
    exporter_->AddStatement(out);
  }

  absl::Status Advance(const std::string& next_page_token, Phase after) {
    token_ = next_page_token;
    if (token_.empty()) phase_ = after;
    return absl::OkStatus();
  }

  GraphService& service_;
  std::shared_ptr<StreamActivity> activity_;
  Filter filter_;
  // A document's or publisher's claims.
  SourceRole source_role_ = SourceRole::kDocument;
  std::string source_;
  // A subgraph, once found, and how much of it is written.
  SubgraphRequest subgraph_request_;
  std::optional<SubgraphResult> subgraph_;
  size_t subgraph_at_ = 0;
  Phase phase_ = Phase::kEntities;
  std::string token_;
  std::unique_ptr<interop::Exporter> exporter_;
  // Entities a document, publisher or subgraph export has written (bounded
  // by what that selects).
  absl::flat_hash_set<std::string> written_;
  std::deque<grpc::ByteBuffer> chunks_;
  bool done_ = false;
};

grpc::ServerWriteReactor<grpc::ByteBuffer>* GraphService::StartExport(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer& request) {
  return new ExportReactor(*this, context, request);
}

}  // namespace kg::server
