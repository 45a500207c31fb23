// Provenance, history and statistics reads of a KvView.

#include <algorithm>
#include <map>
#include <set>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "storage/corroboration.h"
#include "storage/kv_view.h"
#include "storage/status_macros.h"
#include "storage/validation.h"
#include "storage/write_txn.h"

namespace kg {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

// Each statement is listed once, at its first entry in the scan: the prov
// entry of its earliest selected evidence from this source in range. An
// entry is that first one exactly when it is the smallest prov key (for
// this source and range) of the statement's selected evidence, which one
// read of the statement's evidence decides. No state crosses entries, so a
// page's memory is its results and a token is just the next entry's key.
absl::StatusOr<Page<Statement>> KvView::ClaimsBy(SourceRole role, std::string_view source,
                                                 std::string_view date_from,
                                                 std::string_view date_to, const Filter& filter,
                                                 int32_t limit, std::string_view page_token) {
  limit = ClampLimit(limit);
  KG_RETURN_IF_ERROR(CheckDate(date_from, "date_from"));
  KG_RETURN_IF_ERROR(CheckDate(date_to, "date_to"));
  if (source.empty()) return absl::InvalidArgumentError("source: must not be empty");
  PageListing listing("ClaimsBy");
  listing.Add(static_cast<int64_t>(role)).Add(source).Add(date_from).Add(date_to).Add(filter);
  TxTime eff;
  std::string resume;
  KG_RETURN_IF_ERROR(BeginPage(page_token, listing, filter.as_of, &eff, &resume));
  Filter f = filter;
  f.as_of = eff;

  codec::ProvRole prov_role = codec::ProvRole::kPublisher;
  std::string key_source(source);
  switch (role) {
    case SourceRole::kPublisher:
      KG_RETURN_IF_ERROR(EntityAsOf("publisher", source, eff).status());
      break;
    case SourceRole::kDocument:
      KG_RETURN_IF_ERROR(EntityAsOf("document", source, eff).status());
      prov_role = codec::ProvRole::kDocument;
      break;
    case SourceRole::kClaimant: {
      // An id the store knows names a claimant entity; anything else is an
      // anonymous claimant's description, which cannot be unknown.
      KG_ASSIGN_OR_RETURN(std::optional<TermId> entity, reader_.FindEntity(source));
      if (entity) {
        KG_RETURN_IF_ERROR(EntityAsOf("claimant", source, eff).status());
        prov_role = codec::ProvRole::kClaimant;
      } else {
        prov_role = codec::ProvRole::kClaimantDescription;
        key_source = NormalizeText(source);
      }
      break;
    }
  }
  const std::string prefix = codec::ProvPrefix(prov_role, key_source);
  const bool dated = !date_from.empty() || !date_to.empty();
  const std::string low = date_from.empty() ? "" : DateLow(date_from);
  const std::string high = date_to.empty() ? "" : DateHigh(date_to);
  auto in_range = [&](std::string_view date) {
    return !(dated && date[0] == '\0') && date >= low && (high.empty() || date <= high);
  };

  Page<Statement> page;
  page.as_of = eff;
  DbReader::BorrowedIterator it = reader_.Borrow(codec::kProv);
  for (it->Seek(std::max(resume, prefix + low)); it->Valid() && StartsWith(it->key(), prefix);
       it->Next()) {
    KG_RETURN_IF_ERROR(Tick());
    const std::string_view key = it->key();
    std::string_view date;
    StatementId sid;
    std::string digest;
    if (!codec::DecodeProvKeyTail(key.substr(prefix.size()), &date, &sid, &digest)) {
      return absl::DataLossError("corrupt provenance key");
    }
    if (!high.empty() && date > std::string_view(high)) break;
    if (!in_range(date)) continue;
    // The statement's selected evidence from this source in range, by key.
    KG_ASSIGN_OR_RETURN(std::vector<Evidence> evidence, reader_.EvidenceOf(sid, eff));
    std::vector<std::pair<std::string, const Evidence*>> mine;
    for (const Evidence& e : evidence) {
      // Unselected evidence (e.g. ingested after as_of) places nothing, so
      // that the answer as of a past time does not depend on later writes.
      if (!SelectsEvidence(f, eff, e)) continue;
      for (std::string& k : ProvKeysOf(sid, absl::HexStringToBytes(e.id), e)) {
        if (k.compare(0, prefix.size(), prefix) != 0) continue;
        if (in_range(std::string_view(k).substr(prefix.size(), 10))) mine.emplace_back(k, &e);
      }
    }
    std::sort(mine.begin(), mine.end());
    if (mine.empty() || mine.front().first != key) continue;  // listed elsewhere, or not here
    if (static_cast<int32_t>(page.items.size()) == limit) {
      page.next_page_token = EncodePageToken(listing, eff, {std::string(key)});
      break;
    }
    KG_ASSIGN_OR_RETURN(std::optional<codec::StatementRecord> rec, reader_.StatementAt(sid));
    if (!rec) return absl::DataLossError(absl::StrCat("prov names unknown statement ", sid));
    KG_ASSIGN_OR_RETURN(
        std::optional<Statement> st,
        Evaluate(sid, rec->TripleAt(eff), {rec->valid_from, rec->valid_to}, f, eff, true));
    if (!st) continue;
    st->evidence.clear();
    for (const auto& [k, e] : mine) st->evidence.push_back(*e);
    page.items.push_back(std::move(*st));
  }
  KG_RETURN_IF_ERROR(WithContext(it->status(), "claims"));
  return page;
}

absl::StatusOr<Page<HistoryEvent>> KvView::History(char tag, uint64_t target,
                                                   const PageListing& listing, TxTime eff,
                                                   std::string_view resume, int32_t limit) {
  limit = ClampLimit(limit);
  const std::string prefix = codec::LogPrefix(tag, target);
  Page<HistoryEvent> page;
  page.as_of = eff;
  std::unique_ptr<KvIterator> it = reader_.NewIterator(codec::kLog);
  for (it->Seek(std::max(std::string(resume), prefix));
       it->Valid() && StartsWith(it->key(), prefix); it->Next()) {
    KG_RETURN_IF_ERROR(Tick());
    TxTime at = codec::LogKeyTx(it->key());
    if (at > eff) break;
    if (static_cast<int32_t>(page.items.size()) == limit) {
      page.next_page_token = EncodePageToken(listing, eff, {std::string(it->key())});
      break;
    }
    KG_ASSIGN_OR_RETURN(HistoryEvent e, codec::DecodeHistory(it->value()));
    e.at = at;
    page.items.push_back(std::move(e));
  }
  KG_RETURN_IF_ERROR(WithContext(it->status(), "history"));
  return page;
}

absl::StatusOr<Page<HistoryEvent>> KvView::EntityHistory(std::string_view id, TxTime as_of,
                                                         int32_t limit,
                                                         std::string_view page_token) {
  PageListing listing("EntityHistory");
  listing.Add(id).Add(as_of);
  TxTime eff;
  std::string resume;
  KG_RETURN_IF_ERROR(BeginPage(page_token, listing, as_of, &eff, &resume));
  KG_ASSIGN_OR_RETURN(TermId term, EntityAsOf("", id, eff));
  return History('E', term, listing, eff, resume, limit);
}

absl::StatusOr<Page<HistoryEvent>> KvView::StatementHistory(StatementId id, TxTime as_of,
                                                            int32_t limit,
                                                            std::string_view page_token) {
  PageListing listing("StatementHistory");
  listing.Add(static_cast<int64_t>(id)).Add(as_of);
  TxTime eff;
  std::string resume;
  KG_RETURN_IF_ERROR(BeginPage(page_token, listing, as_of, &eff, &resume));
  // Unknown as GetStatement says: no record, or no evidence ingested by eff.
  KG_ASSIGN_OR_RETURN(std::optional<codec::StatementRecord> rec, reader_.StatementAt(id));
  KG_ASSIGN_OR_RETURN(std::vector<Evidence> evidence, reader_.EvidenceOf(id, eff));
  if (!rec || std::none_of(evidence.begin(), evidence.end(),
                           [&](const Evidence& e) { return e.ingested_at <= eff; })) {
    return absl::NotFoundError(absl::StrCat("statement ", id, " not found"));
  }
  return History('S', id, listing, eff, resume, limit);
}

// Counts by full scans of ent and ev: fine for tens of millions of records
// on one machine; a later format may keep running counters in meta.
absl::StatusOr<Stats> KvView::GetStats(TxTime as_of) {
  const TxTime eff = Effective(as_of);
  Stats stats;
  {
    std::unique_ptr<KvIterator> it = reader_.NewIterator(codec::kEnt);
    for (it->SeekToFirst(); it->Valid();) {
      KG_RETURN_IF_ERROR(Tick());
      if (it->key().size() != 16) return absl::DataLossError("corrupt entity key");
      std::string prefix(it->key().data(), 8);
      TermId term = codec::DecodeFixed64(prefix.data());
      // Newest first within an entity: seek to the version in force at eff.
      it->Seek(codec::EntityKey(term, eff));
      if (it->Valid() && StartsWith(it->key(), prefix)) {
        KG_ASSIGN_OR_RETURN(codec::EntityRecord rec, codec::DecodeEntity(it->value()));
        if (rec.entity.merged_into.empty()) {
          ++stats.entities;
          ++stats.entities_per_kind[rec.entity.kind];
        }
      }
      it->Seek(codec::Fixed64(term + 1));
    }
    KG_RETURN_IF_ERROR(WithContext(it->status(), "stats"));
  }
  {
    std::unique_ptr<KvIterator> it = reader_.NewIterator(codec::kEv);
    StatementId current = 0;
    bool live = false;
    auto finish = [&]() -> absl::Status {
      if (current == 0 || !live) return absl::OkStatus();
      ++stats.statements;
      KG_ASSIGN_OR_RETURN(std::optional<codec::StatementRecord> rec, reader_.StatementAt(current));
      if (!rec) return absl::OkStatus();
      KG_ASSIGN_OR_RETURN(Value p, reader_.TermValue(rec->original.p));
      ++stats.statements_per_predicate[p.lexical];
      return absl::OkStatus();
    };
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      KG_RETURN_IF_ERROR(Tick());
      KG_ASSIGN_OR_RETURN(Evidence e, DecodeEvidenceEntry(it->key(), it->value()));
      StatementId sid = codec::DecodeFixed64(it->key().data());
      if (sid != current) {
        KG_RETURN_IF_ERROR(finish());
        current = sid;
        live = false;
      }
      if (e.ingested_at > eff) continue;
      if (e.retracted_at != 0 && e.retracted_at <= eff) {
        ++stats.retracted_evidence;
      } else {
        ++stats.evidence;
        live = true;
      }
    }
    KG_RETURN_IF_ERROR(WithContext(it->status(), "stats"));
    KG_RETURN_IF_ERROR(finish());
  }
  stats.disk_bytes += reader_.handles().kv->DiskBytes();
  return stats;
}

}  // namespace kg
