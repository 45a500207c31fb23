// Store::Apply of one ingested document with the statements it supports:
// the document entity goes into the batch and its evidence inherits the
// document's id, publisher and date.

#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "storage/rocks_store.h"
#include "storage/validation.h"

namespace kg {
namespace {

constexpr char kDocumentKind[] = "Document";

// The lexical form of a document attribute that names an entity or a date.
std::string Attribute(const Entity& document, const std::string& name) {
  auto it = document.attributes.find(name);
  return it == document.attributes.end() ? std::string() : it->second.lexical;
}

}  // namespace

absl::StatusOr<WriteResult> RocksStore::ApplyDocument(const WriteBatch& batch,
                                                      const WriteContext& context) {
  const Entity& document = *batch.document;
  if (document.id.empty()) return absl::InvalidArgumentError("document.id: is required");
  if (!schema_.IsKindOf(document.kind, kDocumentKind)) {
    return absl::InvalidArgumentError(absl::StrCat("document.kind: must be ", kDocumentKind,
                                                   " or one of its sub-kinds, got '",
                                                   Clip(document.kind), "'"));
  }
  const std::string publisher = Attribute(document, "publisher");
  const std::string date = Attribute(document, "date");
  WriteBatch expanded;
  expanded.entities = batch.entities;
  // Last, so that "entities[i]" and "statements[i]" still name the caller's
  // records; the document's own slot is renamed below.
  expanded.entities.push_back(document);
  expanded.statements = batch.statements;
  for (Statement& statement : expanded.statements) {
    for (Evidence& evidence : statement.evidence) {
      if (evidence.document.empty()) evidence.document = document.id;
      // Only evidence from this document inherits its publisher and date.
      if (evidence.document != document.id) continue;
      if (evidence.publisher.empty()) evidence.publisher = publisher;
      if (evidence.reported_on.empty()) evidence.reported_on = date;
    }
  }
  absl::StatusOr<WriteResult> result = ApplyUnsynced(expanded, context);
  const std::string slot = absl::StrCat("entities[", batch.entities.size(), "]");
  if (result.ok() || !absl::StartsWith(result.status().message(), slot)) return result;
  return absl::Status(result.status().code(),
                      absl::StrCat("document", result.status().message().substr(slot.size())));
}

}  // namespace kg
