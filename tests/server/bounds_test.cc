// The bounds of storage/validation.h over the wire: over-long input in reads
// and writes is INVALID_ARGUMENT with a short message, and changes nothing.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <string>

#include "tests/testing/server_fixture.h"

namespace kg::testing {
namespace {

// Fits any client's metadata limit, whatever the input's size.
constexpr size_t kShortMessage = 300;

const std::string& Huge() {
  static const std::string* const huge = new std::string(1 << 20, 'x');
  return *huge;
}

class BoundsTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(SeedGraph());
  }

  // INVALID_ARGUMENT with a message that names `field` and stays short.
  static void ExpectRefused(const grpc::Status& status, const std::string& field) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
    EXPECT_LT(status.error_message().size(), kShortMessage) << Describe(status);
    EXPECT_EQ(status.error_message().rfind(field + ": ", 0), 0u) << Describe(status);
  }
};

TEST_F(BoundsTest, GetEntityWithHugeId) {
  v1::GetEntityRequest request;
  request.set_id(Huge());
  v1::Entity response;
  ExpectRefused(graph_->GetEntity(Ctx().get(), request, &response), "id");
}

TEST_F(BoundsTest, NeighborsWithHugeIdOrLists) {
  v1::NeighborsRequest request;
  request.set_id(Huge());
  v1::NeighborsResponse response;
  grpc::Status status = graph_->Neighbors(Ctx().get(), request, &response);
  ExpectRefused(status, "id");
  EXPECT_EQ(status.error_message(), "id: 1048576 bytes exceed the limit 256");

  request.set_id("actor/turkey");
  request.add_predicates(Huge());
  ExpectRefused(graph_->Neighbors(Ctx().get(), request, &response), "predicates[0]");
}

TEST_F(BoundsTest, TraverseWithHugeSeed) {
  v1::TraverseRequest request;
  request.add_seeds("actor/turkey");
  request.add_seeds(Huge());
  auto context = Ctx();
  auto reader = graph_->Traverse(context.get(), request);
  v1::TraverseResponse message;
  while (reader->Read(&message)) {
  }
  grpc::Status status = reader->Finish();
  ExpectRefused(status, "seeds[1]");
  EXPECT_EQ(status.error_message(), "seeds[1]: 1048576 bytes exceed the limit 256");
}

TEST_F(BoundsTest, FindPathsAndMatchWithHugeIds) {
  v1::FindPathsRequest paths;
  paths.set_from("actor/turkey");
  paths.set_to(Huge());
  v1::FindPathsResponse paths_response;
  ExpectRefused(graph_->FindPaths(Ctx().get(), paths, &paths_response), "to");

  v1::MatchStatementsRequest match;
  match.set_subject(Huge());
  v1::StatementsPage page;
  ExpectRefused(graph_->MatchStatements(Ctx().get(), match, &page), "subject");
}

TEST_F(BoundsTest, TimelineWithHugeActor) {
  v1::TimelineRequest request;
  request.set_actor(Huge());
  v1::TimelineResponse response;
  ExpectRefused(graph_->Timeline(Ctx().get(), request, &response), "actor");
}

TEST_F(BoundsTest, ExplainWithHugeFilterPublisher) {
  v1::ExplainRequest request;
  request.set_statement_id(supplies_id_);
  request.mutable_filter()->add_publishers_allow(Huge());
  v1::ExplainResponse response;
  ExpectRefused(provenance_->Explain(Ctx().get(), request, &response),
                "filter.publishers_allow[0]");
}

TEST_F(BoundsTest, ProvenanceReadsWithHugeIds) {
  v1::ListClaimsRequest claims;
  claims.set_publisher(Huge());
  v1::StatementsPage page;
  ExpectRefused(provenance_->ListClaims(Ctx().get(), claims, &page), "publisher");
  // A claimant may be a description, longer than an id.
  claims.set_claimant(std::string(1000, 'c'));
  EXPECT_TRUE(provenance_->ListClaims(Ctx().get(), claims, &page).ok());
  claims.set_claimant(Huge());
  ExpectRefused(provenance_->ListClaims(Ctx().get(), claims, &page), "claimant");

  v1::ListDisputesRequest disputes;
  disputes.set_entity(Huge());
  v1::ListDisputesResponse disputes_response;
  ExpectRefused(provenance_->ListDisputes(Ctx().get(), disputes, &disputes_response), "entity");

  v1::HistoryRequest history;
  history.set_entity(Huge());
  v1::HistoryResponse history_response;
  ExpectRefused(provenance_->History(Ctx().get(), history, &history_response), "entity");
}

TEST_F(BoundsTest, WritesWithHugeIds) {
  v1::AssertRequest assert_request;
  *assert_request.add_statements() =
      MakeStatement(Huge(), "supplies", "group/nusra", "doc/reuters-1", "outlet/reuters");
  v1::WriteResponse response;
  grpc::Status status = ingest_->Assert(Ctx().get(), assert_request, &response);
  ExpectRefused(status, "statements[0].subject");
  EXPECT_EQ(status.error_message(), "statements[0].subject: 1048576 bytes exceed the limit 256");

  v1::RetractRequest retract;
  retract.set_statement_id(supplies_id_);
  retract.set_reason(Huge());
  v1::RetractResponse retract_response;
  ExpectRefused(ingest_->Retract(Ctx().get(), retract, &retract_response), "reason");

  v1::MergeRequest merge;
  merge.set_from(Huge());
  merge.set_into("actor/turkey");
  v1::MergeResponse merge_response;
  ExpectRefused(ingest_->Merge(Ctx().get(), merge, &merge_response), "from");

  v1::PurgeRequest purge;
  purge.set_document(Huge());
  purge.set_reason("test");
  v1::PurgeResponse purge_response;
  ExpectRefused(ingest_->Purge(Ctx().get(), purge, &purge_response), "document");
}

TEST_F(BoundsTest, LongLabelIsRefusedAndChangesNothing) {
  v1::UpsertEntitiesRequest request;
  *request.add_entities() = MakeEntity("actor/turkey", "State", std::string(2048, 'T'));
  *request.add_entities() = MakeEntity("actor/qatar", "State", "Qatar");
  v1::WriteResponse response;
  grpc::Status status = ingest_->UpsertEntities(Ctx().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_EQ(status.error_message(), "entities[0].label: 2048 bytes exceed the limit 1024");

  v1::GetEntityRequest get;
  get.set_id("actor/turkey");
  v1::Entity turkey;
  ASSERT_TRUE(graph_->GetEntity(Ctx().get(), get, &turkey).ok());
  EXPECT_EQ(turkey.label(), "Turkey");
  get.set_id("actor/qatar");
  v1::Entity qatar;
  EXPECT_EQ(graph_->GetEntity(Ctx().get(), get, &qatar).error_code(), grpc::StatusCode::NOT_FOUND);
}

}  // namespace
}  // namespace kg::testing
