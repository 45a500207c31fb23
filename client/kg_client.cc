#include "client/kg_client.h"

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/str_cat.h"
#include "grpc/health/v1/health.grpc.pb.h"

namespace kg::cli {
namespace {

bool ReadFile(const std::string& path, std::string* out) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return false;
  std::ostringstream buf;
  buf << in.rdbuf();
  *out = buf.str();
  return static_cast<bool>(in) || in.eof();
}

const char* StateName(grpc_connectivity_state state) {
  switch (state) {
    case GRPC_CHANNEL_IDLE:
      return "idle";
    case GRPC_CHANNEL_CONNECTING:
      return "still connecting when the deadline passed";
    case GRPC_CHANNEL_READY:
      return "ready";
    case GRPC_CHANNEL_TRANSIENT_FAILURE:
      return "connection failed";
    case GRPC_CHANNEL_SHUTDOWN:
      return "channel shut down";
  }
  return "unknown state";
}

}  // namespace

grpc::Status KgClient::Create(const ClientOptions& options, std::unique_ptr<KgClient>* out) {
  std::shared_ptr<grpc::ChannelCredentials> creds;
  if (options.tls_ca.empty() && options.tls_cert.empty() && options.tls_key.empty()) {
    creds = grpc::InsecureChannelCredentials();
  } else {
    grpc::SslCredentialsOptions ssl;
    if (!options.tls_ca.empty() && !ReadFile(options.tls_ca, &ssl.pem_root_certs)) {
      return {grpc::StatusCode::INVALID_ARGUMENT,
              absl::StrCat("--tls-ca: cannot read '", options.tls_ca, "'")};
    }
    if (options.tls_cert.empty() != options.tls_key.empty()) {
      return {grpc::StatusCode::INVALID_ARGUMENT, "--tls-cert and --tls-key go together"};
    }
    if (!options.tls_cert.empty() && !ReadFile(options.tls_cert, &ssl.pem_cert_chain)) {
      return {grpc::StatusCode::INVALID_ARGUMENT,
              absl::StrCat("--tls-cert: cannot read '", options.tls_cert, "'")};
    }
    if (!options.tls_key.empty() && !ReadFile(options.tls_key, &ssl.pem_private_key)) {
      return {grpc::StatusCode::INVALID_ARGUMENT,
              absl::StrCat("--tls-key: cannot read '", options.tls_key, "'")};
    }
    creds = grpc::SslCredentials(ssl);
  }
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(64 << 20);
  // A refused connection should fail the first attempt quickly rather than
  // back off inside the deadline.
  args.SetInt(GRPC_ARG_INITIAL_RECONNECT_BACKOFF_MS, 200);
  auto channel = grpc::CreateCustomChannel(options.addr, creds, args);
  out->reset(new KgClient(options, std::move(channel)));
  return grpc::Status::OK;
}

KgClient::KgClient(ClientOptions options, std::shared_ptr<grpc::Channel> channel)
    : options_(std::move(options)),
      channel_(std::move(channel)),
      ingest_(v1::IngestService::NewStub(channel_)),
      graph_(v1::GraphService::NewStub(channel_)),
      provenance_(v1::ProvenanceService::NewStub(channel_)),
      admin_(v1::AdminService::NewStub(channel_)) {}

std::unique_ptr<grpc::ClientContext> KgClient::NewContext(
    std::chrono::milliseconds deadline) const {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(std::chrono::system_clock::now() + deadline);
  if (!options_.principal.empty()) ctx->AddMetadata("x-kg-principal", options_.principal);
  if (!options_.token.empty()) {
    ctx->AddMetadata("authorization", absl::StrCat("Bearer ", options_.token));
  }
  return ctx;
}

grpc::Status KgClient::Connect() {
  if (connected_) return grpc::Status::OK;
  const auto deadline = std::chrono::system_clock::now() + options_.timeout;
  grpc_connectivity_state state = channel_->GetState(/*try_to_connect=*/true);
  // Each wait returns on a state change or at the deadline, so the loop ends
  // by the deadline at the latest.
  while (state != GRPC_CHANNEL_READY) {
    if (state == GRPC_CHANNEL_TRANSIENT_FAILURE || state == GRPC_CHANNEL_SHUTDOWN) break;
    if (!channel_->WaitForStateChange(state, deadline)) break;
    state = channel_->GetState(/*try_to_connect=*/true);
  }
  // In TRANSIENT_FAILURE the call itself fails at once with gRPC's reason
  // (e.g. "Connection refused"), which Finish() words as "cannot reach".
  if (state != GRPC_CHANNEL_READY && state != GRPC_CHANNEL_TRANSIENT_FAILURE) {
    return {grpc::StatusCode::UNAVAILABLE,
            absl::StrCat("cannot reach kgd at ", options_.addr, ": ", StateName(state))};
  }
  connected_ = state == GRPC_CHANNEL_READY;
  return grpc::Status::OK;
}

grpc::Status KgClient::Finish(grpc::Status status) const {
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    return {grpc::StatusCode::UNAVAILABLE,
            absl::StrCat("cannot reach kgd at ", options_.addr, ": ", status.error_message())};
  }
  return status;
}

template <typename Stub, typename Req, typename Resp>
grpc::Status KgClient::Unary(Stub* stub,
                             grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                             const Req& req, Resp* resp) {
  if (grpc::Status s = Connect(); !s.ok()) return s;
  auto ctx = NewContext(options_.timeout);
  return Finish((stub->*method)(ctx.get(), req, resp));
}

grpc::Status KgClient::UpsertEntities(const v1::UpsertEntitiesRequest& req,
                                      v1::WriteResponse* resp) {
  return Unary(ingest_.get(), &v1::IngestService::Stub::UpsertEntities, req, resp);
}
grpc::Status KgClient::Assert(const v1::AssertRequest& req, v1::WriteResponse* resp) {
  return Unary(ingest_.get(), &v1::IngestService::Stub::Assert, req, resp);
}
grpc::Status KgClient::IngestDocument(const v1::IngestDocumentRequest& req,
                                      v1::WriteResponse* resp) {
  return Unary(ingest_.get(), &v1::IngestService::Stub::IngestDocument, req, resp);
}
grpc::Status KgClient::Retract(const v1::RetractRequest& req, v1::RetractResponse* resp) {
  return Unary(ingest_.get(), &v1::IngestService::Stub::Retract, req, resp);
}
grpc::Status KgClient::Merge(const v1::MergeRequest& req, v1::MergeResponse* resp) {
  return Unary(ingest_.get(), &v1::IngestService::Stub::Merge, req, resp);
}
grpc::Status KgClient::Split(const v1::SplitRequest& req, v1::MergeResponse* resp) {
  return Unary(ingest_.get(), &v1::IngestService::Stub::Split, req, resp);
}
grpc::Status KgClient::Purge(const v1::PurgeRequest& req, v1::PurgeResponse* resp) {
  return Unary(ingest_.get(), &v1::IngestService::Stub::Purge, req, resp);
}

grpc::Status KgClient::Import(const v1::ImportOptions& options,
                              const std::function<bool(std::string*)>& next,
                              std::chrono::milliseconds deadline, v1::ImportResponse* resp) {
  if (grpc::Status s = Connect(); !s.ok()) return s;
  auto ctx = NewContext(deadline);
  std::unique_ptr<grpc::ClientWriter<v1::ImportChunk>> writer(ingest_->Import(ctx.get(), resp));
  v1::ImportChunk chunk;
  *chunk.mutable_options() = options;
  // A failed write means the server ended the stream; Finish() says why.
  bool open = writer->Write(chunk);
  while (open) {
    chunk.Clear();
    if (!next(chunk.mutable_data())) break;
    open = writer->Write(chunk);
  }
  writer->WritesDone();
  return Finish(writer->Finish());
}

grpc::Status KgClient::Export(const v1::ExportRequest& req, std::chrono::milliseconds deadline,
                              const std::function<void(const std::string&)>& on_chunk) {
  if (grpc::Status s = Connect(); !s.ok()) return s;
  auto ctx = NewContext(deadline);
  std::unique_ptr<grpc::ClientReader<v1::ExportChunk>> reader(graph_->Export(ctx.get(), req));
  v1::ExportChunk chunk;
  while (reader->Read(&chunk)) on_chunk(chunk.data());
  return Finish(reader->Finish());
}

grpc::Status KgClient::Watch(const v1::WatchRequest& req,
                             const std::function<bool(const v1::ChangeEvent&)>& on_event) {
  if (grpc::Status s = Connect(); !s.ok()) return s;
  auto ctx = NewContext(options_.timeout);
  ctx->set_deadline(std::chrono::system_clock::time_point::max());
  std::unique_ptr<grpc::ClientReader<v1::ChangeEvent>> reader(graph_->Watch(ctx.get(), req));
  v1::ChangeEvent event;
  while (reader->Read(&event)) {
    if (on_event(event)) continue;
    ctx->TryCancel();
    reader->Finish();  // CANCELLED, as asked
    return grpc::Status::OK;
  }
  return Finish(reader->Finish());
}

grpc::Status KgClient::GetEntity(const v1::GetEntityRequest& req, v1::Entity* resp) {
  return Unary(graph_.get(), &v1::GraphService::Stub::GetEntity, req, resp);
}
grpc::Status KgClient::SearchEntities(const v1::SearchEntitiesRequest& req,
                                      v1::SearchEntitiesResponse* resp) {
  return Unary(graph_.get(), &v1::GraphService::Stub::SearchEntities, req, resp);
}
grpc::Status KgClient::MatchStatements(const v1::MatchStatementsRequest& req,
                                       v1::StatementsPage* resp) {
  return Unary(graph_.get(), &v1::GraphService::Stub::MatchStatements, req, resp);
}
grpc::Status KgClient::Neighbors(const v1::NeighborsRequest& req, v1::NeighborsResponse* resp) {
  return Unary(graph_.get(), &v1::GraphService::Stub::Neighbors, req, resp);
}
grpc::Status KgClient::Traverse(
    const v1::TraverseRequest& req,
    const std::function<void(const v1::TraverseResponse&)>& on_message) {
  if (grpc::Status s = Connect(); !s.ok()) return s;
  auto ctx = NewContext(options_.timeout);
  std::unique_ptr<grpc::ClientReader<v1::TraverseResponse>> reader(
      graph_->Traverse(ctx.get(), req));
  v1::TraverseResponse msg;
  while (reader->Read(&msg)) on_message(msg);
  return Finish(reader->Finish());
}
grpc::Status KgClient::FindPaths(const v1::FindPathsRequest& req, v1::FindPathsResponse* resp) {
  return Unary(graph_.get(), &v1::GraphService::Stub::FindPaths, req, resp);
}
grpc::Status KgClient::Subgraph(const v1::SubgraphRequest& req, v1::SubgraphResponse* resp) {
  return Unary(graph_.get(), &v1::GraphService::Stub::Subgraph, req, resp);
}
grpc::Status KgClient::Timeline(const v1::TimelineRequest& req, v1::TimelineResponse* resp) {
  return Unary(graph_.get(), &v1::GraphService::Stub::Timeline, req, resp);
}

grpc::Status KgClient::Explain(const v1::ExplainRequest& req, v1::ExplainResponse* resp) {
  return Unary(provenance_.get(), &v1::ProvenanceService::Stub::Explain, req, resp);
}
grpc::Status KgClient::ListClaims(const v1::ListClaimsRequest& req, v1::StatementsPage* resp) {
  return Unary(provenance_.get(), &v1::ProvenanceService::Stub::ListClaims, req, resp);
}
grpc::Status KgClient::ListDisputes(const v1::ListDisputesRequest& req,
                                    v1::ListDisputesResponse* resp) {
  return Unary(provenance_.get(), &v1::ProvenanceService::Stub::ListDisputes, req, resp);
}
grpc::Status KgClient::History(const v1::HistoryRequest& req, v1::HistoryResponse* resp) {
  return Unary(provenance_.get(), &v1::ProvenanceService::Stub::History, req, resp);
}

grpc::Status KgClient::GetStats(const v1::GetStatsRequest& req, v1::GetStatsResponse* resp) {
  return Unary(admin_.get(), &v1::AdminService::Stub::GetStats, req, resp);
}
grpc::Status KgClient::Backup(const v1::BackupRequest& req, v1::BackupResponse* resp) {
  return Unary(admin_.get(), &v1::AdminService::Stub::Backup, req, resp);
}
grpc::Status KgClient::CreateBackup(const v1::CreateBackupRequest& req, v1::BackupInfo* resp) {
  return Unary(admin_.get(), &v1::AdminService::Stub::CreateBackup, req, resp);
}
grpc::Status KgClient::ListBackups(const v1::ListBackupsRequest& req,
                                   v1::ListBackupsResponse* resp) {
  return Unary(admin_.get(), &v1::AdminService::Stub::ListBackups, req, resp);
}
grpc::Status KgClient::WhoAmI(const v1::WhoAmIRequest& req, v1::WhoAmIResponse* resp) {
  return Unary(admin_.get(), &v1::AdminService::Stub::WhoAmI, req, resp);
}
grpc::Status KgClient::ListAudit(const v1::ListAuditRequest& req, v1::ListAuditResponse* resp) {
  return Unary(admin_.get(), &v1::AdminService::Stub::ListAudit, req, resp);
}

grpc::Status KgClient::Health(const std::string& service, std::string* serving_status) {
  auto stub = grpc::health::v1::Health::NewStub(channel_);
  grpc::health::v1::HealthCheckRequest req;
  req.set_service(service);
  grpc::health::v1::HealthCheckResponse resp;
  grpc::Status s = Unary(stub.get(), &grpc::health::v1::Health::Stub::Check, req, &resp);
  if (s.ok()) {
    *serving_status = grpc::health::v1::HealthCheckResponse::ServingStatus_Name(resp.status());
  }
  return s;
}

}  // namespace kg::cli
