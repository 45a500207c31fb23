// KgClient: the CLI's one connection to kgd.
//
// One channel per process; every call gets a fresh ClientContext with the
// configured deadline, the principal header and, when set, a bearer token.
// Before the first call the client waits (bounded by the same deadline) for
// the channel to connect, so a server that is down is reported as UNAVAILABLE
// "cannot reach kgd at ADDR: ..." quickly and never hangs.
//
// Example:
//   KgClient client(options);
//   kg::v1::Entity entity;
//   kg::v1::GetEntityRequest req;
//   req.set_id("actor/turkey");
//   grpc::Status s = client.GetEntity(req, &entity);
//
// Thread safety: not thread-safe; the CLI calls it from one thread.

#ifndef KGD_CLIENT_KG_CLIENT_H_
#define KGD_CLIENT_KG_CLIENT_H_

#include <chrono>
#include <functional>
#include <memory>
#include <string>

#include "grpcpp/grpcpp.h"
#include "kg/v1/kg.grpc.pb.h"

namespace kg::cli {

struct ClientOptions {
  std::string addr = "127.0.0.1:7400";       // host:port of kgd
  std::chrono::milliseconds timeout{10000};  // deadline of each call
  std::string principal;                     // sent as x-kg-principal when non-empty
  // Sent as "authorization: Bearer <token>" when non-empty. Call metadata,
  // not call credentials: gRPC refuses those on a plaintext channel, and
  // kgd on loopback may run without TLS.
  std::string token;
  // TLS: when tls_ca is set the channel uses TLS and trusts that CA (PEM file);
  // tls_cert/tls_key add a client certificate (mutual TLS).
  std::string tls_ca;
  std::string tls_cert;
  std::string tls_key;
};

class KgClient final {
 public:
  // Fails (INVALID_ARGUMENT) only when a TLS file cannot be read.
  static grpc::Status Create(const ClientOptions& options, std::unique_ptr<KgClient>* out);

  KgClient(const KgClient&) = delete;
  KgClient& operator=(const KgClient&) = delete;

  const ClientOptions& options() const { return options_; }

  // Ingest.
  grpc::Status UpsertEntities(const v1::UpsertEntitiesRequest& req, v1::WriteResponse* resp);
  grpc::Status Assert(const v1::AssertRequest& req, v1::WriteResponse* resp);
  grpc::Status IngestDocument(const v1::IngestDocumentRequest& req, v1::WriteResponse* resp);
  // Streams a file to Import: `options` first, then the chunks `next`
  // yields (false: no more), within `deadline` for the whole stream (a
  // long import needs more than the per-call --timeout).
  grpc::Status Import(const v1::ImportOptions& options,
                      const std::function<bool(std::string*)>& next,
                      std::chrono::milliseconds deadline, v1::ImportResponse* resp);
  grpc::Status Retract(const v1::RetractRequest& req, v1::RetractResponse* resp);
  grpc::Status Merge(const v1::MergeRequest& req, v1::MergeResponse* resp);
  grpc::Status Split(const v1::SplitRequest& req, v1::MergeResponse* resp);
  grpc::Status Purge(const v1::PurgeRequest& req, v1::PurgeResponse* resp);

  // Graph.
  grpc::Status GetEntity(const v1::GetEntityRequest& req, v1::Entity* resp);
  grpc::Status SearchEntities(const v1::SearchEntitiesRequest& req,
                              v1::SearchEntitiesResponse* resp);
  grpc::Status MatchStatements(const v1::MatchStatementsRequest& req, v1::StatementsPage* resp);
  grpc::Status Neighbors(const v1::NeighborsRequest& req, v1::NeighborsResponse* resp);
  // Calls `on_message` for each streamed message, in order.
  grpc::Status Traverse(const v1::TraverseRequest& req,
                        const std::function<void(const v1::TraverseResponse&)>& on_message);
  grpc::Status FindPaths(const v1::FindPathsRequest& req, v1::FindPathsResponse* resp);
  grpc::Status Subgraph(const v1::SubgraphRequest& req, v1::SubgraphResponse* resp);
  grpc::Status Timeline(const v1::TimelineRequest& req, v1::TimelineResponse* resp);
  // Calls `on_chunk` with each chunk's bytes, within `deadline`.
  grpc::Status Export(const v1::ExportRequest& req, std::chrono::milliseconds deadline,
                      const std::function<void(const std::string&)>& on_chunk);

  // Calls `on_event` with each change as it comes, until it returns false
  // (then the call is cancelled and OK returned) or the stream ends. No
  // deadline: a watch runs until stopped.
  grpc::Status Watch(const v1::WatchRequest& req,
                     const std::function<bool(const v1::ChangeEvent&)>& on_event);

  // Provenance.
  grpc::Status Explain(const v1::ExplainRequest& req, v1::ExplainResponse* resp);
  grpc::Status ListClaims(const v1::ListClaimsRequest& req, v1::StatementsPage* resp);
  grpc::Status ListDisputes(const v1::ListDisputesRequest& req, v1::ListDisputesResponse* resp);
  grpc::Status History(const v1::HistoryRequest& req, v1::HistoryResponse* resp);

  // Admin.
  grpc::Status GetStats(const v1::GetStatsRequest& req, v1::GetStatsResponse* resp);
  grpc::Status Backup(const v1::BackupRequest& req, v1::BackupResponse* resp);
  grpc::Status CreateBackup(const v1::CreateBackupRequest& req, v1::BackupInfo* resp);
  grpc::Status ListBackups(const v1::ListBackupsRequest& req, v1::ListBackupsResponse* resp);
  grpc::Status WhoAmI(const v1::WhoAmIRequest& req, v1::WhoAmIResponse* resp);
  grpc::Status ListAudit(const v1::ListAuditRequest& req, v1::ListAuditResponse* resp);
  // grpc.health.v1.Health/Check for `service` ("" = the whole server).
  // *serving_status is the enum's name, e.g. "SERVING".
  grpc::Status Health(const std::string& service, std::string* serving_status);

 private:
  explicit KgClient(ClientOptions options, std::shared_ptr<grpc::Channel> channel);

  // A context with the deadline and headers of one call.
  std::unique_ptr<grpc::ClientContext> NewContext(std::chrono::milliseconds deadline) const;
  // Waits, within the deadline, until the channel is READY. UNAVAILABLE
  // "cannot reach kgd at ADDR: ..." when it fails to connect.
  grpc::Status Connect();
  // Rewrites connection failures into the one message above.
  grpc::Status Finish(grpc::Status status) const;

  template <typename Stub, typename Req, typename Resp>
  grpc::Status Unary(Stub* stub,
                     grpc::Status (Stub::*method)(grpc::ClientContext*, const Req&, Resp*),
                     const Req& req, Resp* resp);

  ClientOptions options_;
  std::shared_ptr<grpc::Channel> channel_;
  bool connected_ = false;
  std::unique_ptr<v1::IngestService::Stub> ingest_;
  std::unique_ptr<v1::GraphService::Stub> graph_;
  std::unique_ptr<v1::ProvenanceService::Stub> provenance_;
  std::unique_ptr<v1::AdminService::Stub> admin_;
};

}  // namespace kg::cli

#endif  // KGD_CLIENT_KG_CLIENT_H_
