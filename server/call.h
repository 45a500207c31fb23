// Per-call helpers shared by the services: a View that stops when the call is cancelled or past its
// deadline, page-size and batch-size limits, and the final status of a call.

#ifndef KGD_SERVER_CALL_H_
#define KGD_SERVER_CALL_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "server/options.h"
#include "storage/store.h"

namespace kg::server {

// True once the call is cancelled or its deadline has passed. Cheap; polled
// inside long scans.
std::function<bool()> CancellationOf(const grpc::ServerContextBase* context);

// A view whose long scans stop (CANCELLED) when the call goes away.
std::unique_ptr<View> NewCallView(const Store& store, const grpc::ServerContextBase* context);

// page_size 0 -> default; negative -> INVALID_ARGUMENT; above the maximum ->
// RESOURCE_EXHAUSTED "page_size: 5000 exceeds the limit 1000".
absl::StatusOr<int32_t> ResolvePageSize(int32_t page_size, const ServerLimits& limits);

// `records` entities + statements of one write: none -> INVALID_ARGUMENT,
// above max_batch_records -> RESOURCE_EXHAUSTED. `field` names the request
// part ("entities", "statements", "entities + statements").
absl::Status CheckBatchSize(int64_t records, absl::string_view field, const ServerLimits& limits);

// The status to return: DEADLINE_EXCEEDED once the call's deadline has
// passed; otherwise `status`, mapped 1:1 (server/status.h).
grpc::Status Finish(const absl::Status& status, const grpc::ServerContextBase& context);

}  // namespace kg::server

#endif  // KGD_SERVER_CALL_H_
