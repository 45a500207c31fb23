// The domain rules of input that need no other record: ids, dates, literals,
// entity, evidence and statement fields, and read filters. These are the only
// checkers: the server and query/ call them rather than keep their own.
// Reference and schema checks need the store and live in the writer. Also the
// bounds of every string and list a client sends, the clipping of input that
// error messages quote, the date arithmetic the filters use and the as-of
// rules of evidence.

#ifndef KGD_STORAGE_VALIDATION_H_
#define KGD_STORAGE_VALIDATION_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "storage/schema.h"
#include "storage/types.h"

namespace kg {

// Bounds of client input, in bytes of UTF-8 or in entries. Writes are held
// to them by CheckEntity, CheckEvidence and CheckStatement (and the store's
// Retract and Purge), reads by the request conversions of server/, before
// any lookup. Exceeding one is INVALID_ARGUMENT naming the field and the
// bound: "entities[0].label: 2048 bytes exceed the limit 1024". The proto
// comments of the fields repeat them; changing one changes the API.
//
// Ids: entities, documents, publishers, claimant entities, evidence ids.
inline constexpr size_t kMaxIdBytes = 256;
// Names of the schema and of attributes: kinds, predicates, attribute names,
// external-id schemes. The schema's own names obey the same bound.
inline constexpr size_t kMaxNameBytes = 128;
inline constexpr size_t kMaxLabelBytes = 1024;
inline constexpr size_t kMaxAliasBytes = 1024;
inline constexpr size_t kMaxAliases = 256;          // per entity
inline constexpr size_t kMaxAttributes = 256;       // per entity
inline constexpr size_t kMaxExternalIds = 64;       // per entity
inline constexpr size_t kMaxExternalIdBytes = 256;  // the value; the scheme is a name
// The lexical form of a literal (string, integer, decimal, date, boolean) as
// a statement's object or an attribute's value; entity values are ids.
inline constexpr size_t kMaxLiteralBytes = 64 << 10;
inline constexpr size_t kMaxExcerptBytes = 64 << 10;
// An evidence's claimant_description, and the claimant of ListClaims (an id
// or a description).
inline constexpr size_t kMaxDescriptionBytes = 1024;
inline constexpr size_t kMaxExtractorBytes = 256;
inline constexpr size_t kMaxStoryBytes = 256;    // an evidence's story
inline constexpr size_t kMaxReasonBytes = 1024;  // of Retract and Purge
inline constexpr size_t kMaxSearchBytes = 256;   // a SearchEntities query
// publishers_allow and publishers_deny of a Filter, each.
inline constexpr size_t kMaxFilterPublishers = 1000;
// The kinds and predicate lists of a read (kinds, predicates,
// predicates_allow, predicates_deny), each.
inline constexpr size_t kMaxReadNames = 256;
// The most of any one input an error message quotes (see Clip).
inline constexpr size_t kMaxEchoBytes = 128;

// `input` fit to be quoted in an error message: itself when at most
// kMaxEchoBytes long, else its first kMaxEchoBytes bytes, cut back to a
// UTF-8 character boundary, then "…(N bytes)" with N its full length. Keeps
// a status small enough for any client's metadata limit.
std::string Clip(std::string_view input);

// INVALID_ARGUMENT "<field>: N bytes exceed the limit <max>" when `value` is
// longer than `max` bytes.
absl::Status CheckBytes(std::string_view value, size_t max, std::string_view field);
// INVALID_ARGUMENT "<field>: N entries exceed the limit <max>" when count >
// max.
absl::Status CheckCount(size_t count, size_t max, std::string_view field);
// At most `max_count` values, each at most `max_bytes` long ("<field>[i]: ...").
absl::Status CheckStrings(const std::vector<std::string>& values, size_t max_count,
                          size_t max_bytes, std::string_view field);
// The id of a read: at most kMaxIdBytes. Empty passes (the rpc says whether
// the id is required); the characters are not checked, as an id no write
// could store simply matches nothing.
absl::Status CheckId(std::string_view id, std::string_view field);

// 1..kMaxIdBytes bytes, no ASCII control characters, spaces or NUL.
// INVALID_ARGUMENT "<field>: ..." otherwise.
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

// The lexical form of a literal matches its type and its bound (kMaxIdBytes
// for entities, kMaxLiteralBytes for the others).
absl::Status CheckLiteral(const Value& v, std::string_view field);

// Everything about an entity record that needs no other record, the bounds
// of its fields included.
absl::Status CheckEntity(const Entity& e, const Schema& schema, std::string_view field);

// The number of Unicode code points of UTF-8 text (the unit of evidence
// spans).
int64_t CodePoints(std::string_view text);

// Everything about an evidence record that needs no other record, the
// bounds of its fields included. A known span (not both -1) must be as long
// as the excerpt in code points: INVALID_ARGUMENT "<field>.span_end: span
// [b, e) is N code points long, the excerpt M".
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

// The fields of a read filter: as_of >= 0, at most kMaxFilterPublishers ids
// in each of publishers_allow and publishers_deny, min_confidence in [0, 1],
// min_sources >= 0, max_sources >= 0, min_reliability A-F, max_credibility 1-6, valid_from and
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
