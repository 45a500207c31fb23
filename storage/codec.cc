// Key layouts and record encodings; the grammar is in codec.h and FORMAT.md.

#include "storage/codec.h"

#include <bit>
#include <cstring>

#include "absl/strings/str_cat.h"
#include "storage/status_macros.h"

namespace kg::codec {
namespace {

// Record versions. DO NOT CHANGE the meaning of a published version.
constexpr uint8_t kRecordV1 = 1;

absl::Status Corrupt(std::string_view what) {
  return absl::DataLossError(absl::StrCat("corrupt ", std::string(what), " record"));
}

void PutStrings(std::string* dst, const std::vector<std::string>& v) {
  PutVarint(dst, v.size());
  for (const std::string& s : v) PutString(dst, s);
}

// The count of a corrupt record is not to be trusted: elements are added as
// they decode, so memory stays bounded by the input.
bool GetStrings(Decoder& d, std::vector<std::string>* v) {
  uint64_t n;
  if (!d.Varint(&n) || n > (1u << 24)) return false;
  for (uint64_t i = 0; i < n; ++i) {
    if (!d.String(&v->emplace_back())) return false;
  }
  return true;
}

bool GetInt32(Decoder& d, int32_t* v) {
  uint64_t u;
  if (!d.Fixed64(&u)) return false;
  *v = static_cast<int32_t>(static_cast<int64_t>(u));
  return true;
}

bool GetTx(Decoder& d, TxTime* t) {
  uint64_t u;
  if (!d.Fixed64(&u)) return false;
  *t = static_cast<TxTime>(u);
  return true;
}

void PutIntervals(std::string* dst, const std::vector<Interval>& v) {
  PutVarint(dst, v.size());
  for (const Interval& i : v) {
    PutFixed64(dst, static_cast<uint64_t>(i.from));
    PutFixed64(dst, static_cast<uint64_t>(i.to));
  }
}

bool GetIntervals(Decoder& d, std::vector<Interval>* v) {
  uint64_t n;
  if (!d.Varint(&n) || n > (1u << 20)) return false;
  for (uint64_t k = 0; k < n; ++k) {
    Interval& i = v->emplace_back();
    if (!GetTx(d, &i.from) || !GetTx(d, &i.to)) return false;
  }
  return true;
}

}  // namespace

const char* CfName(int cf) {
  // DO NOT CHANGE: these names are on disk.
  static constexpr const char* kNames[kNumCfs] = {"default", "dict", "rdict", "ent", "spo",
                                                  "pos",     "osp",  "stmt",  "ev",  "prov",
                                                  "alias",   "log",  "audit", "feed"};
  return kNames[cf];
}

// ---- primitives ----

void PutFixed64(std::string* dst, uint64_t v) {
  char buf[8];
  for (int i = 7; i >= 0; --i) {
    buf[i] = static_cast<char>(v & 0xff);
    v >>= 8;
  }
  dst->append(buf, 8);
}

void PutFixed32(std::string* dst, uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8)
    dst->push_back(static_cast<char>((v >> shift) & 0xff));
}

void PutVarint(std::string* dst, uint64_t v) {
  while (v >= 0x80) {
    dst->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  dst->push_back(static_cast<char>(v));
}

void PutString(std::string* dst, std::string_view s) {
  PutVarint(dst, s.size());
  dst->append(s.data(), s.size());
}

void PutDouble(std::string* dst, double v) { PutFixed64(dst, std::bit_cast<uint64_t>(v)); }

uint64_t DecodeFixed64(const char* p) {
  uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<uint8_t>(p[i]);
  return v;
}

std::string Fixed64(uint64_t v) {
  std::string s;
  PutFixed64(&s, v);
  return s;
}

bool Decoder::Fixed64(uint64_t* v) {
  if (in_.size() < 8) return false;
  *v = DecodeFixed64(in_.data());
  in_.remove_prefix(8);
  return true;
}

bool Decoder::Varint(uint64_t* v) {
  uint64_t result = 0;
  for (int shift = 0; shift <= 63 && !in_.empty(); shift += 7) {
    uint8_t b = static_cast<uint8_t>(in_[0]);
    in_.remove_prefix(1);
    result |= static_cast<uint64_t>(b & 0x7f) << shift;
    if ((b & 0x80) == 0) {
      *v = result;
      return true;
    }
  }
  return false;
}

bool Decoder::String(std::string* s) {
  uint64_t n;
  if (!Varint(&n) || n > in_.size()) return false;
  s->assign(in_.data(), n);
  in_.remove_prefix(n);
  return true;
}

bool Decoder::Double(double* v) {
  uint64_t u;
  if (!Fixed64(&u)) return false;
  *v = std::bit_cast<double>(u);
  return true;
}

bool Decoder::Byte(uint8_t* b) {
  if (in_.empty()) return false;
  *b = static_cast<uint8_t>(in_[0]);
  in_.remove_prefix(1);
  return true;
}

bool Decoder::Raw(size_t n, std::string_view* out) {
  if (in_.size() < n) return false;
  *out = in_.substr(0, n);
  in_.remove_prefix(n);
  return true;
}

// ---- terms ----

std::string EntityTerm(std::string_view id) {
  std::string t(1, static_cast<char>(ValueType::kEntity));
  t.append(id);
  return t;
}

std::string ValueTerm(const Value& v) {
  std::string t(1, static_cast<char>(v.type));
  t.append(v.lexical);
  return t;
}

std::string PredicateTerm(std::string_view name) {
  std::string t(1, static_cast<char>(kPredicateTag));
  t.append(name);
  return t;
}

absl::StatusOr<Value> DecodeTerm(std::string_view term, bool* is_predicate) {
  if (term.empty()) return Corrupt("term");
  uint8_t tag = static_cast<uint8_t>(term[0]);
  Value v;
  v.lexical.assign(term.substr(1));
  *is_predicate = tag == kPredicateTag;
  if (*is_predicate) {
    v.type = ValueType::kString;
  } else if (tag <= static_cast<uint8_t>(ValueType::kBoolean)) {
    v.type = static_cast<ValueType>(tag);
  } else {
    return Corrupt("term");
  }
  return v;
}

// ---- keys ----

std::string EntityKey(TermId id, TxTime tx) {
  std::string k = Fixed64(id);
  PutFixed64(&k, ~static_cast<uint64_t>(tx));
  return k;
}

std::string EntityPrefix(TermId id) { return Fixed64(id); }

TxTime EntityKeyTx(std::string_view key) {
  return key.size() >= 16 ? static_cast<TxTime>(~DecodeFixed64(key.data() + 8)) : 0;
}

int IndexCf(IndexOrder order) {
  switch (order) {
    case IndexOrder::kSpo:
      return kSpo;
    case IndexOrder::kPos:
      return kPos;
    case IndexOrder::kOsp:
      return kOsp;
  }
  return kSpo;
}

std::string IndexPrefix(TermId first, TermId second) {
  std::string k;
  PutFixed64(&k, first), PutFixed64(&k, second);
  return k;
}

std::string IndexKey(IndexOrder order, const Triple& t, StatementId sid) {
  std::string k;
  k.reserve(32);
  switch (order) {
    case IndexOrder::kSpo:
      PutFixed64(&k, t.s), PutFixed64(&k, t.p), PutFixed64(&k, t.o);
      break;
    case IndexOrder::kPos:
      PutFixed64(&k, t.p), PutFixed64(&k, t.o), PutFixed64(&k, t.s);
      break;
    case IndexOrder::kOsp:
      PutFixed64(&k, t.o), PutFixed64(&k, t.s), PutFixed64(&k, t.p);
      break;
  }
  PutFixed64(&k, sid);
  return k;
}

bool DecodeIndexKey(IndexOrder order, std::string_view key, Triple* t, StatementId* sid) {
  if (key.size() != 32) return false;
  uint64_t a = DecodeFixed64(key.data()), b = DecodeFixed64(key.data() + 8),
           c = DecodeFixed64(key.data() + 16);
  *sid = DecodeFixed64(key.data() + 24);
  switch (order) {
    case IndexOrder::kSpo:
      *t = {a, b, c};
      break;
    case IndexOrder::kPos:
      *t = {c, a, b};
      break;
    case IndexOrder::kOsp:
      *t = {b, c, a};
      break;
  }
  return true;
}

std::string StatementKey(StatementId sid) {
  std::string k(1, '\x01');
  PutFixed64(&k, sid);
  return k;
}

std::string TripleKey(const Triple& t) {
  std::string k(1, '\x02');
  PutFixed64(&k, t.s), PutFixed64(&k, t.p), PutFixed64(&k, t.o);
  return k;
}

std::string EvidenceKey(StatementId sid, std::string_view digest) {
  std::string k = Fixed64(sid);
  k.append(digest);
  return k;
}

std::string EvidencePrefix(StatementId sid) { return Fixed64(sid); }

std::string ProvPrefix(ProvRole role, std::string_view source) {
  std::string k(1, static_cast<char>(role));
  PutString(&k, source);
  return k;
}

std::string ProvDate(std::string_view date) {
  if (date.empty()) return std::string(10, '\0');
  std::string d(date);
  if (d.size() == 4) d += "-01";
  if (d.size() == 7) d += "-01";
  d.resize(10, '0');
  return d;
}

std::string ProvKey(ProvRole role, std::string_view source, std::string_view date, StatementId sid,
                    std::string_view digest) {
  std::string k = ProvPrefix(role, source);
  k += ProvDate(date);
  PutFixed64(&k, sid);
  k.append(digest);
  return k;
}

bool DecodeProvKeyTail(std::string_view tail, std::string_view* date, StatementId* sid,
                       std::string* digest) {
  if (tail.size() != 10 + 8 + kDigestSize) return false;
  *date = tail.substr(0, 10);
  *sid = DecodeFixed64(tail.data() + 10);
  digest->assign(tail.substr(18));
  return true;
}

std::string AliasKey(std::string_view normalized_name, TermId entity) {
  std::string k(normalized_name);
  k.push_back('\0');
  PutFixed64(&k, entity);
  return k;
}

bool DecodeAliasKey(std::string_view key, std::string_view* name, TermId* entity) {
  if (key.size() < 9 || key[key.size() - 9] != '\0') return false;
  *name = key.substr(0, key.size() - 9);
  *entity = DecodeFixed64(key.data() + key.size() - 8);
  return true;
}

std::string LogPrefix(char tag, uint64_t target) {
  std::string k(1, tag);
  PutFixed64(&k, target);
  return k;
}

std::string LogKey(char tag, uint64_t target, TxTime tx, uint32_t seq) {
  std::string k = LogPrefix(tag, target);
  PutFixed64(&k, static_cast<uint64_t>(tx));
  PutFixed32(&k, seq);
  return k;
}

TxTime LogKeyTx(std::string_view key) {
  return key.size() >= 17 ? static_cast<TxTime>(DecodeFixed64(key.data() + 9)) : 0;
}

std::string FeedKey(const ChangePosition& position) {
  std::string key = Fixed64(static_cast<uint64_t>(position.tx));
  PutFixed32(&key, position.seq);
  return key;
}

bool DecodeFeedKey(std::string_view key, ChangePosition* position) {
  if (key.size() != 12) return false;
  position->tx = static_cast<TxTime>(DecodeFixed64(key.data()));
  position->seq = 0;
  for (size_t i = 8; i < 12; ++i)
    position->seq = (position->seq << 8) | static_cast<uint8_t>(key[i]);
  return true;
}

std::string AuditKey(TxTime at) { return Fixed64(static_cast<uint64_t>(at)); }

bool DecodeAuditKey(std::string_view key, TxTime* at) {
  if (key.size() != 8) return false;
  *at = static_cast<TxTime>(DecodeFixed64(key.data()));
  return true;
}

// ---- records ----

bool AnyContains(const std::vector<Interval>& intervals, TxTime t) {
  for (const Interval& i : intervals) {
    if (i.Contains(t)) return true;
  }
  return false;
}

bool AnyOpen(const std::vector<Interval>& intervals) {
  for (const Interval& i : intervals) {
    if (i.to == kLatest) return true;
  }
  return false;
}

std::string EncodeEntity(const EntityRecord& r) {
  const Entity& e = r.entity;
  std::string out(1, static_cast<char>(kRecordV1));
  PutString(&out, e.kind);
  PutString(&out, e.label);
  PutStrings(&out, e.aliases);
  PutVarint(&out, e.attributes.size());
  for (const auto& [k, v] : e.attributes) {
    PutString(&out, k);
    out.push_back(static_cast<char>(v.type));
    PutString(&out, v.lexical);
  }
  PutVarint(&out, e.external_ids.size());
  for (const auto& [k, v] : e.external_ids) {
    PutString(&out, k);
    PutString(&out, v);
  }
  out.push_back(e.latitude.has_value() ? 1 : 0);
  if (e.latitude) PutDouble(&out, *e.latitude);
  out.push_back(e.longitude.has_value() ? 1 : 0);
  if (e.longitude) PutDouble(&out, *e.longitude);
  PutString(&out, e.merged_into);
  PutString(&out, e.updated_by);
  PutVarint(&out, r.merged.size());
  for (const MergedNames& m : r.merged) {
    PutString(&out, m.from);
    PutStrings(&out, m.names);
  }
  return out;
}

absl::StatusOr<EntityRecord> DecodeEntity(std::string_view in) {
  Decoder d(in);
  EntityRecord r;
  Entity& e = r.entity;
  uint8_t version, flag;
  uint64_t n;
  if (!d.Byte(&version) || version != kRecordV1) return Corrupt("entity");
  if (!d.String(&e.kind) || !d.String(&e.label) || !GetStrings(d, &e.aliases) || !d.Varint(&n))
    return Corrupt("entity");
  for (uint64_t i = 0; i < n; ++i) {
    std::string k;
    Value v;
    uint8_t type;
    if (!d.String(&k) || !d.Byte(&type) || type > 5 || !d.String(&v.lexical))
      return Corrupt("entity");
    v.type = static_cast<ValueType>(type);
    e.attributes.emplace(std::move(k), std::move(v));
  }
  if (!d.Varint(&n)) return Corrupt("entity");
  for (uint64_t i = 0; i < n; ++i) {
    std::string k, v;
    if (!d.String(&k) || !d.String(&v)) return Corrupt("entity");
    e.external_ids.emplace(std::move(k), std::move(v));
  }
  double x;
  if (!d.Byte(&flag)) return Corrupt("entity");
  if (flag) {
    if (!d.Double(&x)) return Corrupt("entity");
    e.latitude = x;
  }
  if (!d.Byte(&flag)) return Corrupt("entity");
  if (flag) {
    if (!d.Double(&x)) return Corrupt("entity");
    e.longitude = x;
  }
  if (!d.String(&e.merged_into) || !d.String(&e.updated_by) || !d.Varint(&n))
    return Corrupt("entity");
  if (n > (1u << 20)) return Corrupt("entity");
  for (uint64_t i = 0; i < n; ++i) {
    MergedNames& m = r.merged.emplace_back();
    if (!d.String(&m.from) || !GetStrings(d, &m.names)) return Corrupt("entity");
  }
  if (!d.done()) return Corrupt("entity");
  return r;
}

const Position& StatementRecord::At(TxTime t) const {
  const Position* best = &positions.front();
  for (const Position& p : positions) {
    if (p.from <= t) best = &p;
  }
  return *best;
}

std::string EncodeStatement(const StatementRecord& r) {
  std::string out(1, static_cast<char>(kRecordV1));
  PutFixed64(&out, r.original.s);
  PutFixed64(&out, r.original.p);
  PutFixed64(&out, r.original.o);
  out.push_back(r.object_is_entity ? 1 : 0);
  PutString(&out, r.valid_from);
  PutString(&out, r.valid_to);
  PutVarint(&out, r.positions.size());
  for (const Position& p : r.positions) {
    PutFixed64(&out, static_cast<uint64_t>(p.from));
    PutFixed64(&out, p.s);
    PutFixed64(&out, p.o);
  }
  return out;
}

absl::StatusOr<StatementRecord> DecodeStatement(std::string_view in) {
  Decoder d(in);
  StatementRecord r;
  uint8_t version, flag;
  uint64_t n;
  if (!d.Byte(&version) || version != kRecordV1 || !d.Fixed64(&r.original.s) ||
      !d.Fixed64(&r.original.p) || !d.Fixed64(&r.original.o) || !d.Byte(&flag) ||
      !d.String(&r.valid_from) || !d.String(&r.valid_to) || !d.Varint(&n) || n == 0 ||
      n > (1u << 20))
    return Corrupt("statement");
  r.object_is_entity = flag != 0;
  for (uint64_t i = 0; i < n; ++i) {
    Position& p = r.positions.emplace_back();
    if (!GetTx(d, &p.from) || !d.Fixed64(&p.s) || !d.Fixed64(&p.o)) return Corrupt("statement");
  }
  if (!d.done()) return Corrupt("statement");
  return r;
}

std::string EncodeIndexValue(const IndexValue& v) {
  std::string out(1, static_cast<char>(kRecordV1));
  out.push_back(static_cast<char>((v.object_is_entity ? 1 : 0) | (v.disputed ? 2 : 0)));
  PutVarint(&out, static_cast<uint32_t>(v.live_evidence));
  PutVarint(&out, static_cast<uint32_t>(v.independent_sources));
  PutDouble(&out, v.confidence);
  PutFixed64(&out, static_cast<uint64_t>(v.last_change));
  PutString(&out, v.valid_from);
  PutString(&out, v.valid_to);
  PutIntervals(&out, v.intervals);
  if (v.complete) {
    for (int32_t count : {v.publishers, v.claimants, v.supporting, v.denying}) {
      PutVarint(&out, static_cast<uint32_t>(count));
    }
    PutString(&out, v.first_reported);
    PutString(&out, v.last_reported);
  }
  return out;
}

absl::StatusOr<IndexValue> DecodeIndexValue(std::string_view in) {
  Decoder d(in);
  IndexValue v;
  uint8_t version, flags;
  uint64_t live, sources;
  if (!d.Byte(&version) || version != kRecordV1 || !d.Byte(&flags) || !d.Varint(&live) ||
      !d.Varint(&sources) || !d.Double(&v.confidence) || !GetTx(d, &v.last_change) ||
      !d.String(&v.valid_from) || !d.String(&v.valid_to) || !GetIntervals(d, &v.intervals))
    return Corrupt("index");
  if (!d.done()) {
    v.complete = true;
    for (int32_t* count : {&v.publishers, &v.claimants, &v.supporting, &v.denying}) {
      uint64_t u;
      if (!d.Varint(&u) || u > static_cast<uint64_t>(INT32_MAX)) return Corrupt("index");
      *count = static_cast<int32_t>(u);
    }
    if (!d.String(&v.first_reported) || !d.String(&v.last_reported) || !d.done()) {
      return Corrupt("index");
    }
  }
  v.object_is_entity = (flags & 1) != 0;
  v.disputed = (flags & 2) != 0;
  v.live_evidence = static_cast<int32_t>(live);
  v.independent_sources = static_cast<int32_t>(sources);
  return v;
}

Corroboration SummaryCorroboration(const IndexValue& v) {
  Corroboration c;
  c.evidence_count = v.live_evidence;
  c.independent_sources = v.independent_sources;
  c.publishers = v.publishers;
  c.claimants = v.claimants;
  c.supporting = v.supporting;
  c.denying = v.denying;
  c.first_reported = v.first_reported;
  c.last_reported = v.last_reported;
  c.confidence = v.confidence;
  c.disputed = v.disputed;
  return c;
}

namespace {

void PutGrade(std::string* out, const EvidenceGrade& g) {
  PutDouble(out, g.confidence);
  out->push_back(g.reliability);
  PutFixed64(out, static_cast<uint64_t>(static_cast<int64_t>(g.credibility)));
  PutString(out, g.reported_on);
}

bool GetGrade(Decoder& d, EvidenceGrade* g) {
  uint8_t reliability;
  if (!d.Double(&g->confidence) || !d.Byte(&reliability) || !GetInt32(d, &g->credibility) ||
      !d.String(&g->reported_on))
    return false;
  g->reliability = static_cast<char>(reliability);
  return true;
}

}  // namespace

std::string EncodeEvidence(const Evidence& e) {
  // The grade fields hold the values as first ingested; revisions follow.
  const EvidenceGrade first = e.revisions.empty() ? e.grade() : e.revisions.front().before;
  std::string out(1, static_cast<char>(kRecordV1));
  PutString(&out, e.document);
  PutString(&out, e.publisher);
  PutString(&out, e.claimant);
  PutString(&out, e.claimant_description);
  PutString(&out, e.excerpt);
  PutFixed64(&out, static_cast<uint64_t>(static_cast<int64_t>(e.span_begin)));
  PutFixed64(&out, static_cast<uint64_t>(static_cast<int64_t>(e.span_end)));
  out.push_back(static_cast<char>(e.stance));
  PutDouble(&out, first.confidence);
  out.push_back(first.reliability);
  PutFixed64(&out, static_cast<uint64_t>(static_cast<int64_t>(first.credibility)));
  PutString(&out, e.extractor);
  PutString(&out, first.reported_on);
  PutFixed64(&out, static_cast<uint64_t>(e.ingested_at));
  PutString(&out, e.ingested_by);
  PutFixed64(&out, static_cast<uint64_t>(e.retracted_at));
  PutString(&out, e.retracted_by);
  PutString(&out, e.retraction_reason);
  // Optional trailing fields: a record never revised and without a story
  // keeps the layout it had before either existed.
  if (!e.revisions.empty() || !e.story.empty()) {
    PutVarint(&out, e.revisions.size());
    for (const EvidenceRevision& r : e.revisions) {
      PutFixed64(&out, static_cast<uint64_t>(r.at));
      PutString(&out, r.by);
      PutGrade(&out, r.after);
    }
  }
  if (!e.story.empty()) PutString(&out, e.story);
  return out;
}

absl::StatusOr<Evidence> DecodeEvidence(std::string_view in) {
  Decoder d(in);
  Evidence e;
  uint8_t version, stance, reliability;
  if (!d.Byte(&version) || version != kRecordV1 || !d.String(&e.document) ||
      !d.String(&e.publisher) || !d.String(&e.claimant) || !d.String(&e.claimant_description) ||
      !d.String(&e.excerpt) || !GetInt32(d, &e.span_begin) || !GetInt32(d, &e.span_end) ||
      !d.Byte(&stance) || stance > 2 || !d.Double(&e.confidence) || !d.Byte(&reliability) ||
      !GetInt32(d, &e.credibility) || !d.String(&e.extractor) || !d.String(&e.reported_on) ||
      !GetTx(d, &e.ingested_at) || !d.String(&e.ingested_by) || !GetTx(d, &e.retracted_at) ||
      !d.String(&e.retracted_by) || !d.String(&e.retraction_reason))
    return Corrupt("evidence");
  e.stance = static_cast<Stance>(stance);
  e.reliability = static_cast<char>(reliability);
  if (!d.done()) {
    uint64_t n;
    if (!d.Varint(&n) || n > in.size()) return Corrupt("evidence");
    for (uint64_t i = 0; i < n; ++i) {
      EvidenceRevision r;
      r.before = e.grade();
      if (!GetTx(d, &r.at) || !d.String(&r.by) || !GetGrade(d, &r.after)) {
        return Corrupt("evidence");
      }
      e.set_grade(r.after);
      e.revisions.push_back(std::move(r));
    }
    if (!d.done() && (!d.String(&e.story) || e.story.empty())) return Corrupt("evidence");
    // The trailer is written only when it holds something.
    if (!d.done() || (n == 0 && e.story.empty())) return Corrupt("evidence");
  }
  return e;
}

std::string EncodeIntervals(const std::vector<Interval>& v) {
  std::string out(1, static_cast<char>(kRecordV1));
  PutIntervals(&out, v);
  return out;
}

absl::StatusOr<std::vector<Interval>> DecodeIntervals(std::string_view in) {
  Decoder d(in);
  uint8_t version;
  std::vector<Interval> v;
  if (!d.Byte(&version) || version != kRecordV1 || !GetIntervals(d, &v) || !d.done())
    return Corrupt("alias");
  return v;
}

std::string EncodeHistory(const HistoryEvent& e) {
  std::string out(1, static_cast<char>(kRecordV1));
  out.push_back(static_cast<char>(e.type));
  PutString(&out, e.principal);
  PutString(&out, e.entity);
  PutFixed64(&out, e.statement);
  PutString(&out, e.evidence_id);
  PutString(&out, e.other_entity);
  PutString(&out, e.reason);
  // Optional trailing fields: records without them (all but purges and
  // revisions) keep the layout they had before they existed.
  const bool revised = e.type == HistoryEvent::Type::kEvidenceRevised;
  if (e.count != 0 || revised) PutVarint(&out, static_cast<uint32_t>(e.count));
  if (revised) {
    PutGrade(&out, e.revised_from);
    PutGrade(&out, e.revised_to);
  }
  return out;
}

absl::StatusOr<HistoryEvent> DecodeHistory(std::string_view in) {
  Decoder d(in);
  HistoryEvent e;
  uint8_t version, type;
  if (!d.Byte(&version) || version != kRecordV1 || !d.Byte(&type) ||
      type > static_cast<uint8_t>(HistoryEvent::Type::kEvidenceRevised) ||
      !d.String(&e.principal) || !d.String(&e.entity) || !d.Fixed64(&e.statement) ||
      !d.String(&e.evidence_id) || !d.String(&e.other_entity) || !d.String(&e.reason))
    return Corrupt("history");
  e.type = static_cast<HistoryEvent::Type>(type);
  uint64_t count = 0;
  if (!d.done() && (!d.Varint(&count) || count > INT32_MAX)) return Corrupt("history");
  if (e.type == HistoryEvent::Type::kEvidenceRevised &&
      (!GetGrade(d, &e.revised_from) || !GetGrade(d, &e.revised_to)))
    return Corrupt("history");
  if (!d.done()) return Corrupt("history");
  e.count = static_cast<int32_t>(count);
  return e;
}

std::string EncodeChange(const ChangeRecord& r) {
  std::string out(1, static_cast<char>(kRecordV1));
  PutFixed64(&out, r.triple.s);
  PutFixed64(&out, r.triple.p);
  PutFixed64(&out, r.triple.o);
  out += EncodeHistory(r.event);
  return out;
}

absl::StatusOr<ChangeRecord> DecodeChange(std::string_view in) {
  Decoder d(in);
  ChangeRecord r;
  uint8_t version;
  std::string_view history;
  if (!d.Byte(&version) || version != kRecordV1 || !d.Fixed64(&r.triple.s) ||
      !d.Fixed64(&r.triple.p) || !d.Fixed64(&r.triple.o) || !d.Raw(in.size() - 25, &history))
    return Corrupt("change");
  KG_ASSIGN_OR_RETURN(r.event, DecodeHistory(history));
  return r;
}

std::string EncodeAudit(const AuditRecord& r) {
  std::string out(1, static_cast<char>(kRecordV1));
  PutString(&out, r.principal);
  PutString(&out, r.on_behalf_of);
  PutString(&out, r.role);
  PutString(&out, r.authenticated_by);
  PutString(&out, r.rpc);
  PutString(&out, r.peer);
  PutFixed64(&out, static_cast<uint64_t>(r.request_bytes));
  PutString(&out, r.request_sha256);
  PutFixed64(&out, static_cast<uint64_t>(static_cast<int64_t>(r.code)));
  PutString(&out, r.message);
  return out;
}

absl::StatusOr<AuditRecord> DecodeAudit(std::string_view in) {
  Decoder d(in);
  AuditRecord r;
  uint8_t version;
  uint64_t bytes;
  if (!d.Byte(&version) || version != kRecordV1 || !d.String(&r.principal) ||
      !d.String(&r.on_behalf_of) || !d.String(&r.role) || !d.String(&r.authenticated_by) ||
      !d.String(&r.rpc) || !d.String(&r.peer) || !d.Fixed64(&bytes) ||
      !d.String(&r.request_sha256) || !GetInt32(d, &r.code) || !d.String(&r.message) || !d.done())
    return Corrupt("audit");
  r.request_bytes = static_cast<int64_t>(bytes);
  return r;
}

}  // namespace kg::codec
