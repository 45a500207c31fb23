#include "server/provenance_service.h"

#include <memory>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "query/provenance.h"
#include "server/call.h"
#include "server/convert.h"
#include "storage/status_macros.h"

namespace kg::server {
namespace {

ProvenanceOptions ProvenanceOptionsOf(const ServerLimits& limits) {
  ProvenanceOptions options;
  options.default_page_size = limits.default_page_size;
  options.max_page_size = limits.max_page_size;
  return options;
}

void DocumentInfoToProto(const DocumentInfo& document, v1::DocumentInfo* out) {
  out->set_id(document.id);
  out->set_title(document.title);
  out->set_url(document.url);
  out->set_date(document.date);
  out->set_publisher(document.publisher);
}

}  // namespace

grpc::Status ProvenanceService::Explain(grpc::ServerContext* context,
                                        const v1::ExplainRequest* request,
                                        v1::ExplainResponse* response) {
  return gate_.Run(
      *context, "kg.v1.ProvenanceService/Explain", request, [&](CallScope&) -> absl::Status {
        if (request->statement_id() == 0)
          return absl::InvalidArgumentError("statement_id: is required");
        KG_ASSIGN_OR_RETURN(Filter filter, FilterFromProto(request->filter(), "filter"));
        std::unique_ptr<View> view = NewCallView(store_, context);
        Provenance provenance(*view, store_.schema(), ProvenanceOptionsOf(limits_));
        KG_ASSIGN_OR_RETURN(Explanation e, provenance.Explain(request->statement_id(), filter));
        StatementToProto(e.statement, /*with_evidence=*/true, response->mutable_statement());
        response->set_disputed(e.disputed);
        for (const std::string& reason : e.dispute_reasons) response->add_dispute_reasons(reason);
        for (const Statement& s : e.conflicts) {
          StatementToProto(s, true, response->add_conflicts()->mutable_statement());
        }
        for (const DocumentInfo& d : e.documents) DocumentInfoToProto(d, response->add_documents());
        return absl::OkStatus();
      });
}

grpc::Status ProvenanceService::ListClaims(grpc::ServerContext* context,
                                           const v1::ListClaimsRequest* request,
                                           v1::StatementsPage* response) {
  return gate_.Run(
      *context, "kg.v1.ProvenanceService/ListClaims", request, [&](CallScope&) -> absl::Status {
        SourceRole role = SourceRole::kPublisher;
        std::string source;
        switch (request->source_case()) {
          case v1::ListClaimsRequest::kPublisher:
            role = SourceRole::kPublisher, source = request->publisher();
            break;
          case v1::ListClaimsRequest::kDocument:
            role = SourceRole::kDocument, source = request->document();
            break;
          case v1::ListClaimsRequest::kClaimant:
            role = SourceRole::kClaimant, source = request->claimant();
            break;
          case v1::ListClaimsRequest::SOURCE_NOT_SET:
            break;
        }
        if (source.empty()) {
          return absl::InvalidArgumentError(
              "source: one of publisher, document or claimant is required");
        }
        for (const auto& [field, date] : {std::pair{"date_from", &request->date_from()},
                                          std::pair{"date_to", &request->date_to()}}) {
          if (!IsValidDate(*date)) {
            return absl::InvalidArgumentError(absl::StrCat(
                field, ": must be a date YYYY, YYYY-MM or YYYY-MM-DD, got '", *date, "'"));
          }
        }
        KG_ASSIGN_OR_RETURN(Filter filter, FilterFromProto(request->filter(), "filter"));
        KG_ASSIGN_OR_RETURN(int32_t limit, ResolvePageSize(request->page_size(), limits_));
        KG_ASSIGN_OR_RETURN(Page<Statement> page,
                            NewCallView(store_, context)
                                ->ClaimsBy(role, source, request->date_from(), request->date_to(),
                                           filter, limit, request->page_token()));
        for (const Statement& s : page.items) StatementToProto(s, true, response->add_statements());
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

grpc::Status ProvenanceService::ListDisputes(grpc::ServerContext* context,
                                             const v1::ListDisputesRequest* request,
                                             v1::ListDisputesResponse* response) {
  return gate_.Run(
      *context, "kg.v1.ProvenanceService/ListDisputes", request, [&](CallScope&) -> absl::Status {
        KG_ASSIGN_OR_RETURN(Filter filter, FilterFromProto(request->filter(), "filter"));
        KG_ASSIGN_OR_RETURN(int32_t limit, ResolvePageSize(request->page_size(), limits_));
        std::unique_ptr<View> view = NewCallView(store_, context);
        Provenance provenance(*view, store_.schema(), ProvenanceOptionsOf(limits_));
        KG_ASSIGN_OR_RETURN(
            Page<Dispute> page,
            provenance.ListDisputes(request->entity(), filter, limit, request->page_token()));
        for (const Dispute& d : page.items) {
          v1::Dispute* out = response->add_disputes();
          for (const std::string& reason : d.reasons) out->add_reasons(reason);
          StatementToProto(d.statement, true, out->mutable_statement());
          for (const Statement& s : d.conflicting)
            StatementToProto(s, true, out->add_conflicting());
        }
        response->set_next_page_token(page.next_page_token);
        return absl::OkStatus();
      });
}

grpc::Status ProvenanceService::History(grpc::ServerContext* context,
                                        const v1::HistoryRequest* request,
                                        v1::HistoryResponse* response) {
  return gate_.Run(
      *context, "kg.v1.ProvenanceService/History", request, [&](CallScope&) -> absl::Status {
        KG_ASSIGN_OR_RETURN(TxTime as_of, AsOfFromProto(request->filter(), "filter"));
        KG_ASSIGN_OR_RETURN(int32_t limit, ResolvePageSize(request->page_size(), limits_));
        std::unique_ptr<View> view = NewCallView(store_, context);
        absl::StatusOr<Page<HistoryEvent>> page;
        if (request->target_case() == v1::HistoryRequest::kStatementId &&
            request->statement_id() != 0) {
          page =
              view->StatementHistory(request->statement_id(), as_of, limit, request->page_token());
        } else if (request->target_case() == v1::HistoryRequest::kEntity &&
                   !request->entity().empty()) {
          page = view->EntityHistory(request->entity(), as_of, limit, request->page_token());
        } else {
          return absl::InvalidArgumentError("target: one of statement_id or entity is required");
        }
        KG_RETURN_IF_ERROR(page.status());
        for (const HistoryEvent& e : page->items) HistoryEventToProto(e, response->add_events());
        response->set_next_page_token(page->next_page_token);
        return absl::OkStatus();
      });
}

}  // namespace kg::server
