// Entity, pattern and edge reads of a KvView.

#include "storage/kv_view.h"

#include <algorithm>
#include <set>

#include "absl/strings/str_cat.h"
#include "storage/corroboration.h"
#include "storage/status_macros.h"
#include "storage/validation.h"
#include "storage/write_txn.h"

namespace kg {

using codec::IndexOrder;

namespace {

std::string S(std::string_view v) { return std::string(v); }

// Cancellation is polled once per this many loop iterations.
constexpr uint32_t kCancelPollInterval = 256;
constexpr int kMaxMergeChain = 64;

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

// Whether the summary in an index value answers for `filter` at `as_of`.
bool SummaryAnswers(const codec::IndexValue& v, const Filter& filter, TxTime as_of) {
  return filter.SelectsAllEvidence() && as_of >= v.last_change;
}

bool SummaryPasses(const codec::IndexValue& v, const Filter& filter) {
  return v.live_evidence > 0 && MeetsMinimums(filter, v.confidence, v.independent_sources) &&
         ValidTimeOverlaps(filter, v.valid_from, v.valid_to);
}

}  // namespace

KvView::KvView(const DbHandles& h, std::function<bool()> is_cancelled, CommitPoint last_commit)
    : snapshot_(h.kv->NewSnapshot()),
      reader_(h, snapshot_.get()),
      is_cancelled_(std::move(is_cancelled)) {
  if (last_commit.sequence != 0 && snapshot_->sequence() == last_commit.sequence) {
    snapshot_time_ = last_commit.tx;
    return;
  }
  absl::StatusOr<uint64_t> last = reader_.Counter(codec::kLastTxKey);
  // A failed read leaves time 0: the view then sees an empty graph, and the
  // same storage error surfaces on its first real read.
  snapshot_time_ = last.ok() ? static_cast<TxTime>(*last) : 0;
}

KvView::~KvView() = default;

absl::Status KvView::Tick() {
  if (is_cancelled_ && ++ticks_ % kCancelPollInterval == 0 && is_cancelled_()) {
    return absl::CancelledError("read cancelled");
  }
  return absl::OkStatus();
}

absl::Status KvView::BeginPage(std::string_view token, const PageListing& listing, TxTime as_of,
                               TxTime* eff, std::string* resume) const {
  KG_ASSIGN_OR_RETURN(PageCursor cursor, StartPage(token, listing, as_of, snapshot_time_, 1));
  *eff = cursor.as_of;
  *resume = cursor.fields.empty() ? std::string() : std::move(cursor.fields[0]);
  return absl::OkStatus();
}

absl::StatusOr<std::optional<EntityFacts::Fact>> KvView::FactsAt(TermId id, TxTime as_of) const {
  EntityFacts* facts = reader_.handles().facts;
  if (facts != nullptr) {
    if (std::optional<EntityFacts::Fact> known = facts->Find(id, as_of)) return known;
  }
  KG_ASSIGN_OR_RETURN(std::optional<EntityVersion> v, reader_.EntityAt(id, as_of));
  if (!v) return std::nullopt;
  EntityFacts::Fact fact{std::move(v->record.entity.kind), !v->record.entity.merged_into.empty(),
                         v->tx, snapshot_time_};
  if (facts != nullptr && as_of >= snapshot_time_) facts->Remember(id, fact);
  return fact;
}

absl::StatusOr<TermId> KvView::FollowMerges(TermId id, TxTime as_of) const {
  for (int i = 0; i < kMaxMergeChain; ++i) {
    KG_ASSIGN_OR_RETURN(std::optional<EntityFacts::Fact> fact, FactsAt(id, as_of));
    if (!fact || !fact->merged) return id;
    KG_ASSIGN_OR_RETURN(std::optional<EntityVersion> v, reader_.EntityAt(id, as_of));
    if (!v || v->record.entity.merged_into.empty()) return id;
    KG_ASSIGN_OR_RETURN(std::optional<TermId> next,
                        reader_.FindEntity(v->record.entity.merged_into));
    if (!next) return id;
    id = *next;
  }
  return id;
}

absl::StatusOr<TermId> KvView::EntityAsOf(std::string_view field, std::string_view id,
                                          TxTime as_of) const {
  KG_ASSIGN_OR_RETURN(std::optional<TermId> term, reader_.FindEntity(id));
  std::optional<EntityFacts::Fact> fact;
  if (term) {
    KG_ASSIGN_OR_RETURN(fact, FactsAt(*term, as_of));
  }
  if (!fact) {
    return absl::NotFoundError(
        absl::StrCat(S(field), field.empty() ? "" : ": ", "entity '", Clip(id), "' not found"));
  }
  return *term;
}

absl::StatusOr<Entity> KvView::GetEntity(std::string_view id, TxTime as_of) {
  KG_ASSIGN_OR_RETURN(std::optional<TermId> term, reader_.FindEntity(id));
  std::optional<EntityVersion> v;
  if (term) {
    KG_ASSIGN_OR_RETURN(v, reader_.EntityAt(*term, Effective(as_of)));
  }
  if (!v) return absl::NotFoundError(absl::StrCat("entity '", Clip(id), "' not found"));
  v->record.entity.id = S(id);
  return std::move(v->record.entity);
}

absl::StatusOr<Page<Entity>> KvView::SearchEntities(std::string_view prefix,
                                                    const std::vector<std::string>& kinds,
                                                    TxTime as_of, int32_t limit,
                                                    std::string_view page_token) {
  limit = ClampLimit(limit);
  PageListing listing("SearchEntities");
  listing.Add(prefix).Add(kinds).Add(as_of);
  TxTime eff;
  std::string resume;
  KG_RETURN_IF_ERROR(BeginPage(page_token, listing, as_of, &eff, &resume));
  const std::string norm = NormalizeText(prefix);
  const Schema& schema = *reader_.handles().schema;
  Page<Entity> page;
  page.as_of = eff;
  std::unique_ptr<KvIterator> it = reader_.NewIterator(codec::kAlias);
  for (it->Seek(std::max(resume, norm)); it->Valid() && StartsWith(it->key(), norm); it->Next()) {
    KG_RETURN_IF_ERROR(Tick());
    std::string_view name;
    TermId term;
    if (!codec::DecodeAliasKey(it->key(), &name, &term)) {
      return absl::DataLossError("corrupt alias key");
    }
    KG_ASSIGN_OR_RETURN(std::vector<codec::Interval> intervals,
                        codec::DecodeIntervals(it->value()));
    if (!codec::AnyContains(intervals, eff)) continue;
    KG_ASSIGN_OR_RETURN(std::optional<EntityVersion> v, reader_.EntityAt(term, eff));
    if (!v || !v->record.entity.merged_into.empty()) continue;
    if (!kinds.empty() && std::none_of(kinds.begin(), kinds.end(), [&](const std::string& k) {
          return schema.IsKindOf(v->record.entity.kind, k);
        }))
      continue;
    // Each entity once: at the smallest of its names that match.
    bool first = true;
    for (const std::string& n : SearchNames(v->record)) {
      if (n.compare(0, norm.size(), norm) == 0) {
        first = n == name;
        break;
      }
    }
    if (!first) continue;
    if (static_cast<int32_t>(page.items.size()) == limit) {
      page.next_page_token = EncodePageToken(listing, eff, {std::string(it->key())});
      break;
    }
    KG_ASSIGN_OR_RETURN(v->record.entity.id, reader_.EntityId(term));
    page.items.push_back(std::move(v->record.entity));
  }
  KG_RETURN_IF_ERROR(WithContext(it->status(), "search"));
  return page;
}

absl::StatusOr<std::optional<Statement>> KvView::Evaluate(StatementId sid, const codec::Triple& at,
                                                          const ValidTime& valid,
                                                          const Filter& filter, TxTime as_of,
                                                          bool apply_minimums) {
  if (apply_minimums && !ValidTimeOverlaps(filter, valid.from, valid.to)) return std::nullopt;
  KG_ASSIGN_OR_RETURN(std::vector<Evidence> evidence, reader_.EvidenceOf(sid, as_of));
  Statement st;
  std::vector<const Evidence*> selected;
  for (Evidence& e : evidence) {
    if (SelectsEvidence(filter, as_of, e)) selected.push_back(&e);
  }
  if (selected.empty()) return std::nullopt;
  st.corroboration = Corroborate(selected);
  if (apply_minimums &&
      !MeetsMinimums(filter, st.corroboration.confidence, st.corroboration.independent_sources)) {
    return std::nullopt;
  }
  st.id = sid;
  KG_RETURN_IF_ERROR(reader_.FillTriple(at, &st));
  st.valid_from = valid.from;
  st.valid_to = valid.to;
  for (const Evidence* e : selected) st.evidence.push_back(EvidenceAsOf(*e, as_of));
  return st;
}

absl::StatusOr<Page<Statement>> KvView::Match(const Pattern& pattern, const Filter& filter,
                                              int32_t limit, std::string_view page_token) {
  limit = ClampLimit(limit);
  PageListing listing("Match");
  listing.Add(pattern.subject).Add(pattern.predicate);
  listing.Add(pattern.object ? codec::ValueTerm(*pattern.object) : std::string()).Add(filter);
  TxTime eff;
  std::string resume;
  KG_RETURN_IF_ERROR(BeginPage(page_token, listing, filter.as_of, &eff, &resume));
  Page<Statement> page;
  page.as_of = eff;
  // Bound positions as terms. An entity unknown as of eff is NOT_FOUND; a
  // predicate or literal never stored matches nothing.
  std::optional<TermId> s, p, o;
  if (!pattern.subject.empty()) {
    KG_ASSIGN_OR_RETURN(TermId term, EntityAsOf("subject", pattern.subject, eff));
    KG_ASSIGN_OR_RETURN(s, FollowMerges(term, eff));
  }
  if (!pattern.predicate.empty()) {
    KG_ASSIGN_OR_RETURN(p, reader_.FindTerm(codec::PredicateTerm(pattern.predicate)));
    if (!p) return page;
  }
  if (pattern.object && pattern.object->is_entity()) {
    KG_ASSIGN_OR_RETURN(TermId term, EntityAsOf("object", pattern.object->lexical, eff));
    KG_ASSIGN_OR_RETURN(o, FollowMerges(term, eff));
  } else if (pattern.object) {
    KG_ASSIGN_OR_RETURN(o, reader_.FindTerm(codec::ValueTerm(*pattern.object)));
    if (!o) return page;
  }
  // The index whose key starts with every bound position.
  IndexOrder order = IndexOrder::kSpo;
  std::string prefix;
  if (s && p) {
    order = IndexOrder::kSpo;
    prefix = codec::Fixed64(*s) + codec::Fixed64(*p) + (o ? codec::Fixed64(*o) : "");
  } else if (s && o) {
    order = IndexOrder::kOsp;
    prefix = codec::Fixed64(*o) + codec::Fixed64(*s);
  } else if (s) {
    prefix = codec::Fixed64(*s);
  } else if (p) {
    order = IndexOrder::kPos;
    prefix = codec::Fixed64(*p) + (o ? codec::Fixed64(*o) : "");
  } else if (o) {
    order = IndexOrder::kOsp;
    prefix = codec::Fixed64(*o);
  }
  Filter f = filter;
  f.as_of = eff;
  DbReader::BorrowedIterator it = reader_.Borrow(codec::IndexCf(order));
  for (it->Seek(std::max(resume, prefix)); it->Valid() && StartsWith(it->key(), prefix);
       it->Next()) {
    KG_RETURN_IF_ERROR(Tick());
    codec::Triple t;
    StatementId sid;
    if (!codec::DecodeIndexKey(order, it->key(), &t, &sid)) {
      return absl::DataLossError("corrupt index key");
    }
    KG_ASSIGN_OR_RETURN(codec::IndexValue v, codec::DecodeIndexValue(it->value()));
    if (!codec::AnyContains(v.intervals, eff)) continue;
    if (SummaryAnswers(v, f, eff) && !SummaryPasses(v, f)) continue;
    // The entry's summary holds the statement's valid time, so the
    // statement record is not read.
    KG_ASSIGN_OR_RETURN(std::optional<Statement> st,
                        Evaluate(sid, t, {v.valid_from, v.valid_to}, f, eff, true));
    if (!st) continue;
    if (static_cast<int32_t>(page.items.size()) == limit) {
      page.next_page_token = EncodePageToken(listing, eff, {std::string(it->key())});
      break;
    }
    page.items.push_back(std::move(*st));
  }
  KG_RETURN_IF_ERROR(WithContext(it->status(), "match"));
  return page;
}

absl::StatusOr<Statement> KvView::GetStatement(StatementId id, const Filter& filter,
                                               bool include_retracted) {
  const TxTime eff = Effective(filter.as_of);
  KG_ASSIGN_OR_RETURN(std::optional<codec::StatementRecord> rec, reader_.StatementAt(id));
  KG_ASSIGN_OR_RETURN(std::vector<Evidence> evidence, reader_.EvidenceOf(id, eff));
  bool existed = std::any_of(evidence.begin(), evidence.end(),
                             [&](const Evidence& e) { return e.ingested_at <= eff; });
  if (!rec || !existed) return absl::NotFoundError(absl::StrCat("statement ", id, " not found"));
  Statement st;
  st.id = id;
  KG_RETURN_IF_ERROR(reader_.FillTriple(rec->TripleAt(eff), &st));
  st.valid_from = rec->valid_from;
  st.valid_to = rec->valid_to;
  // The records are as of eff already (EvidenceOf): the selected ones, then
  // the retracted ones shown, are moved out, not copied (a statement may
  // have 100,000).
  std::vector<Evidence*> selected;
  std::vector<Evidence*> retracted;
  for (Evidence& e : evidence) {
    if (SelectsEvidence(filter, eff, e)) {
      selected.push_back(&e);
      continue;
    }
    if (!include_retracted || e.retracted_at == 0 || e.retracted_at > eff) continue;
    // Retracted as of eff: shown when the other selectors would keep it.
    Evidence live = e;
    live.retracted_at = 0;
    if (SelectsEvidence(filter, eff, live)) retracted.push_back(&e);
  }
  st.corroboration = Corroborate({selected.begin(), selected.end()});
  st.evidence.reserve(selected.size() + retracted.size());
  for (Evidence* e : selected) st.evidence.push_back(std::move(*e));
  for (Evidence* e : retracted) st.evidence.push_back(std::move(*e));
  return st;
}

absl::StatusOr<TermId> KvView::LookupEntity(std::string_view id) {
  KG_ASSIGN_OR_RETURN(std::optional<TermId> t, reader_.FindEntity(id));
  if (!t) return absl::NotFoundError(absl::StrCat("entity '", Clip(id), "' not found"));
  return *t;
}

absl::StatusOr<TermId> KvView::LookupPredicate(std::string_view name) {
  KG_ASSIGN_OR_RETURN(std::optional<TermId> t, reader_.FindTerm(codec::PredicateTerm(name)));
  if (!t) return absl::NotFoundError(absl::StrCat("predicate '", Clip(name), "' not found"));
  return *t;
}

absl::StatusOr<Value> KvView::Resolve(TermId term) { return reader_.TermValue(term); }

absl::StatusOr<std::string> KvView::KindOf(TermId entity, TxTime as_of) {
  // Only entity terms have entity records: the record read comes first, and
  // the dictionary is asked only when there is none.
  KG_ASSIGN_OR_RETURN(std::optional<EntityFacts::Fact> fact, FactsAt(entity, Effective(as_of)));
  if (fact) return std::move(fact->kind);
  KG_ASSIGN_OR_RETURN(Value v, reader_.TermValue(entity));
  if (!v.is_entity()) return std::string();
  return absl::NotFoundError(absl::StrCat("entity '", Clip(v.lexical), "' not found"));
}

absl::Status KvView::ScanEdges(TermId node, Direction direction, std::optional<TermId> predicate,
                               const Filter& filter,
                               const std::function<bool(const Edge&)>& visit) {
  const TxTime eff = Effective(filter.as_of);
  Filter f = filter;
  f.as_of = eff;
  struct Scan {
    IndexOrder order;
    std::string prefix;
    bool incoming;
  };
  std::vector<Scan> scans;
  if (direction != Direction::kIn) {
    scans.push_back({IndexOrder::kSpo,
                     codec::Fixed64(node) + (predicate ? codec::Fixed64(*predicate) : ""), false});
  }
  if (direction != Direction::kOut) {
    if (predicate) {
      scans.push_back({IndexOrder::kPos, codec::Fixed64(*predicate) + codec::Fixed64(node), true});
    } else {
      scans.push_back({IndexOrder::kOsp, codec::Fixed64(node), true});
    }
  }
  for (const Scan& scan : scans) {
    DbReader::BorrowedIterator it = reader_.Borrow(codec::IndexCf(scan.order));
    for (it->Seek(scan.prefix); it->Valid() && StartsWith(it->key(), scan.prefix); it->Next()) {
      KG_RETURN_IF_ERROR(Tick());
      codec::Triple t;
      StatementId sid;
      if (!codec::DecodeIndexKey(scan.order, it->key(), &t, &sid)) {
        return absl::DataLossError("corrupt index key");
      }
      // A self-loop was already visited by the outgoing scan.
      if (scan.incoming && direction == Direction::kBoth && t.s == node) continue;
      KG_ASSIGN_OR_RETURN(codec::IndexValue v, codec::DecodeIndexValue(it->value()));
      if (!codec::AnyContains(v.intervals, eff)) continue;
      Edge edge{
          sid,         t.s,          t.p,       t.o, v.object_is_entity, SummaryCorroboration(v),
          !v.complete, v.valid_from, v.valid_to};
      if (SummaryAnswers(v, f, eff)) {
        if (!SummaryPasses(v, f)) continue;
      } else {
        if (!ValidTimeOverlaps(f, edge.valid_from, edge.valid_to)) continue;
        KG_ASSIGN_OR_RETURN(std::vector<Evidence> evidence, reader_.EvidenceOf(sid, eff));
        std::vector<const Evidence*> selected;
        for (const Evidence& e : evidence) {
          if (SelectsEvidence(f, eff, e)) selected.push_back(&e);
        }
        if (selected.empty()) continue;
        edge.corroboration = Corroborate(selected);
        edge.partial = false;
        if (!MeetsMinimums(f, edge.corroboration.confidence,
                           edge.corroboration.independent_sources))
          continue;
      }
      if (!visit(edge)) return absl::OkStatus();
    }
    KG_RETURN_IF_ERROR(WithContext(it->status(), "scan edges"));
  }
  return absl::OkStatus();
}

}  // namespace kg
