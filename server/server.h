// KgServer: one kgd instance — the store, the four kg.v1 services, health
// checking and reflection — listening on one address.
//
// Example:
//   kg::server::ServerOptions options;
//   options.listen = "127.0.0.1:0";
//   options.data_dir = "/tmp/kgd";
//   KG_ASSIGN_OR_RETURN(std::unique_ptr<kg::server::KgServer> server,
//                       kg::server::KgServer::Start(options));
//   ... connect to 127.0.0.1:server->port() ...
//   server->Shutdown(absl::Seconds(10));
//
// Thread safety: Shutdown may be called from any thread, once or more, while
// another thread is in Wait(). Destroying the server shuts it down (with no
// grace) and closes the store.

#ifndef KGD_SERVER_SERVER_H_
#define KGD_SERVER_SERVER_H_

#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/options.h"

namespace grpc {
class Channel;
class Server;
}  // namespace grpc

namespace kg {
class Store;
}  // namespace kg

namespace kg::server {

class AdminService;
class Authenticator;
class CallGate;
struct CallPath;
class GraphService;
class IngestService;
class ProvenanceService;
class WorkerPool;

class KgServer final {
 public:
  // Opens the store under options.data_dir, starts the services and marks
  // health SERVING. Errors: the store's (e.g. FAILED_PRECONDITION for an
  // unknown format, INVALID_ARGUMENT for a bad schema), INVALID_ARGUMENT for
  // unreadable TLS files or inconsistent TLS options, UNAVAILABLE when the
  // address cannot be bound, FAILED_PRECONDITION for a non-loopback address
  // without TLS and authentication (unless options.insecure).
  static absl::StatusOr<std::unique_ptr<KgServer>> Start(const ServerOptions& options);

  KgServer(const KgServer&) = delete;
  KgServer& operator=(const KgServer&) = delete;
  ~KgServer();

  // The bound port (the chosen one when options.listen asked for port 0).
  int port() const { return port_; }

  // Re-reads the credential file (SIGHUP). On failure the old credentials
  // stay in force and the error says why. Returns how many were loaded.
  absl::StatusOr<size_t> ReloadCredentials();

  // One line for the operator: who may call, and how.
  std::string SecuritySummary() const;

  // A channel to this server inside the process (the HTTP gateway's way in):
  // its calls pass the same authentication, permissions, limits and audit
  // as network ones. Valid until Shutdown; no TLS (nothing leaves the
  // process), so callers authenticate by bearer token.
  std::shared_ptr<grpc::Channel> InProcessChannel();
  // The x-kg-http-peer metadata value by which a call on that channel names
  // the HTTP connection it serves ("127.0.0.1:51234"; server/gate.h).
  std::string HttpPeerValue(absl::string_view peer) const;

  // The Prometheus text exposition of the rpc, write and storage metrics
  // (server/metrics.h).
  std::string MetricsText() const;

  bool authentication_enabled() const;
  const ServerLimits& limits() const { return limits_; }

  // Marks health NOT_SERVING, stops accepting calls, lets in-flight calls
  // finish for up to `grace` (then cancels them), and closes the store.
  // Later calls do nothing.
  void Shutdown(absl::Duration grace);

  // Blocks until Shutdown has completed.
  void Wait();

 private:
  KgServer();

  // Until shutdown starts, once a second: ends streams idle past the
  // timeout, and sets health NOT_SERVING while the store cannot write;
  // every minute (or retention, if shorter) trims the change feed.
  void WatchIdleStreams() ABSL_LOCKS_EXCLUDED(mu_);
  void TrimChangeFeed();

  int port_ = 0;
  ServerLimits limits_;
  absl::Duration change_feed_retention_;
  std::unique_ptr<Store> store_;
  std::unique_ptr<Authenticator> auth_;
  std::unique_ptr<CallGate> gate_;
  std::unique_ptr<WorkerPool> workers_;
  std::unique_ptr<CallPath> path_;
  bool tls_ = false;
  bool mutual_tls_ = false;
  std::unique_ptr<IngestService> ingest_;
  std::unique_ptr<GraphService> graph_;
  std::unique_ptr<ProvenanceService> provenance_;
  std::unique_ptr<AdminService> admin_;
  std::unique_ptr<grpc::Server> server_;
  std::thread watchdog_;

  absl::Mutex mu_;
  bool shutdown_started_ ABSL_GUARDED_BY(mu_) = false;
  bool shutdown_done_ ABSL_GUARDED_BY(mu_) = false;
};

}  // namespace kg::server

#endif  // KGD_SERVER_SERVER_H_
