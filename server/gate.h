// CallGate: the common path of every rpc. It authenticates the caller,
// checks the rpc's permission (server/permissions.h), runs the body, maps
// the outcome to a grpc::Status (server/call.h Finish), and appends writes,
// admin calls and denied calls to the store's audit log.
//
// Example (an rpc body):
//   return gate_.Run(*context, "kg.v1.IngestService/Assert", request,
//                    [&](CallScope& call) -> absl::Status {
//     KG_ASSIGN_OR_RETURN(WriteResult r, store_.Apply(batch, call.caller().write_context()));
//     ...
//   });
//
// Thread safety: Run may be called from any number of threads.

#ifndef KGD_SERVER_GATE_H_
#define KGD_SERVER_GATE_H_

#include <google/protobuf/message.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/auth.h"
#include "server/sha256.h"
#include "storage/store.h"

namespace kg::server {

// One admitted call: its caller, and the running size and SHA-256 of what
// it was sent (streams add each message as they read it).
class CallScope {
 public:
  CallScope(Caller caller, bool audited) : caller_(std::move(caller)) {
    if (audited) digest_.emplace();
  }
  CallScope(const CallScope&) = delete;
  CallScope& operator=(const CallScope&) = delete;

  const Caller& caller() const { return caller_; }
  // Adds a request message to the size and digest the audit log records.
  void AddRequest(const google::protobuf::Message& message);

  int64_t request_bytes() const { return request_bytes_; }
  std::string RequestSha256();

 private:
  const Caller caller_;
  int64_t request_bytes_ = 0;
  std::optional<Sha256> digest_;  // only for audited calls
  std::string buffer_;
};

class CallGate {
 public:
  // `store` and `auth` must outlive the gate.
  CallGate(Store& store, const Authenticator& auth) : store_(store), auth_(auth) {}

  // UNAUTHENTICATED / PERMISSION_DENIED (naming the missing permission)
  // without running `body` when the caller may not make this call;
  // otherwise body's status, through Finish. `request` is null for client
  // streams (the body adds each message).
  grpc::Status Run(grpc::ServerContext& context, absl::string_view rpc,
                   const google::protobuf::Message* request,
                   absl::FunctionRef<absl::Status(CallScope&)> body);

 private:
  void Audit(const grpc::ServerContext& context, absl::string_view rpc, const Caller* caller,
             CallScope* scope, const google::protobuf::Message* request,
             const grpc::Status& outcome);

  Store& store_;
  const Authenticator& auth_;
};

}  // namespace kg::server

#endif  // KGD_SERVER_GATE_H_
