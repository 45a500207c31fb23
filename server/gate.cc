#include "server/gate.h"

#include <openssl/rand.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "server/call.h"
#include "server/permissions.h"
#include "server/status.h"

namespace kg::server {
namespace {

// An audit entry keeps the start of an error message, not all of it.
constexpr size_t kMaxAuditMessageBytes = 256;

// Calls refused before anyone is known are recorded at most this often per
// client host (a burst, then a rate), so that a client without credentials
// cannot grow the audit log without bound; the next record says how many
// were left out. Past kMaxUnknownHosts hosts the buckets start afresh.
constexpr double kUnauthenticatedAuditRate = 10;
constexpr double kUnauthenticatedAuditBurst = 100;
constexpr size_t kMaxUnknownHosts = 4096;

// "ipv4:127.0.0.1:54321" -> "ipv4:127.0.0.1": the client host, not the
// connection.
std::string HostOf(const std::string& peer) {
  const size_t port = peer.rfind(':');
  return port == std::string::npos ? peer : peer.substr(0, port);
}

std::string RandomKey() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    std::fprintf(stderr, "kgd: no random bytes for the in-process peer key\n");
    std::abort();
  }
  return absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(bytes), sizeof(bytes)));
}

}  // namespace

CallGate::CallGate(Store& store, const Authenticator& auth, const ServerLimits& limits)
    : store_(store), auth_(auth), limits_(limits), http_peer_key_(RandomKey()) {}

std::string CallGate::HttpPeerValue(absl::string_view peer) const {
  return absl::StrCat(http_peer_key_, " ", peer);
}

std::string CallGate::PeerOf(const grpc::ServerContextBase& context) const {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(kHttpPeerHeader);
  if (it == metadata.end()) return context.peer();
  absl::string_view value(it->second.data(), it->second.size());
  if (!absl::ConsumePrefix(&value, http_peer_key_) || !absl::ConsumePrefix(&value, " ")) {
    return context.peer();
  }
  return absl::StrCat("http:", value);
}

CallScope::CallScope(CallGate& gate, const grpc::ServerContextBase& context, Caller caller,
                     std::string rpc, std::string peer, bool audited, RpcCounters* counters,
                     absl::Time started)
    : gate_(gate),
      context_(context),
      caller_(std::move(caller)),
      rpc_(std::move(rpc)),
      peer_(std::move(peer)),
      counters_(counters),
      started_(started) {
  if (audited) digest_.emplace();
  if (counters_ != nullptr) gate_.metrics_.Opened(*counters_);
}

CallScope::~CallScope() {
  if (counters_ != nullptr) gate_.metrics_.Closed(*counters_);
  gate_.Release(this);
}

void CallScope::AddRequest(absl::string_view bytes) {
  if (!digest_.has_value()) return;
  request_bytes_ += static_cast<int64_t>(bytes.size());
  digest_->Update(bytes);
}

absl::Status CallGate::Spend(const std::string& principal, absl::string_view bucket, double rate,
                             double burst) {
  const int64_t now = absl::GetCurrentTimeNanos();
  absl::MutexLock lock(&mu_);
  // One bucket per principal and kind; principals come from the credential
  // file, so the map stays as small as it.
  auto [it, fresh] = buckets_.try_emplace(absl::StrCat(bucket, "/", principal));
  Bucket& b = it->second;
  if (fresh) b = {burst, now};
  if (b.Take(now, rate, burst)) return absl::OkStatus();
  return absl::ResourceExhaustedError(
      absl::StrFormat("%s_rate: %s exceeds %g calls per second; retry in %.3f s", bucket, principal,
                      rate, (1 - b.tokens) / rate));
}

bool CallGate::Bucket::Take(int64_t now, double rate, double burst) {
  tokens = std::min(burst, tokens + rate * static_cast<double>(now - refilled_ns) / 1e9);
  refilled_ns = now;
  if (tokens < 1) return false;
  tokens -= 1;
  return true;
}

std::optional<int64_t> CallGate::MayAuditUnknown(const std::string& host) {
  const int64_t now = absl::GetCurrentTimeNanos();
  absl::MutexLock lock(&mu_);
  if (unknown_hosts_.size() >= kMaxUnknownHosts && !unknown_hosts_.contains(host)) {
    unknown_hosts_.clear();
  }
  auto [it, fresh] = unknown_hosts_.try_emplace(host);
  UnknownHost& h = it->second;
  if (fresh) h.bucket = {kUnauthenticatedAuditBurst, now};
  if (!h.bucket.Take(now, kUnauthenticatedAuditRate, kUnauthenticatedAuditBurst)) {
    ++h.left_out;
    return std::nullopt;
  }
  return std::exchange(h.left_out, 0);
}

absl::Status CallGate::Acquire(const std::string& peer, const Caller& caller) {
  absl::MutexLock lock(&mu_);
  int32_t& on_peer = calls_per_peer_[peer];
  if (on_peer >= limits_.max_calls_per_connection) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "max_calls_per_connection: this connection has ", on_peer, " calls open, the limit is ",
        limits_.max_calls_per_connection, "; retry when one ends"));
  }
  // Without authentication everyone is one anonymous principal; the
  // connection limit is what separates them.
  const bool per_principal = caller.authenticated_by != "none";
  if (per_principal && calls_per_principal_[caller.principal] >= limits_.max_calls_per_principal) {
    return absl::ResourceExhaustedError(absl::StrCat(
        "max_calls_per_principal: ", caller.principal, " has ", limits_.max_calls_per_principal,
        " calls open, the limit; retry when one ends"));
  }
  ++on_peer;
  if (per_principal) ++calls_per_principal_[caller.principal];
  return absl::OkStatus();
}

void CallGate::Release(CallScope* scope) {
  absl::MutexLock lock(&mu_);
  if (auto it = calls_per_peer_.find(scope->peer_);
      it != calls_per_peer_.end() && --it->second == 0) {
    calls_per_peer_.erase(it);
  }
  if (scope->caller_.authenticated_by == "none") return;
  if (auto it = calls_per_principal_.find(scope->caller_.principal);
      it != calls_per_principal_.end() && --it->second == 0) {
    calls_per_principal_.erase(it);
  }
}

absl::StatusOr<std::unique_ptr<CallScope>> CallGate::Admit(
    const grpc::ServerContextBase& context, absl::string_view rpc,
    std::optional<absl::string_view> request) {
  const absl::Time started = absl::Now();
  RpcCounters* const counters = metrics_.Find(rpc);
  const std::optional<Permission> needed = RequiredPermission(rpc);
  std::string peer = PeerOf(context);  // the connection: "ipv4:127.0.0.1:54321"
  absl::Status refused;
  absl::StatusOr<Caller> caller = auth_.Authenticate(context);
  if (!needed.has_value()) {
    // Fail closed: an rpc without a table entry is never served.
    refused = absl::PermissionDeniedError(
        absl::StrCat("permission denied: ", rpc, " has no permission defined"));
  } else if (!caller.ok()) {
    refused = caller.status();
  } else if (!RoleHas(caller->role, *needed)) {
    refused = absl::PermissionDeniedError(absl::StrCat(
        "permission denied: ", rpc, " needs the ", PermissionName(*needed), " permission; ",
        caller->principal, " has the ", RoleName(caller->role), " role"));
  } else if (*needed == Permission::kWrite && limits_.write_rate > 0) {
    refused = Spend(caller->principal, "write", limits_.write_rate, limits_.write_burst);
  } else if (IsExpensiveRead(rpc) && limits_.expensive_read_rate > 0) {
    refused = Spend(caller->principal, "expensive_read", limits_.expensive_read_rate,
                    limits_.expensive_read_burst);
  }
  // Only a call that passed every check above takes a slot.
  if (refused.ok()) refused = Acquire(peer, *caller);
  if (!refused.ok()) {
    if (caller.ok()) {
      Audit(context, rpc, &*caller, nullptr, request, ToGrpcStatus(refused));
    } else if (std::optional<int64_t> left_out = MayAuditUnknown(HostOf(peer));
               left_out.has_value()) {
      grpc::Status outcome = ToGrpcStatus(refused);
      if (*left_out > 0) {
        outcome = grpc::Status(outcome.error_code(),
                               absl::StrCat(outcome.error_message(), " (and ", *left_out,
                                            " more such calls from this host not recorded)"));
      }
      Audit(context, rpc, nullptr, nullptr, request, outcome);
    }
    if (counters != nullptr) counters->Record(refused.raw_code(), absl::Now() - started);
    return refused;
  }
  const bool audited = *needed == Permission::kWrite || *needed == Permission::kAdmin;
  std::unique_ptr<CallScope> scope(new CallScope(*this, context, *std::move(caller),
                                                 std::string(rpc), std::move(peer), audited,
                                                 counters, started));
  if (request.has_value()) scope->AddRequest(*request);
  return scope;
}

grpc::Status CallGate::Complete(std::unique_ptr<CallScope> scope, const absl::Status& outcome,
                                const grpc::ServerContextBase& context) {
  grpc::Status status = Finish(outcome, context);
  if (scope->counters_ != nullptr) {
    scope->counters_->Record(status.error_code(), absl::Now() - scope->started_);
  }
  if (scope->digest_.has_value()) {
    Audit(context, scope->rpc_, &scope->caller_, scope.get(), std::nullopt, status);
  }
  return status;
}

void StreamActivity::Detach() {
  absl::MutexLock lock(&mu_);
  on_idle_ = nullptr;
}

void StreamActivity::ExpireIfIdle(absl::Duration timeout) {
  if (absl::GetCurrentTimeNanos() - last_ns_.load(std::memory_order_relaxed) <
      absl::ToInt64Nanoseconds(timeout)) {
    return;
  }
  // Under the lock: the reactor cannot finish (and be freed) meanwhile.
  absl::MutexLock lock(&mu_);
  if (on_idle_ && on_idle_()) on_idle_ = nullptr;
}

std::shared_ptr<StreamActivity> CallGate::WatchStream(std::function<bool()> on_idle) {
  auto activity = std::make_shared<StreamActivity>(std::move(on_idle));
  absl::MutexLock lock(&streams_mu_);
  streams_.push_back(activity);
  return activity;
}

void CallGate::ExpireIdleStreams() {
  std::vector<std::shared_ptr<StreamActivity>> open;
  {
    absl::MutexLock lock(&streams_mu_);
    // Bounded by the open streams (at most the concurrency limits allow);
    // ended ones are dropped here.
    std::vector<std::weak_ptr<StreamActivity>> still_open;
    for (const std::weak_ptr<StreamActivity>& watched : streams_) {
      if (std::shared_ptr<StreamActivity> activity = watched.lock()) {
        open.push_back(activity);
        still_open.push_back(watched);
      }
    }
    streams_ = std::move(still_open);
  }
  for (const std::shared_ptr<StreamActivity>& activity : open) {
    activity->ExpireIfIdle(limits_.stream_idle_timeout);
  }
}

void CallGate::Audit(const grpc::ServerContextBase& context, absl::string_view rpc,
                     const Caller* caller, CallScope* scope,
                     std::optional<absl::string_view> request, const grpc::Status& outcome) {
  AuditRecord record;
  if (caller != nullptr) {
    record.principal = caller->principal;
    record.on_behalf_of = caller->on_behalf_of;
    record.role = std::string(RoleName(caller->role));
    record.authenticated_by = caller->authenticated_by;
  }
  record.rpc = std::string(rpc);
  record.peer = PeerOf(context);
  if (scope != nullptr) {
    record.request_bytes = scope->request_bytes_;
    record.request_sha256 = scope->digest_.has_value() ? scope->digest_->HexDigest() : "";
  } else if (request.has_value()) {
    record.request_bytes = static_cast<int64_t>(request->size());
    record.request_sha256 = Sha256Hex(*request);
  }
  record.code = static_cast<int32_t>(outcome.error_code());
  record.message = outcome.error_message().substr(0, kMaxAuditMessageBytes);
  absl::StatusOr<TxTime> appended = store_.AppendAudit(record);
  if (!appended.ok()) {
    // The call's outcome stands (a write that committed stays committed);
    // the operator learns that the log missed it.
    std::fprintf(stderr, "kgd: audit: cannot record %s by %s: %s\n", record.rpc.c_str(),
                 record.principal.c_str(), appended.status().ToString().c_str());
  }
}

}  // namespace kg::server
