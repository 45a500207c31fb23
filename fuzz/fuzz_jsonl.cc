// One line of a `kg import` file (JSON Lines, one kg.v1.AssertRequest per
// line) through what happens to it before the store: the CLI's
// JsonStringToMessage (client/commands_write.cc, RunImport), then the
// server's BulkIngest checks (batch size, WriteBatchFromProto) and the
// store's record checks. Only crashes and sanitizer reports are findings.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz/write_checks.h"
#include "google/protobuf/util/json_util.h"
#include "kg/v1/kg.pb.h"
#include "server/options.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view line(reinterpret_cast<const char*>(data), size);
  // The importer reads line by line and skips blank lines.
  line = line.substr(0, line.find('\n'));
  if (line.find_first_not_of(" \t\r") == std::string_view::npos) return 0;
  kg::v1::AssertRequest request;
  if (!google::protobuf::util::JsonStringToMessage(std::string(line), &request).ok()) return 0;
  // Rejections are expected; the findings are crashes and aborts.
  kg::fuzz::CheckAssert(request.entities(), request.statements(), kg::server::ServerLimits())
      .IgnoreError();
  return 0;
}
