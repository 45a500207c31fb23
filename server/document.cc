#include "server/document.h"

#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"

namespace kg::server {
namespace {

// The lexical form of a document attribute that names an entity or a date.
std::string Attribute(const Entity& document, const std::string& name) {
  auto it = document.attributes.find(name);
  return it == document.attributes.end() ? std::string() : it->second.lexical;
}

}  // namespace

absl::StatusOr<WriteBatch> BuildDocumentBatch(Entity document, std::vector<Entity> entities,
                                              std::vector<Statement> statements,
                                              const Schema& schema) {
  if (document.id.empty()) return absl::InvalidArgumentError("document.id: is required");
  if (!schema.IsKindOf(document.kind, kDocumentKind)) {
    return absl::InvalidArgumentError(absl::StrCat("document.kind: must be ", kDocumentKind,
                                                   " or one of its sub-kinds, got '", document.kind,
                                                   "'"));
  }
  const std::string publisher = Attribute(document, "publisher");
  const std::string date = Attribute(document, "date");
  for (Statement& statement : statements) {
    for (Evidence& evidence : statement.evidence) {
      if (evidence.document.empty()) evidence.document = document.id;
      // Only evidence from this document inherits its publisher and date.
      if (evidence.document != document.id) continue;
      if (evidence.publisher.empty()) evidence.publisher = publisher;
      if (evidence.reported_on.empty()) evidence.reported_on = date;
    }
  }
  WriteBatch batch;
  batch.entities = std::move(entities);
  batch.entities.push_back(std::move(document));
  batch.statements = std::move(statements);
  return batch;
}

absl::Status DocumentBatchError(const absl::Status& status, size_t request_entities) {
  const std::string slot = absl::StrCat("entities[", request_entities, "]");
  if (status.ok() || !absl::StartsWith(status.message(), slot)) return status;
  return absl::Status(status.code(),
                      absl::StrCat("document", status.message().substr(slot.size())));
}

}  // namespace kg::server
