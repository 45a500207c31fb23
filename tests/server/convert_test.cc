// proto <-> kg conversions: defaults, validation messages naming the field,
// and round trips.

#include "server/convert.h"

#include <gtest/gtest.h>

#include "server/call.h"
#include "server/convert_graph.h"
#include "tests/testing/test_util.h"

namespace kg::server {
namespace {

TEST(ConvertTest, FilterDefaultsAndValidation) {
  v1::Filter proto;
  ASSERT_OK_AND_ASSIGN(Filter filter, FilterFromProto(proto, "filter"));
  EXPECT_EQ(filter.as_of, kLatest);
  EXPECT_EQ(filter.min_reliability, 'F');
  EXPECT_EQ(filter.max_credibility, 6);
  EXPECT_TRUE(filter.SelectsAllEvidence());

  proto.set_min_reliability("B");
  proto.set_max_credibility(3);
  proto.set_as_of(42);
  proto.set_valid_from("2019");
  proto.set_valid_to("2019-05-11");
  ASSERT_OK_AND_ASSIGN(filter, FilterFromProto(proto, "filter"));
  EXPECT_EQ(filter.min_reliability, 'B');
  EXPECT_EQ(filter.max_credibility, 3);
  EXPECT_EQ(filter.as_of, 42);

  v1::Filter bad;
  bad.set_min_reliability("Z");
  EXPECT_EQ(FilterFromProto(bad, "filter").status().message(),
            "filter.min_reliability: must be A-F, got 'Z'");
  bad.Clear();
  bad.set_max_credibility(7);
  EXPECT_EQ(FilterFromProto(bad, "filter").status().message(),
            "filter.max_credibility: must be 1-6, got 7");
  bad.Clear();
  bad.set_min_confidence(-0.1);
  EXPECT_EQ(FilterFromProto(bad, "filter").status().code(), absl::StatusCode::kInvalidArgument);
  bad.Clear();
  bad.set_valid_from("2019-5-1");
  EXPECT_EQ(FilterFromProto(bad, "filter").status().message(),
            "filter.valid_from: must be a date YYYY, YYYY-MM or YYYY-MM-DD, got '2019-5-1'");
  bad.Clear();
  bad.set_valid_from("2020");
  bad.set_valid_to("2019-12");
  EXPECT_EQ(FilterFromProto(bad, "filter").status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ConvertTest, StatementRoundTrip) {
  v1::Statement proto;
  proto.set_subject("inc/strike-1");
  proto.set_predicate("deaths");
  proto.mutable_object()->set_integer(-12);
  proto.set_valid_from("2019-05");
  v1::Evidence* e = proto.add_evidence();
  e->set_document("doc/1");
  e->set_stance(v1::CLAIMS);
  e->set_reliability("C");
  e->set_credibility(2);
  e->set_span_begin(3);
  e->set_span_end(9);
  ASSERT_OK_AND_ASSIGN(Statement s, StatementFromProto(proto, "statements[0]"));
  EXPECT_EQ(s.object.type, ValueType::kInteger);
  EXPECT_EQ(s.object.lexical, "-12");
  ASSERT_EQ(s.evidence.size(), 1u);
  EXPECT_EQ(s.evidence[0].stance, Stance::kClaims);
  EXPECT_EQ(s.evidence[0].confidence, 1.0);  // unset = 1
  EXPECT_EQ(s.evidence[0].reliability, 'C');
  EXPECT_EQ(s.evidence[0].span_end, 9);

  v1::Statement back;
  StatementToProto(s, true, &back);
  EXPECT_EQ(back.object().integer(), -12);
  EXPECT_EQ(back.evidence(0).stance(), v1::CLAIMS);
  EXPECT_EQ(back.evidence(0).reliability(), "C");
  EXPECT_EQ(back.valid_from(), "2019-05");
}

// Only wire shape is checked here; ranges, dates and literals are the
// store's rules (tests/storage), seen over the wire in tests/server.
TEST(ConvertTest, EvidenceErrorsNameTheField) {
  v1::Statement proto;
  proto.set_subject("a");
  proto.set_predicate("backs");
  EXPECT_EQ(StatementFromProto(proto, "statements[2]").status().message(),
            "statements[2].object: is required");
  proto.mutable_object()->set_entity("b");
  proto.add_evidence()->set_reliability("AB");
  EXPECT_EQ(StatementFromProto(proto, "statements[2]").status().message(),
            "statements[2].evidence[0].reliability: must be one letter A-F, got 'AB'");
  proto.mutable_evidence(0)->clear_reliability();
  proto.mutable_evidence(0)->set_span_begin(1);
  EXPECT_EQ(StatementFromProto(proto, "statements[2]").status().message(),
            "statements[2].evidence[0].span_end: span_begin and span_end must be set together");
}

TEST(ConvertTest, PageAndBatchLimits) {
  ServerLimits limits;
  EXPECT_EQ(*ResolvePageSize(0, limits), 100);
  EXPECT_EQ(*ResolvePageSize(1000, limits), 1000);
  EXPECT_EQ(ResolvePageSize(5000, limits).status().message(),
            "page_size: 5000 exceeds the limit 1000");
  EXPECT_EQ(ResolvePageSize(-1, limits).status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckBatchSize(0, "entities", limits).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(CheckBatchSize(10001, "entities", limits).code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(CheckBatchSize(10000, "entities", limits).ok());
}

TEST(ConvertTest, WriteSizeCountsEvidence) {
  ServerLimits limits;
  limits.max_batch_records = 8;
  limits.max_evidence_per_statement = 3;
  google::protobuf::RepeatedPtrField<v1::Entity> entities;
  google::protobuf::RepeatedPtrField<v1::Statement> statements;
  v1::Statement* st = statements.Add();
  st->set_subject("actor/turkey");
  st->set_predicate("supplies");
  st->mutable_object()->set_entity("group/nusra");
  for (int i = 0; i < 3; ++i) st->add_evidence();
  EXPECT_OK(CheckWriteSize(0, entities, statements, limits));
  // The same statement again: its records count with the first entry's.
  *statements.Add() = *st;
  EXPECT_EQ(CheckWriteSize(0, entities, statements, limits).message(),
            "statements[1].evidence: 6 records (with statements[0], the same statement) exceed "
            "--max_evidence_per_statement 3");
  // Another object is another statement; 2 + 6 records exceed 8 with a
  // document.
  statements[1].mutable_object()->set_string("group/nusra");
  EXPECT_OK(CheckWriteSize(0, entities, statements, limits));
  EXPECT_EQ(CheckWriteSize(1, entities, statements, limits).message(),
            "document + entities + statements + evidence: 9 records exceed the limit 8 per "
            "request");
}

TEST(ConvertTest, ItemsThatFitTheBudget) {
  ServerLimits limits;
  EXPECT_EQ(ResponseBudget(limits), (4u << 20) - (4u << 10));
  limits.max_message_bytes = 1 << 20;
  EXPECT_EQ(ResponseBudget(limits), (1u << 20) - (4u << 10));
  EXPECT_EQ(ItemsThatFit(100, 10, {30, 30, 30, 30}), 3u);
  EXPECT_EQ(ItemsThatFit(100, 10, {91}), 0u);
  EXPECT_EQ(ItemsThatFit(100, 0, {}), 0u);
  EXPECT_EQ(ItemsThatFit(100, 0, {50, 50}), 2u);
}

// The requests whose rpc bodies check them before their first lookup.
TEST(ConvertTest, RequestBounds) {
  v1::GetEntityRequest get;
  EXPECT_EQ(CheckGetEntityRequest(get).message(), "id: is required");
  get.set_id(std::string(1 << 20, 'x'));
  EXPECT_EQ(CheckGetEntityRequest(get).message(), "id: 1048576 bytes exceed the limit 256");
  get.set_id("actor/turkey");
  EXPECT_OK(CheckGetEntityRequest(get));

  v1::SearchEntitiesRequest search;
  EXPECT_EQ(CheckSearchEntitiesRequest(search).message(), "query: must not be empty");
  search.set_query(std::string(257, 'q'));
  EXPECT_EQ(CheckSearchEntitiesRequest(search).message(), "query: 257 bytes exceed the limit 256");
  search.set_query("tur");
  search.add_kinds(std::string(129, 'K'));
  EXPECT_EQ(CheckSearchEntitiesRequest(search).message(),
            "kinds[0]: 129 bytes exceed the limit 128");
  search.set_kinds(0, "State");
  EXPECT_OK(CheckSearchEntitiesRequest(search));

  v1::MatchStatementsRequest match;
  match.set_predicate(std::string(1 << 20, 'p'));
  EXPECT_EQ(PatternFromProto(match).status().message(),
            "predicate: 1048576 bytes exceed the limit 128");
}

}  // namespace
}  // namespace kg::server
