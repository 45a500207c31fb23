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
