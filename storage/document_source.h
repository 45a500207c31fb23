// Evidence takes its document's publisher and date when it names none: one
// rule for every write path (Store::Apply and the bulk loader).

#ifndef KGD_STORAGE_DOCUMENT_SOURCE_H_
#define KGD_STORAGE_DOCUMENT_SOURCE_H_

#include <optional>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "storage/store.h"

namespace kg {

// A document's "publisher" (an entity) and "date" attributes, each empty
// when it has none.
struct DocumentSource {
  std::string publisher, date;
};

DocumentSource SourceOf(const Entity& document);

// The batch with every evidence record that names no publisher (no
// reported_on) given its document's, as the document stands in the batch,
// else as `stored` gives it (asked once per document); none when nothing
// was missing.
absl::StatusOr<std::optional<WriteBatch>> WithDocumentSources(
    const WriteBatch& batch,
    absl::FunctionRef<absl::StatusOr<DocumentSource>(const std::string& id)> stored);

}  // namespace kg

#endif  // KGD_STORAGE_DOCUMENT_SOURCE_H_
