// server/wire.h: the diagnosis of request bytes that do not parse, and the
// response size bound.

#include <gtest/gtest.h>

#include <string>

#include "absl/strings/match.h"
#include "kg/v1/kg.pb.h"
#include "server/wire.h"

namespace kg::server {
namespace {

// Serializes `request`, then replaces the first occurrence of `marker` in
// the bytes (a field's value) with as many bytes of invalid UTF-8.
std::string WithInvalidUtf8(const google::protobuf::Message& request, const std::string& marker) {
  std::string bytes = request.SerializeAsString();
  const size_t at = bytes.find(marker);
  EXPECT_NE(at, std::string::npos);
  bytes.replace(at, marker.size(), std::string(marker.size(), '\xff'));
  return bytes;
}

v1::AssertRequest TwoStatements() {
  v1::AssertRequest request;
  v1::Entity* entity = request.add_entities();
  entity->set_id("actor/a");
  (*entity->mutable_attributes())["MARKERKEY"].set_string("x");
  for (int i = 0; i < 2; ++i) {
    v1::Statement* statement = request.add_statements();
    statement->set_subject("actor/a");
    statement->set_predicate("backs");
    statement->add_evidence()->set_document("doc/d");
    statement->add_evidence()->set_excerpt(i == 1 ? "EXCERPT" : "fine");
  }
  return request;
}

TEST(WireTest, ValidBytesParse) {
  const v1::AssertRequest request = TwoStatements();
  v1::AssertRequest parsed;
  ASSERT_TRUE(ParseMessage(request.SerializeAsString(), "request", parsed).ok());
  EXPECT_EQ(parsed.statements_size(), 2);
  EXPECT_TRUE(
      DiagnoseUnparsable(request.SerializeAsString(), "request", *v1::AssertRequest::descriptor())
          .ok());
}

TEST(WireTest, InvalidUtf8IsNamedByItsPathWithIndices) {
  v1::AssertRequest parsed;
  const absl::Status status =
      ParseMessage(WithInvalidUtf8(TwoStatements(), "EXCERPT"), "request", parsed);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(),
            "request: statements[1].evidence[1].excerpt: a string field holds invalid UTF-8 (use "
            "valid UTF-8 text)");
}

TEST(WireTest, InvalidUtf8InAMapKeyIsNamed) {
  v1::AssertRequest parsed;
  const absl::Status status =
      ParseMessage(WithInvalidUtf8(TwoStatements(), "MARKERKEY"), "messages[4]", parsed);
  EXPECT_EQ(status.message(),
            "messages[4]: entities[0].attributes[0].key: a string field holds invalid UTF-8 (use "
            "valid UTF-8 text)");
}

TEST(WireTest, TruncatedBytesNameWhereTheyBreak) {
  std::string bytes = TwoStatements().SerializeAsString();
  bytes.resize(bytes.size() - 3);
  v1::AssertRequest parsed;
  const absl::Status status = ParseMessage(bytes, "request", parsed);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(absl::StartsWith(status.message(),
                               "request: not a valid kg.v1.AssertRequest (malformed wire data at "
                               "byte "))
      << status.message();
}

TEST(WireTest, NestingIsBounded) {
  // 200 nested groups of a field the type does not know: skipped, but
  // only to protobuf's depth limit.
  std::string bytes;
  for (int i = 0; i < 200; ++i) bytes += "\x0b";  // start group, field 1
  v1::AssertRequest parsed;
  const absl::Status status = ParseMessage(bytes, "request", parsed);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
}

TEST(WireTest, AResponseLargerThanTheLimitIsRefused) {
  v1::AssertRequest big;
  big.add_entities()->set_label(std::string(1000, 'x'));
  grpc::ByteBuffer buffer;
  const absl::Status refused = SerializeMessage(big, 999, buffer);
  EXPECT_EQ(refused.code(), absl::StatusCode::kResourceExhausted);
  EXPECT_TRUE(absl::StrContains(refused.message(), "exceed the limit of 999 bytes"));
  ASSERT_TRUE(SerializeMessage(big, 4 << 20, buffer).ok());
  EXPECT_EQ(buffer.Length(), big.ByteSizeLong());
}

}  // namespace
}  // namespace kg::server
