#include "server/call.h"

#include <algorithm>
#include <chrono>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
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

absl::Status CheckWriteSize(int64_t documents,
                            const google::protobuf::RepeatedPtrField<v1::Entity>& entities,
                            const google::protobuf::RepeatedPtrField<v1::Statement>& statements,
                            const ServerLimits& limits) {
  int64_t records = documents + entities.size() + statements.size();
  // Per statement as sent: (subject, predicate, object) -> the first entry
  // and the evidence records so far.
  absl::flat_hash_map<std::string, std::pair<int, int64_t>> per_statement;
  for (int i = 0; i < statements.size(); ++i) {
    const v1::Statement& st = statements[i];
    records += st.evidence_size();
    auto [it, first] = per_statement.try_emplace(
        absl::StrCat(st.subject().size(), ":", st.subject(), st.predicate().size(), ":",
                     st.predicate(), st.object().SerializeAsString()),
        i, 0);
    it->second.second += st.evidence_size();
    if (it->second.second <= limits.max_evidence_per_statement) continue;
    return absl::ResourceExhaustedError(absl::StrCat(
        "statements[", i, "].evidence: ", it->second.second, " records ",
        first ? "" : absl::StrCat("(with statements[", it->second.first, "], the same statement) "),
        "exceed --max_evidence_per_statement ", limits.max_evidence_per_statement));
  }
  return CheckBatchSize(records,
                        documents > 0 ? "document + entities + statements + evidence"
                                      : "entities + statements + evidence",
                        limits);
}

size_t ResponseBudget(const ServerLimits& limits) {
  // A page token is at most ~1.5 KiB (ListClaims': a claimant description
  // of 1 KiB, base64); the rest is gRPC's 5-byte message prefix and slack.
  constexpr size_t kHeadroom = 4 << 10;
  const size_t limit = static_cast<size_t>(std::max(0, limits.max_message_bytes));
  return limit > kHeadroom ? limit - kHeadroom : 0;
}

size_t ItemsThatFit(size_t budget, size_t other_bytes, const std::vector<size_t>& item_bytes) {
  size_t used = other_bytes;
  size_t n = 0;
  while (n < item_bytes.size() && used + item_bytes[n] <= budget) used += item_bytes[n++];
  return n;
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
