// Every key and record decoder of storage/codec.h, and the change feed's
// resume tokens, on arbitrary bytes: the first byte picks the decoder
// (fuzz/inputs.h), the rest is its input. Where the codec has an encoder,
// what decodes must survive encode -> decode -> encode unchanged, and a key
// must re-encode to the very bytes it was parsed from (keys have one
// spelling; records may have several, e.g. non-minimal varints, so records
// are compared after one normalising encode).

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "fuzz/inputs.h"
#include "storage/change_feed.h"
#include "storage/codec.h"

namespace kg::codec {
namespace {

void Check(bool ok) {
  if (!ok) std::abort();
}

template <typename T>
void RoundTrip(std::string_view in, absl::StatusOr<T> (*decode)(std::string_view),
               std::string (*encode)(const T&)) {
  absl::StatusOr<T> first = decode(in);
  if (!first.ok()) return;
  const std::string bytes = encode(*first);
  absl::StatusOr<T> second = decode(bytes);
  Check(second.ok() && encode(*second) == bytes);
}

void Term(std::string_view in) {
  bool is_predicate = false;
  absl::StatusOr<Value> v = DecodeTerm(in, &is_predicate);
  if (!v.ok()) return;
  Check((is_predicate ? PredicateTerm(v->lexical) : ValueTerm(*v)) == in);
}

void IndexKeyOf(std::string_view in) {
  if (in.empty()) return;
  const auto order = static_cast<IndexOrder>(static_cast<uint8_t>(in[0]) % 3);
  in.remove_prefix(1);
  Triple t;
  StatementId sid;
  if (DecodeIndexKey(order, in, &t, &sid)) Check(IndexKey(order, t, sid) == in);
}

void ProvKeyTail(std::string_view in) {
  std::string_view date;
  StatementId sid;
  std::string digest;
  if (!DecodeProvKeyTail(in, &date, &sid, &digest)) return;
  const std::string prefix = ProvPrefix(ProvRole::kPublisher, "");
  const std::string key = ProvKey(ProvRole::kPublisher, "", date, sid, digest);
  Check(key.substr(prefix.size()) == in);
}

void AliasKeyOf(std::string_view in) {
  std::string_view name;
  TermId entity;
  if (DecodeAliasKey(in, &name, &entity)) Check(AliasKey(name, entity) == in);
}

void AuditKeyOf(std::string_view in) {
  TxTime at;
  if (DecodeAuditKey(in, &at)) Check(AuditKey(at) == in);
}

void FeedKeyOf(std::string_view in) {
  kg::ChangePosition position;
  if (DecodeFeedKey(in, &position)) Check(FeedKey(position) == in);
}

void ChangeToken(std::string_view in) {
  absl::StatusOr<kg::ChangePosition> position = kg::DecodeChangeToken(in, "from");
  if (!position.ok()) return;
  absl::StatusOr<kg::ChangePosition> again =
      kg::DecodeChangeToken(kg::EncodeChangeToken(*position), "from");
  Check(again.ok() && *again == *position);
}

void EntityKeyOf(std::string_view in) {
  const TxTime tx = EntityKeyTx(in);
  if (in.size() == 16) Check(EntityKey(DecodeFixed64(in.data()), tx) == in);
}

void LogKeyOf(std::string_view in) {
  const TxTime tx = LogKeyTx(in);
  if (in.size() == 21) {
    // tag(1) target(8) tx(8) seq(4): seq is the low half of the last 8 bytes.
    const auto seq = static_cast<uint32_t>(DecodeFixed64(in.data() + 13));
    Check(LogKey(in[0], DecodeFixed64(in.data() + 1), tx, seq) == in);
  }
}

void Statement(std::string_view in) {
  RoundTrip(in, DecodeStatement, EncodeStatement);
  absl::StatusOr<StatementRecord> r = DecodeStatement(in);
  if (!r.ok()) return;
  // Every decoded record has a position to answer At with.
  for (const Position& p : r->positions) r->TripleAt(p.from);
  r->TripleAt(0);
}

void Primitives(std::string_view in) {
  Decoder d(in);
  uint64_t u;
  std::string s;
  double x;
  uint8_t b;
  std::string_view raw;
  // Bounded: every successful read consumes at least one byte.
  while (d.Varint(&u) && d.String(&s) && d.Byte(&b) && d.Raw(b % 4, &raw) && d.Double(&x) &&
         d.Fixed64(&u)) {
  }
}

}  // namespace
}  // namespace kg::codec

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace kg::codec;  // NOLINT(build/namespaces): the list below names them all
  if (size == 0) return 0;
  const std::string_view in(reinterpret_cast<const char*>(data) + 1, size - 1);
  switch (data[0] % kg::fuzz::kNumCodecInputs) {
    case kg::fuzz::kTerm:
      Term(in);
      break;
    case kg::fuzz::kEntityKey:
      EntityKeyOf(in);
      break;
    case kg::fuzz::kIndexKey:
      IndexKeyOf(in);
      break;
    case kg::fuzz::kProvKeyTail:
      ProvKeyTail(in);
      break;
    case kg::fuzz::kAliasKey:
      AliasKeyOf(in);
      break;
    case kg::fuzz::kLogKey:
      LogKeyOf(in);
      break;
    case kg::fuzz::kAuditKey:
      AuditKeyOf(in);
      break;
    case kg::fuzz::kEntityRecord:
      RoundTrip(in, DecodeEntity, EncodeEntity);
      break;
    case kg::fuzz::kStatementRecord:
      Statement(in);
      break;
    case kg::fuzz::kIndexValue:
      RoundTrip(in, DecodeIndexValue, EncodeIndexValue);
      break;
    case kg::fuzz::kEvidenceRecord:
      RoundTrip(in, DecodeEvidence, EncodeEvidence);
      break;
    case kg::fuzz::kIntervals:
      RoundTrip(in, DecodeIntervals, EncodeIntervals);
      break;
    case kg::fuzz::kHistoryRecord:
      RoundTrip(in, DecodeHistory, EncodeHistory);
      break;
    case kg::fuzz::kAuditRecord:
      RoundTrip(in, DecodeAudit, EncodeAudit);
      break;
    case kg::fuzz::kPrimitives:
      Primitives(in);
      break;
    case kg::fuzz::kFeedKey:
      FeedKeyOf(in);
      break;
    case kg::fuzz::kChangeRecord:
      RoundTrip(in, DecodeChange, EncodeChange);
      break;
    case kg::fuzz::kChangeToken:
      ChangeToken(in);
      break;
  }
  return 0;
}
