// View::ChangesAfter and OldestResumable: pages of the change feed.

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "storage/codec.h"
#include "storage/kv_view.h"
#include "storage/status_macros.h"

namespace kg {
namespace {

// Changes one page examines at most, matching or not.
constexpr int kMaxExamined = 10000;

std::string Describe(const ChangePosition& p) { return absl::StrCat(p.tx, ".", p.seq); }

bool Listed(const std::vector<std::string>& list, std::string_view item) {
  return std::find(list.begin(), list.end(), item) != list.end();
}

}  // namespace

// The filter with its predicates and entities as terms, resolved once per
// page (a term created after the page's snapshot cannot be in it).
class ChangeMatcher {
 public:
  ChangeMatcher(const ChangeFilter& filter, const DbReader& reader)
      : filter_(filter), reader_(reader) {}

  absl::Status Resolve() {
    for (const std::string& p : filter_.predicates) {
      KG_ASSIGN_OR_RETURN(std::optional<TermId> t, reader_.FindTerm(codec::PredicateTerm(p)));
      if (t) predicates_.insert(*t);
    }
    for (const std::string& e : filter_.entities) {
      KG_ASSIGN_OR_RETURN(std::optional<TermId> t, reader_.FindEntity(e));
      if (t) entities_.insert(*t);
    }
    return absl::OkStatus();
  }

  absl::StatusOr<bool> Matches(const codec::ChangeRecord& change, TxTime at) const {
    const HistoryEvent& e = change.event;
    const codec::Triple& t = change.triple;
    const bool about_statement = t.p != 0;
    if (!filter_.types.empty() && std::find(filter_.types.begin(), filter_.types.end(),
                                            static_cast<uint8_t>(e.type)) == filter_.types.end()) {
      return false;
    }
    if (!filter_.predicates.empty() && !predicates_.contains(t.p)) return false;
    if (!filter_.entities.empty()) {
      const bool named = about_statement ? entities_.contains(t.s) || entities_.contains(t.o)
                                         : Listed(filter_.entities, e.entity) ||
                                               Listed(filter_.entities, e.other_entity);
      if (!named) return false;
    }
    if (!filter_.kinds.empty()) {
      std::vector<TermId> terms;
      if (about_statement) {
        terms = {t.s, t.o};
      } else {
        KG_ASSIGN_OR_RETURN(std::optional<TermId> term, reader_.FindEntity(e.entity));
        if (term) terms = {*term};
      }
      bool kind_listed = false;
      for (TermId term : terms) {
        KG_ASSIGN_OR_RETURN(std::optional<EntityVersion> v, reader_.EntityAt(term, at));
        kind_listed = kind_listed || (v && Listed(filter_.kinds, v->record.entity.kind));
      }
      if (!kind_listed) return false;
    }
    return true;
  }

 private:
  const ChangeFilter& filter_;
  const DbReader& reader_;
  absl::flat_hash_set<TermId> predicates_;
  absl::flat_hash_set<TermId> entities_;
};

absl::StatusOr<ChangePosition> KvView::OldestResumable() {
  KG_ASSIGN_OR_RETURN(std::optional<std::string> raw,
                      reader_.Get(codec::kMeta, codec::kFeedTrimmedKey));
  ChangePosition trimmed;
  if (raw && !codec::DecodeFeedKey(*raw, &trimmed)) {
    return absl::DataLossError("meta feed-trimmed: corrupt");
  }
  return trimmed;
}

absl::StatusOr<ChangePage> KvView::ChangesAfter(ChangePosition after, ChangePosition until,
                                                const ChangeFilter& filter, int32_t limit) {
  KG_ASSIGN_OR_RETURN(ChangePosition oldest, OldestResumable());
  if (after < oldest) {
    return absl::OutOfRangeError(absl::StrCat(
        "from: the change feed no longer holds the changes after ", Describe(after),
        "; it keeps those after ", Describe(oldest),
        " (older ones are trimmed by retention): read the graph again and watch from there"));
  }
  if (after > until) {
    return absl::OutOfRangeError(absl::StrCat("from: position ", Describe(after),
                                              " lies after the last change (", Describe(until),
                                              ") this store holds: a token of another store?"));
  }
  ChangeMatcher matcher(filter, reader_);
  KG_RETURN_IF_ERROR(matcher.Resolve());
  limit = ClampLimit(limit);
  ChangePage page;
  page.resume_after = after;
  DbReader::BorrowedIterator it = reader_.Borrow(codec::kFeed);
  const std::string start = codec::FeedKey(after);
  it->Seek(start);
  if (it->Valid() && it->key() == start) it->Next();
  for (int examined = 0;
       examined < kMaxExamined && page.changes.size() < static_cast<size_t>(limit);
       ++examined, it->Next()) {
    KG_RETURN_IF_ERROR(Tick());
    if (!it->Valid()) break;
    ChangePosition at;
    if (!codec::DecodeFeedKey(it->key(), &at)) {
      return absl::DataLossError("feed: corrupt key");
    }
    if (at > until) break;
    KG_ASSIGN_OR_RETURN(codec::ChangeRecord record, codec::DecodeChange(it->value()));
    page.resume_after = at;
    KG_ASSIGN_OR_RETURN(bool matches, matcher.Matches(record, at.tx));
    if (!matches) continue;
    Change& change = page.changes.emplace_back();
    change.position = at;
    change.event = std::move(record.event);
    change.event.at = at.tx;
    if (record.triple.p != 0) {
      KG_ASSIGN_OR_RETURN(Value s, reader_.TermValue(record.triple.s));
      KG_ASSIGN_OR_RETURN(Value p, reader_.TermValue(record.triple.p));
      KG_ASSIGN_OR_RETURN(change.object, reader_.TermValue(record.triple.o));
      change.subject = std::move(s.lexical);
      change.predicate = std::move(p.lexical);
    }
  }
  KG_RETURN_IF_ERROR(WithContext(it->status(), "feed"));
  ChangePosition next;
  page.caught_up = !it->Valid() || (codec::DecodeFeedKey(it->key(), &next) && next > until);
  return page;
}

}  // namespace kg
