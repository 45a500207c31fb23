// The one place where absl::Status becomes grpc::Status.
//
// The canonical codes of both are the same numbers (google.rpc.Code), so the
// code maps 1:1 and the message, which names the field and the reason, is
// kept as it is.

#ifndef KGD_SERVER_STATUS_H_
#define KGD_SERVER_STATUS_H_

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace kg::server {

grpc::Status ToGrpcStatus(const absl::Status& status);

// The inverse, for code that handles errors from gRPC calls (tests, tools).
absl::Status FromGrpcStatus(const grpc::Status& status);

}  // namespace kg::server

#endif  // KGD_SERVER_STATUS_H_
