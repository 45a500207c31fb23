// GraphService over the wire: lookups, search, match, neighbours, the graph
// queries, paging limits and deadlines.

#include <grpcpp/grpcpp.h>
#include <gtest/gtest.h>

#include <chrono>
#include <set>
#include <string>
#include <vector>

#include "tests/testing/server_fixture.h"

namespace kg::testing {
namespace {

class GraphTest : public ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    ASSERT_NO_FATAL_FAILURE(SeedGraph());
  }

  // Streams a traversal; the step count, or -1 with *status set on failure.
  int CountSteps(const v1::TraverseRequest& request, grpc::Status* status, bool* truncated) {
    auto context = Ctx();
    std::unique_ptr<grpc::ClientReader<v1::TraverseResponse>> reader =
        graph_->Traverse(context.get(), request);
    v1::TraverseResponse message;
    int count = 0;
    while (reader->Read(&message)) {
      count += message.steps_size();
      if (message.done()) *truncated = message.truncated();
    }
    *status = reader->Finish();
    return status->ok() ? count : -1;
  }
};

TEST_F(GraphTest, GetEntity) {
  v1::GetEntityRequest request;
  request.set_id("actor/turkey");
  v1::Entity entity;
  grpc::Status status = graph_->GetEntity(Ctx().get(), request, &entity);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(entity.kind(), "State");
  EXPECT_EQ(entity.updated_by(), "seeder");

  request.set_id("actor/nobody");
  status = graph_->GetEntity(Ctx().get(), request, &entity);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);
  request.set_id("actor/turkey");
  request.mutable_filter()->set_as_of(seeded_at_ - 1);
  status = graph_->GetEntity(Ctx().get(), request, &entity);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);
  request.mutable_filter()->set_as_of(-5);
  status = graph_->GetEntity(Ctx().get(), request, &entity);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
}

TEST_F(GraphTest, SearchEntitiesByAliasWithKindFilter) {
  v1::SearchEntitiesRequest request;
  request.set_query("turkiye");
  v1::SearchEntitiesResponse response;
  grpc::Status status = graph_->SearchEntities(Ctx().get(), request, &response);
  ASSERT_TRUE(status.ok()) << Describe(status);
  ASSERT_EQ(response.entities_size(), 1);
  EXPECT_EQ(response.entities(0).id(), "actor/turkey");

  request.set_query("khan");
  request.add_kinds("Actor");
  ASSERT_TRUE(graph_->SearchEntities(Ctx().get(), request, &response).ok());
  EXPECT_EQ(response.entities_size(), 0);
  request.clear_kinds();
  request.add_kinds("Location");
  response.Clear();
  ASSERT_TRUE(graph_->SearchEntities(Ctx().get(), request, &response).ok());
  ASSERT_EQ(response.entities_size(), 1);
  EXPECT_EQ(response.entities(0).id(), "loc/khan-sheikhoun");

  request.clear_query();
  status = graph_->SearchEntities(Ctx().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  request.set_query("k");
  request.clear_kinds();
  request.add_kinds("Spaceship");
  status = graph_->SearchEntities(Ctx().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
}

TEST_F(GraphTest, PageSizeLimits) {
  v1::SearchEntitiesRequest request;
  request.set_query("a");
  request.set_page_size(5000);
  v1::SearchEntitiesResponse response;
  grpc::Status status = graph_->SearchEntities(Ctx().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(status);
  EXPECT_EQ(status.error_message(), "page_size: 5000 exceeds the limit 1000");

  v1::MatchStatementsRequest match;
  match.set_page_size(1001);
  v1::StatementsPage page;
  status = graph_->MatchStatements(Ctx().get(), match, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED) << Describe(status);
  match.set_page_size(-1);
  status = graph_->MatchStatements(Ctx().get(), match, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
}

TEST_F(GraphTest, MatchStatementsPagesAndFilters) {
  v1::MatchStatementsRequest request;
  request.set_page_size(2);
  std::set<uint64_t> seen;
  v1::StatementsPage page;
  for (int pages = 0; pages < 10; ++pages) {
    grpc::Status status = graph_->MatchStatements(Ctx().get(), request, &page);
    ASSERT_TRUE(status.ok()) << Describe(status);
    EXPECT_LE(page.statements_size(), 2);
    for (const v1::Statement& s : page.statements()) EXPECT_TRUE(seen.insert(s.id()).second);
    if (page.next_page_token().empty()) break;
    request.set_page_token(page.next_page_token());
  }
  EXPECT_EQ(seen.size(), 5u);  // six asserts, two on one triple

  v1::MatchStatementsRequest by_predicate;
  by_predicate.set_predicate("supplies");
  ASSERT_TRUE(graph_->MatchStatements(Ctx().get(), by_predicate, &page).ok());
  ASSERT_EQ(page.statements_size(), 1);
  EXPECT_EQ(page.statements(0).object().entity(), "group/nusra");
  EXPECT_EQ(page.statements(0).evidence_size(), 1);
  EXPECT_EQ(page.statements(0).corroboration().independent_sources(), 1);

  by_predicate.mutable_filter()->set_min_confidence(0.9);
  ASSERT_TRUE(graph_->MatchStatements(Ctx().get(), by_predicate, &page).ok());
  EXPECT_EQ(page.statements_size(), 0);

  by_predicate.set_predicate("frobs");
  grpc::Status status = graph_->MatchStatements(Ctx().get(), by_predicate, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  by_predicate.set_predicate("supplies");
  by_predicate.mutable_filter()->set_min_confidence(0);
  by_predicate.mutable_filter()->set_min_reliability("Z");
  status = graph_->MatchStatements(Ctx().get(), by_predicate, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_EQ(status.error_message(), "filter.min_reliability: must be A-F, got 'Z'");
  by_predicate.mutable_filter()->clear_min_reliability();
  by_predicate.mutable_filter()->set_min_confidence(1.5);
  status = graph_->MatchStatements(Ctx().get(), by_predicate, &page);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
}

TEST_F(GraphTest, NeighborsWithDirectionKindsAndPages) {
  v1::NeighborsRequest request;
  request.set_id("inc/strike-1");
  v1::NeighborsResponse response;
  grpc::Status status = graph_->Neighbors(Ctx().get(), request, &response);
  ASSERT_TRUE(status.ok()) << Describe(status);
  ASSERT_EQ(response.neighbors_size(), 2);  // occurred_in, perpetrated_by
  for (const v1::Neighbor& n : response.neighbors()) {
    EXPECT_EQ(n.direction(), v1::OUT);
    EXPECT_FALSE(n.entity().id().empty());
    EXPECT_EQ(n.statement().subject(), "inc/strike-1");
  }

  request.add_kinds("Actor");
  ASSERT_TRUE(graph_->Neighbors(Ctx().get(), request, &response).ok());
  ASSERT_EQ(response.neighbors_size(), 1);
  EXPECT_EQ(response.neighbors(0).entity().id(), "actor/russia");

  v1::NeighborsRequest in;
  in.set_id("loc/khan-sheikhoun");
  in.set_direction(v1::IN);
  ASSERT_TRUE(graph_->Neighbors(Ctx().get(), in, &response).ok());
  ASSERT_EQ(response.neighbors_size(), 1);
  EXPECT_EQ(response.neighbors(0).direction(), v1::IN);
  EXPECT_EQ(response.neighbors(0).entity().id(), "inc/strike-1");

  v1::NeighborsRequest both;
  both.set_id("loc/khan-sheikhoun");
  both.set_page_size(1);
  std::vector<std::string> others;
  for (int pages = 0; pages < 5; ++pages) {
    status = graph_->Neighbors(Ctx().get(), both, &response);
    ASSERT_TRUE(status.ok()) << Describe(status);
    for (const v1::Neighbor& n : response.neighbors()) others.push_back(n.entity().id());
    if (response.next_page_token().empty()) break;
    both.set_page_token(response.next_page_token());
  }
  EXPECT_EQ(std::set<std::string>(others.begin(), others.end()),
            (std::set<std::string>{"inc/strike-1", "loc/idlib"}));
  EXPECT_EQ(others.size(), 2u);

  v1::NeighborsRequest by_predicate;
  by_predicate.set_id("inc/strike-1");
  by_predicate.add_predicates("perpetrated_by");
  ASSERT_TRUE(graph_->Neighbors(Ctx().get(), by_predicate, &response).ok());
  ASSERT_EQ(response.neighbors_size(), 1);
  EXPECT_EQ(response.neighbors(0).statement().predicate(), "perpetrated_by");

  by_predicate.set_id("actor/nobody");
  status = graph_->Neighbors(Ctx().get(), by_predicate, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);
  by_predicate.set_id("inc/strike-1");
  by_predicate.add_predicates("frobs");
  status = graph_->Neighbors(Ctx().get(), by_predicate, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  by_predicate.clear_predicates();
  by_predicate.set_page_token("garbage");
  status = graph_->Neighbors(Ctx().get(), by_predicate, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
}

TEST_F(GraphTest, TraverseStreamsBreadthFirst) {
  v1::TraverseRequest request;
  request.add_seeds("inc/strike-1");
  request.set_max_depth(3);
  auto context = Ctx();
  std::unique_ptr<grpc::ClientReader<v1::TraverseResponse>> reader =
      graph_->Traverse(context.get(), request);
  v1::TraverseResponse message;
  std::vector<v1::TraversalStep> steps;
  bool done = false;
  while (reader->Read(&message)) {
    for (const v1::TraversalStep& s : message.steps()) steps.push_back(s);
    done = message.done();
  }
  grpc::Status status = reader->Finish();
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_TRUE(done);
  std::set<std::string> nodes;
  for (const v1::TraversalStep& s : steps) nodes.insert(s.node());
  EXPECT_EQ(nodes, (std::set<std::string>{"inc/strike-1", "loc/khan-sheikhoun", "loc/idlib",
                                          "actor/russia", "gov/syria"}));
  ASSERT_FALSE(steps.empty());
  EXPECT_EQ(steps[0].node(), "inc/strike-1");
  EXPECT_EQ(steps[0].depth(), 0);
  for (size_t i = 1; i < steps.size(); ++i) EXPECT_GE(steps[i].depth(), steps[i - 1].depth());

  v1::TraverseRequest too_deep = request;
  too_deep.set_max_depth(7);
  auto context2 = Ctx();
  reader = graph_->Traverse(context2.get(), too_deep);
  while (reader->Read(&message)) {
  }
  status = reader->Finish();
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);

  v1::TraverseRequest capped = request;
  capped.set_max_nodes(2);
  auto context3 = Ctx();
  reader = graph_->Traverse(context3.get(), capped);
  bool truncated = false;
  int count = 0;
  while (reader->Read(&message)) {
    count += message.steps_size();
    if (message.done()) truncated = message.truncated();
  }
  ASSERT_TRUE(reader->Finish().ok());
  EXPECT_EQ(count, 3);  // the seed and the two nodes max_nodes allows
  EXPECT_TRUE(truncated);
}

TEST_F(GraphTest, MaxNodesCountsReachedNodesSeedsExcluded) {
  v1::TraverseRequest request;
  request.add_seeds("inc/strike-1");
  request.set_max_depth(3);
  // The server's upper bound (10,000 by default) is a valid request.
  request.set_max_nodes(10000);
  grpc::Status status;
  bool truncated = true;
  EXPECT_EQ(CountSteps(request, &status, &truncated), 5) << Describe(status);
  EXPECT_FALSE(truncated);
  request.set_max_nodes(4);  // exactly what there is
  EXPECT_EQ(CountSteps(request, &status, &truncated), 5) << Describe(status);
  EXPECT_FALSE(truncated);
  request.set_max_nodes(1);
  EXPECT_EQ(CountSteps(request, &status, &truncated), 2) << Describe(status);
  EXPECT_TRUE(truncated);
  request.set_max_nodes(10001);
  EXPECT_EQ(CountSteps(request, &status, &truncated), -1);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);

  v1::SubgraphRequest subgraph;
  subgraph.add_seeds("inc/strike-1");
  subgraph.set_max_nodes(1);
  v1::SubgraphResponse response;
  status = graph_->Subgraph(Ctx().get(), subgraph, &response);
  ASSERT_TRUE(status.ok()) << Describe(status);
  EXPECT_EQ(response.nodes_size(), 2);
  EXPECT_TRUE(response.truncated());
}

TEST_F(GraphTest, UnknownIdsAreNotFoundInEveryRpc) {
  for (const auto& [id, as_of] : {std::pair<std::string, int64_t>{"actor/nobody", 0},
                                  std::pair<std::string, int64_t>{"actor/russia", 1}}) {
    SCOPED_TRACE(id);
    v1::Filter filter;
    if (as_of != 0) filter.set_as_of(as_of);  // before the graph was seeded
    auto expect_not_found = [&](const grpc::Status& status) {
      EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);
    };
    v1::MatchStatementsRequest match;
    match.set_subject(id);
    *match.mutable_filter() = filter;
    v1::StatementsPage page;
    expect_not_found(graph_->MatchStatements(Ctx().get(), match, &page));
    v1::NeighborsRequest neighbors;
    neighbors.set_id(id);
    *neighbors.mutable_filter() = filter;
    v1::NeighborsResponse neighbors_response;
    expect_not_found(graph_->Neighbors(Ctx().get(), neighbors, &neighbors_response));
    v1::TraverseRequest traverse;
    traverse.add_seeds(id);
    *traverse.mutable_filter() = filter;
    grpc::Status status;
    bool truncated = false;
    CountSteps(traverse, &status, &truncated);
    expect_not_found(status);
    v1::FindPathsRequest paths;
    paths.set_from("actor/turkey");
    paths.set_to(id);
    *paths.mutable_filter() = filter;
    v1::FindPathsResponse paths_response;
    expect_not_found(graph_->FindPaths(Ctx().get(), paths, &paths_response));
    v1::SubgraphRequest subgraph;
    subgraph.add_seeds(id);
    *subgraph.mutable_filter() = filter;
    v1::SubgraphResponse subgraph_response;
    expect_not_found(graph_->Subgraph(Ctx().get(), subgraph, &subgraph_response));
    v1::TimelineRequest timeline;
    timeline.set_actor(id);
    *timeline.mutable_filter() = filter;
    v1::TimelineResponse timeline_response;
    expect_not_found(graph_->Timeline(Ctx().get(), timeline, &timeline_response));
  }
}

TEST_F(GraphTest, TimelineOfTheWrongKindIsInvalid) {
  v1::TimelineRequest request;
  request.set_place("actor/turkey");
  v1::TimelineResponse response;
  grpc::Status status = graph_->Timeline(Ctx().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
  EXPECT_EQ(status.error_message(),
            "place: entity 'actor/turkey' of kind State is not a kind of Location");
  request.set_actor("loc/idlib");
  status = graph_->Timeline(Ctx().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
}

TEST_F(GraphTest, PageTokenOfAnotherListingIsInvalid) {
  v1::MatchStatementsRequest match;
  match.set_subject("inc/strike-1");
  match.set_page_size(1);
  v1::StatementsPage page;
  ASSERT_TRUE(graph_->MatchStatements(Ctx().get(), match, &page).ok());
  ASSERT_FALSE(page.next_page_token().empty());
  const std::string token = page.next_page_token();
  auto expect_other = [](const grpc::Status& status) {
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
    EXPECT_EQ(status.error_message(), "page_token: belongs to another listing or query");
  };
  v1::SearchEntitiesRequest search;
  search.set_query("a");
  search.set_page_token(token);
  v1::SearchEntitiesResponse search_response;
  expect_other(graph_->SearchEntities(Ctx().get(), search, &search_response));
  v1::NeighborsRequest neighbors;
  neighbors.set_id("inc/strike-1");
  neighbors.set_page_token(token);
  v1::NeighborsResponse neighbors_response;
  expect_other(graph_->Neighbors(Ctx().get(), neighbors, &neighbors_response));
  v1::TimelineRequest timeline;
  timeline.set_actor("actor/russia");
  timeline.set_page_token(token);
  v1::TimelineResponse timeline_response;
  expect_other(graph_->Timeline(Ctx().get(), timeline, &timeline_response));
  // The same listing with another query.
  match.set_subject("actor/russia");
  match.set_page_token(token);
  expect_other(graph_->MatchStatements(Ctx().get(), match, &page));
  match.set_subject("inc/strike-1");
  match.mutable_filter()->set_min_confidence(0.5);
  expect_other(graph_->MatchStatements(Ctx().get(), match, &page));
  match.clear_filter();
  EXPECT_TRUE(graph_->MatchStatements(Ctx().get(), match, &page).ok());
}

TEST_F(GraphTest, TraverseOmitLabelsKeepsEverythingButLabels) {
  auto run = [&](bool omit) {
    v1::TraverseRequest request;
    request.add_seeds("inc/strike-1");
    request.set_max_depth(3);
    request.set_omit_labels(omit);
    auto context = Ctx();
    std::unique_ptr<grpc::ClientReader<v1::TraverseResponse>> reader =
        graph_->Traverse(context.get(), request);
    v1::TraverseResponse message;
    std::vector<v1::TraversalStep> steps;
    while (reader->Read(&message)) {
      for (const v1::TraversalStep& s : message.steps()) steps.push_back(s);
    }
    grpc::Status status = reader->Finish();
    EXPECT_TRUE(status.ok()) << Describe(status);
    return steps;
  };
  const std::vector<v1::TraversalStep> with = run(false);
  const std::vector<v1::TraversalStep> without = run(true);
  ASSERT_EQ(with.size(), without.size());
  ASSERT_FALSE(with.empty());
  bool any_label = false;
  for (size_t i = 0; i < with.size(); ++i) {
    any_label = any_label || !with[i].label().empty();
    EXPECT_EQ(without[i].label(), "") << without[i].node();
    EXPECT_EQ(without[i].node(), with[i].node());
    EXPECT_EQ(without[i].kind(), with[i].kind());
    EXPECT_FALSE(without[i].kind().empty()) << without[i].node();
    EXPECT_EQ(without[i].depth(), with[i].depth());
    EXPECT_EQ(without[i].via_statement(), with[i].via_statement());
    EXPECT_EQ(without[i].from_node(), with[i].from_node());
  }
  EXPECT_TRUE(any_label);
}

TEST_F(GraphTest, FindPathsCarriesStatementIds) {
  v1::FindPathsRequest request;
  request.set_from("inc/strike-1");
  request.set_to("gov/syria");
  v1::FindPathsResponse response;
  grpc::Status status = graph_->FindPaths(Ctx().get(), request, &response);
  ASSERT_TRUE(status.ok()) << Describe(status);
  ASSERT_EQ(response.paths_size(), 1);
  ASSERT_EQ(response.paths(0).hops_size(), 2);
  EXPECT_EQ(response.paths(0).hops(0).statement_id(), perpetrated_by_id_);
  EXPECT_EQ(response.paths(0).hops(1).statement_id(), backs_id_);

  request.set_to("actor/turkey");  // no path out of the strike to Turkey
  ASSERT_TRUE(graph_->FindPaths(Ctx().get(), request, &response).ok());
  EXPECT_EQ(response.paths_size(), 0);
  request.set_to("actor/nobody");
  status = graph_->FindPaths(Ctx().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND) << Describe(status);
}

TEST_F(GraphTest, Subgraph) {
  v1::SubgraphRequest request;
  request.add_seeds("loc/khan-sheikhoun");
  request.set_direction(v1::BOTH);
  v1::SubgraphResponse response;
  grpc::Status status = graph_->Subgraph(Ctx().get(), request, &response);
  ASSERT_TRUE(status.ok()) << Describe(status);
  std::set<std::string> nodes;
  for (const v1::Entity& e : response.nodes()) nodes.insert(e.id());
  EXPECT_EQ(nodes, (std::set<std::string>{"loc/khan-sheikhoun", "loc/idlib", "inc/strike-1"}));
  EXPECT_EQ(response.edges_size(), 2);
  EXPECT_FALSE(response.truncated());
}

TEST_F(GraphTest, TimelineOfAPlaceIncludesSubPlaces) {
  v1::TimelineRequest request;
  request.set_place("loc/idlib");
  v1::TimelineResponse response;
  grpc::Status status = graph_->Timeline(Ctx().get(), request, &response);
  ASSERT_TRUE(status.ok()) << Describe(status);
  ASSERT_EQ(response.entries_size(), 1);
  EXPECT_EQ(response.entries(0).incident().id(), "inc/strike-1");
  EXPECT_EQ(response.entries(0).date(), "2019-05-10");
  EXPECT_EQ(response.entries(0).place(), "loc/khan-sheikhoun");

  request.set_actor("actor/russia");
  status = graph_->Timeline(Ctx().get(), request, &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << Describe(status);
}

}  // namespace
}  // namespace kg::testing
