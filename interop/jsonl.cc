// jsonl: one kg.v1.AssertRequest per line in protobuf's JSON mapping, each
// line its own batch (as `kg import` has always sent them).

#include <google/protobuf/util/json_util.h>

#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "interop/formats.h"
#include "interop/lines.h"

namespace kg::interop {
namespace {

class JsonLinesImporter final : public Importer {
 public:
  explicit JsonLinesImporter(const ImportOptions& options) : lines_(options.max_line_bytes) {}

  absl::Status Feed(absl::string_view bytes, std::vector<v1::AssertRequest>* batches) override {
    return lines_.Feed(
        bytes, [&](absl::string_view line, int64_t number) { return Line(line, number, batches); });
  }

  absl::Status Finish(std::vector<v1::AssertRequest>* batches) override {
    return lines_.Finish(
        [&](absl::string_view line, int64_t number) { return Line(line, number, batches); });
  }

  int64_t lines() const override { return lines_.lines(); }
  int64_t skipped() const override { return 0; }

 private:
  static absl::Status Line(absl::string_view line, int64_t number,
                           std::vector<v1::AssertRequest>* batches) {
    if (line.find_first_not_of(" \t") == absl::string_view::npos) return absl::OkStatus();
    v1::AssertRequest request;
    const auto parsed = google::protobuf::util::JsonStringToMessage(
        google::protobuf::StringPiece(line.data(), line.size()), &request);
    if (!parsed.ok()) {
      const std::string why = absl::StrReplaceAll(parsed.message().as_string(), {{"\n", " "}});
      return absl::InvalidArgumentError(absl::StrCat(
          "line ", number, ", column 1: not a kg.v1.AssertRequest: ", why.substr(0, 256)));
    }
    batches->push_back(std::move(request));
    return absl::OkStatus();
  }

  LineSplitter lines_;
};

class JsonLinesExporter final : public Exporter {
 public:
  explicit JsonLinesExporter(const ExportOptions& options) : per_line_(options.per_line) {}

  void AddEntity(const v1::Entity& entity) override {
    if (line_.statements_size() > 0) Flush();
    *line_.add_entities() = WritableEntity(entity);
    if (line_.entities_size() >= per_line_) Flush();
  }

  void AddStatement(const v1::Statement& statement) override {
    if (line_.entities_size() > 0) Flush();
    v1::Statement writable = WritableStatement(statement);
    if (writable.evidence_size() == 0) return;
    *line_.add_statements() = std::move(writable);
    if (line_.statements_size() >= per_line_) Flush();
  }

  void Finish() override { Flush(); }

 private:
  void Flush() {
    if (line_.entities_size() == 0 && line_.statements_size() == 0) return;
    std::string json;
    (void)google::protobuf::util::MessageToJsonString(line_, &json);
    absl::StrAppend(&out_, json, "\n");
    line_.Clear();
  }

  const int32_t per_line_;
  v1::AssertRequest line_;
};

}  // namespace

std::unique_ptr<Importer> NewJsonLinesImporter(const ImportOptions& options) {
  return std::make_unique<JsonLinesImporter>(options);
}

std::unique_ptr<Exporter> NewJsonLinesExporter(const ExportOptions& options) {
  return std::make_unique<JsonLinesExporter>(options);
}

}  // namespace kg::interop
