// kg::BulkLoader: the same records Store::Apply writes, gathered in memory,
// sorted per column family and ingested as SST files.

#include "storage/bulk_load.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cstring>
#include <deque>
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/sst_file_reader.h"
#include "rocksdb/sst_file_writer.h"
#include "rocksdb/table.h"
#include "storage/codec.h"
#include "storage/corroboration.h"
#include "storage/db_open.h"
#include "storage/db_reader.h"
#include "storage/digest.h"
#include "storage/document_source.h"
#include "storage/record_sink.h"
#include "storage/rocks_status.h"
#include "storage/schema.h"
#include "storage/schema_guard.h"
#include "storage/status_macros.h"
#include "storage/validation.h"

namespace kg {
namespace {

using codec::IndexOrder;

// Per-entry bookkeeping counted against the memory budget.
constexpr size_t kEntryOverhead = sizeof(uint64_t) * 3;

// Where the merge of a column family's runs starts a new file.
constexpr uint64_t kOutputFileBytes = 64 << 20;

// Keys and values of one column family: fixed-size blocks (never moved, so
// growth copies nothing), and entries pointing into them. Each entry keeps
// its key's first 8 bytes as a big-endian number, so most comparisons of
// the sort are one integer compare.
struct CfBuffer {
  static constexpr size_t kBlockSize = 4 << 20;
  struct Entry {
    uint64_t prefix;
    const char* data;
    uint32_t key_size;
    uint32_t value_size;
  };
  std::vector<std::unique_ptr<char[]>> blocks;
  size_t block_used = kBlockSize;
  std::vector<Entry> entries;

  void Put(std::string_view key, std::string_view value) {
    const size_t n = key.size() + value.size();
    char* p;
    if (n > kBlockSize / 4) {            // a large record gets a block of its own
      blocks.emplace_back(new char[n]);  // uninitialised: written next
      p = blocks.back().get();
      block_used = kBlockSize;
    } else {
      if (block_used + n > kBlockSize) {
        blocks.emplace_back(new char[kBlockSize]);
        block_used = 0;
      }
      p = blocks.back().get() + block_used;
      block_used += n;
    }
    std::memcpy(p, key.data(), key.size());
    std::memcpy(p + key.size(), value.data(), value.size());
    uint64_t prefix = 0;
    for (size_t i = 0; i < 8; ++i) {
      prefix = (prefix << 8) | (i < key.size() ? static_cast<uint8_t>(key[i]) : 0);
    }
    entries.push_back(
        {prefix, p, static_cast<uint32_t>(key.size()), static_cast<uint32_t>(value.size())});
  }
  static std::string_view Key(const Entry& e) { return std::string_view(e.data, e.key_size); }
  static std::string_view Value(const Entry& e) {
    return std::string_view(e.data + e.key_size, e.value_size);
  }
  static bool Less(const Entry& x, const Entry& y) {
    if (x.prefix != y.prefix) return x.prefix < y.prefix;
    return Key(x) < Key(y);
  }
  void Clear() {
    std::vector<std::unique_ptr<char[]>>().swap(blocks);
    block_used = kBlockSize;
    entries.clear();  // keeps its capacity for the next round
  }
};

// One buffer per column family: one set fills while the other is written out.
using CfBuffers = std::array<CfBuffer, codec::kNumCfs>;

// Abseil's string_view here is its own type.
absl::string_view A(std::string_view s) { return absl::string_view(s.data(), s.size()); }

rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }

using TripleKeyT = std::tuple<TermId, TermId, TermId>;
// An evidence digest covers the triple, and a load merges nothing, so the
// digest alone names one record of the load.
using DigestKeyT = std::pair<uint64_t, uint64_t>;
// Subject -> objects of the loaded statements of one acyclic predicate.
using Adjacency = absl::flat_hash_map<TermId, std::vector<TermId>>;
// An acyclic edge of a batch: predicate, subject, object.
using EdgeKeyT = std::tuple<std::string_view, TermId, TermId>;

DigestKeyT DigestKey(std::string_view digest) {
  uint64_t a, b;
  std::memcpy(&a, digest.data(), 8);
  std::memcpy(&b, digest.data() + 8, 8);
  return {a, b};
}

class BulkLoaderImpl final : public BulkLoader, private RecordSink {
 public:
  BulkLoaderImpl(BulkLoadOptions options, Schema schema)
      : options_(std::move(options)), schema_(std::move(schema)) {}
  ~BulkLoaderImpl() override;

  absl::Status Open();
  absl::Status Add(const WriteBatch& batch) override;
  absl::StatusOr<BulkLoadResult> Finish() override;

 private:
  // Also gives the digest of every evidence, in batch order, for Add.
  absl::Status Validate(const WriteBatch& batch, std::vector<std::string>* digests) const;
  // Apply's SchemaGuard::CheckAcyclic for every statement of an acyclic
  // predicate that adds evidence (`adds`), over the loaded edges and the
  // batch's own. `batch_entities` maps a batch entity to its index.
  absl::Status CheckAcyclic(const WriteBatch& batch,
                            const std::map<std::string_view, size_t>& batch_entities,
                            const std::vector<bool>& adds) const;
  // The entity ids of `path` (terms Add would intern for this batch included).
  absl::StatusOr<std::vector<std::string>> Names(const WriteBatch& batch,
                                                 const std::vector<TermId>& path) const;
  // The kind of entity `id` (this batch's first, then loaded), or NOT_FOUND.
  absl::StatusOr<std::string_view> Kind(
      const absl::flat_hash_map<std::string_view, std::string_view>& batch_kinds,
      std::string_view id, std::string_view field) const;
  TermId Intern(std::string term);
  // RecordSink: what a record function writes goes into the buffers.
  TxTime now() const override { return now_; }
  const std::string& principal() const override { return options_.principal; }
  void Put(int cf, std::string key, std::string value) override;
  void Log(char tag, uint64_t target, HistoryEvent event) override;
  void PutSummary(StatementId sid, const codec::StatementRecord& rec,
                  std::vector<std::pair<std::string, Evidence>>& evidence);
  // Once the previous round is written: hands the filled buffers to a
  // thread that writes them out, and goes on with the empty ones.
  void StartSpill();
  // Waits for the round being written, then adopts it.
  void FinishSpill();
  // The runs of a round written (spilled_) join runs_; its failure
  // (`status`) breaks the loader.
  void AdoptRound(const absl::Status& status);
  // Sorts each column family's buffer and writes it as one run of round
  // `round` (into runs[cf]; none for an empty buffer), `threads` column
  // families at a time.
  absl::Status WriteRound(CfBuffers& buffers, int64_t round, int threads,
                          std::array<std::string, codec::kNumCfs>& runs) const;
  // A run: a sorted SST file, uncompressed, only ever read by MergeRuns.
  absl::Status WriteRun(CfBuffer& buffer, int cf, int64_t round, std::string* run) const;
  // Merges the runs of column family `cf` into the files it ingests (with
  // the store's options, cut at kOutputFileBytes, none overlapping), and
  // removes the runs.
  absl::Status MergeRuns(int cf, std::vector<std::string>* files) const;
  // Index entries of statements that gained evidence in a later Add, from
  // the ingested evidence.
  absl::Status RefreshLate(rocksdb::WriteBatch* wb);
  void CloseDb();

  const BulkLoadOptions options_;
  const Schema schema_;
  std::unique_ptr<OpenDb> open_;
  rocksdb::DB* db_ = nullptr;  // open_'s
  std::vector<rocksdb::ColumnFamilyHandle*> cfs_;
  std::filesystem::path tmp_dir_;
  bool spent_ = false;
  absl::Status error_;  // a failed spill: the loader is broken

  TxTime now_ = 0;
  TermId next_term_ = 1;
  StatementId next_stmt_ = 1;
  uint32_t log_seq_ = 0;
  absl::flat_hash_map<std::string, TermId> terms_;
  absl::flat_hash_map<TermId, std::string> kinds_;  // loaded entities
  // Publisher and date of loaded entities that have either (documents).
  absl::flat_hash_map<std::string, DocumentSource> document_sources_;
  absl::flat_hash_map<TripleKeyT, StatementId> triples_;
  // Grade of every evidence record loaded (about 80 bytes each), so a
  // re-send with other values is refused.
  absl::flat_hash_map<DigestKeyT, EvidenceGrade> evidence_;
  // Edges of the acyclic predicates by predicate name (about 60 bytes per
  // edge; other predicates hold nothing here).
  absl::flat_hash_map<std::string, Adjacency> acyclic_;
  absl::flat_hash_set<StatementId> late_;

  std::unique_ptr<CfBuffers> filling_ = std::make_unique<CfBuffers>();
  size_t buffered_bytes_ = 0;  // in filling_
  // The round being written by spill_thread_, which alone touches these
  // until it is joined.
  std::unique_ptr<CfBuffers> spilling_ = std::make_unique<CfBuffers>();
  std::thread spill_thread_;
  absl::Status spill_status_;
  std::array<std::string, codec::kNumCfs> spilled_;
  int64_t round_ = 0;
  rocksdb::Options run_options_;
  std::vector<std::string> runs_[codec::kNumCfs];
  BulkLoadResult result_;
};

BulkLoaderImpl::~BulkLoaderImpl() {
  if (spill_thread_.joinable()) spill_thread_.join();
  CloseDb();
  if (!tmp_dir_.empty()) {
    std::error_code ec;
    std::filesystem::remove_all(tmp_dir_, ec);  // best effort
  }
}

void BulkLoaderImpl::CloseDb() {
  cfs_.clear();
  db_ = nullptr;
  open_.reset();
}

absl::Status BulkLoaderImpl::Open() {
  // The store's database, table format and compression, so the files are as
  // the store would have written them; the loader's own reads need little
  // cache.
  KG_ASSIGN_OR_RETURN(open_, OpenDb::Open(options_.path, OpenDb::Mode::kCreate, 32 << 20));
  db_ = open_->db();
  cfs_ = open_->cfs();
  // Runs are written once and read once, in order: neither compression nor
  // filters pay for themselves there.
  rocksdb::BlockBasedTableOptions run_table;
  run_table.block_size = 64 << 10;
  run_options_.table_factory.reset(rocksdb::NewBlockBasedTableFactory(run_table));
  run_options_.compression = rocksdb::kNoCompression;
  // Empty: no key anywhere but the format version of a fresh Store::Open.
  const std::string ours = absl::StrCat(codec::kFormatVersion);
  for (int cf = 0; cf < codec::kNumCfs; ++cf) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), cfs_[cf]));
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      if (cf == codec::kMeta && it->key() == ToSlice(codec::kFormatKey) &&
          it->value() == rocksdb::Slice(ours)) {
        continue;
      }
      return absl::FailedPreconditionError(
          absl::StrCat(options_.path, ": bulk load needs an empty database; column family '",
                       codec::CfName(cf), "' holds data"));
    }
    KG_RETURN_IF_ERROR(FromRocks(it->status(), "check empty"));
  }
  tmp_dir_ = std::filesystem::path(options_.path) / "bulk-load.tmp";
  std::error_code ec;
  std::filesystem::remove_all(tmp_dir_, ec);
  std::filesystem::create_directories(tmp_dir_, ec);
  if (ec)
    return absl::InternalError(absl::StrCat("create ", tmp_dir_.string(), ": ", ec.message()));
  now_ = absl::ToUnixMicros(absl::Now());
  result_.committed_at = now_;
  return absl::OkStatus();
}

absl::StatusOr<std::string_view> BulkLoaderImpl::Kind(
    const absl::flat_hash_map<std::string_view, std::string_view>& batch_kinds, std::string_view id,
    std::string_view field) const {
  auto b = batch_kinds.find(id);
  if (b != batch_kinds.end()) return b->second;
  auto t = terms_.find(codec::EntityTerm(id));
  if (t != terms_.end()) {
    auto k = kinds_.find(t->second);
    if (k != kinds_.end()) return std::string_view(k->second);
  }
  return absl::NotFoundError(absl::StrCat(A(field), ": entity '", Clip(id), "' not found"));
}

// The checks of Store::Apply (apply.cc), in the same order with the same
// messages; "the store" is what earlier Adds loaded.
absl::Status BulkLoaderImpl::Validate(const WriteBatch& batch,
                                      std::vector<std::string>* digests) const {
  if (batch.entities.empty() && batch.statements.empty()) {
    return absl::InvalidArgumentError("batch: empty (no entities and no statements)");
  }
  absl::flat_hash_map<std::string_view, std::string_view> batch_kinds;
  std::map<std::string_view, size_t> seen;
  for (size_t i = 0; i < batch.entities.size(); ++i) {
    const Entity& e = batch.entities[i];
    const std::string f = absl::StrCat("entities[", i, "]");
    KG_RETURN_IF_ERROR(CheckEntity(e, schema_, f));
    auto [it, inserted] = seen.emplace(e.id, i);
    if (!inserted) {
      return absl::InvalidArgumentError(
          absl::StrCat(f, ".id: '", Clip(e.id), "' duplicates entities[", it->second, "]"));
    }
    if (terms_.contains(codec::EntityTerm(e.id))) {
      return absl::InvalidArgumentError(absl::StrCat(
          f, ".id: '", Clip(e.id), "' was loaded already (a bulk load writes each once)"));
    }
    batch_kinds.emplace(e.id, e.kind);
  }
  for (size_t i = 0; i < batch.entities.size(); ++i) {
    for (const auto& [name, value] : batch.entities[i].attributes) {
      if (value.is_entity() && !Kind(batch_kinds, value.lexical, "").ok()) {
        return Kind(batch_kinds, value.lexical,
                    absl::StrCat("entities[", i, "].attributes[", name, "]"))
            .status();
      }
    }
  }
  for (size_t i = 0; i < batch.statements.size(); ++i) {
    KG_RETURN_IF_ERROR(
        CheckStatement(batch.statements[i], schema_, absl::StrCat("statements[", i, "]")));
  }
  for (size_t i = 0; i < batch.statements.size(); ++i) {
    const Statement& st = batch.statements[i];
    // Field names are built only on the error path.
    auto field = [&](std::string_view tail) {
      return absl::StrCat("statements[", i, "]", A(tail));
    };
    absl::StatusOr<std::string_view> subject_kind = Kind(batch_kinds, st.subject, "");
    if (!subject_kind.ok()) return Kind(batch_kinds, st.subject, field(".subject")).status();
    std::string_view object_kind;
    if (st.object.is_entity()) {
      absl::StatusOr<std::string_view> k = Kind(batch_kinds, st.object.lexical, "");
      if (!k.ok()) return Kind(batch_kinds, st.object.lexical, field(".object")).status();
      object_kind = *k;
    }
    KG_RETURN_IF_ERROR(schema_.CheckStatement(st.predicate, std::string(*subject_kind), st.object,
                                              std::string(object_kind), field("")));
    for (size_t j = 0; j < st.evidence.size(); ++j) {
      const Evidence& e = st.evidence[j];
      auto fe = [&](std::string_view tail) {
        return absl::StrCat("statements[", i, "].evidence[", j, "]", A(tail));
      };
      absl::StatusOr<std::string_view> doc_kind = Kind(batch_kinds, e.document, "");
      if (!doc_kind.ok()) return Kind(batch_kinds, e.document, fe(".document")).status();
      if (!schema_.IsKindOf(std::string(*doc_kind), "Document")) {
        return absl::FailedPreconditionError(absl::StrCat(fe(".document"), ": entity '",
                                                          Clip(e.document), "' is a ", A(*doc_kind),
                                                          ", not a Document"));
      }
      if (!e.publisher.empty()) {
        absl::StatusOr<std::string_view> kind = Kind(batch_kinds, e.publisher, "");
        if (!kind.ok()) return Kind(batch_kinds, e.publisher, fe(".publisher")).status();
        if (!schema_.MayPublish(*kind)) {
          return schema_.CheckPublisher(e.publisher, *kind, fe(".publisher"));
        }
      }
      if (!e.claimant.empty()) {
        absl::StatusOr<std::string_view> kind = Kind(batch_kinds, e.claimant, "");
        if (!kind.ok()) return Kind(batch_kinds, e.claimant, fe(".claimant")).status();
        if (!schema_.MayClaim(*kind)) {
          return schema_.CheckClaimant(e.claimant, *kind, fe(".claimant"));
        }
      }
    }
  }
  // The load is one write: evidence re-sent with other values is refused as
  // Apply refuses it within one write.
  absl::flat_hash_map<DigestKeyT, const Evidence*> sent;  // first in this batch
  std::vector<bool> adds(batch.statements.size());
  digests->clear();
  for (size_t i = 0; i < batch.statements.size(); ++i) {
    const Statement& st = batch.statements[i];
    for (size_t j = 0; j < st.evidence.size(); ++j) {
      const Evidence& e = st.evidence[j];
      std::string digest = EvidenceDigest(st.subject, st.predicate, st.object, e);
      const DigestKeyT key = DigestKey(digest);
      std::optional<EvidenceGrade> have;
      if (auto loaded = evidence_.find(key); loaded != evidence_.end()) {
        if (!(loaded->second == e.grade())) have = loaded->second;
      } else if (auto [first, inserted] = sent.try_emplace(key, &e); !inserted) {
        if (!(first->second->grade() == e.grade())) have = first->second->grade();
      } else {
        adds[i] = true;
      }
      if (have) {
        Evidence stored;
        stored.id = absl::BytesToHexString(digest);
        stored.set_grade(*std::move(have));
        stored.ingested_at = now_;
        KG_RETURN_IF_ERROR(
            ClassifyResend(stored, e, now_, absl::StrCat("statements[", i, "].evidence[", j, "]"))
                .status());
      }
      digests->push_back(std::move(digest));
    }
  }
  return CheckAcyclic(batch, seen, adds);
}

absl::Status BulkLoaderImpl::CheckAcyclic(const WriteBatch& batch,
                                          const std::map<std::string_view, size_t>& batch_entities,
                                          const std::vector<bool>& adds) const {
  // Term ids as Add interns them: an endpoint not loaded is an entity of this
  // batch, which Add interns first, in order.
  auto term = [&](std::string_view id) {
    auto t = terms_.find(codec::EntityTerm(id));
    return t != terms_.end() ? t->second : next_term_ + batch_entities.at(id);
  };
  std::vector<std::optional<EdgeKeyT>> edges(batch.statements.size());
  absl::flat_hash_map<std::string_view, Adjacency> staged;  // the batch's new edges
  absl::flat_hash_set<EdgeKeyT> seen, dirty;
  for (size_t i = 0; i < batch.statements.size(); ++i) {
    const Statement& st = batch.statements[i];
    if (!st.object.is_entity() || !schema_.FindPredicate(st.predicate)->acyclic) continue;
    const EdgeKeyT edge{st.predicate, term(st.subject), term(st.object.lexical)};
    edges[i] = edge;
    if (adds[i]) dirty.insert(edge);
    if (!seen.insert(edge).second) continue;
    auto p = terms_.find(codec::PredicateTerm(st.predicate));
    const bool loaded = p != terms_.end() && triples_.contains(TripleKeyT{
                                                 std::get<1>(edge), p->second, std::get<2>(edge)});
    if (!loaded) staged[st.predicate][std::get<1>(edge)].push_back(std::get<2>(edge));
  }
  int64_t work = 0;  // over the whole batch, as one SchemaGuard over one write
  std::vector<TermId> next;
  for (size_t i = 0; i < batch.statements.size(); ++i) {
    if (!edges[i] || !dirty.contains(*edges[i])) continue;
    const auto& [predicate, s, o] = *edges[i];
    const std::string field = absl::StrCat("statements[", i, "]");
    if (s == o) {
      KG_ASSIGN_OR_RETURN(std::vector<std::string> names, Names(batch, {s, o}));
      return CycleError(field, predicate, names);
    }
    auto loaded = acyclic_.find(A(predicate));
    const Adjacency& own = staged[predicate];
    // Breadth-first from the object, each node's edges in ascending object
    // id as Apply scans the spo index: reaching the subject closes a cycle.
    absl::flat_hash_map<TermId, TermId> parent = {{o, 0}};
    std::deque<TermId> queue = {o};
    while (!queue.empty()) {
      const TermId node = queue.front();
      queue.pop_front();
      next.clear();
      if (loaded != acyclic_.end()) {
        if (auto out = loaded->second.find(node); out != loaded->second.end()) {
          next.insert(next.end(), out->second.begin(), out->second.end());
        }
      }
      if (auto out = own.find(node); out != own.end()) {
        next.insert(next.end(), out->second.begin(), out->second.end());
      }
      std::sort(next.begin(), next.end());
      for (TermId to : next) {
        KG_RETURN_IF_ERROR(CheckGuardWork(++work));
        if (!parent.emplace(to, node).second) continue;
        if (to != s) {
          queue.push_back(to);
          continue;
        }
        std::vector<TermId> back;  // s <- ... <- o, then s in front
        for (TermId n = s; n != 0; n = parent.at(n)) back.push_back(n);
        std::vector<TermId> path = {s};
        path.insert(path.end(), back.rbegin(), back.rend());
        KG_ASSIGN_OR_RETURN(std::vector<std::string> names, Names(batch, path));
        return CycleError(field, predicate, names);
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> BulkLoaderImpl::Names(
    const WriteBatch& batch, const std::vector<TermId>& path) const {
  // Only a refusal needs names, so no reverse map is kept: one pass over the
  // terms finds the loaded ones.
  absl::flat_hash_map<TermId, std::string> names;
  for (TermId t : path) {
    names[t] = t >= next_term_ ? batch.entities[t - next_term_].id : std::string();
  }
  for (const auto& [term, id] : terms_) {
    auto it = names.find(id);
    if (it == names.end() || !it->second.empty()) continue;
    bool is_predicate = false;
    KG_ASSIGN_OR_RETURN(Value v, codec::DecodeTerm(term, &is_predicate));
    it->second = std::move(v.lexical);
  }
  std::vector<std::string> out;
  for (TermId t : path) out.push_back(names.at(t));
  return out;
}

TermId BulkLoaderImpl::Intern(std::string term) {
  auto [it, inserted] = terms_.try_emplace(std::move(term), next_term_);
  if (!inserted) return it->second;
  TermId id = next_term_++;
  const std::string fixed = codec::Fixed64(id);
  Put(codec::kDict, it->first, fixed);
  Put(codec::kRdict, fixed, it->first);
  return id;
}

void BulkLoaderImpl::Put(int cf, std::string key, std::string value) {
  (*filling_)[cf].Put(key, value);
  buffered_bytes_ += key.size() + value.size() + kEntryOverhead;
  // Half the budget fills while the other half is written out.
  if (buffered_bytes_ >= options_.memory_budget_bytes / 2) StartSpill();
}

void BulkLoaderImpl::Log(char tag, uint64_t target, HistoryEvent event) {
  event.at = 0;  // the time is in the key
  event.principal = options_.principal;
  Put(codec::kLog, codec::LogKey(tag, target, now_, log_seq_++), codec::EncodeHistory(event));
}

void BulkLoaderImpl::PutSummary(StatementId sid, const codec::StatementRecord& rec,
                                std::vector<std::pair<std::string, Evidence>>& evidence) {
  // In digest order, as WriteTxn::RefreshSummary reads them.
  std::sort(evidence.begin(), evidence.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  std::vector<const Evidence*> live;
  live.reserve(evidence.size());
  for (const auto& [digest, e] : evidence) live.push_back(&e);
  Corroboration c = Corroborate(live);
  codec::IndexValue v;
  FillSummary(c, static_cast<int32_t>(live.size()), rec, now_, &v);
  PutIndexEntries(*this, sid, rec.TripleAt(kLatest), codec::EncodeIndexValue(v));
}

absl::Status BulkLoaderImpl::Add(const WriteBatch& input) {
  if (spent_ || db_ == nullptr) return absl::FailedPreconditionError("bulk load: already finished");
  KG_RETURN_IF_ERROR(error_);
  KG_ASSIGN_OR_RETURN(
      std::optional<WriteBatch> filled,
      WithDocumentSources(input, [&](const std::string& id) -> absl::StatusOr<DocumentSource> {
        auto it = document_sources_.find(id);
        return it == document_sources_.end() ? DocumentSource{} : it->second;
      }));
  const WriteBatch& batch = filled ? *filled : input;
  std::vector<std::string> digests;
  KG_RETURN_IF_ERROR(Validate(batch, &digests));
  size_t next_digest = 0;

  for (const Entity& e : batch.entities) {
    TermId id = Intern(codec::EntityTerm(e.id));
    codec::EntityRecord rec;
    rec.entity = e;
    rec.entity.merged_into.clear();
    const std::string open = codec::EncodeIntervals({{now_, kLatest}});
    for (const std::string& name : SearchNames(rec)) {
      Put(codec::kAlias, codec::AliasKey(name, id), open);
    }
    PutEntityVersion(*this, id, e.id, std::move(rec));
    kinds_.emplace(id, e.kind);
    if (DocumentSource source = SourceOf(e); !source.publisher.empty() || !source.date.empty()) {
      document_sources_.emplace(e.id, std::move(source));
    }
    ++result_.entities;
  }

  // Statements created by this Add, with their evidence, for the summaries.
  const StatementId first_new = next_stmt_;
  std::map<StatementId,
           std::pair<codec::StatementRecord, std::vector<std::pair<std::string, Evidence>>>>
      fresh;
  for (const Statement& st : batch.statements) {
    const TermId s = Intern(codec::EntityTerm(st.subject));
    const TermId p = Intern(codec::PredicateTerm(st.predicate));
    const TermId o = Intern(codec::ValueTerm(st.object));
    const codec::Triple triple{s, p, o};
    auto [tit, created] = triples_.try_emplace(TripleKeyT{s, p, o}, next_stmt_);
    const StatementId sid = tit->second;
    std::vector<std::pair<std::string, Evidence>>* collected = nullptr;
    if (created) {
      ++next_stmt_;
      auto& slot = fresh[sid];
      codec::StatementRecord& rec = slot.first;
      rec.original = triple;
      rec.object_is_entity = st.object.is_entity();
      rec.valid_from = st.valid_from;
      rec.valid_to = st.valid_to;
      rec.positions.push_back({now_, s, o});  // nothing is merged in a fresh load
      PutNewStatement(*this, sid, rec, st);
      if (rec.object_is_entity && schema_.FindPredicate(st.predicate)->acyclic) {
        acyclic_[st.predicate][s].push_back(o);
      }
      ++result_.statements;
      collected = &slot.second;
    } else if (sid >= first_new) {
      collected = &fresh[sid].second;
    }
    for (const Evidence& in : st.evidence) {
      std::string digest = std::move(digests[next_digest++]);
      if (!evidence_.try_emplace(DigestKey(digest), in.grade()).second) {
        ++result_.evidence_unchanged;
        continue;
      }
      HistoryEvent added;
      Evidence e = PutNewEvidence(*this, sid, digest, in, &added);
      ++result_.evidence_added;
      if (collected != nullptr) {
        collected->emplace_back(std::move(digest), std::move(e));
      } else {
        late_.insert(sid);
      }
    }
  }
  for (auto& [sid, slot] : fresh) PutSummary(sid, slot.first, slot.second);
  return error_;
}

void BulkLoaderImpl::StartSpill() {
  FinishSpill();
  buffered_bytes_ = 0;
  if (!error_.ok()) {  // the load has failed: nothing more is kept
    for (CfBuffer& b : *filling_) b.Clear();
    return;
  }
  std::swap(filling_, spilling_);
  spill_thread_ = std::thread(
      [this, round = round_++] { spill_status_ = WriteRound(*spilling_, round, 1, spilled_); });
}

void BulkLoaderImpl::FinishSpill() {
  if (!spill_thread_.joinable()) return;
  spill_thread_.join();
  AdoptRound(spill_status_);
}

void BulkLoaderImpl::AdoptRound(const absl::Status& status) {
  if (error_.ok()) error_ = status;
  for (int cf = 0; cf < codec::kNumCfs; ++cf) {
    if (spilled_[cf].empty()) continue;
    runs_[cf].push_back(std::move(spilled_[cf]));
    spilled_[cf].clear();
    ++result_.runs;
  }
}

// Runs `task(cf)` for every column family, `threads` at a time, the
// heaviest (by `weight`) first; the first failure, if any.
template <typename Weight, typename Task>
absl::Status ForEachCf(int threads, const Weight& weight, const Task& task) {
  std::array<int, codec::kNumCfs> order;
  std::array<uint64_t, codec::kNumCfs> weights;
  for (int cf = 0; cf < codec::kNumCfs; ++cf) {
    order[cf] = cf;
    weights[cf] = weight(cf);  // once each: a weight may stat files
  }
  std::sort(order.begin(), order.end(), [&](int a, int b) { return weights[a] > weights[b]; });
  std::array<absl::Status, codec::kNumCfs> status;
  std::atomic<int> next{0};
  auto work = [&] {
    for (int i = next++; i < codec::kNumCfs; i = next++) status[order[i]] = task(order[i]);
  };
  std::vector<std::thread> helpers;
  for (int i = 1; i < threads; ++i) helpers.emplace_back(work);
  work();
  for (std::thread& t : helpers) t.join();
  for (const absl::Status& s : status) KG_RETURN_IF_ERROR(s);
  return absl::OkStatus();
}

absl::Status BulkLoaderImpl::WriteRound(CfBuffers& buffers, int64_t round, int threads,
                                        std::array<std::string, codec::kNumCfs>& runs) const {
  return ForEachCf(
      threads, [&](int cf) { return buffers[cf].entries.size(); },
      [&](int cf) { return WriteRun(buffers[cf], cf, round, &runs[cf]); });
}

absl::Status BulkLoaderImpl::WriteRun(CfBuffer& b, int cf, int64_t round, std::string* run) const {
  if (b.entries.empty()) return absl::OkStatus();
  std::sort(b.entries.begin(), b.entries.end(), CfBuffer::Less);
  *run = (tmp_dir_ / absl::StrCat(codec::CfName(cf), "-run-", round, ".sst")).string();
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), run_options_);
  KG_RETURN_IF_ERROR(FromRocks(writer.Open(*run), absl::StrCat("bulk load: open ", *run)));
  for (const CfBuffer::Entry& e : b.entries) {
    KG_RETURN_IF_ERROR(FromRocks(writer.Put(ToSlice(b.Key(e)), ToSlice(b.Value(e))),
                                 absl::StrCat("bulk load: write ", *run)));
  }
  KG_RETURN_IF_ERROR(FromRocks(writer.Finish(), absl::StrCat("bulk load: finish ", *run)));
  b.Clear();
  return absl::OkStatus();
}

absl::Status BulkLoaderImpl::MergeRuns(int cf, std::vector<std::string>* files) const {
  const std::vector<std::string>& runs = runs_[cf];
  std::vector<std::unique_ptr<rocksdb::SstFileReader>> readers;
  std::vector<std::unique_ptr<rocksdb::Iterator>> its;
  for (const std::string& run : runs) {
    readers.push_back(std::make_unique<rocksdb::SstFileReader>(run_options_));
    KG_RETURN_IF_ERROR(FromRocks(readers.back()->Open(run), absl::StrCat("bulk load: read ", run)));
    rocksdb::ReadOptions ro;
    ro.fill_cache = false;
    its.emplace_back(readers.back()->NewIterator(ro));
    its.back()->SeekToFirst();
  }
  // A min-heap of the runs by their current key.
  auto later = [&](size_t a, size_t b) { return its[a]->key().compare(its[b]->key()) > 0; };
  std::vector<size_t> heap;
  for (size_t i = 0; i < its.size(); ++i) {
    if (its[i]->Valid()) heap.push_back(i);
    KG_RETURN_IF_ERROR(FromRocks(its[i]->status(), absl::StrCat("bulk load: read ", runs[i])));
  }
  std::make_heap(heap.begin(), heap.end(), later);
  rocksdb::SstFileWriter writer(rocksdb::EnvOptions(), db_->GetOptions(cfs_[cf]), cfs_[cf]);
  std::string file;
  uint64_t in_file = 0;
  auto finish_file = [&]() -> absl::Status {
    KG_RETURN_IF_ERROR(FromRocks(writer.Finish(), absl::StrCat("bulk load: finish ", file)));
    files->push_back(file);
    in_file = 0;
    return absl::OkStatus();
  };
  while (!heap.empty()) {
    std::pop_heap(heap.begin(), heap.end(), later);
    const size_t i = heap.back();
    if (in_file == 0) {
      file = (tmp_dir_ / absl::StrCat(codec::CfName(cf), "-", files->size(), ".sst")).string();
      KG_RETURN_IF_ERROR(FromRocks(writer.Open(file), absl::StrCat("bulk load: open ", file)));
    }
    // SstFileWriter refuses a key that does not ascend (a key written twice).
    KG_RETURN_IF_ERROR(FromRocks(writer.Put(its[i]->key(), its[i]->value()),
                                 absl::StrCat("bulk load: write ", file)));
    if (++in_file % 4096 == 0 && writer.FileSize() >= kOutputFileBytes) {
      KG_RETURN_IF_ERROR(finish_file());
    }
    its[i]->Next();
    if (its[i]->Valid()) {
      std::push_heap(heap.begin(), heap.end(), later);
    } else {
      KG_RETURN_IF_ERROR(FromRocks(its[i]->status(), absl::StrCat("bulk load: read ", runs[i])));
      heap.pop_back();
    }
  }
  if (in_file > 0) KG_RETURN_IF_ERROR(finish_file());
  its.clear();
  readers.clear();
  for (const std::string& run : runs) {
    std::error_code ec;
    std::filesystem::remove(run, ec);  // best effort: the directory goes at the end
  }
  return absl::OkStatus();
}

absl::Status BulkLoaderImpl::RefreshLate(rocksdb::WriteBatch* wb) {
  DbHandles h{open_->engine(), nullptr, &schema_};
  DbReader reader(h, nullptr);
  std::vector<StatementId> sids(late_.begin(), late_.end());
  std::sort(sids.begin(), sids.end());
  for (StatementId sid : sids) {
    KG_ASSIGN_OR_RETURN(std::optional<codec::StatementRecord> rec, reader.StatementAt(sid));
    if (!rec) return absl::InternalError(absl::StrCat("bulk load: statement ", sid, " vanished"));
    KG_ASSIGN_OR_RETURN(std::vector<Evidence> evidence, reader.EvidenceOf(sid, kLatest));
    std::vector<const Evidence*> live;
    for (const Evidence& e : evidence) live.push_back(&e);
    Corroboration c = Corroborate(live);
    codec::IndexValue v;
    FillSummary(c, static_cast<int32_t>(live.size()), *rec, now_, &v);
    const std::string value = codec::EncodeIndexValue(v);
    const codec::Triple t = rec->TripleAt(kLatest);
    for (IndexOrder order : codec::kIndexOrders) {
      KG_RETURN_IF_ERROR(
          FromRocks(wb->Put(cfs_[codec::IndexCf(order)], codec::IndexKey(order, t, sid), value),
                    "bulk load"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<BulkLoadResult> BulkLoaderImpl::Finish() {
  if (spent_ || db_ == nullptr) return absl::FailedPreconditionError("bulk load: already finished");
  spent_ = true;
  FinishSpill();
  KG_RETURN_IF_ERROR(error_);
  // The last round and the merges on both cores: nothing else is left to do
  // meanwhile.
  AdoptRound(WriteRound(*filling_, round_++, 2, spilled_));
  KG_RETURN_IF_ERROR(error_);
  std::array<std::vector<std::string>, codec::kNumCfs> files;
  KG_RETURN_IF_ERROR(ForEachCf(
      2,
      [&](int cf) {
        uint64_t bytes = 0;
        for (const std::string& run : runs_[cf]) {
          std::error_code ec;
          const uint64_t size = std::filesystem::file_size(run, ec);
          if (!ec) bytes += size;
        }
        return bytes;
      },
      [&](int cf) { return MergeRuns(cf, &files[cf]); }));
  std::vector<rocksdb::IngestExternalFileArg> args;
  for (int cf = 0; cf < codec::kNumCfs; ++cf) {
    if (files[cf].empty()) continue;
    result_.sst_files += static_cast<int64_t>(files[cf].size());
    rocksdb::IngestExternalFileArg arg;
    arg.column_family = cfs_[cf];
    arg.external_files = files[cf];
    arg.options.move_files = true;
    args.push_back(std::move(arg));
  }
  if (!args.empty()) {
    KG_RETURN_IF_ERROR(FromRocks(db_->IngestExternalFiles(args), "bulk load: ingest"));
  }
  rocksdb::WriteBatch wb;
  KG_RETURN_IF_ERROR(RefreshLate(&wb));
  auto meta = [&](std::string_view key, std::string value) {
    return FromRocks(wb.Put(cfs_[codec::kMeta], ToSlice(key), value), "bulk load: meta");
  };
  KG_RETURN_IF_ERROR(meta(codec::kFormatKey, absl::StrCat(codec::kFormatVersion)));
  KG_RETURN_IF_ERROR(meta(codec::kLastTxKey, codec::Fixed64(static_cast<uint64_t>(now_))));
  KG_RETURN_IF_ERROR(meta(codec::kNextTermKey, codec::Fixed64(next_term_)));
  KG_RETURN_IF_ERROR(meta(codec::kNextStmtKey, codec::Fixed64(next_stmt_)));
  rocksdb::WriteOptions wo;
  wo.sync = true;
  KG_RETURN_IF_ERROR(FromRocks(db_->Write(wo, &wb), "bulk load: commit"));
  KG_RETURN_IF_ERROR(FromRocks(db_->Flush(rocksdb::FlushOptions(), cfs_), "bulk load: flush"));
  CloseDb();
  return result_;
}

}  // namespace

absl::StatusOr<std::unique_ptr<BulkLoader>> BulkLoader::Create(const BulkLoadOptions& options) {
  if (options.path.empty()) return absl::InvalidArgumentError("path: must not be empty");
  if (options.memory_budget_bytes < 4096) {
    return absl::InvalidArgumentError("memory_budget_bytes: must be at least 4096");
  }
  Schema schema;
  if (options.schema_path.empty()) {
    schema = Schema::Default();
  } else {
    KG_ASSIGN_OR_RETURN(schema, Schema::LoadFile(options.schema_path));
  }
  auto loader = std::make_unique<BulkLoaderImpl>(options, std::move(schema));
  KG_RETURN_IF_ERROR(loader->Open());
  return std::unique_ptr<BulkLoader>(std::move(loader));
}

}  // namespace kg
