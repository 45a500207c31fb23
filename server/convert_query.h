// Conversions between the kg.v1 messages and the request and result types
// of query/ (provenance; the graph queries' live in graph_service.cc) and of
// the listing reads, so that each rpc body reads convert -> call -> convert.
// Like server/convert.h: wire shape only, errors name the field.

#ifndef KGD_SERVER_CONVERT_QUERY_H_
#define KGD_SERVER_CONVERT_QUERY_H_

#include <string>

#include "absl/status/statusor.h"
#include "kg/v1/kg.pb.h"
#include "query/provenance.h"
#include "storage/store.h"

namespace kg::server {

// The source, date range and filter of a ListClaims request.
struct ClaimsQuery {
  SourceRole role = SourceRole::kPublisher;
  std::string source;
  std::string date_from;
  std::string date_to;
  Filter filter;
};
absl::StatusOr<ClaimsQuery> ClaimsQueryFromProto(const v1::ListClaimsRequest& request);

// Exactly one of statement_id (non-zero) and entity (non-empty, at most
// kg::kMaxIdBytes).
absl::Status CheckHistoryTarget(const v1::HistoryRequest& request);
// The entity, when given, at most kg::kMaxIdBytes.
absl::Status CheckDisputesRequest(const v1::ListDisputesRequest& request);

void ExplanationToProto(const Explanation& explanation, v1::ExplainResponse* out);
void DisputesToProto(const Page<Dispute>& page, v1::ListDisputesResponse* out);
void StatementsToProto(const Page<Statement>& page, v1::StatementsPage* out);
void HistoryToProto(const Page<HistoryEvent>& page, v1::HistoryResponse* out);

}  // namespace kg::server

#endif  // KGD_SERVER_CONVERT_QUERY_H_
