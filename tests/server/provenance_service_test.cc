// ProvenanceService over the wire: explain, claims by source, disputes,
// history.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/testing/server_fixture.h"

namespace kg::testing {
namespace {

class ProvenanceTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(SeedGraph());
  }
};

TEST_F(ProvenanceTest, ExplainShowsBothSidesAndDocuments) {
  v1::ExplainRequest request;
  request.set_statement_id(perpetrated_by_id_);
  v1::ExplainResponse response;
  grpc::Status status = provenance_->Explain(Ctx().get(), request, &response);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(response.statement().evidence_size(), 2);
  EXPECT_EQ(response.statement().corroboration().denying(), 1);
  EXPECT_TRUE(response.disputed());
  EXPECT_FALSE(response.dispute_reasons().empty());
  EXPECT_EQ(response.documents_size(), 2);

  request.set_statement_id(987654);
  status = provenance_->Explain(Ctx().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);
  request.clear_statement_id();
  status = provenance_->Explain(Ctx().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
}

TEST_F(ProvenanceTest, ListClaimsByPublisherAndDocument) {
  v1::ListClaimsRequest request;
  request.set_publisher("outlet/tass");
  v1::StatementsPage page;
  grpc::Status status = provenance_->ListClaims(Ctx().get(), request, &page);
  ASSERT_TRUE(status.ok()) << Describe(status);
  ASSERT_EQ(page.statements_size(), 2);  // backs, and the denied perpetrated_by
  for (const v1::Statement& s : page.statements()) {
    for (const v1::Evidence& e : s.evidence()) EXPECT_EQ(e.publisher(), "outlet/tass");
  }

  request.set_document("doc/reuters-1");
  ASSERT_TRUE(provenance_->ListClaims(Ctx().get(), request, &page).ok());
  EXPECT_EQ(page.statements_size(), 4);

  v1::ListClaimsRequest none;
  status = provenance_->ListClaims(Ctx().get(), none, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  request.set_date_from("2019-13");
  status = provenance_->ListClaims(Ctx().get(), request, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  request.clear_date_from();
  request.set_page_size(100000);
  status = provenance_->ListClaims(Ctx().get(), request, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(status);
}

TEST_F(ProvenanceTest, ListClaimsOfAnUnknownSourceIsNotFound) {
  v1::ListClaimsRequest request;
  v1::StatementsPage page;
  for (int role = 0; role < 3; ++role) {
    const std::string id = "outlet/nobody";
    if (role == 0) request.set_publisher(id);
    if (role == 1) request.set_document(id);
    // An id the store has never seen is a description; one it knows but
    // that did not exist yet is unknown.
    if (role == 2) request.set_claimant("outlet/tass"), request.mutable_filter()->set_as_of(1);
    grpc::Status status = provenance_->ListClaims(Ctx().get(), request, &page);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);
  }
  // Unknown as of the read's time too.
  request.set_publisher("outlet/tass");
  request.mutable_filter()->set_as_of(1);
  grpc::Status status = provenance_->ListClaims(Ctx().get(), request, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);
  EXPECT_EQ(status.error_message(), "publisher: entity 'outlet/tass' not found");
  // A claimant nobody knows is an anonymous description: nothing, not an error.
  request.clear_filter();
  request.set_claimant("a passer-by");
  status = provenance_->ListClaims(Ctx().get(), request, &page);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(page.statements_size(), 0);
}

TEST_F(ProvenanceTest, ListClaimsListsEachStatementOnce) {
  // TASS reports "russia backs syria" a second time, on a later date.
  v1::AssertRequest assert_request;
  v1::Statement* later = assert_request.add_statements();
  *later = MakeStatement("actor/russia", "backs", "gov/syria", "doc/tass-1", "outlet/tass");
  later->mutable_evidence(0)->set_excerpt("again");
  later->mutable_evidence(0)->set_reported_on("2019-06-01");
  v1::WriteResponse written;
  ASSERT_TRUE(ingest_->Assert(Ctx().get(), assert_request, &written).ok());

  v1::ListClaimsRequest request;
  request.set_publisher("outlet/tass");
  request.set_page_size(1);
  std::vector<uint64_t> ids;
  std::vector<int> evidence;
  for (int pages = 0; pages < 10; ++pages) {
    v1::StatementsPage page;
    grpc::Status status = provenance_->ListClaims(Ctx().get(), request, &page);
    ASSERT_TRUE(status.ok()) << Describe(status);
    for (const v1::Statement& s : page.statements()) {
      ids.push_back(s.id());
      evidence.push_back(s.evidence_size());
    }
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  // Both on 2019-05-11 first, so by statement id; backs carries both dates.
  EXPECT_EQ(ids, (std::vector<uint64_t>{backs_id_, perpetrated_by_id_}));
  EXPECT_EQ(evidence, (std::vector<int>{2, 1}));

  // A ListClaims token is no token of ListDisputes.
  request.clear_page_token();
  v1::StatementsPage first;
  ASSERT_TRUE(provenance_->ListClaims(Ctx().get(), request, &first).ok());
  v1::ListDisputesRequest disputes;
  disputes.set_page_token(first.next_page_token());
  v1::ListDisputesResponse disputes_response;
  grpc::Status status = provenance_->ListDisputes(Ctx().get(), disputes, &disputes_response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_EQ(status.error_message(), "page_token: belongs to another listing or query");
}

TEST_F(ProvenanceTest, ListDisputes) {
  v1::ListDisputesRequest request;
  v1::ListDisputesResponse response;
  grpc::Status status = provenance_->ListDisputes(Ctx().get(), request, &response);
  ASSERT_TRUE(status.ok()) << Describe(status);
  ASSERT_EQ(response.disputes_size(), 1);
  EXPECT_EQ(response.disputes(0).statement().id(), perpetrated_by_id_);

  request.set_entity("actor/turkey");
  ASSERT_TRUE(provenance_->ListDisputes(Ctx().get(), request, &response).ok());
  EXPECT_EQ(response.disputes_size(), 0);
}

TEST_F(ProvenanceTest, HistoryOfStatementAndEntity) {
  v1::RetractRequest retract;
  retract.set_statement_id(supplies_id_);
  retract.set_reason("wrong outlet");
  v1::RetractResponse retracted;
  ASSERT_TRUE(ingest_->Retract(Ctx("dave").get(), retract, &retracted).ok());

  v1::HistoryRequest request;
  request.set_statement_id(supplies_id_);
  v1::HistoryResponse response;
  grpc::Status status = provenance_->History(Ctx().get(), request, &response);
  ASSERT_TRUE(status.ok()) << Describe(status);
  ASSERT_GE(response.events_size(), 2);
  const v1::HistoryEvent& last = response.events(response.events_size() - 1);
  EXPECT_EQ(last.type(), v1::HistoryEvent::EVIDENCE_RETRACTED);
  EXPECT_EQ(last.principal(), "dave");
  EXPECT_EQ(last.reason(), "wrong outlet");
  for (int i = 1; i < response.events_size(); ++i) {
    EXPECT_LE(response.events(i - 1).at(), response.events(i).at());
  }

  request.set_entity("actor/turkey");
  ASSERT_TRUE(provenance_->History(Ctx().get(), request, &response).ok());
  ASSERT_GE(response.events_size(), 1);
  EXPECT_EQ(response.events(0).type(), v1::HistoryEvent::ENTITY_UPSERTED);
  EXPECT_EQ(response.events(0).principal(), "seeder");

  v1::HistoryRequest none;
  status = provenance_->History(Ctx().get(), none, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
}

}  // namespace
}  // namespace kg::testing
