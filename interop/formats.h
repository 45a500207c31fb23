// The importers and exporters of each format, behind interop.h's factories.

#ifndef KGD_INTEROP_FORMATS_H_
#define KGD_INTEROP_FORMATS_H_

#include <memory>

#include "interop/interop.h"
#include "interop/rdf_mapping.h"

namespace kg::interop {

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
