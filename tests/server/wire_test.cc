// Bad bytes over the wire, to every rpc of kg.v1: bytes that are not a
// protobuf message, and a string field holding invalid UTF-8. Each gets
// INVALID_ARGUMENT saying what is wrong (naming the field), nothing is
// written, and the server's log does not grow a line per request.

#include <google/protobuf/descriptor.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <grpcpp/generic/generic_stub.h>
#include <gtest/gtest.h>

#include <future>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_split.h"
#include "tests/testing/server_fixture.h"

namespace kg::testing {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;

// One call of any kind through the generic stub: sends `messages`, closes
// its side, reads every response, and returns the final status.
class RawCall final : public grpc::ClientBidiReactor<grpc::ByteBuffer, grpc::ByteBuffer> {
 public:
  RawCall(grpc::GenericStub& stub, grpc::ClientContext* context, const std::string& method,
          std::vector<std::string> messages)
      : messages_(std::move(messages)) {
    stub.PrepareBidiStreamingCall(context, method, {}, this);
    StartRead(&read_);
    WriteNext();
    StartCall();
  }

  grpc::Status Await() { return done_.get_future().get(); }

  void OnWriteDone(bool ok) override {
    if (ok) WriteNext();
  }
  void OnReadDone(bool ok) override {
    if (ok) StartRead(&read_);
  }
  void OnDone(const grpc::Status& status) override { done_.set_value(status); }

 private:
  void WriteNext() {
    if (next_ == messages_.size()) {
      StartWritesDone();
      return;
    }
    grpc::Slice slice(messages_[next_++]);
    write_ = grpc::ByteBuffer(&slice, 1);
    StartWrite(&write_);
  }

  std::vector<std::string> messages_;
  size_t next_ = 0;
  grpc::ByteBuffer write_;
  grpc::ByteBuffer read_;
  std::promise<grpc::Status> done_;
};

std::vector<const MethodDescriptor*> EveryRpc() {
  const google::protobuf::FileDescriptor* file =
      google::protobuf::DescriptorPool::generated_pool()->FindFileByName("kg/v1/kg.proto");
  std::vector<const MethodDescriptor*> rpcs;
  for (int s = 0; s < file->service_count(); ++s) {
    for (int m = 0; m < file->service(s)->method_count(); ++m) {
      rpcs.push_back(file->service(s)->method(m));
    }
  }
  return rpcs;
}

std::string LengthDelimited(int number, const std::string& payload) {
  std::string out;
  google::protobuf::io::StringOutputStream stream(&out);
  google::protobuf::io::CodedOutputStream coded(&stream);
  coded.WriteTag(static_cast<uint32_t>(number) << 3 | 2);
  coded.WriteVarint32(static_cast<uint32_t>(payload.size()));
  coded.WriteString(payload);
  coded.Trim();
  return out;
}

// A message of `type` whose first reachable string field (depth first,
// at most four messages deep) holds invalid UTF-8, and that field's path as
// errors name it ("filter.publisher", "statements[0].subject"); none when
// the type has no string field.
bool InvalidUtf8(const Descriptor& type, int depth, std::string* bytes, std::string* path) {
  for (int i = 0; i < type.field_count(); ++i) {
    const FieldDescriptor* field = type.field(i);
    const std::string name = field->is_repeated() ? field->name() + "[0]" : field->name();
    if (field->type() == FieldDescriptor::TYPE_STRING) {
      *bytes = LengthDelimited(field->number(), "ok\xc3\x28");
      *path = name;
      return true;
    }
    std::string inner, inner_path;
    if (field->type() == FieldDescriptor::TYPE_MESSAGE && depth < 4 &&
        InvalidUtf8(*field->message_type(), depth + 1, &inner, &inner_path)) {
      *bytes = LengthDelimited(field->number(), inner);
      *path = name + "." + inner_path;
      return true;
    }
  }
  return false;
}

class WireTest : public ServerTest {
 protected:
  grpc::Status Send(const MethodDescriptor& rpc, const std::string& bytes, bool authenticated) {
    grpc::GenericStub stub(channel_);
    std::unique_ptr<grpc::ClientContext> context =
        authenticated ? Ctx() : std::make_unique<grpc::ClientContext>();
    RawCall call(stub, context.get(),
                 absl::StrCat("/", rpc.service()->full_name(), "/", rpc.name()), {bytes});
    return call.Await();
  }

  static std::string What(const MethodDescriptor& rpc) {
    // Client streams name their messages: Import's chunks, BulkIngest's messages.
    if (!rpc.client_streaming()) return "request";
    return rpc.name() == "Import" ? "chunks[0]" : "messages[0]";
  }
};

TEST_F(WireTest, BytesThatAreNotAMessageAreInvalidArgumentOnEveryRpc) {
  const std::vector<const MethodDescriptor*> rpcs = EveryRpc();
  ASSERT_GE(rpcs.size(), 20u);
  // An over-long varint where a tag should be; a field that claims more
  // bytes than follow.
  for (const std::string& garbage : {std::string(10, '\xff') + "\x01", std::string("\x0a\x05"
                                                                                   "ab")}) {
    for (const MethodDescriptor* rpc : rpcs) {
      SCOPED_TRACE(rpc->full_name());
      const grpc::Status status = Send(*rpc, garbage, /*authenticated=*/true);
      EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
      EXPECT_EQ(status.error_message(),
                absl::StrCat(What(*rpc), ": not a valid ", rpc->input_type()->full_name(),
                             " (malformed wire data at byte 0)"));
    }
  }
}

TEST_F(WireTest, InvalidUtf8NamesTheFieldOnEveryRpcWithAStringField) {
  int checked = 0;
  for (const MethodDescriptor* rpc : EveryRpc()) {
    SCOPED_TRACE(rpc->full_name());
    std::string bytes, path;
    if (!InvalidUtf8(*rpc->input_type(), 0, &bytes, &path)) continue;
    ++checked;
    const grpc::Status status = Send(*rpc, bytes, /*authenticated=*/true);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT) << status.error_message();
    EXPECT_EQ(status.error_message(),
              absl::StrCat(What(*rpc), ": ", path,
                           ": a string field holds invalid UTF-8 (use valid UTF-8 text)"));
  }
  EXPECT_GE(checked, 20);
}

TEST_F(WireTest, BadBytesChangeNothingAndAreAuditedForWrites) {
  for (const MethodDescriptor* rpc : EveryRpc()) {
    Send(*rpc, std::string(10, '\xff') + "\x01", /*authenticated=*/true);
  }
  v1::GetStatsResponse stats;
  ASSERT_TRUE(admin_->GetStats(Ctx().get(), {}, &stats).ok());
  EXPECT_EQ(stats.entities(), 0);
  EXPECT_EQ(stats.statements(), 0);
  v1::ListAuditRequest audit_request;
  audit_request.set_rpc("kg.v1.IngestService/Assert");
  v1::ListAuditResponse audit;
  ASSERT_TRUE(admin_->ListAudit(Ctx().get(), audit_request, &audit).ok());
  ASSERT_EQ(audit.entries_size(), 1);
  EXPECT_EQ(audit.entries(0).code(), static_cast<int32_t>(grpc::StatusCode::INVALID_ARGUMENT));
  EXPECT_EQ(audit.entries(0).request_bytes(), 11);
}

TEST_F(WireTest, UnauthenticatedBadBytesAreRefusedBeforeTheyAreRead) {
  for (const MethodDescriptor* rpc : EveryRpc()) {
    SCOPED_TRACE(rpc->full_name());
    EXPECT_EQ(Send(*rpc, std::string(10, '\xff') + "\x01", /*authenticated=*/false).error_code(),
              grpc::StatusCode::UNAUTHENTICATED);
  }
}

TEST_F(WireTest, AFloodOfInvalidUtf8DoesNotFloodTheLog) {
  const MethodDescriptor* assert_rpc =
      google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
          "kg.v1.IngestService.Assert");
  ASSERT_NE(assert_rpc, nullptr);
  std::string bytes, path;
  ASSERT_TRUE(InvalidUtf8(*assert_rpc->input_type(), 0, &bytes, &path));
  ::testing::internal::CaptureStderr();
  for (int i = 0; i < 200; ++i) {
    ASSERT_EQ(Send(*assert_rpc, bytes, /*authenticated=*/true).error_code(),
              grpc::StatusCode::INVALID_ARGUMENT);
  }
  const std::string log = ::testing::internal::GetCapturedStderr();
  int lines = 0;
  for (absl::string_view line : absl::StrSplit(log, '\n')) {
    if (absl::StrContains(line, "UTF-8")) ++lines;
  }
  EXPECT_LE(lines, 1) << log;
}

}  // namespace
}  // namespace kg::testing
