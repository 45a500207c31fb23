// The offline check and repair (storage/check.h): one pass per column
// family, each derived entry compared with its recomputation from the
// records; fixes collected into one WriteBatch that a repair commits.

#include "storage/check.h"

#include <algorithm>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "storage/codec.h"
#include "storage/corroboration.h"
#include "storage/db_open.h"
#include "storage/db_reader.h"
#include "storage/dictionary.h"
#include "storage/status_macros.h"
#include "storage/write_txn.h"

namespace kg {
namespace {

using codec::IndexOrder;

constexpr size_t kExamples = 5;
constexpr size_t kCheckCacheBytes = 64 << 20;

std::string Hex(std::string_view bytes) {
  return absl::BytesToHexString(absl::string_view(bytes.data(), bytes.size()));
}

const char* OrderName(IndexOrder order) {
  switch (order) {
    case IndexOrder::kSpo:
      return "spo";
    case IndexOrder::kPos:
      return "pos";
    case IndexOrder::kOsp:
      return "osp";
  }
  return "?";
}

struct Kind {
  const char* name;
  const char* description;
  bool repairable;
};

// The problems the check names. Documented in storage/FORMAT.md.
constexpr Kind kMetaFormat = {"meta.format", "the format version is missing or unknown", false};
constexpr Kind kMetaCounter = {
    "meta.counter",
    "a meta counter is behind what the records hold (last-tx, next-term, next-stmt)", true};
constexpr Kind kUndecodable = {"record.undecodable", "a key or value that does not decode", false};
constexpr Kind kDict = {"dict.mismatch", "dict and rdict do not map a term and its id both ways",
                        true};
constexpr Kind kTripleLookup = {
    "stmt.triple", "the triple lookup stmt[0x02 s p o] is missing or names another statement",
    true};
constexpr Kind kNoEvidence = {"stmt.no_evidence", "a statement record without any evidence record",
                              false};
constexpr Kind kIndexMissing = {"index.missing",
                                "a position of a statement has no index entry in one order", true};
constexpr Kind kIndexOrphan = {"index.orphan",
                               "an index entry that no statement record's positions explain", true};
constexpr Kind kIndexOrders = {"index.orders_disagree",
                               "the spo, pos and osp entries of one position differ", true};
constexpr Kind kIndexIntervals = {
    "index.intervals", "an index entry's intervals differ from its statement's positions", true};
constexpr Kind kIndexSummary = {
    "index.summary",
    "a current index entry's summary differs from Corroborate() over the live evidence", true};
constexpr Kind kEvidenceOrphan = {"evidence.orphan",
                                  "an evidence record whose statement record is missing", false};
constexpr Kind kProvMissing = {"prov.missing",
                               "an evidence record's provenance index key is missing", true};
constexpr Kind kProvOrphan = {"prov.orphan", "a provenance key that no evidence record explains",
                              true};
constexpr Kind kAlias = {"alias.mismatch",
                         "an alias entry is missing, extra, or has other intervals than the "
                         "entity's versions give",
                         true};
constexpr Kind kHistory = {"history.missing",
                           "no history event for a statement's creation, an evidence record's "
                           "addition or retraction, or an entity version",
                           false};

class Checker {
 public:
  Checker(const DbHandles& h, CheckReport* report)
      : h_(h), reader_(h, nullptr), report_(report), fixes_(h.kv->NewBatch()) {}

  absl::Status Run() {
    KG_RETURN_IF_ERROR(CheckDictionary());
    KG_RETURN_IF_ERROR(CheckStatements());
    for (IndexOrder order : codec::kIndexOrders) KG_RETURN_IF_ERROR(CheckIndexOrphans(order));
    KG_RETURN_IF_ERROR(CheckEvidenceOrphans());
    KG_RETURN_IF_ERROR(CheckProv());
    KG_RETURN_IF_ERROR(CheckEntities());
    KG_RETURN_IF_ERROR(CheckAlias());
    KG_RETURN_IF_ERROR(CheckHistoryAndAudit());
    return CheckMeta();
  }

  std::vector<CheckProblem> Problems() const {
    std::vector<CheckProblem> out;
    for (const auto& [kind, problem] : problems_) out.push_back(problem);
    return out;
  }

  // Commits the collected fixes at a new transaction time; returns the
  // number of entries written or deleted.
  absl::StatusOr<int64_t> CommitFixes() {
    if (fixes_->Count() == 0 && !counters_behind_) return 0;
    const TxTime now =
        std::max<TxTime>(absl::ToUnixMicros(absl::Now()), std::max(last_tx_, max_tx_) + 1);
    // Index entries rebuilt by this repair record its time as last_change
    // (so reads before it compute from the evidence); they were staged
    // with a placeholder and are finalised here.
    for (auto& [cf_key, value] : rebuilt_index_) {
      value.last_change = now;
      fixes_->Put(cf_key.first, cf_key.second, codec::EncodeIndexValue(value));
    }
    fixes_->Put(codec::kMeta, std::string(codec::kLastTxKey),
                codec::Fixed64(static_cast<uint64_t>(now)));
    fixes_->Put(codec::kMeta, std::string(codec::kNextTermKey),
                codec::Fixed64(std::max(next_term_, max_term_ + 1)));
    fixes_->Put(codec::kMeta, std::string(codec::kNextStmtKey),
                codec::Fixed64(std::max(next_stmt_, max_sid_ + 1)));
    const int64_t n = fixes_->Count();
    KG_RETURN_IF_ERROR(WithContext(h_.kv->Write(*fixes_, /*sync=*/true), "repair: write"));
    return n;
  }

 private:
  void Report(const Kind& kind, std::string example) {
    CheckProblem& p = problems_[kind.name];
    if (p.kind.empty()) {
      p.kind = kind.name;
      p.description = kind.description;
      p.repairable = kind.repairable;
    }
    ++p.count;
    if (p.examples.size() < kExamples) p.examples.push_back(std::move(example));
  }

  // Every entry of `cf` in key order; stops at the first error.
  absl::Status ForEach(
      int cf, const std::function<absl::Status(std::string_view key, std::string_view value)>& fn) {
    std::unique_ptr<KvIterator> it = reader_.NewIterator(cf);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      KG_RETURN_IF_ERROR(fn(it->key(), it->value()));
    }
    return WithContext(it->status(), absl::StrCat("read ", codec::CfName(cf)));
  }

  absl::Status CheckDictionary() {
    KG_RETURN_IF_ERROR(ForEach(codec::kDict, [&](std::string_view term, std::string_view v) {
      ++report_->terms;
      if (v.size() != 8) {
        Report(kUndecodable, absl::StrCat("dict[", Hex(term), "]"));
        return absl::OkStatus();
      }
      const TermId id = codec::DecodeFixed64(v.data());
      max_term_ = std::max(max_term_, id);
      KG_ASSIGN_OR_RETURN(std::optional<std::string> back,
                          reader_.Get(codec::kRdict, codec::Fixed64(id)));
      if (!back) {
        Report(kDict, absl::StrCat("term ", id, " has no rdict entry"));
        fixes_->Put(codec::kRdict, codec::Fixed64(id), std::string(term));
      } else if (*back != term) {
        Report(kDict, absl::StrCat("term ", id, ": dict and rdict name different terms"));
      }
      return absl::OkStatus();
    }));
    return ForEach(codec::kRdict, [&](std::string_view k, std::string_view term) {
      if (k.size() != 8) {
        Report(kUndecodable, absl::StrCat("rdict[", Hex(k), "]"));
        return absl::OkStatus();
      }
      const TermId id = codec::DecodeFixed64(k.data());
      max_term_ = std::max(max_term_, id);
      KG_ASSIGN_OR_RETURN(std::optional<std::string> forward, reader_.Get(codec::kDict, term));
      if (!forward) {
        Report(kDict, absl::StrCat("term ", id, " has no dict entry"));
        fixes_->Put(codec::kDict, std::string(term), codec::Fixed64(id));
      }
      return absl::OkStatus();
    });
  }

  // The intervals each (s, o) of a statement's positions was in force.
  static std::map<std::pair<TermId, TermId>, std::vector<codec::Interval>> ExpectedIntervals(
      const codec::StatementRecord& rec) {
    std::map<std::pair<TermId, TermId>, std::vector<codec::Interval>> out;
    for (size_t i = 0; i < rec.positions.size(); ++i) {
      const codec::Position& p = rec.positions[i];
      const TxTime to = i + 1 < rec.positions.size() ? rec.positions[i + 1].from : kLatest;
      out[{p.s, p.o}].push_back({p.from, to});
    }
    return out;
  }

  static bool SameIntervals(const std::vector<codec::Interval>& a,
                            const std::vector<codec::Interval>& b) {
    return std::equal(a.begin(), a.end(), b.begin(), b.end(),
                      [](const codec::Interval& x, const codec::Interval& y) {
                        return x.from == y.from && x.to == y.to;
                      });
  }

  static bool SameSummary(const codec::IndexValue& a, const codec::IndexValue& b) {
    return a.object_is_entity == b.object_is_entity && a.disputed == b.disputed &&
           a.live_evidence == b.live_evidence && a.independent_sources == b.independent_sources &&
           a.confidence == b.confidence && a.valid_from == b.valid_from &&
           a.valid_to == b.valid_to &&
           (!a.complete || !b.complete || SummaryCorroboration(a) == SummaryCorroboration(b));
  }

  absl::Status CheckStatements() {
    return ForEach(codec::kStmt, [&](std::string_view key, std::string_view value) {
      if (key.size() == 25 && key[0] == 0x02) {
        // The triple lookup: checked from its record above (0x01 sorts
        // first), orphans here; a key that check re-pointed stays.
        if (triple_fixed_.contains(std::string(key))) return absl::OkStatus();
        const StatementId sid = value.size() == 8 ? codec::DecodeFixed64(value.data()) : 0;
        KG_ASSIGN_OR_RETURN(std::optional<codec::StatementRecord> rec, reader_.StatementAt(sid));
        if (!rec || codec::TripleKey(rec->original) != key) {
          Report(kTripleLookup, absl::StrCat("triple key ", Hex(key), " names statement ", sid));
          fixes_->Delete(codec::kStmt, std::string(key));
        }
        return absl::OkStatus();
      }
      if (key.size() != 9 || key[0] != 0x01) {
        Report(kUndecodable, absl::StrCat("stmt[", Hex(key), "]"));
        return absl::OkStatus();
      }
      const StatementId sid = codec::DecodeFixed64(key.data() + 1);
      absl::StatusOr<codec::StatementRecord> rec = codec::DecodeStatement(value);
      if (!rec.ok() || rec->positions.empty()) {
        Report(kUndecodable, absl::StrCat("statement ", sid, " record"));
        return absl::OkStatus();
      }
      ++report_->statements;
      max_sid_ = std::max(max_sid_, sid);
      return CheckStatement(sid, *rec);
    });
  }

  absl::Status CheckStatement(StatementId sid, const codec::StatementRecord& rec) {
    KG_ASSIGN_OR_RETURN(std::optional<std::string> lookup,
                        reader_.Get(codec::kStmt, codec::TripleKey(rec.original)));
    if (!lookup || *lookup != codec::Fixed64(sid)) {
      Report(kTripleLookup, absl::StrCat("statement ", sid, " is not found by its triple"));
      fixes_->Put(codec::kStmt, codec::TripleKey(rec.original), codec::Fixed64(sid));
      triple_fixed_.insert(codec::TripleKey(rec.original));
    }
    absl::StatusOr<std::vector<Evidence>> evidence = reader_.EvidenceOf(sid, kLatest);
    if (!evidence.ok()) {
      Report(kUndecodable,
             absl::StrCat("evidence of statement ", sid, ": ", evidence.status().message()));
      return absl::OkStatus();
    }
    if (evidence->empty()) Report(kNoEvidence, absl::StrCat("statement ", sid));
    KG_RETURN_IF_ERROR(CheckStatementHistory(sid, *evidence));
    KG_RETURN_IF_ERROR(CheckProvOf(sid, *evidence));

    std::vector<const Evidence*> live;
    for (const Evidence& e : *evidence) {
      if (e.retracted_at == 0) live.push_back(&e);
    }
    codec::IndexValue expected_summary;
    FillSummary(Corroborate(live), static_cast<int32_t>(live.size()), rec, 0, &expected_summary);
    const codec::Triple current = rec.TripleAt(kLatest);

    bool rebuild = false;
    for (const auto& [so, intervals] : ExpectedIntervals(rec)) {
      const codec::Triple t{so.first, rec.original.p, so.second};
      const bool is_current = t.s == current.s && t.o == current.o;
      std::optional<std::string> first;
      for (IndexOrder order : codec::kIndexOrders) {
        const std::string where = absl::StrCat("statement ", sid, " ", OrderName(order), " (", t.s,
                                               " ", t.p, " ", t.o, ")");
        KG_ASSIGN_OR_RETURN(std::optional<std::string> raw,
                            reader_.Get(codec::IndexCf(order), codec::IndexKey(order, t, sid)));
        if (!raw) {
          Report(kIndexMissing, where);
          rebuild = true;
          continue;
        }
        if (!first) {
          first = raw;
        } else if (*raw != *first) {
          Report(kIndexOrders, where);
          rebuild = true;
        }
        absl::StatusOr<codec::IndexValue> v = codec::DecodeIndexValue(*raw);
        if (!v.ok()) {
          Report(kUndecodable, where);
          rebuild = true;
          continue;
        }
        if (order != IndexOrder::kSpo) continue;  // the others are compared to it
        if (!SameIntervals(v->intervals, intervals)) {
          Report(kIndexIntervals, where);
          rebuild = true;
        }
        if (is_current && !SameSummary(*v, expected_summary)) {
          Report(kIndexSummary,
                 absl::StrCat(where, ": stored ", v->live_evidence, " live, confidence ",
                              v->confidence, "; recomputed ", expected_summary.live_evidence,
                              " live, confidence ", expected_summary.confidence));
          rebuild = true;
        }
      }
    }
    if (rebuild) KG_RETURN_IF_ERROR(RebuildIndex(sid, rec, expected_summary));
    return absl::OkStatus();
  }

  // Stages every index entry of the statement anew: the intervals its
  // positions give, the recomputed summary at its current position, and
  // (set at commit) last_change = the repair's time, so that reads before
  // the repair compute from the evidence rather than trust a summary.
  absl::Status RebuildIndex(StatementId sid, const codec::StatementRecord& rec,
                            const codec::IndexValue& summary) {
    const codec::Triple current = rec.TripleAt(kLatest);
    for (const auto& [so, intervals] : ExpectedIntervals(rec)) {
      const codec::Triple t{so.first, rec.original.p, so.second};
      codec::IndexValue v = summary;
      if (t.s != current.s || t.o != current.o) {
        // A past position: its summary is never read once last_change is
        // the repair's time; keep the stored one where it decodes.
        KG_ASSIGN_OR_RETURN(std::optional<std::string> raw,
                            reader_.Get(codec::kSpo, codec::IndexKey(IndexOrder::kSpo, t, sid)));
        if (raw) {
          absl::StatusOr<codec::IndexValue> stored = codec::DecodeIndexValue(*raw);
          if (stored.ok()) v = *stored;
        }
      }
      v.intervals = intervals;
      for (IndexOrder order : codec::kIndexOrders) {
        rebuilt_index_[{codec::IndexCf(order), codec::IndexKey(order, t, sid)}] = v;
      }
    }
    return absl::OkStatus();
  }

  absl::Status CheckStatementHistory(StatementId sid, const std::vector<Evidence>& evidence) {
    bool created = false;
    std::set<std::string> added, retracted;
    const std::string prefix = codec::LogPrefix('S', sid);
    std::unique_ptr<KvIterator> it = reader_.NewIterator(codec::kLog);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
      absl::StatusOr<HistoryEvent> e = codec::DecodeHistory(it->value());
      if (!e.ok()) continue;  // counted by CheckHistoryAndAudit
      if (e->type == HistoryEvent::Type::kStatementCreated) created = true;
      if (e->type == HistoryEvent::Type::kEvidenceAdded) added.insert(e->evidence_id);
      if (e->type == HistoryEvent::Type::kEvidenceRetracted) retracted.insert(e->evidence_id);
    }
    KG_RETURN_IF_ERROR(WithContext(it->status(), "read log"));
    if (!created) Report(kHistory, absl::StrCat("statement ", sid, ": no creation event"));
    for (const Evidence& e : evidence) {
      if (!added.contains(e.id)) {
        Report(kHistory, absl::StrCat("statement ", sid, " evidence ", e.id, ": no added event"));
      }
      if (e.retracted_at != 0 && !retracted.contains(e.id)) {
        Report(kHistory,
               absl::StrCat("statement ", sid, " evidence ", e.id, ": no retraction event"));
      }
    }
    return absl::OkStatus();
  }

  absl::Status CheckProvOf(StatementId sid, const std::vector<Evidence>& evidence) {
    for (const Evidence& e : evidence) {
      ++report_->evidence;
      const std::string digest = absl::HexStringToBytes(e.id);
      for (std::string& key : AllProvKeysOf(sid, digest, e)) {
        KG_ASSIGN_OR_RETURN(std::optional<std::string> found, reader_.Get(codec::kProv, key));
        if (found) continue;
        Report(kProvMissing, absl::StrCat("statement ", sid, " evidence ", e.id));
        fixes_->Put(codec::kProv, std::move(key), "");
      }
    }
    return absl::OkStatus();
  }

  absl::Status CheckIndexOrphans(IndexOrder order) {
    const int cf = codec::IndexCf(order);
    return ForEach(cf, [&](std::string_view key, std::string_view) {
      ++report_->index_entries;
      codec::Triple t;
      StatementId sid = 0;
      if (!codec::DecodeIndexKey(order, key, &t, &sid)) {
        Report(kUndecodable, absl::StrCat(OrderName(order), "[", Hex(key), "]"));
        return absl::OkStatus();
      }
      KG_ASSIGN_OR_RETURN(std::optional<codec::StatementRecord> rec, reader_.StatementAt(sid));
      bool explained = false;
      if (rec && rec->original.p == t.p) {
        for (const codec::Position& p : rec->positions) explained |= p.s == t.s && p.o == t.o;
      }
      if (!explained) {
        Report(kIndexOrphan, absl::StrCat(OrderName(order), " (", t.s, " ", t.p, " ", t.o,
                                          ") of statement ", sid));
        fixes_->Delete(cf, std::string(key));
      }
      return absl::OkStatus();
    });
  }

  absl::Status CheckEvidenceOrphans() {
    return ForEach(codec::kEv, [&](std::string_view key, std::string_view) {
      if (key.size() != 8 + codec::kDigestSize) {
        Report(kUndecodable, absl::StrCat("ev[", Hex(key), "]"));
        return absl::OkStatus();
      }
      const StatementId sid = codec::DecodeFixed64(key.data());
      KG_ASSIGN_OR_RETURN(std::optional<std::string> rec,
                          reader_.Get(codec::kStmt, codec::StatementKey(sid)));
      if (!rec) {
        Report(kEvidenceOrphan,
               absl::StrCat("evidence ", Hex(key.substr(8)), " of statement ", sid));
      }
      return absl::OkStatus();
    });
  }

  absl::Status CheckProv() {
    return ForEach(codec::kProv, [&](std::string_view key, std::string_view) {
      ++report_->prov_keys;
      codec::Decoder d(key);
      uint8_t role = 0;
      std::string source;
      std::string_view date;
      StatementId sid = 0;
      std::string digest;
      const bool parsed =
          d.Byte(&role) && d.String(&source) &&
          codec::DecodeProvKeyTail(
              key.substr(codec::ProvPrefix(static_cast<codec::ProvRole>(role), source).size()),
              &date, &sid, &digest);
      if (!parsed) {
        Report(kUndecodable, absl::StrCat("prov[", Hex(key), "]"));
        return absl::OkStatus();
      }
      KG_ASSIGN_OR_RETURN(std::optional<std::string> raw,
                          reader_.Get(codec::kEv, codec::EvidenceKey(sid, digest)));
      bool explained = false;
      if (raw) {
        absl::StatusOr<Evidence> e = DecodeEvidenceEntry(codec::EvidenceKey(sid, digest), *raw);
        if (e.ok()) {
          for (const std::string& k : AllProvKeysOf(sid, digest, *e)) explained |= k == key;
        }
      }
      if (!explained) {
        Report(kProvOrphan,
               absl::StrCat("'", source, "' for statement ", sid, " evidence ", Hex(digest)));
        fixes_->Delete(codec::kProv, std::string(key));
      }
      return absl::OkStatus();
    });
  }

  // Entity versions (newest first per entity in key order): each has its
  // upsert event, and together they give the alias index.
  absl::Status CheckEntities() {
    TermId entity = 0;
    std::vector<std::pair<TxTime, codec::EntityRecord>> versions;
    auto finish = [&]() -> absl::Status {
      if (versions.empty()) return absl::OkStatus();
      ++report_->entities;
      std::set<TxTime> logged;
      const std::string prefix = codec::LogPrefix('E', entity);
      std::unique_ptr<KvIterator> it = reader_.NewIterator(codec::kLog);
      for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
        absl::StatusOr<HistoryEvent> e = codec::DecodeHistory(it->value());
        if (e.ok() && e->type == HistoryEvent::Type::kEntityUpserted) {
          logged.insert(codec::LogKeyTx(it->key()));
        }
      }
      KG_RETURN_IF_ERROR(WithContext(it->status(), "read log"));
      // Oldest first: names open and close as WriteTxn::WriteAliasChanges does.
      std::reverse(versions.begin(), versions.end());
      std::map<std::string, std::vector<codec::Interval>> names;
      std::vector<std::string> before;
      for (const auto& [tx, record] : versions) {
        if (!logged.contains(tx)) {
          Report(kHistory,
                 absl::StrCat("entity ", entity, " version at ", tx, ": no upsert event"));
        }
        const std::vector<std::string> after = SearchNames(record);
        for (const std::string& n : before) {
          if (std::binary_search(after.begin(), after.end(), n)) continue;
          for (codec::Interval& i : names[n]) {
            if (i.to == kLatest) i.to = tx;
          }
        }
        for (const std::string& n : after) {
          if (!std::binary_search(before.begin(), before.end(), n)) {
            names[n].push_back({tx, kLatest});
          }
        }
        before = after;
      }
      for (const auto& [name, intervals] : names) {
        expected_alias_[codec::AliasKey(name, entity)] = codec::EncodeIntervals(intervals);
      }
      versions.clear();
      return absl::OkStatus();
    };
    KG_RETURN_IF_ERROR(ForEach(codec::kEnt, [&](std::string_view key, std::string_view value) {
      ++report_->entity_versions;
      absl::StatusOr<codec::EntityRecord> rec = codec::DecodeEntity(value);
      if (key.size() != 16 || !rec.ok()) {
        Report(kUndecodable, absl::StrCat("ent[", Hex(key), "]"));
        return absl::OkStatus();
      }
      const TermId id = codec::DecodeFixed64(key.data());
      if (id != entity) {
        KG_RETURN_IF_ERROR(finish());
        entity = id;
      }
      const TxTime tx = codec::EntityKeyTx(key);
      max_tx_ = std::max(max_tx_, tx);
      versions.emplace_back(tx, std::move(*rec));
      return absl::OkStatus();
    }));
    return finish();
  }

  absl::Status CheckAlias() {
    KG_RETURN_IF_ERROR(ForEach(codec::kAlias, [&](std::string_view key, std::string_view value) {
      ++report_->alias_keys;
      auto it = expected_alias_.find(std::string(key));
      if (it == expected_alias_.end()) {
        Report(kAlias, absl::StrCat("alias ", Hex(key), ": no entity version has the name"));
        fixes_->Delete(codec::kAlias, std::string(key));
        return absl::OkStatus();
      }
      if (it->second != value) {
        Report(kAlias, absl::StrCat("alias ", Hex(key), ": other intervals"));
        fixes_->Put(codec::kAlias, std::string(key), it->second);
      }
      expected_alias_.erase(it);
      return absl::OkStatus();
    }));
    for (const auto& [key, value] : expected_alias_) {
      Report(kAlias, absl::StrCat("alias ", Hex(key), ": missing"));
      fixes_->Put(codec::kAlias, key, value);
    }
    return absl::OkStatus();
  }

  absl::Status CheckHistoryAndAudit() {
    KG_RETURN_IF_ERROR(ForEach(codec::kLog, [&](std::string_view key, std::string_view value) {
      ++report_->history_events;
      absl::StatusOr<HistoryEvent> e = codec::DecodeHistory(value);
      if (key.size() != 21 || !e.ok()) {
        Report(kUndecodable, absl::StrCat("log[", Hex(key), "]"));
        return absl::OkStatus();
      }
      max_tx_ = std::max(max_tx_, codec::LogKeyTx(key));
      // A purged statement's id lives on in its entities' kPurged events:
      // next-stmt stays past it, so that no id is ever reused.
      max_sid_ = std::max(max_sid_, e->statement);
      if (key[0] == 'S') max_sid_ = std::max(max_sid_, codec::DecodeFixed64(key.data() + 1));
      return absl::OkStatus();
    }));
    return ForEach(codec::kAudit, [&](std::string_view key, std::string_view value) {
      TxTime at = 0;
      if (!codec::DecodeAuditKey(key, &at) || !codec::DecodeAudit(value).ok()) {
        Report(kUndecodable, absl::StrCat("audit[", Hex(key), "]"));
        return absl::OkStatus();
      }
      max_tx_ = std::max(max_tx_, at);
      return absl::OkStatus();
    });
  }

  absl::Status CheckMeta() {
    KG_ASSIGN_OR_RETURN(std::optional<std::string> version,
                        reader_.Get(codec::kMeta, codec::kFormatKey));
    if (!version || *version != absl::StrCat(codec::kFormatVersion)) {
      Report(kMetaFormat, absl::StrCat("kgd-format is '", version.value_or("(missing)"), "'"));
    }
    KG_ASSIGN_OR_RETURN(uint64_t last_tx, reader_.Counter(codec::kLastTxKey));
    KG_ASSIGN_OR_RETURN(next_term_, reader_.Counter(codec::kNextTermKey));
    KG_ASSIGN_OR_RETURN(next_stmt_, reader_.Counter(codec::kNextStmtKey));
    last_tx_ = static_cast<TxTime>(last_tx);
    if (last_tx_ < max_tx_) {
      Report(kMetaCounter, absl::StrCat("last-tx ", last_tx_, " < ", max_tx_));
      counters_behind_ = true;
    }
    if (max_term_ > 0 && next_term_ <= max_term_) {
      Report(kMetaCounter, absl::StrCat("next-term ", next_term_, " <= term ", max_term_));
      counters_behind_ = true;
    }
    if (max_sid_ > 0 && next_stmt_ <= max_sid_) {
      Report(kMetaCounter, absl::StrCat("next-stmt ", next_stmt_, " <= statement ", max_sid_));
      counters_behind_ = true;
    }
    return absl::OkStatus();
  }

  const DbHandles h_;
  DbReader reader_;
  CheckReport* report_;
  std::map<std::string, CheckProblem> problems_;
  const std::unique_ptr<KvBatch> fixes_;
  std::map<std::pair<int, std::string>, codec::IndexValue> rebuilt_index_;
  std::map<std::string, std::string> expected_alias_;
  std::set<std::string> triple_fixed_;
  TxTime max_tx_ = 0, last_tx_ = 0;
  TermId max_term_ = 0;
  StatementId max_sid_ = 0;
  uint64_t next_term_ = 0, next_stmt_ = 0;
  bool counters_behind_ = false;
};

// One pass over an open database; with `repair`, commits the fixes.
absl::StatusOr<CheckReport> CheckOpen(const std::string& path, OpenDb& db, bool repair,
                                      int64_t* rewritten) {
  Dictionary dict(db.engine());
  const Schema schema = Schema::Default();  // the check needs no schema rule
  const DbHandles handles{db.engine(), &dict, &schema};
  CheckReport report;
  report.path = path;
  Checker checker(handles, &report);
  KG_RETURN_IF_ERROR(checker.Run());
  report.problems = checker.Problems();
  if (repair) {
    KG_ASSIGN_OR_RETURN(*rewritten, checker.CommitFixes());
  }
  return report;
}

}  // namespace

absl::StatusOr<CheckReport> CheckDatabase(const CheckOptions& options) {
  if (options.path.empty()) return absl::InvalidArgumentError("path: is required");
  if (!options.repair) {
    KG_ASSIGN_OR_RETURN(std::unique_ptr<DirLock> lock, DirLock::Acquire(options.path));
    KG_ASSIGN_OR_RETURN(std::unique_ptr<OpenDb> db,
                        OpenDb::Open(options.path, OpenDb::Mode::kReadOnly, kCheckCacheBytes));
    int64_t unused = 0;
    return CheckOpen(options.path, *db, false, &unused);
  }
  // A read-write open takes the LOCK itself (and fails while a kgd holds it).
  { KG_ASSIGN_OR_RETURN(std::unique_ptr<DirLock> lock, DirLock::Acquire(options.path)); }
  KG_ASSIGN_OR_RETURN(std::unique_ptr<OpenDb> db,
                      OpenDb::Open(options.path, OpenDb::Mode::kExisting, kCheckCacheBytes));
  int64_t rewritten = 0;
  KG_ASSIGN_OR_RETURN(CheckReport before, CheckOpen(options.path, *db, true, &rewritten));
  int64_t unused = 0;
  KG_ASSIGN_OR_RETURN(CheckReport after, CheckOpen(options.path, *db, false, &unused));
  after.repaired = std::move(before.problems);
  after.entries_rewritten = rewritten;
  return after;
}

std::string CheckReport::ToString() const {
  std::string out =
      absl::StrCat(path, ": ", statements, " statements, ", evidence, " evidence records, ",
                   index_entries, " index entries, ", prov_keys, " provenance keys, ", entities,
                   " entities (", entity_versions, " versions), ", alias_keys, " alias keys, ",
                   history_events, " history events, ", terms, " terms\n");
  auto list = [&out](const std::vector<CheckProblem>& problems) {
    for (const CheckProblem& p : problems) {
      absl::StrAppend(&out, "  ", p.kind, ": ", p.count, " — ", p.description,
                      p.repairable ? " (repairable)" : " (not repairable)", "\n");
      for (const std::string& e : p.examples) absl::StrAppend(&out, "      e.g. ", e, "\n");
    }
  };
  if (!repaired.empty()) {
    absl::StrAppend(&out, "repaired (", entries_rewritten, " entries written or deleted):\n");
    list(repaired);
  }
  if (problems.empty()) {
    absl::StrAppend(&out, "consistent: no problems found\n");
  } else {
    int64_t total = 0;
    for (const CheckProblem& p : problems) total += p.count;
    absl::StrAppend(&out, total, " problem(s) of ", problems.size(), " kind(s):\n");
    list(problems);
  }
  return out;
}

}  // namespace kg
