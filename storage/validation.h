// Syntax checks of write input (ids, dates, literals, evidence fields) and the
// date arithmetic the filters use. Reference and schema checks need the store
// and live in the writer.

#ifndef KGD_STORAGE_VALIDATION_H_
#define KGD_STORAGE_VALIDATION_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "storage/schema.h"
#include "storage/types.h"

namespace kg {

// 1..256 bytes, no ASCII control characters, spaces or NUL. INVALID_ARGUMENT
// "<field>: ..." otherwise.
absl::Status CheckEntityId(std::string_view id, std::string_view field);

// YYYY, YYYY-MM or YYYY-MM-DD with a real month and day.
bool IsValidDate(std::string_view date);
// Empty is allowed (an open bound / unknown date).
absl::Status CheckDate(std::string_view date, std::string_view field);

// The first / last day a (valid, possibly partial) date covers, as
// YYYY-MM-DD; empty stays empty.
std::string DateLow(std::string_view date);
std::string DateHigh(std::string_view date);

// The lexical form of a literal matches its type.
absl::Status CheckLiteral(const Value& v, std::string_view field);

// Everything about an entity record that needs no other record.
absl::Status CheckEntity(const Entity& e, const Schema& schema, std::string_view field);

// Everything about an evidence record that needs no other record.
absl::Status CheckEvidence(const Evidence& e, std::string_view field);

// Everything about a statement and its evidence that needs no other record
// (references and the schema are checked by the writer).
absl::Status CheckStatement(const Statement& st, std::string_view field);

// Evidence selection and statement-level checks of a Filter, at `as_of`
// (which the caller resolves from kLatest to the snapshot time).
bool SelectsEvidence(const Filter& f, TxTime as_of, const Evidence& e);
// Evidence as it stood at `as_of`: a retraction recorded after that moment
// has not happened yet, so its fields are cleared.
Evidence EvidenceAsOf(Evidence e, TxTime as_of);
bool ValidTimeOverlaps(const Filter& f, std::string_view valid_from, std::string_view valid_to);
bool MeetsMinimums(const Filter& f, double confidence, int32_t sources);

}  // namespace kg

#endif  // KGD_STORAGE_VALIDATION_H_
