// interop: kgd's data in the formats other systems speak, converted to and
// from kg.v1 messages. The server's Import and Export rpcs use it, and so
// does `kg`; the mapping of each format is in docs/RDF.md (RDF) and the
// comments of kg.v1.ImportOptions.
//
//   jsonl     one kg.v1.AssertRequest per line, in protobuf's JSON mapping
//   ntriples  RDF 1.1 N-Triples
//   nquads    RDF 1.1 N-Quads: the named graph of a quad is its document
//   stix      a STIX 2.1 bundle (docs/FORMATS.md)
//   csv       an event table (CSV or TSV) read through a column mapping
//             (docs/FORMATS.md; shipped mappings in interop/mappings/)
//
// Example (import):
//   KG_ASSIGN_OR_RETURN(std::unique_ptr<Importer> in, Importer::New(options, schema));
//   std::vector<v1::AssertRequest> batches;
//   KG_RETURN_IF_ERROR(in->Feed(chunk, &batches));   // any number of chunks
//   KG_RETURN_IF_ERROR(in->Finish(&batches));
//   for (const v1::AssertRequest& batch : batches) ...  // each one atomic write
//
// Example (export):
//   KG_ASSIGN_OR_RETURN(std::unique_ptr<Exporter> out, Exporter::New(options, schema));
//   out->AddEntity(entity); ...  out->AddStatement(statement); ...  out->Finish();
//   send(out->Take());  // whenever convenient: Take returns what is written so far
//
// Thread safety: an Importer or Exporter is used by one thread at a time.

#ifndef KGD_INTEROP_INTEROP_H_
#define KGD_INTEROP_INTEROP_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "kg/v1/kg.pb.h"
#include "storage/schema.h"

namespace kg::interop {

namespace v1 = ::kg::v1;

enum class Format { kJsonLines, kNTriples, kNQuads, kStix, kCsv };

// "jsonl", "ntriples", "nquads", "stix", "csv"; INVALID_ARGUMENT naming the
// known ones.
absl::StatusOr<Format> FormatNamed(absl::string_view name);
absl::string_view FormatName(Format format);
// From a file name: .jsonl/.ndjson, .nt, .nq, .json (a STIX 2.1 bundle),
// .csv/.tsv/.tab.
std::optional<Format> FormatOfPath(absl::string_view path);

// What a write takes of an entity or a statement read back: output-only
// fields cleared, retracted evidence dropped (a statement may be left with
// none).
v1::Entity WritableEntity(const v1::Entity& entity);
v1::Statement WritableStatement(const v1::Statement& statement);

// What an import may read of the graph it writes into: the live graph, with
// the batches applied so far. The server gives one; a csv mapping whose
// rows attach evidence to statements already held (evidence_of) and a
// synced import need it.
class GraphReader {
 public:
  virtual ~GraphReader() = default;
  // The live statements about `subject` with their live evidence (ids set),
  // at most `limit`; none when there is no such entity.
  virtual absl::StatusOr<std::vector<v1::Statement>> StatementsAbout(absl::string_view subject,
                                                                     int32_t limit) = 0;
  // The subjects of the live statements `? predicate object` (an entity),
  // at most `limit`; RESOURCE_EXHAUSTED beyond.
  virtual absl::StatusOr<std::vector<std::string>> SubjectsOf(absl::string_view predicate,
                                                              absl::string_view object,
                                                              int64_t limit) = 0;
};

// Entity ids become IRIs under this base unless they are absolute IRIs.
inline constexpr char kDefaultBaseIri[] = "urn:kgd:id:";

struct ImportOptions {
  Format format = Format::kJsonLines;
  std::string base_iri = kDefaultBaseIri;
  // The document of statements outside a named graph (N-Triples, N-Quads'
  // default graph); without one such a statement is an error.
  std::string document;
  // Scopes blank-node labels: the same label from the same source is the
  // same entity on every import. Usually the file name.
  std::string source = "import";
  // Triples whose predicate maps to nothing: fail (false, the list of such
  // IRIs in the error) or skip and count them.
  bool skip_unmapped = false;
  // Entities + statements + evidence records per batch.
  int32_t batch_records = 1000;
  // Longest line accepted, bytes (stix: longest object; csv: longest record).
  int32_t max_line_bytes = 1 << 20;
  // How the input's vocabulary or layout maps onto kgd's (kg.v1.ImportOptions
  // .mapping): RDF a vocabulary mapping's text (interop/rdf_mapping.h); stix
  // a mapping's text replacing the shipped one; csv a shipped column
  // mapping's name ("ucdp_ged") or the text of one.
  std::string mapping;
  // csv: the input is the whole of this scope (a Document id): its rows are
  // listed in the scope, and once the input is applied Sync retracts what
  // the scope held that the input no longer says (kg.v1.ImportOptions.sync).
  std::string sync;
  // The graph the import writes into; may be null outside a server.
  GraphReader* graph = nullptr;
};

class Importer {
 public:
  static absl::StatusOr<std::unique_ptr<Importer>> New(const ImportOptions& options,
                                                       const Schema& schema);
  virtual ~Importer() = default;

  // Consumes `bytes` (the input may be split anywhere) and appends every
  // batch that is complete. INVALID_ARGUMENT "line 12, column 5: ..." on
  // bad input; nothing of the bad line is appended.
  virtual absl::Status Feed(absl::string_view bytes, std::vector<v1::AssertRequest>* batches) = 0;
  // The input ended: appends the last batch.
  virtual absl::Status Finish(std::vector<v1::AssertRequest>* batches) = 0;
  // After every batch is applied, for a synced import: calls `retract` for
  // each live evidence record of the scope's rows that this importer wrote
  // before and the input no longer holds.
  virtual absl::Status Sync(const std::function<absl::Status(const v1::RetractRequest&)>& retract) {
    (void)retract;
    return absl::OkStatus();
  }

  // Lines read so far, and triples skipped as unmapped.
  virtual int64_t lines() const = 0;
  virtual int64_t skipped() const = 0;
};

struct ExportOptions {
  Format format = Format::kJsonLines;
  std::string base_iri = kDefaultBaseIri;
  // jsonl: entities or statements per line.
  int32_t per_line = 100;
  // stix: the text of a mapping used instead of the shipped one.
  std::string mapping;
};

class Exporter {
 public:
  static absl::StatusOr<std::unique_ptr<Exporter>> New(const ExportOptions& options,
                                                       const Schema& schema);
  virtual ~Exporter() = default;

  // Entities first: an importer needs them before the statements naming them.
  virtual void AddEntity(const v1::Entity& entity) = 0;
  // A statement with its evidence records.
  virtual void AddStatement(const v1::Statement& statement) = 0;
  virtual void Finish() = 0;

  // The bytes written since the last Take.
  std::string Take() { return std::move(out_); }
  size_t pending_bytes() const { return out_.size(); }

 protected:
  std::string out_;
};

}  // namespace kg::interop

#endif  // KGD_INTEROP_INTEROP_H_
