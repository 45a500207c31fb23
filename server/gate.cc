#include "server/gate.h"

#include <cstdio>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/call.h"
#include "server/permissions.h"
#include "server/status.h"

namespace kg::server {
namespace {

// An audit entry keeps the start of an error message, not all of it.
constexpr size_t kMaxAuditMessageBytes = 256;

}  // namespace

void CallScope::AddRequest(const google::protobuf::Message& message) {
  if (!digest_.has_value()) return;
  buffer_.clear();
  message.SerializeToString(&buffer_);
  request_bytes_ += static_cast<int64_t>(buffer_.size());
  digest_->Update(buffer_);
}

std::string CallScope::RequestSha256() { return digest_.has_value() ? digest_->HexDigest() : ""; }

grpc::Status CallGate::Run(grpc::ServerContext& context, absl::string_view rpc,
                           const google::protobuf::Message* request,
                           absl::FunctionRef<absl::Status(CallScope&)> body) {
  const std::optional<Permission> needed = RequiredPermission(rpc);
  if (!needed.has_value()) {
    // Fail closed: an rpc without a table entry is never served.
    grpc::Status denied = ToGrpcStatus(absl::PermissionDeniedError(
        absl::StrCat("permission denied: ", rpc, " has no permission defined")));
    Audit(context, rpc, nullptr, nullptr, request, denied);
    return denied;
  }
  absl::StatusOr<Caller> caller = auth_.Authenticate(context);
  if (!caller.ok()) {
    grpc::Status refused = ToGrpcStatus(caller.status());
    Audit(context, rpc, nullptr, nullptr, request, refused);
    return refused;
  }
  if (!RoleHas(caller->role, *needed)) {
    grpc::Status denied = ToGrpcStatus(absl::PermissionDeniedError(absl::StrCat(
        "permission denied: ", rpc, " needs the ", PermissionName(*needed), " permission; ",
        caller->principal, " has the ", RoleName(caller->role), " role")));
    Audit(context, rpc, &*caller, nullptr, request, denied);
    return denied;
  }
  const bool audited = *needed == Permission::kWrite || *needed == Permission::kAdmin;
  CallScope scope(*std::move(caller), audited);
  if (request != nullptr) scope.AddRequest(*request);
  grpc::Status outcome = Finish(body(scope), context);
  if (audited) Audit(context, rpc, &scope.caller(), &scope, nullptr, outcome);
  return outcome;
}

void CallGate::Audit(const grpc::ServerContext& context, absl::string_view rpc,
                     const Caller* caller, CallScope* scope,
                     const google::protobuf::Message* request, const grpc::Status& outcome) {
  AuditRecord record;
  if (caller != nullptr) {
    record.principal = caller->principal;
    record.on_behalf_of = caller->on_behalf_of;
    record.role = std::string(RoleName(caller->role));
    record.authenticated_by = caller->authenticated_by;
  }
  record.rpc = std::string(rpc);
  record.peer = context.peer();
  if (scope != nullptr) {
    record.request_bytes = scope->request_bytes();
    record.request_sha256 = scope->RequestSha256();
  } else if (request != nullptr) {
    const std::string bytes = request->SerializeAsString();
    record.request_bytes = static_cast<int64_t>(bytes.size());
    record.request_sha256 = Sha256Hex(bytes);
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
