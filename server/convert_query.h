// Conversions between the kg.v1 messages and the request and result types
// of query/ (provenance; the graph queries' live in graph_service.cc) and of
// the listing reads, so that each rpc body reads convert -> call -> convert;
// and FillToFit, which keeps the listings of evidence within the response
// size.
// Like server/convert.h: wire shape only, errors name the field.

#ifndef KGD_SERVER_CONVERT_QUERY_H_
#define KGD_SERVER_CONVERT_QUERY_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "kg/v1/kg.pb.h"
#include "query/provenance.h"
#include "server/call.h"
#include "server/options.h"
#include "storage/status_macros.h"
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

// How the statements of a listing carry their evidence: at most
// `per_statement` records each, with the count and, when some are left out,
// an Explain token for them under the request's `filter`.
struct ListedEvidence {
  int32_t per_statement = 10;
  Filter filter;
  // True when the records shown are the first that Explain lists (Match
  // and what is built on it), so that the token goes on after them; false
  // for ListClaims, whose records are one source's, so that the token
  // starts at the first record.
  bool explain_prefix = true;
};

// The server's per-statement bound with the request's filter.
ListedEvidence ListedEvidenceOf(const ServerLimits& limits, const Filter& filter,
                                bool explain_prefix);

// The reads that list evidence, each to its response: the statements with
// their evidence as `listed` says (Explain's tokens as of the read's time).
void ListingToProto(const Explanation& explanation, const ListedEvidence& listed,
                    v1::ExplainResponse* out);
void ListingToProto(const Page<Dispute>& page, const ListedEvidence& listed,
                    v1::ListDisputesResponse* out);
void ListingToProto(const Page<Statement>& page, const ListedEvidence& listed,
                    v1::StatementsPage* out);
// The items each of those responses pages: statements, disputes, and the
// statement's evidence of an ExplainResponse.
google::protobuf::RepeatedPtrField<v1::Statement>* PagedItems(v1::StatementsPage* response);
google::protobuf::RepeatedPtrField<v1::Dispute>* PagedItems(v1::ListDisputesResponse* response);
google::protobuf::RepeatedPtrField<v1::Evidence>* PagedItems(v1::ExplainResponse* response);

// Fills *response with the listing read(limit) returns (a Page, or an
// Explanation whose evidence is the page), shrunk to fit ResponseBudget
// (server/call.h). When it is too big, it is read again with as many items
// as fit: read must page the same view from the same token, so that the
// smaller page is the first items of the larger and its token resumes at
// the first one left out. RESOURCE_EXHAUSTED "<field>[0]: ..." when not
// even one item fits.
template <typename Response, typename Read>
absl::Status FillToFit(int32_t limit, const ServerLimits& limits, absl::string_view field,
                       const ListedEvidence& listed, Read read, Response* response) {
  auto fill = [&](int32_t n) -> absl::Status {
    response->Clear();
    KG_ASSIGN_OR_RETURN(auto listing, read(n));
    ListingToProto(listing, listed, response);
    return absl::OkStatus();
  };
  KG_RETURN_IF_ERROR(fill(limit));
  const size_t budget = ResponseBudget(limits);
  const size_t total = response->ByteSizeLong();
  if (total <= budget) return absl::OkStatus();
  std::vector<size_t> item_bytes;
  size_t all_items = 0;
  for (const auto& item : *PagedItems(response)) {
    const size_t bytes = item.ByteSizeLong();
    // The field's tag (one byte: fields 1..15) and the length prefix.
    item_bytes.push_back(1 + google::protobuf::io::CodedOutputStream::VarintSize64(bytes) + bytes);
    all_items += item_bytes.back();
  }
  const size_t other_bytes = total - std::min(total, all_items);
  const size_t fit = ItemsThatFit(budget, other_bytes, item_bytes);
  if (fit == 0) {
    return absl::ResourceExhaustedError(
        absl::StrCat(field, "[0]: ", item_bytes.empty() ? 0 : item_bytes[0], " bytes with ",
                     other_bytes, " bytes around it do not fit the response limit of ", budget,
                     " bytes (--max_message_bytes)"));
  }
  return fill(static_cast<int32_t>(fit));
}

void HistoryToProto(const Page<HistoryEvent>& page, v1::HistoryResponse* out);

}  // namespace kg::server

#endif  // KGD_SERVER_CONVERT_QUERY_H_
