// The domain rules of input that need no other record: ids, dates, literals,
// entity, evidence and statement fields, and read filters. These are the only
// checkers: the server and query/ call them rather than keep their own.
// Reference and schema checks need the store and live in the writer. Also the
// date arithmetic the filters use and the as-of rules of evidence.

#ifndef KGD_STORAGE_VALIDATION_H_
#define KGD_STORAGE_VALIDATION_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "storage/schema.h"
#include "storage/types.h"

namespace kg {

// 1..256 bytes, no ASCII control characters, spaces or NUL. INVALID_ARGUMENT
// "<field>: ..." otherwise.
absl::Status CheckEntityId(std::string_view id, std::string_view field);

// YYYY, YYYY-MM or YYYY-MM-DD with a real month and day (2019-02-29 is not;
// 2020-02-29 is). False for the empty string.
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

// The number of Unicode code points of UTF-8 text (the unit of evidence
// spans).
int64_t CodePoints(std::string_view text);

// Everything about an evidence record that needs no other record. A known
// span (not both -1) must be as long as the excerpt in code points:
// INVALID_ARGUMENT "<field>.span_end: span [b, e) is N code points long, the
// excerpt M".
absl::Status CheckEvidence(const Evidence& e, std::string_view field);

// Everything about a statement and its evidence that needs no other record
// (references and domain/range are checked by the writer), including that
// its predicate is in the schema: INVALID_ARGUMENT "<field>.predicate: 'x' is
// not in the schema".
absl::Status CheckStatement(const Statement& st, const Schema& schema, std::string_view field);

// What re-sending stored evidence (the same id) does.
enum class EvidenceResend {
  kUnchanged,  // same confidence, grading and reported_on
  kRetracted,  // the record is retracted: left as it is (a retry is no undo)
  kRevised,    // other values: a new version of the record from now on
};
// Classifies `again`, re-sent at `now`, against the `stored` record. A
// record written by this same write (`now`) cannot be revised by it:
// INVALID_ARGUMENT "<field>: evidence <id> is sent twice in one write with
// different values (confidence 0.6 vs 0.8)"; a correction is a later write.
absl::StatusOr<EvidenceResend> ClassifyResend(const Evidence& stored, const Evidence& again,
                                              TxTime now, std::string_view field);
// "confidence 0.6 -> 0.8; grading C3 -> B2; reported_on 2019-05 -> 2019-05-11",
// naming only what differs.
std::string DescribeGradeChange(const EvidenceGrade& from, const EvidenceGrade& to);

// The fields of a read filter: as_of >= 0, min_confidence in [0, 1],
// min_sources >= 0, min_reliability A-F, max_credibility 1-6, valid_from and
// valid_to dates (or empty) with valid_from not after valid_to.
// INVALID_ARGUMENT "<field>.<name>: ..." (e.g. "filter.min_confidence: must
// be in [0, 1], got 1.5").
absl::Status CheckFilter(const Filter& f, std::string_view field);

// Evidence selection and statement-level checks of a Filter, at `as_of`
// (which the caller resolves from kLatest to the snapshot time).
// REQUIRES: `e` as it stood at as_of (EvidenceAsOf), so that its grading is
// the one in force then.
bool SelectsEvidence(const Filter& f, TxTime as_of, const Evidence& e);
// Evidence as it stood at `as_of`: a retraction recorded after that moment
// has not happened yet, so its fields are cleared; corrections made after it
// are undone (their values and revisions dropped).
Evidence EvidenceAsOf(Evidence e, TxTime as_of);
bool ValidTimeOverlaps(const Filter& f, std::string_view valid_from, std::string_view valid_to);
bool MeetsMinimums(const Filter& f, double confidence, int32_t sources);

}  // namespace kg

#endif  // KGD_STORAGE_VALIDATION_H_
