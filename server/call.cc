#include "server/call.h"

#include <chrono>
#include <utility>

#include "absl/strings/str_cat.h"
#include "server/status.h"

namespace kg::server {
namespace {

bool PastDeadline(const grpc::ServerContextBase& context) {
  return context.deadline() <= std::chrono::system_clock::now();
}

}  // namespace

std::function<bool()> CancellationOf(const grpc::ServerContextBase* context) {
  return [context] { return context->IsCancelled() || PastDeadline(*context); };
}

std::unique_ptr<View> NewCallView(const Store& store, const grpc::ServerContextBase* context) {
  return store.NewView(CancellationOf(context));
}

absl::StatusOr<int32_t> ResolvePageSize(int32_t page_size, const ServerLimits& limits) {
  if (page_size < 0) {
    return absl::InvalidArgumentError(absl::StrCat("page_size: must be >= 0, got ", page_size));
  }
  if (page_size == 0) return limits.default_page_size;
  if (page_size > limits.max_page_size) {
    return absl::ResourceExhaustedError(
        absl::StrCat("page_size: ", page_size, " exceeds the limit ", limits.max_page_size));
  }
  return page_size;
}

absl::Status CheckBatchSize(int64_t records, absl::string_view field, const ServerLimits& limits) {
  if (records == 0) {
    return absl::InvalidArgumentError(absl::StrCat(field, ": the batch is empty"));
  }
  if (records > limits.max_batch_records) {
    return absl::ResourceExhaustedError(absl::StrCat(field, ": ", records,
                                                     " records exceed the limit ",
                                                     limits.max_batch_records, " per request"));
  }
  return absl::OkStatus();
}

grpc::Status Finish(const absl::Status& status, const grpc::ServerContextBase& context) {
  // Past the deadline the client is owed DEADLINE_EXCEEDED whatever the work
  // came to (gRPC itself answers so when the deadline fires first); a write
  // that did commit is safe to retry, writes being idempotent.
  if (PastDeadline(context)) {
    return ToGrpcStatus(absl::DeadlineExceededError(
        status.ok() ? "deadline exceeded" : absl::StrCat("deadline exceeded: ", status.message())));
  }
  return ToGrpcStatus(status);
}

}  // namespace kg::server
