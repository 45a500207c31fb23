// CallGate: the common path of every rpc. It authenticates the caller,
// checks the rpc's permission (server/permissions.h) and the caller's share
// of the server (concurrent calls per connection and per principal), runs
// the body, maps the outcome to a grpc::Status (server/call.h Finish), and
// appends writes, admin calls and refused calls to the store's audit log.
//
// Every call Admits at its start and Completes at its end (unary rpcs
// through server/rpc.h); open streams are watched for idleness
// (StreamActivity, ExpireIdleStreams). Both ends feed the rpc metrics
// (server/metrics.h).
//
// The peer of a call (its connection, for max_calls_per_connection and the
// audit log) is the gRPC peer, except for the HTTP gateway's calls on
// kgd's in-process channel, which name the HTTP client's connection in the
// x-kg-http-peer header, prefixed by a key made at start that never leaves
// the process (so a network client cannot pose as another connection).
//
// Example:
//   KG_ASSIGN_OR_RETURN(std::unique_ptr<CallScope> call,
//                       gate.Admit(*context, "kg.v1.IngestService/Assert", bytes));
//   absl::Status outcome = ...;  // store_.Apply(batch, call->caller().write_context())
//   reactor->Finish(gate.Complete(std::move(call), outcome, *context));
//
// Thread safety: every method may be called from any number of threads.

#ifndef KGD_SERVER_GATE_H_
#define KGD_SERVER_GATE_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "server/auth.h"
#include "server/metrics.h"
#include "server/options.h"
#include "server/sha256.h"
#include "storage/store.h"

namespace kg::server {

class CallGate;

// One admitted call: its caller, its slot in the concurrency limits, and
// the running size and SHA-256 of what it was sent (streams add each
// message as they read it).
class CallScope {
 public:
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;
  ~CallScope();

  const Caller& caller() const { return caller_; }
  const grpc::ServerContextBase& context() const { return context_; }
  // Adds a request message's bytes to the size and digest the audit log
  // records.
  void AddRequest(absl::string_view bytes);

 private:
  friend class CallGate;
  CallScope(CallGate& gate, const grpc::ServerContextBase& context, Caller caller, std::string rpc,
            std::string peer, bool audited, RpcCounters* counters, absl::Time started);

  CallGate& gate_;
  const grpc::ServerContextBase& context_;
  const Caller caller_;
  const std::string rpc_;
  const std::string peer_;
  int64_t request_bytes_ = 0;
  std::optional<Sha256> digest_;  // only for audited calls
  RpcCounters* const counters_;   // nullptr for an rpc outside kg.v1
  const absl::Time started_;
};

// The header by which the HTTP gateway names its client's connection
// (CallGate::HttpPeerValue).
inline constexpr char kHttpPeerHeader[] = "x-kg-http-peer";

// An open stream's progress, shared by its reactor and the gate's idle
// watchdog. The reactor Touches it on every message and Detaches it when the
// call is done; until then the watchdog may run the reactor's idle action
// (which must not wait for the stream's own callbacks). The action returns
// whether it ended the stream; one that is busy (false) is asked again.
class StreamActivity {
 public:
  explicit StreamActivity(std::function<bool()> on_idle)
      : on_idle_(std::move(on_idle)), last_ns_(absl::GetCurrentTimeNanos()) {}

  void Touch() { last_ns_.store(absl::GetCurrentTimeNanos(), std::memory_order_relaxed); }
  void Detach() ABSL_LOCKS_EXCLUDED(mu_);
  // Runs the idle action when no progress was made for `timeout`, until it
  // ends the stream.
  void ExpireIfIdle(absl::Duration timeout) ABSL_LOCKS_EXCLUDED(mu_);

 private:
  absl::Mutex mu_;
  std::function<bool()> on_idle_
      ABSL_GUARDED_BY(mu_);  // empty once it ended the stream or detached
  std::atomic<int64_t> last_ns_;
};

class CallGate {
 public:
  // `store` and `auth` must outlive the gate.
  CallGate(Store& store, const Authenticator& auth, const ServerLimits& limits);

  // Admits a call: UNAUTHENTICATED, PERMISSION_DENIED (naming the missing
  // permission) or RESOURCE_EXHAUSTED (the caller's connection or principal
  // has too many calls open) when it may not run; refusals are audited.
  // `request` holds the request's bytes; none for client streams (they add
  // each message).
  absl::StatusOr<std::unique_ptr<CallScope>> Admit(const grpc::ServerContextBase& context,
                                                   absl::string_view rpc,
                                                   std::optional<absl::string_view> request);

  // Ends an admitted call: the status to send (Finish), audited when the
  // rpc is a write or an admin call; the scope's slot is released.
  grpc::Status Complete(std::unique_ptr<CallScope> scope, const absl::Status& outcome,
                        const grpc::ServerContextBase& context);

  // Watches an open stream until its activity is released; `on_idle` runs
  // (on the watchdog's thread, until it returns true) when it makes no
  // progress for limits.stream_idle_timeout.
  std::shared_ptr<StreamActivity> WatchStream(std::function<bool()> on_idle)
      ABSL_LOCKS_EXCLUDED(streams_mu_);

  // Runs the idle action of every watched stream idle past the timeout.
  // Called periodically by the server.
  void ExpireIdleStreams() ABSL_LOCKS_EXCLUDED(streams_mu_);

  const RpcMetrics& metrics() const { return metrics_; }

  // The x-kg-http-peer value naming HTTP client connection `peer`
  // ("127.0.0.1:51234"); its calls then count and audit as peer
  // "http:127.0.0.1:51234".
  std::string HttpPeerValue(absl::string_view peer) const;

  // The connection a call came on: context.peer(), or the gateway's
  // x-kg-http-peer when it carries this gate's key.
  std::string PeerOf(const grpc::ServerContextBase& context) const;

 private:
  friend class CallScope;

  absl::Status Acquire(const std::string& peer, const Caller& caller) ABSL_LOCKS_EXCLUDED(mu_);
  void Release(CallScope* scope) ABSL_LOCKS_EXCLUDED(mu_);
  void Audit(const grpc::ServerContextBase& context, absl::string_view rpc, const Caller* caller,
             CallScope* scope, std::optional<absl::string_view> request,
             const grpc::Status& outcome);

  Store& store_;
  const Authenticator& auth_;
  const ServerLimits limits_;

  absl::Mutex mu_;
  absl::flat_hash_map<std::string, int32_t> calls_per_peer_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, int32_t> calls_per_principal_ ABSL_GUARDED_BY(mu_);

  // Token buckets per (principal, bucket name).
  struct Bucket {
    double tokens = 0;
    int64_t refilled_ns = 0;
    // Refills at `rate` per second up to `burst`, then takes one token if
    // there is one.
    bool Take(int64_t now, double rate, double burst);
  };
  absl::Status Spend(const std::string& principal, absl::string_view bucket, double rate,
                     double burst) ABSL_LOCKS_EXCLUDED(mu_);
  absl::flat_hash_map<std::string, Bucket> buckets_ ABSL_GUARDED_BY(mu_);

  // Whether a call refused before its caller was known may be audited
  // (then: how many from `host` were left out since the last that was).
  std::optional<int64_t> MayAuditUnknown(const std::string& host) ABSL_LOCKS_EXCLUDED(mu_);
  struct UnknownHost {
    Bucket bucket;
    int64_t left_out = 0;
  };
  absl::flat_hash_map<std::string, UnknownHost> unknown_hosts_ ABSL_GUARDED_BY(mu_);

  absl::Mutex streams_mu_;
  std::vector<std::weak_ptr<StreamActivity>> streams_ ABSL_GUARDED_BY(streams_mu_);

  RpcMetrics metrics_;
  const std::string http_peer_key_;  // random, made at construction
};

}  // namespace kg::server

#endif  // KGD_SERVER_GATE_H_
