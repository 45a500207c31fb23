// A file through Import, as kgd reads it (interop/): the first byte picks
// the format (fuzz/inputs.h ImportFormatOf), the second how the bytes are
// split into chunks, the rest is the file. Every batch the importer emits
// then goes through the server's BulkIngest checks (batch size,
// WriteBatchFromProto) and the store's record checks. Rejections are
// normal outcomes; only crashes and sanitizer reports are findings.

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "fuzz/inputs.h"
#include "fuzz/write_checks.h"
#include "interop/interop.h"
#include "server/options.h"
#include "storage/schema.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  kg::interop::ImportOptions options;
  options.format = kg::fuzz::ImportFormatOf(data[0]);
  options.batch_records = 1 + data[0] / 3 % 8;  // small batches: more batch boundaries
  options.skip_unmapped = (data[0] & 0x80) != 0;
  options.document = "doc/fuzz";
  const size_t chunk = 1 + data[1];
  absl::string_view input(reinterpret_cast<const char*>(data + 2), size - 2);
  auto importer = kg::interop::Importer::New(options, kg::Schema::Default());
  if (!importer.ok()) return 0;
  kg::fuzz::FeedAndCheck(**importer, input, chunk);
  return 0;
}
