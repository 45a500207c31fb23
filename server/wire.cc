#include "server/wire.h"

#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/stubs/common.h>
#include <google/protobuf/stubs/logging.h>
#include <google/protobuf/wire_format_lite.h>
#include <grpcpp/impl/codegen/proto_utils.h>

#include <atomic>
#include <cstdio>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace kg::server {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::FileDescriptor;
using google::protobuf::internal::WireFormatLite;
using google::protobuf::io::CodedInputStream;

// protobuf's own default recursion limit.
constexpr int kMaxDepth = 100;

// One walk over the wire data of a message that failed to parse, looking
// for the first thing protobuf's parser refuses.
class Diagnosis {
 public:
  Diagnosis(absl::string_view bytes, absl::string_view what, const Descriptor& root)
      : in_(reinterpret_cast<const uint8_t*>(bytes.data()), static_cast<int>(bytes.size())),
        what_(what),
        root_(root) {
    in_.PushLimit(static_cast<int>(bytes.size()));
  }

  absl::Status Run() { return Walk(root_, "", 0); }

 private:
  absl::Status Walk(const Descriptor& type, const std::string& path, int depth) {
    if (depth > kMaxDepth) {
      return absl::InvalidArgumentError(absl::StrCat(what_, ": not a valid ", root_.full_name(),
                                                     " (messages nested deeper than ", kMaxDepth,
                                                     ")"));
    }
    absl::flat_hash_map<int, int> occurrences;  // of repeated fields, for their indices
    while (true) {
      const int at = in_.CurrentPosition();
      const uint32_t tag = in_.ReadTag();
      if (tag == 0) return in_.BytesUntilLimit() == 0 ? absl::OkStatus() : Malformed(at);
      const FieldDescriptor* field = type.FindFieldByNumber(WireFormatLite::GetTagFieldNumber(tag));
      const bool checked =
          field != nullptr &&
          WireFormatLite::GetTagWireType(tag) == WireFormatLite::WIRETYPE_LENGTH_DELIMITED &&
          (field->type() == FieldDescriptor::TYPE_STRING ||
           field->type() == FieldDescriptor::TYPE_MESSAGE);
      if (!checked) {  // scalars, and fields this type does not know (kept as unknown)
        if (!WireFormatLite::SkipField(&in_, tag)) return Malformed(at);
        continue;
      }
      std::string where = path.empty() ? field->name() : absl::StrCat(path, ".", field->name());
      if (field->is_repeated()) absl::StrAppend(&where, "[", occurrences[field->number()]++, "]");
      uint32_t length = 0;
      if (!in_.ReadVarint32(&length)) return Malformed(at);
      if (field->type() == FieldDescriptor::TYPE_STRING) {
        std::string value;
        if (!in_.ReadString(&value, static_cast<int>(length))) return Malformed(at);
        // proto3 refuses invalid UTF-8 in strings; proto2 keeps it.
        if (field->file()->syntax() == FileDescriptor::SYNTAX_PROTO3 &&
            !google::protobuf::internal::IsStructurallyValidUTF8(value)) {
          return absl::InvalidArgumentError(
              absl::StrCat(what_, ": ", where,
                           ": a string field holds invalid UTF-8 (use valid "
                           "UTF-8 text)"));
        }
        continue;
      }
      if (static_cast<int64_t>(length) > in_.BytesUntilLimit()) return Malformed(at);
      const CodedInputStream::Limit limit = in_.PushLimit(static_cast<int>(length));
      if (absl::Status nested = Walk(*field->message_type(), where, depth + 1); !nested.ok()) {
        return nested;
      }
      in_.PopLimit(limit);
    }
  }

  absl::Status Malformed(int at) const {
    return absl::InvalidArgumentError(absl::StrCat(what_, ": not a valid ", root_.full_name(),
                                                   " (malformed wire data at byte ", at, ")"));
  }

  CodedInputStream in_;
  const absl::string_view what_;
  const Descriptor& root_;
};

void ThrottledLog(google::protobuf::LogLevel level, const char* filename, int line,
                  const std::string& message) {
  static std::atomic<int64_t> next_line_ns{0};
  static std::atomic<int64_t> dropped{0};
  const int64_t now = absl::GetCurrentTimeNanos();
  int64_t next = next_line_ns.load();
  if (level != google::protobuf::LOGLEVEL_FATAL &&
      (now < next || !next_line_ns.compare_exchange_strong(
                         next, now + absl::ToInt64Nanoseconds(absl::Seconds(10))))) {
    dropped.fetch_add(1);
    return;
  }
  const int64_t before = dropped.exchange(0);
  std::fprintf(stderr, "kgd: protobuf %s:%d: %s", filename, line, message.c_str());
  if (before > 0)
    std::fprintf(stderr, " (%lld similar lines dropped)", static_cast<long long>(before));
  std::fputc('\n', stderr);
}

}  // namespace

grpc::Slice SingleSlice(const grpc::ByteBuffer& buffer) {
  grpc::Slice slice;
  // Fails only for an empty buffer, which is the empty message.
  (void)buffer.DumpToSingleSlice(&slice);
  return slice;
}

absl::Status ParseMessage(absl::string_view bytes, absl::string_view what,
                          google::protobuf::Message& message) {
  if (message.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::OkStatus();
  }
  absl::Status why = DiagnoseUnparsable(bytes, what, *message.GetDescriptor());
  if (!why.ok()) return why;
  // The walk found nothing (e.g. a malformed packed field).
  return absl::InvalidArgumentError(
      absl::StrCat(what, ": not a valid ", message.GetDescriptor()->full_name()));
}

absl::Status DiagnoseUnparsable(absl::string_view bytes, absl::string_view what,
                                const Descriptor& type) {
  return Diagnosis(bytes, what, type).Run();
}

absl::Status SerializeMessage(const google::protobuf::Message& message, int64_t max_bytes,
                              grpc::ByteBuffer& buffer) {
  const size_t size = message.ByteSizeLong();
  if (static_cast<int64_t>(size) > max_bytes) {
    return absl::ResourceExhaustedError(absl::StrCat("response: ", size,
                                                     " bytes exceed the limit of ", max_bytes,
                                                     " bytes per message; ask for a smaller page"));
  }
  bool own_buffer = false;
  grpc::Status written = grpc::SerializationTraits<google::protobuf::Message>::Serialize(
      message, &buffer, &own_buffer);
  if (!written.ok())
    return absl::InternalError(absl::StrCat("response: ", written.error_message()));
  return absl::OkStatus();
}

void ThrottleProtobufLog() { google::protobuf::SetLogHandler(&ThrottledLog); }

}  // namespace kg::server
