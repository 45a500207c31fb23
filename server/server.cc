#include "server/server.h"

#include <grpcpp/ext/proto_server_reflection_plugin.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/health_check_service_interface.h>
#include <grpcpp/security/server_credentials.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <system_error>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "server/admin_service.h"
#include "server/auth.h"
#include "server/gate.h"
#include "server/graph_service.h"
#include "server/ingest_service.h"
#include "server/metrics.h"
#include "server/provenance_service.h"
#include "server/rpc.h"
#include "server/wire.h"
#include "server/worker_pool.h"
#include "storage/status_macros.h"
#include "storage/store.h"

namespace kg::server {
namespace {

absl::StatusOr<std::string> ReadPem(const std::string& path, absl::string_view flag) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat(flag, ": cannot read '", path, "'"));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

absl::StatusOr<std::shared_ptr<grpc::ServerCredentials>> Credentials(const ServerOptions& o) {
  if (o.tls_cert_path.empty() && o.tls_key_path.empty()) {
    if (!o.tls_client_ca_path.empty()) {
      return absl::InvalidArgumentError("tls_client_ca: needs tls_cert and tls_key");
    }
    return grpc::InsecureServerCredentials();
  }
  if (o.tls_cert_path.empty() || o.tls_key_path.empty()) {
    return absl::InvalidArgumentError("tls_cert, tls_key: set both or neither");
  }
  grpc::SslServerCredentialsOptions ssl;
  grpc::SslServerCredentialsOptions::PemKeyCertPair pair;
  KG_ASSIGN_OR_RETURN(pair.private_key, ReadPem(o.tls_key_path, "tls_key"));
  KG_ASSIGN_OR_RETURN(pair.cert_chain, ReadPem(o.tls_cert_path, "tls_cert"));
  ssl.pem_key_cert_pairs.push_back(std::move(pair));
  if (!o.tls_client_ca_path.empty()) {
    KG_ASSIGN_OR_RETURN(ssl.pem_root_certs, ReadPem(o.tls_client_ca_path, "tls_client_ca"));
    ssl.client_certificate_request = GRPC_SSL_REQUEST_AND_REQUIRE_CLIENT_CERTIFICATE_AND_VERIFY;
  }
  return grpc::SslServerCredentials(ssl);
}

bool IsLoopback(absl::string_view listen) {
  // host:port, [v6]:port, or unix: sockets (local by nature).
  if (absl::StartsWith(listen, "unix:")) return true;
  const size_t colon = listen.rfind(':');
  absl::string_view host = colon == absl::string_view::npos ? listen : listen.substr(0, colon);
  if (absl::ConsumePrefix(&host, "[")) absl::ConsumeSuffix(&host, "]");
  return host == "localhost" || host == "::1" || absl::StartsWith(host, "127.");
}

absl::Status CheckExposure(const ServerOptions& o, bool auth_enabled) {
  if (IsLoopback(o.listen) || o.insecure) return absl::OkStatus();
  if (!o.tls_cert_path.empty() && auth_enabled) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      "listen: '", o.listen, "' is not a loopback address; serving it needs --tls_cert/--tls_key ",
      "and --auth_tokens (or --insecure to serve it anyway)"));
}

}  // namespace

KgServer::KgServer() = default;

absl::StatusOr<size_t> KgServer::ReloadCredentials() {
  if (!auth_->enabled()) {
    return absl::FailedPreconditionError("auth_tokens: authentication is off; nothing to reload");
  }
  return auth_->Reload();
}

std::string KgServer::SecuritySummary() const {
  const char* transport = mutual_tls_ ? "mutual TLS" : tls_ ? "TLS" : "plaintext";
  if (!auth_->enabled()) {
    return absl::StrCat(transport,
                        ", authentication OFF: every caller is an anonymous admin "
                        "(use --auth_tokens before exposing kgd)");
  }
  return absl::StrCat(transport, ", bearer tokens", mutual_tls_ ? " and client certificates" : "",
                      " required");
}

KgServer::~KgServer() { Shutdown(absl::ZeroDuration()); }

std::shared_ptr<grpc::Channel> KgServer::InProcessChannel() {
  grpc::ChannelArguments args;
  // The server bounds what it sends (max_message_bytes); the client takes it.
  args.SetMaxReceiveMessageSize(-1);
  args.SetMaxSendMessageSize(limits_.max_receive_message_bytes);
  return server_->InProcessChannel(args);
}

std::string KgServer::MetricsText() const {
  std::string out;
  gate_->metrics().Render(out);
  RenderStoreMetrics(store_->Metrics(), store_->Health(), out);
  return out;
}

std::string KgServer::HttpPeerValue(absl::string_view peer) const {
  return gate_->HttpPeerValue(peer);
}

bool KgServer::authentication_enabled() const { return auth_->enabled(); }

absl::StatusOr<std::unique_ptr<KgServer>> KgServer::Start(const ServerOptions& options) {
  KG_ASSIGN_OR_RETURN(std::shared_ptr<grpc::ServerCredentials> credentials, Credentials(options));
  std::unique_ptr<KgServer> server(new KgServer());
  StoreOptions store_options;
  store_options.path = options.data_dir;
  store_options.schema_path = options.schema_path;
  store_options.sync_writes = options.sync_writes;
  store_options.min_free_disk_bytes = options.min_free_disk_bytes;
  KG_ASSIGN_OR_RETURN(server->auth_, Authenticator::Create(options.auth_tokens_path));
  KG_RETURN_IF_ERROR(CheckExposure(options, server->auth_->enabled()));
  if (!options.backup_dir.empty()) {
    std::error_code error;
    std::filesystem::create_directories(options.backup_dir, error);
    if (error) {
      return absl::InvalidArgumentError(
          absl::StrCat("backup_dir: cannot create '", options.backup_dir, "': ", error.message()));
    }
  }
  server->tls_ = !options.tls_cert_path.empty();
  server->mutual_tls_ = !options.tls_client_ca_path.empty();
  KG_ASSIGN_OR_RETURN(server->store_, Store::Open(store_options));
  server->limits_ = options.limits;
  server->change_feed_retention_ = options.change_feed_retention;
  const ServerLimits& limits = server->limits_;
  server->gate_ = std::make_unique<CallGate>(*server->store_, *server->auth_, limits);
  server->workers_ = std::make_unique<WorkerPool>(limits.worker_threads,
                                                  static_cast<size_t>(limits.max_queued_calls));
  server->path_ = std::make_unique<CallPath>(CallPath{*server->gate_, *server->workers_, limits});
  Store& store = *server->store_;
  const CallPath& path = *server->path_;
  server->ingest_ = std::make_unique<IngestService>(store, path);
  server->graph_ = std::make_unique<GraphService>(store, path);
  server->provenance_ = std::make_unique<ProvenanceService>(store, path);
  server->admin_ = std::make_unique<AdminService>(store, path, options.backup_dir);
  static std::once_flag throttled;
  std::call_once(throttled, ThrottleProtobufLog);

  // Both are process-wide switches that take effect for servers built after.
  grpc::EnableDefaultHealthCheckService(true);
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  builder.AddListeningPort(options.listen, credentials, &server->port_);
  builder.SetMaxReceiveMessageSize(limits.max_receive_message_bytes);
  builder.AddChannelArgument(GRPC_ARG_MAX_CONCURRENT_STREAMS, limits.max_concurrent_streams);
  // With SO_REUSEPORT, gRPC 1.51 opens a second listener for port 0 on a
  // port of its own (never reported); one socket, one port.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  const auto ms = [](absl::Duration d) { return static_cast<int>(absl::ToInt64Milliseconds(d)); };
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIME_MS, ms(limits.keepalive_time));
  builder.AddChannelArgument(GRPC_ARG_KEEPALIVE_TIMEOUT_MS, ms(absl::Seconds(20)));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_IDLE_MS, ms(limits.max_connection_idle));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_MS, ms(limits.max_connection_age));
  builder.AddChannelArgument(GRPC_ARG_MAX_CONNECTION_AGE_GRACE_MS, ms(absl::Minutes(1)));
  builder.RegisterService(server->ingest_.get());
  builder.RegisterService(server->graph_.get());
  builder.RegisterService(server->provenance_.get());
  builder.RegisterService(server->admin_.get());
  server->server_ = builder.BuildAndStart();
  if (server->server_ == nullptr || server->port_ == 0) {
    return absl::UnavailableError(absl::StrCat("listen: cannot bind '", options.listen, "'"));
  }
  server->server_->GetHealthCheckService()->SetServingStatus(true);
  server->watchdog_ = std::thread([raw = server.get()] { raw->WatchIdleStreams(); });
  return server;
}

void KgServer::Shutdown(absl::Duration grace) {
  {
    absl::MutexLock lock(&mu_);
    if (shutdown_started_) return;
    shutdown_started_ = true;
  }
  if (watchdog_.joinable()) watchdog_.join();
  if (server_ != nullptr) {
    server_->GetHealthCheckService()->SetServingStatus(false);
    graph_->StopWatches();  // they never finish by themselves
    // Returns once every in-flight call has finished; calls still running at
    // the deadline are cancelled (their scans poll the cancellation).
    server_->Shutdown(absl::ToChronoTime(absl::Now() + grace));
    server_->Wait();
  }
  workers_.reset();  // runs what is queued (each call owes an answer), then joins
  store_.reset();    // closes RocksDB after the last call is done with it
  absl::MutexLock lock(&mu_);
  shutdown_done_ = true;
}

void KgServer::WatchIdleStreams() {
  // Once a second: fine enough for timeouts of seconds, cheap when idle.
  absl::MutexLock lock(&mu_);
  bool serving = true;
  const absl::Duration trim_every = std::min(change_feed_retention_, absl::Minutes(1));
  absl::Time next_trim = absl::Now();
  while (!mu_.AwaitWithTimeout(absl::Condition(&shutdown_started_), absl::Seconds(1))) {
    mu_.Unlock();
    gate_->ExpireIdleStreams();
    if (absl::Now() >= next_trim) {
      TrimChangeFeed();
      next_trim = absl::Now() + trim_every;
    }
    // Health follows the store: NOT_SERVING while writes are stopped (a
    // full disk, a RocksDB background error); GetStats says why.
    const bool writable = store_->Health().error.empty();
    if (writable != serving) {
      serving = writable;
      server_->GetHealthCheckService()->SetServingStatus(serving);
      std::fprintf(stderr, "kgd: health %s%s\n", serving ? "SERVING" : "NOT_SERVING: ",
                   serving ? "" : store_->Health().error.c_str());
    }
    mu_.Lock();
  }
}

void KgServer::TrimChangeFeed() {
  const TxTime before = absl::ToUnixMicros(absl::Now() - change_feed_retention_);
  if (absl::StatusOr<ChangePosition> trimmed = store_->TrimChanges(before); !trimmed.ok()) {
    std::fprintf(stderr, "kgd: trimming the change feed: %s\n",
                 std::string(trimmed.status().message()).c_str());
  }
}

void KgServer::Wait() {
  absl::MutexLock lock(&mu_);
  mu_.Await(absl::Condition(&shutdown_done_));
}

}  // namespace kg::server
