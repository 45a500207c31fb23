// The importers and exporters of each format, behind interop.h's factories.

#ifndef KGD_INTEROP_FORMATS_H_
#define KGD_INTEROP_FORMATS_H_

#include <cstdint>
#include <memory>

#include "absl/strings/string_view.h"
#include "interop/interop.h"
#include "interop/rdf_mapping.h"

namespace kg::interop {

// FNV-1a 64 of `bytes`: stable ids for long texts (blank-node labels, the
// csv "hash" transform). DO NOT CHANGE: imported ids depend on it.
inline uint64_t Fnv1a(absl::string_view bytes) {
  uint64_t h = 1469598103934665603ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  return h;
}

std::unique_ptr<Importer> NewJsonLinesImporter(const ImportOptions& options);
std::unique_ptr<Exporter> NewJsonLinesExporter(const ExportOptions& options);
std::unique_ptr<Importer> NewRdfImporter(const ImportOptions& options, const Schema& schema,
                                         RdfMapping mapping);
std::unique_ptr<Exporter> NewRdfExporter(const ExportOptions& options, const Schema& schema);
absl::StatusOr<std::unique_ptr<Importer>> NewStixImporter(const ImportOptions& options,
                                                          const Schema& schema);
absl::StatusOr<std::unique_ptr<Exporter>> NewStixExporter(const ExportOptions& options,
                                                          const Schema& schema);
// csv: INVALID_ARGUMENT for a mapping that is unknown or malformed.
absl::StatusOr<std::unique_ptr<Importer>> NewEventsImporter(const ImportOptions& options,
                                                            const Schema& schema);

}  // namespace kg::interop

#endif  // KGD_INTEROP_FORMATS_H_
