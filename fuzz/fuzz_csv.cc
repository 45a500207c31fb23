// Event tables through Import (format csv): the first byte picks a shipped
// mapping, the second how the bytes are split into chunks, the rest is the
// table. Properties: the CSV reader yields the same records however the
// input is split, and every batch the importer emits passes the server's
// BulkIngest checks or is rejected by them; only crashes, sanitizer reports
// and a broken property are findings.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "fuzz/write_checks.h"
#include "interop/csv_reader.h"
#include "interop/interop.h"
#include "server/options.h"
#include "storage/schema.h"

namespace {

constexpr const char* kMappings[] = {"ucdp_ged", "gdelt_events", "icews"};

// The records (fields joined by \x1f) or the error, fed in `chunk`-byte pieces.
std::string Records(absl::string_view input, const kg::interop::CsvOptions& options, size_t chunk) {
  kg::interop::CsvReader reader(options);
  std::string out;
  auto on_record = [&](const std::vector<absl::string_view>& fields, int64_t line) {
    out += std::to_string(line);
    for (absl::string_view f : fields) {
      out += '\x1f';
      out.append(f.data(), f.size());
    }
    out += '\x1e';
    return absl::OkStatus();
  };
  while (!input.empty()) {
    const absl::Status s = reader.Feed(input.substr(0, chunk), on_record);
    if (!s.ok()) return out + std::string(s.message());
    input.remove_prefix(std::min(chunk, input.size()));
  }
  const absl::Status s = reader.Finish(on_record);
  return s.ok() ? out : out + std::string(s.message());
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size < 2) return 0;
  const size_t chunk = 1 + data[1];
  absl::string_view input(reinterpret_cast<const char*>(data + 2), size - 2);

  kg::interop::CsvOptions csv;
  csv.delimiter = (data[0] & 0x10) != 0 ? '\t' : ',';
  csv.quoting = (data[0] & 0x20) == 0;
  csv.max_record_bytes = 512;
  if (Records(input, csv, input.size() + 1) != Records(input, csv, chunk)) std::abort();

  kg::interop::ImportOptions options;
  options.format = kg::interop::Format::kCsv;
  options.mapping = kMappings[data[0] % 3];
  options.batch_records = 1 + data[0] / 3 % 8;
  options.skip_unmapped = (data[0] & 0x80) != 0;
  auto importer = kg::interop::Importer::New(options, kg::Schema::Default());
  if (!importer.ok()) std::abort();  // shipped mappings are valid
  kg::fuzz::FeedAndCheck(**importer, input, chunk);
  return 0;
}
