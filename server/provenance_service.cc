#include "server/provenance_service.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "query/provenance.h"
#include "server/call.h"
#include "server/convert.h"
#include "server/convert_query.h"
#include "storage/status_macros.h"

namespace kg::server {
namespace {

ProvenanceOptions ProvenanceOptionsOf(const ServerLimits& limits) {
  ProvenanceOptions options;
  options.default_page_size = limits.default_page_size;
  options.max_page_size = limits.max_page_size;
  return options;
}

}  // namespace

ProvenanceService::ProvenanceService(Store& store, const CallPath& path)
    : RawService("kg.v1.ProvenanceService", path), store_(store), limits_(path.limits) {
  ServeUnary("Explain", RunOn::kCallbackThread, &ProvenanceService::OnExplain);
  ServeUnary("ListClaims", RunOn::kCallbackThread, &ProvenanceService::OnListClaims);
  ServeUnary("ListDisputes", RunOn::kWorker, &ProvenanceService::OnListDisputes);
  ServeUnary("History", RunOn::kCallbackThread, &ProvenanceService::OnHistory);
}

absl::Status ProvenanceService::OnExplain(CallScope& call, const v1::ExplainRequest& request,
                                          v1::ExplainResponse& response) {
  if (request.statement_id() == 0) return absl::InvalidArgumentError("statement_id: is required");
  KG_ASSIGN_OR_RETURN(Filter filter, FilterFromProto(request.filter(), "filter"));
  std::unique_ptr<View> view = NewCallView(store_, &call.context());
  Provenance provenance(*view, store_.schema(), ProvenanceOptionsOf(limits_));
  return FillToFit(
      request.evidence_page_size(), limits_, "statement.evidence",
      ListedEvidenceOf(limits_, filter, true),
      [&](int32_t n) {
        return provenance.Explain(request.statement_id(), filter,
                                  {n, request.evidence_page_token()});
      },
      &response);
}

absl::Status ProvenanceService::OnListClaims(CallScope& call, const v1::ListClaimsRequest& request,
                                             v1::StatementsPage& response) {
  KG_ASSIGN_OR_RETURN(ClaimsQuery q, ClaimsQueryFromProto(request));
  KG_ASSIGN_OR_RETURN(int32_t limit, ResolvePageSize(request.page_size(), limits_));
  std::unique_ptr<View> view = NewCallView(store_, &call.context());
  return FillToFit(
      limit, limits_, "statements", ListedEvidenceOf(limits_, q.filter, false),
      [&](int32_t n) {
        return view->ClaimsBy(q.role, q.source, q.date_from, q.date_to, q.filter, n,
                              request.page_token());
      },
      &response);
}

absl::Status ProvenanceService::OnListDisputes(CallScope& call,
                                               const v1::ListDisputesRequest& request,
                                               v1::ListDisputesResponse& response) {
  KG_RETURN_IF_ERROR(CheckDisputesRequest(request));
  KG_ASSIGN_OR_RETURN(Filter filter, FilterFromProto(request.filter(), "filter"));
  KG_ASSIGN_OR_RETURN(int32_t limit, ResolvePageSize(request.page_size(), limits_));
  std::unique_ptr<View> view = NewCallView(store_, &call.context());
  Provenance provenance(*view, store_.schema(), ProvenanceOptionsOf(limits_));
  return FillToFit(
      limit, limits_, "disputes", ListedEvidenceOf(limits_, filter, true),
      [&](int32_t n) {
        return provenance.ListDisputes(request.entity(), filter, n, request.page_token());
      },
      &response);
}

absl::Status ProvenanceService::OnHistory(CallScope& call, const v1::HistoryRequest& request,
                                          v1::HistoryResponse& response) {
  KG_ASSIGN_OR_RETURN(TxTime as_of, AsOfFromProto(request.filter(), "filter"));
  KG_ASSIGN_OR_RETURN(int32_t limit, ResolvePageSize(request.page_size(), limits_));
  KG_RETURN_IF_ERROR(CheckHistoryTarget(request));
  std::unique_ptr<View> view = NewCallView(store_, &call.context());
  absl::StatusOr<Page<HistoryEvent>> page =
      request.target_case() == v1::HistoryRequest::kStatementId
          ? view->StatementHistory(request.statement_id(), as_of, limit, request.page_token())
          : view->EntityHistory(request.entity(), as_of, limit, request.page_token());
  KG_RETURN_IF_ERROR(page.status());
  HistoryToProto(*page, &response);
  return absl::OkStatus();
}

}  // namespace kg::server
