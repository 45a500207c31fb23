// Every key layout and record encoding of the store, in one place.
//
// Grammar (all integers fixed-width big-endian unless marked varint, so that
// byte order equals numeric order and prefix scans come out sorted; "str" is
// a varint length followed by the bytes; "~t" is UINT64_MAX - t, so that the
// newest version sorts first). storage/FORMAT.md explains each one.
//
//   column family  key                                    value
//   meta           "kgd-format"                           decimal format version
//                  "last-tx" | "next-term" | "next-stmt"  fixed64
//                  "feed-trimmed"                         fixed64 tx fixed32 seq
//   dict           term                                   fixed64 TermId
//   rdict          fixed64 TermId                         term
//   ent            fixed64 TermId ~tx                     EntityRecord
//   spo            s p o sid (4 x fixed64)                IndexValue
//   pos            p o s sid                              IndexValue
//   osp            o s p sid                              IndexValue
//   stmt           0x01 sid                               StatementRecord
//                  0x02 s0 p o0                           fixed64 sid
//   ev             sid evidence-digest(16)                EvidenceRecord
//   prov           role(1) str(source) date(10) sid digest(16)   (empty)
//   alias          normalised-name 0x00 TermId            Intervals
//   log            tag(1: 'E' entity, 'S' statement) fixed64 target tx seq(4)
//                                                         HistoryRecord
//   audit          fixed64 tx                             AuditRecord
//   feed           fixed64 tx fixed32 seq                 ChangeRecord
//
//   term           := tag(1) lexical      tag: ValueType (0..5) or 0x40 predicate
//   date           := "YYYY-MM-DD" (a partial date is padded to its first day;
//                     an unknown date is ten 0x00 bytes)
//
// Partitioning: a later distributed deployment prefixes every key of every
// column family except meta with a fixed-width partition id; no key here
// starts with a variable-length field that such a prefix would disturb.
//
// Records are a version byte (currently 1) followed by their fields; readers
// reject versions they do not know with DATA_LOSS.

#ifndef KGD_STORAGE_CODEC_H_
#define KGD_STORAGE_CODEC_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/store.h"
#include "storage/types.h"

namespace kg::codec {

// The format version this build reads and writes. DO NOT CHANGE without a
// migration: a database of another version refuses to open.
inline constexpr int kFormatVersion = 1;

// Column families, in the order they are opened. DO NOT CHANGE the names.
enum Cf : int {
  kMeta = 0,
  kDict,
  kRdict,
  kEnt,
  kSpo,
  kPos,
  kOsp,
  kStmt,
  kEv,
  kProv,
  kAlias,
  kLog,
  kAudit,
  kFeed,
  kNumCfs,
};
const char* CfName(int cf);

// Keys of the meta column family. DO NOT CHANGE.
inline constexpr std::string_view kFormatKey = "kgd-format";
inline constexpr std::string_view kLastTxKey = "last-tx";
inline constexpr std::string_view kNextTermKey = "next-term";
inline constexpr std::string_view kNextStmtKey = "next-stmt";
// The last change trimmed from the feed (absent: none was).
inline constexpr std::string_view kFeedTrimmedKey = "feed-trimmed";

// ---- primitives ----

void PutFixed64(std::string* dst, uint64_t v);
void PutFixed32(std::string* dst, uint32_t v);
void PutVarint(std::string* dst, uint64_t v);
void PutString(std::string* dst, std::string_view s);
void PutDouble(std::string* dst, double v);
uint64_t DecodeFixed64(const char* p);
std::string Fixed64(uint64_t v);

// Sequential decoder over an encoded record; every getter returns false once
// the input is exhausted or malformed.
class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}
  bool Fixed64(uint64_t* v);
  bool Varint(uint64_t* v);
  bool String(std::string* s);
  bool Double(double* v);
  bool Byte(uint8_t* b);
  bool Raw(size_t n, std::string_view* out);
  bool done() const { return in_.empty(); }

 private:
  std::string_view in_;
};

// ---- terms ----

// Tag of predicate terms. DO NOT CHANGE. Literal and entity terms use their
// ValueType as the tag.
inline constexpr uint8_t kPredicateTag = 0x40;

std::string EntityTerm(std::string_view id);
std::string ValueTerm(const Value& v);
std::string PredicateTerm(std::string_view name);
// A term back as a Value (predicates come back as a String value).
absl::StatusOr<Value> DecodeTerm(std::string_view term, bool* is_predicate);

// ---- keys ----

std::string EntityKey(TermId id, TxTime tx);
std::string EntityPrefix(TermId id);
// The tx of an entity key; 0 for a (corrupt) key shorter than 16 bytes.
TxTime EntityKeyTx(std::string_view key);

enum class IndexOrder : uint8_t { kSpo, kPos, kOsp };
// Every statement has an entry in each order.
inline constexpr IndexOrder kIndexOrders[] = {IndexOrder::kSpo, IndexOrder::kPos, IndexOrder::kOsp};
int IndexCf(IndexOrder order);
struct Triple {
  TermId s = 0;
  TermId p = 0;
  TermId o = 0;
};
std::string IndexKey(IndexOrder order, const Triple& t, StatementId sid);
// The prefix of the keys of any order whose first two terms are `first` and
// `second` (in spo: a subject's edges of one predicate).
std::string IndexPrefix(TermId first, TermId second);
// Parses a 32-byte index key of `order`.
bool DecodeIndexKey(IndexOrder order, std::string_view key, Triple* t, StatementId* sid);

std::string StatementKey(StatementId sid);
std::string TripleKey(const Triple& t);

inline constexpr size_t kDigestSize = 16;
std::string EvidenceKey(StatementId sid, std::string_view digest);
std::string EvidencePrefix(StatementId sid);

// Provenance roles on disk. DO NOT CHANGE the values.
enum class ProvRole : uint8_t {
  kPublisher = 0,
  kDocument = 1,
  kClaimant = 2,             // claimant entity id
  kClaimantDescription = 3,  // NormalizeText of an anonymous claimant's description
};
std::string ProvPrefix(ProvRole role, std::string_view source);
// `date` is a validated YYYY[-MM[-DD]] or empty.
std::string ProvKey(ProvRole role, std::string_view source, std::string_view date, StatementId sid,
                    std::string_view digest);
// The 10-byte date field of prov keys: the first day of `date`, or 0x00 x 10.
std::string ProvDate(std::string_view date);
bool DecodeProvKeyTail(std::string_view tail, std::string_view* date, StatementId* sid,
                       std::string* digest);

std::string AliasKey(std::string_view normalized_name, TermId entity);
bool DecodeAliasKey(std::string_view key, std::string_view* name, TermId* entity);

std::string LogPrefix(char tag, uint64_t target);
std::string LogKey(char tag, uint64_t target, TxTime tx, uint32_t seq);
// The tx of a log key; 0 for a (corrupt) key shorter than 17 bytes.
TxTime LogKeyTx(std::string_view key);

// A feed key, and the meta value of kFeedTrimmedKey: the position itself.
std::string FeedKey(const ChangePosition& position);
// Parses a 12-byte feed key.
bool DecodeFeedKey(std::string_view key, ChangePosition* position);

std::string AuditKey(TxTime at);
// Parses an 8-byte audit key.
bool DecodeAuditKey(std::string_view key, TxTime* at);

// ---- records ----

// A half-open transaction-time interval [from, to); to == kLatest while open.
struct Interval {
  TxTime from = 0;
  TxTime to = kLatest;
  bool Contains(TxTime t) const { return from <= t && t < to; }
};
bool AnyContains(const std::vector<Interval>& intervals, TxTime t);
// Whether one of the intervals is still open (to == kLatest).
bool AnyOpen(const std::vector<Interval>& intervals);

// Names added to an entity by a merge, kept so that Split removes exactly
// those.
struct MergedNames {
  std::string from;
  std::vector<std::string> names;
};
struct EntityRecord {
  Entity entity;  // updated_at comes from the key, not the record
  std::vector<MergedNames> merged;
};
std::string EncodeEntity(const EntityRecord& r);
absl::StatusOr<EntityRecord> DecodeEntity(std::string_view in);

// Where a statement's subject and object point from `from` on (they change
// when an endpoint is merged or split).
struct Position {
  TxTime from = 0;
  TermId s = 0;
  TermId o = 0;
};
struct StatementRecord {
  Triple original;  // as first asserted
  bool object_is_entity = true;
  std::string valid_from;
  std::string valid_to;
  std::vector<Position> positions;  // ascending by from; never empty
  // The position in force at `t` (the first one when t precedes all).
  const Position& At(TxTime t) const;
  Triple TripleAt(TxTime t) const {
    const Position& p = At(t);
    return {p.s, original.p, p.o};
  }
};
std::string EncodeStatement(const StatementRecord& r);
absl::StatusOr<StatementRecord> DecodeStatement(std::string_view in);

// The value of every index entry: a summary of the statement's live evidence
// as of last_change, and when this entry was in force.
struct IndexValue {
  bool object_is_entity = true;
  bool disputed = false;
  int32_t live_evidence = 0;
  int32_t independent_sources = 0;
  double confidence = 0;
  TxTime last_change = 0;
  std::string valid_from;
  std::string valid_to;
  std::vector<Interval> intervals;
  // The rest of the corroboration, so that a read needing only the summary
  // never reads evidence. Values written before these fields existed lack
  // them (`complete` false) and are read through the evidence instead.
  bool complete = false;
  int32_t publishers = 0;
  int32_t claimants = 0;
  int32_t supporting = 0;
  int32_t denying = 0;
  std::string first_reported;
  std::string last_reported;
};
// The corroboration a complete summary records (as of its last_change).
Corroboration SummaryCorroboration(const IndexValue& v);
std::string EncodeIndexValue(const IndexValue& v);
absl::StatusOr<IndexValue> DecodeIndexValue(std::string_view in);

// Evidence without its id (which is in the key).
std::string EncodeEvidence(const Evidence& e);
absl::StatusOr<Evidence> DecodeEvidence(std::string_view in);

std::string EncodeIntervals(const std::vector<Interval>& v);
absl::StatusOr<std::vector<Interval>> DecodeIntervals(std::string_view in);

// A history event without its time (which is in the key).
std::string EncodeHistory(const HistoryEvent& e);
absl::StatusOr<HistoryEvent> DecodeHistory(std::string_view in);

// A feed entry: the change as a history event (with its principal; the time
// is in the key) and, for statement events, the statement's triple then
// (all zero for entity events).
struct ChangeRecord {
  HistoryEvent event;
  Triple triple;
};
std::string EncodeChange(const ChangeRecord& r);
absl::StatusOr<ChangeRecord> DecodeChange(std::string_view in);

// An audit record without its time (which is in the key).
std::string EncodeAudit(const AuditRecord& r);
absl::StatusOr<AuditRecord> DecodeAudit(std::string_view in);

}  // namespace kg::codec

#endif  // KGD_STORAGE_CODEC_H_
