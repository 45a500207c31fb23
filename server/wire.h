// The bytes of requests and responses. kgd parses requests itself (its rpcs
// take raw bytes) so that bytes which are not a valid message get a precise
// INVALID_ARGUMENT instead of gRPC's generic answer, and serializes
// responses itself so that none exceeds what a client accepts.

#ifndef KGD_SERVER_WIRE_H_
#define KGD_SERVER_WIRE_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/slice.h>

#include <cstdint>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace kg::server {

// The bytes of `buffer` in one slice (no copy when they already are).
grpc::Slice SingleSlice(const grpc::ByteBuffer& buffer);

inline absl::string_view BytesOf(const grpc::Slice& slice) {
  return absl::string_view(reinterpret_cast<const char*>(slice.begin()), slice.size());
}

// Parses `bytes` into `message`. INVALID_ARGUMENT when they are not one:
// "request: entities[0].label: a string field holds invalid UTF-8" or
// "request: not a valid kg.v1.AssertRequest (malformed wire data at byte
// 17)". `what` names the message in errors ("request", "messages[3]").
absl::Status ParseMessage(absl::string_view bytes, absl::string_view what,
                          google::protobuf::Message& message);

// Why `bytes` do not parse as `type`, in the words above (also when they do
// parse: then the status is OK). Each byte is read once; nesting is bounded.
absl::Status DiagnoseUnparsable(absl::string_view bytes, absl::string_view what,
                                const google::protobuf::Descriptor& type);

// Serializes `message` into `buffer`; RESOURCE_EXHAUSTED when it is larger
// than `max_bytes` (no client would accept it).
absl::Status SerializeMessage(const google::protobuf::Message& message, int64_t max_bytes,
                              grpc::ByteBuffer& buffer);

// Sends protobuf's own log lines through a throttle (at most one line per
// ten seconds, with a count of those dropped), so that a flood of bad
// requests, each already answered INVALID_ARGUMENT, cannot flood the log.
void ThrottleProtobufLog();

}  // namespace kg::server

#endif  // KGD_SERVER_WIRE_H_
