#include "interop/interop.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "interop/formats.h"

namespace kg::interop {

absl::StatusOr<Format> FormatNamed(absl::string_view name) {
  if (name == "jsonl") return Format::kJsonLines;
  if (name == "ntriples") return Format::kNTriples;
  if (name == "nquads") return Format::kNQuads;
  if (name == "stix") return Format::kStix;
  if (name == "csv") return Format::kCsv;
  return absl::InvalidArgumentError(absl::StrCat("format: unknown format '", name.substr(0, 64),
                                                 "'; known: jsonl, ntriples, nquads, stix, csv"));
}

absl::string_view FormatName(Format format) {
  switch (format) {
    case Format::kJsonLines:
      return "jsonl";
    case Format::kNTriples:
      return "ntriples";
    case Format::kNQuads:
      return "nquads";
    case Format::kStix:
      return "stix";
    case Format::kCsv:
      return "csv";
  }
  return "";
}

std::optional<Format> FormatOfPath(absl::string_view path) {
  if (absl::EndsWith(path, ".jsonl") || absl::EndsWith(path, ".ndjson")) {
    return Format::kJsonLines;
  }
  if (absl::EndsWith(path, ".nt")) return Format::kNTriples;
  if (absl::EndsWith(path, ".nq")) return Format::kNQuads;
  // kgd's own JSON is JSON Lines; a .json file is taken for a STIX bundle.
  if (absl::EndsWith(path, ".json")) return Format::kStix;
  if (absl::EndsWith(path, ".csv") || absl::EndsWith(path, ".CSV") ||
      absl::EndsWith(path, ".tsv") || absl::EndsWith(path, ".tab")) {
    return Format::kCsv;
  }
  return std::nullopt;
}

v1::Entity WritableEntity(const v1::Entity& entity) {
  v1::Entity out = entity;
  out.clear_merged_into();
  out.clear_updated_at();
  out.clear_updated_by();
  return out;
}

v1::Statement WritableStatement(const v1::Statement& statement) {
  v1::Statement out = statement;
  out.clear_id();
  out.clear_corroboration();
  out.clear_evidence();
  for (const v1::Evidence& e : statement.evidence()) {
    if (e.retracted_at() != 0) continue;
    v1::Evidence* copy = out.add_evidence();
    *copy = e;
    copy->clear_id();
    copy->clear_ingested_at();
    copy->clear_ingested_by();
    copy->clear_revisions();
  }
  return out;
}

absl::StatusOr<std::unique_ptr<Importer>> Importer::New(const ImportOptions& options,
                                                        const Schema& schema) {
  if (options.batch_records < 1) {
    return absl::InvalidArgumentError("batch_records: must be >= 1");
  }
  if (!options.sync.empty() && options.format != Format::kCsv) {
    return absl::InvalidArgumentError("sync: only csv imports (event tables) sync a scope");
  }
  if (options.format == Format::kJsonLines || options.format == Format::kStix ||
      options.format == Format::kCsv) {
    if (options.format == Format::kJsonLines && !options.mapping.empty()) {
      return absl::InvalidArgumentError("mapping: jsonl takes none");
    }
    if (options.format == Format::kStix) return NewStixImporter(options, schema);
    if (options.format == Format::kCsv) return NewEventsImporter(options, schema);
    return NewJsonLinesImporter(options);
  }
  absl::StatusOr<RdfMapping> mapping = ParseRdfMapping(options.mapping, schema);
  if (!mapping.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("mapping: ", mapping.status().message()));
  }
  return NewRdfImporter(options, schema, *std::move(mapping));
}

absl::StatusOr<std::unique_ptr<Exporter>> Exporter::New(const ExportOptions& options,
                                                        const Schema& schema) {
  if (options.per_line < 1) return absl::InvalidArgumentError("per_line: must be >= 1");
  if (options.format != Format::kStix && !options.mapping.empty()) {
    return absl::InvalidArgumentError("mapping: only stix exports take one");
  }
  if (options.format == Format::kCsv) {
    return absl::InvalidArgumentError("format: csv is read only (an event table is no graph)");
  }
  if (options.format == Format::kJsonLines) return NewJsonLinesExporter(options);
  if (options.format == Format::kStix) return NewStixExporter(options, schema);
  return NewRdfExporter(options, schema);
}

}  // namespace kg::interop
