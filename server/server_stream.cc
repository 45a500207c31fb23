#include "server/server_stream.h"

#include <utility>

#include "server/status.h"

namespace kg::server {

bool ServerStreamReactor::Admit(absl::string_view rpc, absl::string_view request) {
  absl::StatusOr<std::unique_ptr<CallScope>> scope = gate().Admit(*context_, rpc, request);
  if (!scope.ok()) {
    Finish(ToGrpcStatus(scope.status()));
    return false;
  }
  scope_ = *std::move(scope);
  return true;
}

void ServerStreamReactor::End(const absl::Status& outcome) {
  Finish(gate().Complete(std::move(scope_), outcome, *context_));
}

}  // namespace kg::server
