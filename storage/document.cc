// Documents and their evidence: Store::Apply of one ingested document with
// the statements it supports (the document entity goes into the batch and
// its evidence inherits the document's id), and the publisher and date that
// evidence takes from its document on every write path.

#include <map>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "storage/document_source.h"
#include "storage/rocks_store.h"
#include "storage/status_macros.h"
#include "storage/validation.h"

namespace kg {
namespace {

constexpr char kDocumentKind[] = "Document";

}  // namespace

DocumentSource SourceOf(const Entity& document) {
  DocumentSource source;
  if (auto it = document.attributes.find("publisher");
      it != document.attributes.end() && it->second.is_entity()) {
    source.publisher = it->second.lexical;
  }
  if (auto it = document.attributes.find("date"); it != document.attributes.end()) {
    source.date = it->second.lexical;
  }
  return source;
}

absl::StatusOr<std::optional<WriteBatch>> WithDocumentSources(
    const WriteBatch& batch,
    absl::FunctionRef<absl::StatusOr<DocumentSource>(const std::string& id)> stored) {
  std::map<std::string, DocumentSource, std::less<>> sources;
  for (const Entity& e : batch.entities) sources[e.id] = SourceOf(e);
  std::optional<WriteBatch> filled;
  for (size_t i = 0; i < batch.statements.size(); ++i) {
    for (size_t j = 0; j < batch.statements[i].evidence.size(); ++j) {
      const Evidence& e = batch.statements[i].evidence[j];
      if (e.document.empty() || (!e.publisher.empty() && !e.reported_on.empty())) continue;
      auto it = sources.find(e.document);
      if (it == sources.end()) {
        KG_ASSIGN_OR_RETURN(DocumentSource source, stored(e.document));
        it = sources.emplace(e.document, std::move(source)).first;
      }
      const DocumentSource& source = it->second;
      if ((!e.publisher.empty() || source.publisher.empty()) &&
          (!e.reported_on.empty() || source.date.empty())) {
        continue;
      }
      if (!filled) filled = batch;
      Evidence& out = filled->statements[i].evidence[j];
      if (out.publisher.empty()) out.publisher = source.publisher;
      if (out.reported_on.empty()) out.reported_on = source.date;
    }
  }
  return filled;
}

absl::StatusOr<WriteResult> RocksStore::ApplyDocument(const WriteBatch& batch,
                                                      const WriteContext& context) {
  const Entity& document = *batch.document;
  if (document.id.empty()) return absl::InvalidArgumentError("document.id: is required");
  if (!schema_.IsKindOf(document.kind, kDocumentKind)) {
    return absl::InvalidArgumentError(absl::StrCat("document.kind: must be ", kDocumentKind,
                                                   " or one of its sub-kinds, got '",
                                                   Clip(document.kind), "'"));
  }
  WriteBatch expanded;
  expanded.entities = batch.entities;
  // Last, so that "entities[i]" and "statements[i]" still name the caller's
  // records; the document's own slot is renamed below.
  expanded.entities.push_back(document);
  expanded.statements = batch.statements;
  for (Statement& statement : expanded.statements) {
    for (Evidence& evidence : statement.evidence) {
      if (evidence.document.empty()) evidence.document = document.id;
    }
  }
  absl::StatusOr<WriteResult> result = ApplyUnsynced(expanded, context);
  const std::string slot = absl::StrCat("entities[", batch.entities.size(), "]");
  if (result.ok() || !absl::StartsWith(result.status().message(), slot)) return result;
  return absl::Status(result.status().code(),
                      absl::StrCat("document", result.status().message().substr(slot.size())));
}

}  // namespace kg
