#include "server/convert_query.h"

#include <algorithm>

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

void ListedStatementToProto(const Statement& s, const ListedEvidence& listed, TxTime as_of,
                            v1::Statement* out) {
  StatementToProto(s, /*with_evidence=*/false, out);
  const size_t shown = std::min<size_t>(s.evidence.size(), listed.per_statement);
  for (size_t i = 0; i < shown; ++i) EvidenceToProto(s.evidence[i], out->add_evidence());
  out->set_evidence_total(static_cast<int32_t>(s.evidence.size()));
  if (shown == s.evidence.size()) return;
  const Evidence* after = listed.explain_prefix && shown > 0 ? &s.evidence[shown - 1] : nullptr;
  out->set_evidence_page_token(EvidencePageToken(s.id, listed.filter, as_of, after));
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

ListedEvidence ListedEvidenceOf(const ServerLimits& limits, const Filter& filter,
                                bool explain_prefix) {
  return {limits.evidence_per_listed_statement, filter, explain_prefix};
}

google::protobuf::RepeatedPtrField<v1::Statement>* PagedItems(v1::StatementsPage* response) {
  return response->mutable_statements();
}

google::protobuf::RepeatedPtrField<v1::Dispute>* PagedItems(v1::ListDisputesResponse* response) {
  return response->mutable_disputes();
}

google::protobuf::RepeatedPtrField<v1::Evidence>* PagedItems(v1::ExplainResponse* response) {
  return response->mutable_statement()->mutable_evidence();
}

void ListingToProto(const Explanation& e, const ListedEvidence& listed, v1::ExplainResponse* out) {
  v1::Statement* statement = out->mutable_statement();
  StatementToProto(e.statement, /*with_evidence=*/true, statement);
  statement->set_evidence_total(e.evidence_total);
  statement->set_evidence_page_token(e.next_evidence_token);
  out->set_disputed(e.disputed);
  for (const std::string& reason : e.dispute_reasons) out->add_dispute_reasons(reason);
  for (const Statement& s : e.conflicts) {
    ListedStatementToProto(s, listed, e.as_of, out->add_conflicts()->mutable_statement());
  }
  for (const DocumentInfo& d : e.documents) DocumentInfoToProto(d, out->add_documents());
}

void ListingToProto(const Page<Dispute>& page, const ListedEvidence& listed,
                    v1::ListDisputesResponse* out) {
  for (const Dispute& d : page.items) {
    v1::Dispute* dispute = out->add_disputes();
    for (const std::string& reason : d.reasons) dispute->add_reasons(reason);
    ListedStatementToProto(d.statement, listed, page.as_of, dispute->mutable_statement());
    for (const Statement& s : d.conflicting) {
      ListedStatementToProto(s, listed, page.as_of, dispute->add_conflicting());
    }
  }
  out->set_next_page_token(page.next_page_token);
}

void ListingToProto(const Page<Statement>& page, const ListedEvidence& listed,
                    v1::StatementsPage* out) {
  for (const Statement& s : page.items) {
    ListedStatementToProto(s, listed, page.as_of, out->add_statements());
  }
  out->set_next_page_token(page.next_page_token);
}

void HistoryToProto(const Page<HistoryEvent>& page, v1::HistoryResponse* out) {
  for (const HistoryEvent& e : page.items) HistoryEventToProto(e, out->add_events());
  out->set_next_page_token(page.next_page_token);
}

}  // namespace kg::server
