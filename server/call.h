// Per-call helpers shared by the services: a View that stops when the call is cancelled or past its
// deadline, page-size, batch-size and response-size limits, and the final status of a call.

#ifndef KGD_SERVER_CALL_H_
#define KGD_SERVER_CALL_H_

#include <grpcpp/server_context.h>
#include <grpcpp/support/status.h>

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "kg/v1/types.pb.h"
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

// `records` records of one write: none -> INVALID_ARGUMENT, above
// max_batch_records -> RESOURCE_EXHAUSTED. `field` names the request part
// ("entities", "entities + statements + evidence").
absl::Status CheckBatchSize(int64_t records, absl::string_view field, const ServerLimits& limits);

// The size of a write of statements (Assert, IngestDocument, one BulkIngest
// message): `documents` (1 for IngestDocument) + entities + statements +
// their evidence records, by CheckBatchSize; and at most
// max_evidence_per_statement evidence records for any one statement, where
// entries with the same subject, predicate and object count together:
// RESOURCE_EXHAUSTED "statements[3].evidence: 1500 records exceed
// --max_evidence_per_statement 1000".
absl::Status CheckWriteSize(int64_t documents,
                            const google::protobuf::RepeatedPtrField<v1::Entity>& entities,
                            const google::protobuf::RepeatedPtrField<v1::Statement>& statements,
                            const ServerLimits& limits);

// The most bytes a response of a listing that carries evidence may have:
// max_message_bytes, less room for
// gRPC's framing and for the page token that a cut page gets instead
// (FillToFit in server/convert_query.h keeps responses within it).
size_t ResponseBudget(const ServerLimits& limits);

// How many of `item_bytes` (the encoded sizes of a response's items, in
// order) fit in `budget` along with `other_bytes`, the rest of the
// response.
size_t ItemsThatFit(size_t budget, size_t other_bytes, const std::vector<size_t>& item_bytes);

// The status to return: DEADLINE_EXCEEDED once the call's deadline has
// passed; otherwise `status`, mapped 1:1 (server/status.h).
grpc::Status Finish(const absl::Status& status, const grpc::ServerContextBase& context);

}  // namespace kg::server

#endif  // KGD_SERVER_CALL_H_
