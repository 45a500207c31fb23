// One document with the statements it supports, as one write batch.
//
// Evidence that leaves document, publisher or reported_on empty inherits
// them from the document: its id, its "publisher" attribute (an entity id)
// and its "date" attribute. The document entity is written in the same batch,
// so the whole call is one atomic Store::Apply.
//
// Example:
//   KG_ASSIGN_OR_RETURN(kg::WriteBatch batch,
//       kg::server::BuildDocumentBatch(doc, entities, statements, store->schema()));
//   KG_ASSIGN_OR_RETURN(kg::WriteResult r, store->Apply(batch, context));

#ifndef KGD_SERVER_DOCUMENT_H_
#define KGD_SERVER_DOCUMENT_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/schema.h"
#include "storage/store.h"
#include "storage/types.h"

namespace kg::server {

// The kind every document entity has (or descends from).
inline constexpr char kDocumentKind[] = "Document";

// INVALID_ARGUMENT "document.id: is required" / "document.kind: must be
// Document or one of its sub-kinds, got 'State'". The document goes last in
// batch.entities, so that the store's "entities[i]" / "statements[i]" still
// name the request's fields; see DocumentBatchError.
absl::StatusOr<WriteBatch> BuildDocumentBatch(Entity document, std::vector<Entity> entities,
                                              std::vector<Statement> statements,
                                              const Schema& schema);

// Renames the store's "entities[n]" (n = the request's entity count, the
// document's slot) to "document" in an error from applying the batch.
absl::Status DocumentBatchError(const absl::Status& status, size_t request_entities);

}  // namespace kg::server

#endif  // KGD_SERVER_DOCUMENT_H_
