#include "server/convert_query.h"

#include "server/convert.h"
#include "storage/status_macros.h"
#include "storage/validation.h"

namespace kg::server {
namespace {

void DocumentInfoToProto(const DocumentInfo& document, v1::DocumentInfo* out) {
  out->set_id(document.id);
  out->set_title(document.title);
  out->set_url(document.url);
  out->set_date(document.date);
  out->set_publisher(document.publisher);
}

}  // namespace

absl::StatusOr<ClaimsQuery> ClaimsQueryFromProto(const v1::ListClaimsRequest& request) {
  ClaimsQuery query;
  const char* field = "source";
  // A claimant is an entity id or an anonymous source's description.
  size_t max_bytes = kMaxIdBytes;
  switch (request.source_case()) {
    case v1::ListClaimsRequest::kPublisher:
      query.role = SourceRole::kPublisher, query.source = request.publisher(), field = "publisher";
      break;
    case v1::ListClaimsRequest::kDocument:
      query.role = SourceRole::kDocument, query.source = request.document(), field = "document";
      break;
    case v1::ListClaimsRequest::kClaimant:
      query.role = SourceRole::kClaimant, query.source = request.claimant(), field = "claimant";
      max_bytes = kMaxDescriptionBytes;
      break;
    case v1::ListClaimsRequest::SOURCE_NOT_SET:
      break;
  }
  if (query.source.empty()) {
    return absl::InvalidArgumentError("source: one of publisher, document or claimant is required");
  }
  KG_RETURN_IF_ERROR(CheckBytes(query.source, max_bytes, field));
  KG_RETURN_IF_ERROR(CheckDate(request.date_from(), "date_from"));
  KG_RETURN_IF_ERROR(CheckDate(request.date_to(), "date_to"));
  query.date_from = request.date_from();
  query.date_to = request.date_to();
  KG_ASSIGN_OR_RETURN(query.filter, FilterFromProto(request.filter(), "filter"));
  return query;
}

absl::Status CheckHistoryTarget(const v1::HistoryRequest& request) {
  const bool set = request.target_case() == v1::HistoryRequest::kStatementId
                       ? request.statement_id() != 0
                       : !request.entity().empty();
  if (!set) return absl::InvalidArgumentError("target: one of statement_id or entity is required");
  return CheckId(request.entity(), "entity");
}

absl::Status CheckDisputesRequest(const v1::ListDisputesRequest& request) {
  return CheckId(request.entity(), "entity");
}

void ExplanationToProto(const Explanation& e, v1::ExplainResponse* out) {
  StatementToProto(e.statement, /*with_evidence=*/true, out->mutable_statement());
  out->set_disputed(e.disputed);
  for (const std::string& reason : e.dispute_reasons) out->add_dispute_reasons(reason);
  for (const Statement& s : e.conflicts) {
    StatementToProto(s, true, out->add_conflicts()->mutable_statement());
  }
  for (const DocumentInfo& d : e.documents) DocumentInfoToProto(d, out->add_documents());
}

void DisputesToProto(const Page<Dispute>& page, v1::ListDisputesResponse* out) {
  for (const Dispute& d : page.items) {
    v1::Dispute* dispute = out->add_disputes();
    for (const std::string& reason : d.reasons) dispute->add_reasons(reason);
    StatementToProto(d.statement, true, dispute->mutable_statement());
    for (const Statement& s : d.conflicting) StatementToProto(s, true, dispute->add_conflicting());
  }
  out->set_next_page_token(page.next_page_token);
}

void StatementsToProto(const Page<Statement>& page, v1::StatementsPage* out) {
  for (const Statement& s : page.items) StatementToProto(s, true, out->add_statements());
  out->set_next_page_token(page.next_page_token);
}

void HistoryToProto(const Page<HistoryEvent>& page, v1::HistoryResponse* out) {
  for (const HistoryEvent& e : page.items) HistoryEventToProto(e, out->add_events());
  out->set_next_page_token(page.next_page_token);
}

}  // namespace kg::server
