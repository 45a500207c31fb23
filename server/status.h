// The one place where absl::Status becomes grpc::Status.
//
// The canonical codes of both are the same numbers (google.rpc.Code), so the
// code maps 1:1 and the message, which names the field and the reason, is
// kept as it is. Payloads of the absl::Status (type URL -> serialized
// message) become the details of a google.rpc.Status, which gRPC sends in
// the grpc-status-details-bin trailer.

#ifndef KGD_SERVER_STATUS_H_
#define KGD_SERVER_STATUS_H_

#include <google/protobuf/message.h>
#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace kg::server {

grpc::Status ToGrpcStatus(const absl::Status& status);

// Attaches `detail` to `status` as a payload that ToGrpcStatus sends as a
// google.protobuf.Any in the status details.
void AddStatusDetail(const google::protobuf::Message& detail, absl::Status* status);

}  // namespace kg::server

#endif  // KGD_SERVER_STATUS_H_
