// Provenance, history and statistics reads of a RocksView.

#include <map>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "storage/corroboration.h"
#include "storage/rocks_status.h"
#include "storage/rocks_view.h"
#include "storage/status_macros.h"
#include "storage/validation.h"

namespace kg {
namespace {

bool StartsWith(const rocksdb::Slice& s, std::string_view prefix) {
  return s.ToStringView().substr(0, prefix.size()) == prefix;
}

}  // namespace

absl::StatusOr<Page<Statement>> RocksView::ClaimsBy(SourceRole role, std::string_view source,
                                                    std::string_view date_from,
                                                    std::string_view date_to, const Filter& filter,
                                                    int32_t limit, std::string_view page_token) {
  limit = ClampLimit(limit);
  KG_RETURN_IF_ERROR(CheckDate(date_from, "date_from"));
  KG_RETURN_IF_ERROR(CheckDate(date_to, "date_to"));
  if (source.empty()) return absl::InvalidArgumentError("source: must not be empty");
  TxTime eff;
  std::string resume;
  KG_RETURN_IF_ERROR(StartPage(page_token, filter.as_of, &eff, &resume));
  Filter f = filter;
  f.as_of = eff;

  codec::ProvRole prov_role = codec::ProvRole::kPublisher;
  std::string key_source(source);
  switch (role) {
    case SourceRole::kPublisher:
      break;
    case SourceRole::kDocument:
      prov_role = codec::ProvRole::kDocument;
      break;
    case SourceRole::kClaimant: {
      KG_ASSIGN_OR_RETURN(std::optional<TermId> entity, reader_.FindEntity(source));
      if (entity) {
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

  Page<Statement> page;
  // Consecutive entries of one statement form one result.
  StatementId group = 0;
  std::vector<Evidence> group_evidence;
  auto flush = [&]() -> absl::Status {
    if (group == 0 || group_evidence.empty()) return absl::OkStatus();
    KG_ASSIGN_OR_RETURN(std::optional<codec::StatementRecord> rec, reader_.StatementAt(group));
    if (!rec) return absl::DataLossError(absl::StrCat("prov names unknown statement ", group));
    KG_ASSIGN_OR_RETURN(std::optional<Statement> st,
                        Evaluate(group, rec->TripleAt(eff), f, eff, true, &*rec));
    if (st) {
      st->evidence = std::move(group_evidence);
      page.items.push_back(std::move(*st));
    }
    group_evidence.clear();
    return absl::OkStatus();
  };

  DbReader::BorrowedIterator it = reader_.Borrow(codec::kProv);
  std::string start = prefix + (low.empty() ? "" : low);
  for (it->Seek(std::max(resume, start)); it->Valid() && StartsWith(it->key(), prefix);
       it->Next()) {
    KG_RETURN_IF_ERROR(Tick());
    std::string_view date;
    StatementId sid;
    std::string digest;
    if (!codec::DecodeProvKeyTail(it->key().ToStringView().substr(prefix.size()), &date, &sid,
                                  &digest)) {
      return absl::DataLossError("corrupt provenance key");
    }
    if (dated && date[0] == '\0') continue;
    if (!high.empty() && date > std::string_view(high)) break;
    KG_ASSIGN_OR_RETURN(std::optional<std::string> raw,
                        reader_.Get(codec::kEv, codec::EvidenceKey(sid, digest)));
    if (!raw) return absl::DataLossError("provenance names unknown evidence");
    KG_ASSIGN_OR_RETURN(Evidence e, DecodeEvidenceEntry(codec::EvidenceKey(sid, digest), *raw));
    // Unselected entries (e.g. ingested after as_of) must not split a group:
    // otherwise the answer as of a past time depends on later writes.
    if (!SelectsEvidence(f, eff, e)) continue;
    if (sid != group) {
      KG_RETURN_IF_ERROR(flush());
      if (static_cast<int32_t>(page.items.size()) == limit) {
        page.next_page_token = codec::EncodePageToken(eff, it->key().ToStringView());
        break;
      }
      group = sid;
    }
    group_evidence.push_back(EvidenceAsOf(std::move(e), eff));
  }
  KG_RETURN_IF_ERROR(FromRocks(it->status(), "claims"));
  if (page.next_page_token.empty()) KG_RETURN_IF_ERROR(flush());
  return page;
}

absl::StatusOr<Page<HistoryEvent>> RocksView::History(char tag, uint64_t target, TxTime as_of,
                                                      int32_t limit, std::string_view page_token) {
  limit = ClampLimit(limit);
  TxTime eff;
  std::string resume;
  KG_RETURN_IF_ERROR(StartPage(page_token, as_of, &eff, &resume));
  const std::string prefix = codec::LogPrefix(tag, target);
  Page<HistoryEvent> page;
  std::unique_ptr<rocksdb::Iterator> it = reader_.NewIterator(codec::kLog);
  for (it->Seek(std::max(resume, prefix)); it->Valid() && StartsWith(it->key(), prefix);
       it->Next()) {
    KG_RETURN_IF_ERROR(Tick());
    TxTime at = codec::LogKeyTx(it->key().ToStringView());
    if (at > eff) break;
    if (static_cast<int32_t>(page.items.size()) == limit) {
      page.next_page_token = codec::EncodePageToken(eff, it->key().ToStringView());
      break;
    }
    KG_ASSIGN_OR_RETURN(HistoryEvent e, codec::DecodeHistory(it->value().ToStringView()));
    e.at = at;
    page.items.push_back(std::move(e));
  }
  KG_RETURN_IF_ERROR(FromRocks(it->status(), "history"));
  return page;
}

absl::StatusOr<Page<HistoryEvent>> RocksView::EntityHistory(std::string_view id, TxTime as_of,
                                                            int32_t limit,
                                                            std::string_view page_token) {
  KG_ASSIGN_OR_RETURN(TermId term, LookupEntity(id));
  return History('E', term, as_of, limit, page_token);
}

absl::StatusOr<Page<HistoryEvent>> RocksView::StatementHistory(StatementId id, TxTime as_of,
                                                               int32_t limit,
                                                               std::string_view page_token) {
  KG_ASSIGN_OR_RETURN(std::optional<codec::StatementRecord> rec, reader_.StatementAt(id));
  if (!rec) return absl::NotFoundError(absl::StrCat("statement ", id, " not found"));
  return History('S', id, as_of, limit, page_token);
}

// Counts by full scans of ent and ev: fine for tens of millions of records
// on one machine; a later format may keep running counters in meta.
absl::StatusOr<Stats> RocksView::GetStats(TxTime as_of) {
  const TxTime eff = Effective(as_of);
  Stats stats;
  {
    std::unique_ptr<rocksdb::Iterator> it = reader_.NewIterator(codec::kEnt);
    for (it->SeekToFirst(); it->Valid();) {
      KG_RETURN_IF_ERROR(Tick());
      if (it->key().size() != 16) return absl::DataLossError("corrupt entity key");
      std::string prefix(it->key().data(), 8);
      TermId term = codec::DecodeFixed64(prefix.data());
      // Newest first within an entity: seek to the version in force at eff.
      it->Seek(codec::EntityKey(term, eff));
      if (it->Valid() && StartsWith(it->key(), prefix)) {
        KG_ASSIGN_OR_RETURN(codec::EntityRecord rec,
                            codec::DecodeEntity(it->value().ToStringView()));
        if (rec.entity.merged_into.empty()) {
          ++stats.entities;
          ++stats.entities_per_kind[rec.entity.kind];
        }
      }
      it->Seek(codec::Fixed64(term + 1));
    }
    KG_RETURN_IF_ERROR(FromRocks(it->status(), "stats"));
  }
  {
    std::unique_ptr<rocksdb::Iterator> it = reader_.NewIterator(codec::kEv);
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
      KG_ASSIGN_OR_RETURN(
          Evidence e, DecodeEvidenceEntry(it->key().ToStringView(), it->value().ToStringView()));
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
    KG_RETURN_IF_ERROR(FromRocks(it->status(), "stats"));
    KG_RETURN_IF_ERROR(finish());
  }
  rocksdb::DB* db = reader_.handles().db;
  for (rocksdb::ColumnFamilyHandle* cf : reader_.handles().cf) {
    uint64_t bytes = 0;
    if (db->GetIntProperty(cf, "rocksdb.live-sst-files-size", &bytes)) stats.disk_bytes += bytes;
  }
  rocksdb::VectorLogPtr wal;
  if (db->GetSortedWalFiles(wal).ok()) {
    for (const auto& f : wal) stats.disk_bytes += f->SizeFileBytes();
  }
  return stats;
}

}  // namespace kg
