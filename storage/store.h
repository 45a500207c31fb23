// kg::Store keeps the knowledge graph in RocksDB: a term dictionary, statement
// indexes in three orders (SPO, POS, OSP), evidence records, entity records
// with an alias search index, provenance indexes and a history log. All key
// layouts are documented in storage/FORMAT.md.
//
// Writes go through Apply (one atomic batch), Retract, Merge, Split, Purge
// and AppendAudit; each is a single RocksDB WriteBatch, validated in full
// before anything is written. Reads go through a View, a consistent snapshot.
//
// Thread safety: a Store may be shared by any number of threads. Writers are
// serialised inside the store up to their (unsynced) commit and then wait
// for the WAL sync outside that lock, so concurrent writers share a sync;
// readers never wait for writers. A View is used
// by one thread at a time and must not outlive its Store.
//
// Example:
//   KG_ASSIGN_OR_RETURN(std::unique_ptr<kg::Store> store,
//                       kg::Store::Open({.path = "/var/lib/kgd"}));
//   kg::WriteBatch batch;
//   batch.entities.push_back({.id = "actor/turkey", .kind = "State", .label = "Turkey"});
//   KG_ASSIGN_OR_RETURN(kg::WriteResult r, store->Apply(batch, {.principal = "alice"}));
//   std::unique_ptr<kg::View> view = store->NewView();
//   KG_ASSIGN_OR_RETURN(kg::Entity turkey, view->GetEntity("actor/turkey", kg::kLatest));

#ifndef KGD_STORAGE_STORE_H_
#define KGD_STORAGE_STORE_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "storage/backup.h"
#include "storage/change_feed.h"
#include "storage/schema.h"
#include "storage/types.h"

namespace kg {

struct StoreOptions {
  // Directory of the RocksDB database; created if missing.
  std::string path;
  // Predicate and kind schema file (see storage/FORMAT.md, "Schema"). Empty
  // means the built-in default, which covers PRODUCT.md's kinds and predicates.
  std::string schema_path;
  // Block cache shared by all column families, in bytes.
  size_t block_cache_bytes = 256 << 20;
  // A write returns only once the write-ahead log holding it is fsynced, so
  // an acknowledged write survives a power cut or kernel crash; concurrent
  // writers share one sync (group commit, storage/group_sync.h), so the
  // cost (one fsync, ~0.3-3 ms) is paid per group, not per write. Off, an
  // acknowledged write still survives a killed process (kill -9) but the
  // last writes before a power cut may be lost.
  bool sync_writes = true;
  // Writes are refused (RESOURCE_EXHAUSTED, "disk full") while the data
  // directory's filesystem has less free space than this, and resume by
  // themselves once it has more again; reads go on. The reserve keeps
  // RocksDB itself from running out (a memtable flush or compaction needs
  // room), so a full disk never tears its write-ahead log. 0 = no reserve.
  uint64_t min_free_disk_bytes = 256ull << 20;
};

// Upserts and asserts applied together, all or nothing.
struct WriteBatch {
  // Each entity replaces the stored record of the same id (an unchanged
  // record writes nothing).
  std::vector<Entity> entities;
  // Each statement needs at least one evidence record. Its subject, object
  // (when an entity), and its evidence's document, publisher and claimant
  // must exist in the store or in this batch.
  std::vector<Statement> statements;
  // The document these statements come from (one ingested document): an
  // entity of kind Document (or a sub-kind) written with the batch.
  // Evidence without a document gets this one; evidence from it without a
  // publisher or reported_on gets the document's "publisher" and "date"
  // attributes. Errors about it name "document".
  std::optional<Entity> document;
};

struct WriteContext {
  // Recorded as ingested_by / updated_by / retracted_by and in history. A
  // delegated write reads "alice via gateway": the owner (alice) comes first.
  std::string principal = "anonymous";
  // When false, Retract refuses (PERMISSION_DENIED) evidence that another
  // owner ingested: the owner is the part of a principal before " via ", so
  // "alice" and "alice via gateway" own the same evidence.
  bool may_retract_others = true;
};

struct WriteResult {
  TxTime committed_at = 0;  // the transaction time of the batch
  int32_t entities_written = 0;
  int32_t entities_unchanged = 0;
  int32_t statements_created = 0;  // triples seen for the first time
  int32_t evidence_added = 0;
  // Re-sent evidence (same id) with the values already stored.
  int32_t evidence_unchanged = 0;
  // Re-sent evidence with another confidence, grading or reported_on: a new
  // version of the record from committed_at on (reads as of earlier times
  // see the old values).
  int32_t evidence_revised = 0;
  // Re-sent evidence that is retracted: nothing changes (a retry does not
  // undo a retraction); its ids, in input order.
  int32_t evidence_retracted = 0;
  std::vector<std::string> retracted_evidence_ids;
  // For each input statement, in order: its id and its evidence ids.
  std::vector<StatementId> statement_ids;
  std::vector<std::vector<std::string>> evidence_ids;
};

enum class Direction { kOut, kIn, kBoth };

// A statement as seen from an index scan: ids only, plus the corroboration
// summary over the evidence the filter selects.
struct Edge {
  StatementId statement = 0;
  TermId subject = 0;
  TermId predicate = 0;
  TermId object = 0;
  bool object_is_entity = true;
  // Over the evidence the scan's filter selects. `partial`: read from a
  // summary written before summaries held every field, so only confidence,
  // independent_sources, evidence_count and disputed are set.
  Corroboration corroboration;
  bool partial = false;
  std::string valid_from;
  std::string valid_to;
};

// Any of the three positions may be bound. Unbound = empty / nullopt.
struct Pattern {
  std::string subject;
  std::string predicate;
  std::optional<Value> object;
};

template <typename T>
struct Page {
  std::vector<T> items;
  // Opaque; empty when there is nothing more. Passing it back with the same
  // query continues the same read as of the same transaction time, so pages
  // never overlap or skip even while writes go on. A token passed to another
  // listing or query is INVALID_ARGUMENT (storage/page_token.h).
  std::string next_page_token;
  // The transaction time the page answers as of: the request's as_of
  // clamped to the snapshot on a first page, the token's pin after. A read
  // that follows up on an item (Explain on a listed statement) uses it to
  // see the same state. 0 from ListAudit, which has no as_of.
  TxTime as_of = 0;
};

enum class SourceRole { kPublisher, kDocument, kClaimant };

struct HistoryEvent {
  // Stored on disk: DO NOT CHANGE the numeric values.
  enum class Type : uint8_t {
    kEntityUpserted = 0,
    kStatementCreated = 1,
    kEvidenceAdded = 2,
    kEvidenceRetracted = 3,
    kMerged = 4,           // entity merged into other_entity
    kSplit = 5,            // entity split out of other_entity again
    kPurged = 6,           // evidence physically removed: count records, reason
    kEvidenceRevised = 7,  // evidence corrected: revised_from -> revised_to
  };
  TxTime at = 0;
  std::string principal;
  Type type = Type::kEntityUpserted;
  std::string entity;          // set for entity events and merge/split
  StatementId statement = 0;   // set for statement and evidence events
  std::string evidence_id;     // set for evidence events
  std::string other_entity;    // set for merge/split
  std::string reason;          // set for retractions and purges
  int32_t count = 0;           // set for purges: evidence records removed
  EvidenceGrade revised_from;  // set for revisions: the values replaced
  EvidenceGrade revised_to;    // set for revisions: the values in force since `at`
};

// One change of the change feed (storage/change_feed.h).
struct Change {
  ChangePosition position;
  HistoryEvent event;  // at: the transaction time; principal: who wrote it
  // Statement and evidence events: the statement's subject, predicate and
  // object when the change was written (empty for entity events).
  std::string subject;
  std::string predicate;
  Value object;
};

struct ChangePage {
  std::vector<Change> changes;  // commit order
  // Where the next page starts: the last change examined, matching or not,
  // so a filtered reader never examines the same changes twice.
  ChangePosition resume_after;
  // Whether the page reached the position it was asked to read up to.
  bool caught_up = false;
};

// What Purge removes: every evidence record citing `document`, or the one
// record `evidence_id` of `statement`.
struct PurgeTarget {
  std::string document;
  StatementId statement = 0;
  std::string evidence_id;
};

struct PurgeResult {
  TxTime purged_at = 0;
  int32_t evidence_purged = 0;
  int32_t statements_removed = 0;  // left with no evidence at all
};

// One audited call: who, how, what and how it ended. Appended by the server;
// no API alters or deletes it.
struct AuditRecord {
  TxTime at = 0;                 // assigned by the store
  std::string principal;         // the authenticated identity
  std::string on_behalf_of;      // the delegated principal, if any
  std::string role;              // "reader", "writer", "gateway", "admin", "" if none
  std::string authenticated_by;  // "token", "certificate", "none"
  std::string rpc;               // "kg.v1.IngestService/Assert"
  std::string peer;              // "ipv4:127.0.0.1:51234"
  int64_t request_bytes = 0;
  std::string request_sha256;  // hex SHA-256 of the serialized request
  int32_t code = 0;            // google.rpc.Code of the outcome
  std::string message;         // the error message, clipped; empty on OK
};

// Which audit records ListAudit returns; unset fields match everything, and
// from > to matches nothing.
struct AuditQuery {
  std::string principal;  // matches principal or on_behalf_of
  std::string rpc;
  std::optional<int32_t> code;
  TxTime from = 0;      // inclusive
  TxTime to = kLatest;  // inclusive
};

struct Stats {
  int64_t entities = 0;
  int64_t statements = 0;  // live at the view's time
  int64_t evidence = 0;    // live evidence records
  int64_t retracted_evidence = 0;
  std::map<std::string, int64_t> entities_per_kind;
  std::map<std::string, int64_t> statements_per_predicate;
  uint64_t disk_bytes = 0;  // live SST and WAL files
};

// How the store's writes reach stable storage, and whether it can write.
struct StoreHealth {
  bool sync_writes = true;
  int64_t commits = 0;    // writes committed since Open
  int64_t wal_syncs = 0;  // WAL syncs that made them durable (fewer when writers shared one)
  // Why writes stopped (a failed WAL sync, or a background error RocksDB
  // reported such as a full disk); empty while the store writes. Reads go on.
  std::string error;
  // Whether writes may resume by themselves (RocksDB retries a full disk
  // once space is freed); false for an error that needs a restart.
  bool recoverable = false;
};

// Counters and gauges for monitoring (kgd's /metrics): what the store wrote
// since Open and what RocksDB reports about itself. Plain numbers, so that
// nothing above storage/ sees RocksDB.
struct StoreMetrics {
  int64_t write_batches = 0;       // Apply calls committed (one per write request)
  int64_t entities_written = 0;    // entity records written (unchanged ones not counted)
  int64_t statements_written = 0;  // statements in committed batches, new or not
  int64_t statements_created = 0;  // of those, triples seen for the first time
  int64_t evidence_written = 0;    // evidence records added or revised
  int64_t block_cache_hits = 0;
  int64_t block_cache_misses = 0;
  uint64_t pending_compaction_bytes = 0;  // RocksDB's estimate, all column families
  uint64_t live_sst_bytes = 0;            // SST files of the current version
  uint64_t background_errors = 0;         // RocksDB background errors since Open
};

class View;

class Store {
 public:
  // Opens (creating if missing) the database at options.path. Fails with
  // FAILED_PRECONDITION when the stored format version is unknown and with
  // INVALID_ARGUMENT when the schema file does not parse.
  static absl::StatusOr<std::unique_ptr<Store>> Open(const StoreOptions& options);

  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;
  virtual ~Store() = default;

  // Validates the whole batch, then writes it atomically. A bad record fails
  // the batch with INVALID_ARGUMENT (malformed, or a predicate not in the
  // schema), NOT_FOUND (unknown reference, entity-valued attributes
  // included) or FAILED_PRECONDITION (schema violation: domain/range, a
  // publisher or claimant kind, a cycle of an acyclic predicate, or a kind
  // change that would leave live statements outside the schema, naming one
  // and the count); the message names the record
  // ("statements[3].evidence[0].confidence") and the reason. Re-sent
  // evidence with other confidence, grading or reported_on is revised from
  // this write's time on (see WriteResult); RESOURCE_EXHAUSTED when the
  // schema checks would examine more than 200,000 statements and edges.
  virtual absl::StatusOr<WriteResult> Apply(const WriteBatch& batch,
                                            const WriteContext& context) = 0;

  // Retracts one evidence record of a statement, or every live one when
  // evidence_id is empty. Recorded with time, principal and reason, never
  // deleted. NOT_FOUND for an unknown statement or evidence;
  // FAILED_PRECONDITION when it is already retracted; PERMISSION_DENIED
  // (naming the evidence id and its owner) when context.may_retract_others
  // is false and any record to retract belongs to another owner.
  virtual absl::StatusOr<TxTime> Retract(StatementId statement, std::string_view evidence_id,
                                         std::string_view reason, const WriteContext& context) = 0;

  // Merges entity `from` into `into`: from's statements are re-pointed to
  // into, from's label and aliases become into's aliases, and from resolves
  // to into. Reads as of an earlier time still see them apart.
  // FAILED_PRECONDITION when a re-pointed live statement would not fit
  // into's kind or would close a cycle of an acyclic predicate (the message
  // names one and the count); RESOURCE_EXHAUSTED beyond 200,000 statements.
  virtual absl::StatusOr<TxTime> Merge(std::string_view from, std::string_view into,
                                       const WriteContext& context) = 0;

  // Undoes the merge of `merged` exactly: its statements, names and record
  // return to what they were before the merge. FAILED_PRECONDITION when a
  // returned statement no longer fits the kind `merged` has now.
  virtual absl::StatusOr<TxTime> Split(std::string_view merged, const WriteContext& context) = 0;

  // Physically removes evidence (PurgeTarget) with its provenance index
  // entries and the history events about it, recomputes the summaries of the
  // statements it touched, and removes statements left with no evidence at
  // all (index entries, record, history, and the creation events in their
  // entities' histories), so that a later assert of the triple starts a new
  // statement. Records one kPurged history event per statement (principal,
  // reason, count) in place of what was removed: on the statement, or on
  // its subject and object entities when the statement is gone. The one
  // exception to time travel: as_of reads no longer see purged content.
  // Atomic, at a new transaction time. INVALID_ARGUMENT without a reason or
  // unless exactly one of document / (statement and evidence_id) is set;
  // NOT_FOUND when nothing matches; RESOURCE_EXHAUSTED when the document is
  // cited by more than 200,000 evidence records.
  virtual absl::StatusOr<PurgeResult> Purge(const PurgeTarget& target, std::string_view reason,
                                            const WriteContext& context) = 0;

  // Appends `record` to the audit log at the next transaction time (which
  // it returns; record.at is ignored). Like any write it advances the
  // transaction time views see. The log is kept apart from the graph: no
  // other write changes it and Purge leaves it alone.
  virtual absl::StatusOr<TxTime> AppendAudit(const AuditRecord& record) = 0;

  // The position of the last change whose write was acknowledged (with
  // sync_writes: durable). A reader of the feed reads up to it, never
  // beyond: a change committed but not yet synced is not promised to
  // anyone. After Open: the last change in the feed.
  virtual ChangePosition PublishedChange() const = 0;
  // Tells `listener` of every later advance of PublishedChange, until the
  // listener expires (then it is forgotten). Writers call it once per
  // acknowledged write, and never wait for it.
  virtual void AddChangeListener(std::weak_ptr<ChangeListener> listener) = 0;
  // Removes the changes written before `before` from the feed (off the
  // write path: one range deletion) and records the last one removed, so
  // that a reader resuming before it is told (OUT_OF_RANGE), not given a
  // gap. Returns that position (unchanged when nothing was older).
  virtual absl::StatusOr<ChangePosition> TrimChanges(TxTime before) = 0;

  // A consistent snapshot for reads. `is_cancelled`, when set, is polled
  // inside long scans; a read then stops with CANCELLED.
  virtual std::unique_ptr<View> NewView(std::function<bool()> is_cancelled = {}) const = 0;

  // Writes an openable copy of the database into `directory`, which must
  // not exist yet (RocksDB checkpoint: hard links where possible).
  virtual absl::Status Checkpoint(const std::string& directory) const = 0;

  // A backup of the store as of one transaction time into the repository
  // `repository` (storage/backup.h; created when missing), incremental over
  // the backups already in it. Writes go on meanwhile: they wait only while
  // a checkpoint is taken (hard links and a memtable flush), the copy runs
  // after. keep_last > 0 then deletes all but the newest keep_last backups.
  // UNAVAILABLE (naming the path and the cause) when it cannot be written.
  virtual absl::StatusOr<BackupInfo> Backup(const std::string& repository, int32_t keep_last) = 0;

  // Durability counters and the store's write error, if any. Cheap; any thread.
  virtual StoreHealth Health() const = 0;

  // Write counters and RocksDB's cache, compaction and error figures.
  // Cheap (atomics and in-memory properties); any thread.
  virtual StoreMetrics Metrics() const = 0;

  // The predicate and kind schema writes are checked against (and kind
  // filters expand with). Valid for the life of the Store.
  virtual const Schema& schema() const = 0;

 protected:
  Store() = default;
};

// Reads over one snapshot. Every method that takes a Filter answers as of
// filter.as_of (transaction time). Methods return CANCELLED when the view's
// cancellation check fires.
class View {
 public:
  View(const View&) = delete;
  View& operator=(const View&) = delete;
  virtual ~View() = default;

  // Transaction time of the last write this view sees.
  virtual TxTime snapshot_time() const = 0;

  // The entity as of `as_of`. A merged entity comes back with merged_into
  // set. NOT_FOUND when it did not exist then.
  virtual absl::StatusOr<Entity> GetEntity(std::string_view id, TxTime as_of) = 0;

  // Entities whose label or an alias starts with `prefix`, compared case-
  // and diacritics-insensitively ("nusra" finds "Jabhat al-Nuṣrah"),
  // optionally of the given kinds (a base kind such as "Actor" includes its
  // sub-kinds). Each entity once, ordered by normalised name.
  virtual absl::StatusOr<Page<Entity>> SearchEntities(std::string_view prefix,
                                                      const std::vector<std::string>& kinds,
                                                      TxTime as_of, int32_t limit,
                                                      std::string_view page_token) = 0;

  // Statements matching the pattern that pass the filter, with the evidence
  // the filter selects and their corroboration. NOT_FOUND ("subject: entity
  // 'x' not found") when a bound entity did not exist as of filter.as_of; a
  // predicate or literal never stored matches nothing.
  virtual absl::StatusOr<Page<Statement>> Match(const Pattern& pattern, const Filter& filter,
                                                int32_t limit, std::string_view page_token) = 0;

  // One statement with the evidence the filter selects (plus, when
  // include_retracted, evidence already retracted as of filter.as_of, with
  // its retraction). NOT_FOUND when it did not exist as of filter.as_of.
  virtual absl::StatusOr<Statement> GetStatement(StatementId id, const Filter& filter,
                                                 bool include_retracted) = 0;

  // Statements supported by evidence from one publisher, document or
  // claimant (entity id, or an anonymous claimant's description), whose
  // reported_on lies in [date_from, date_to] (empty = open). Each statement
  // carries only that source's evidence; its corroboration (and the filter's
  // minimums) are over all the evidence the filter selects. Each statement
  // comes once per listing, with all of that source's selected evidence in
  // the range, ordered by the earliest reported_on among that evidence
  // (unknown dates first when no bound is given), then statement id.
  // NOT_FOUND ("publisher: entity 'x' not found") for a publisher, document
  // or claimant id that is no entity as of filter.as_of; a claimant the
  // store does not know is an anonymous description (OK, maybe empty).
  virtual absl::StatusOr<Page<Statement>> ClaimsBy(SourceRole role, std::string_view source,
                                                   std::string_view date_from,
                                                   std::string_view date_to, const Filter& filter,
                                                   int32_t limit, std::string_view page_token) = 0;

  // Every recorded event of an entity (its record, merges and splits, and
  // its statements' creation) or of a statement, in time order, up to as_of.
  // NOT_FOUND when the entity or statement did not exist as of as_of.
  virtual absl::StatusOr<Page<HistoryEvent>> EntityHistory(std::string_view id, TxTime as_of,
                                                           int32_t limit,
                                                           std::string_view page_token) = 0;
  virtual absl::StatusOr<Page<HistoryEvent>> StatementHistory(StatementId id, TxTime as_of,
                                                              int32_t limit,
                                                              std::string_view page_token) = 0;

  virtual absl::StatusOr<Stats> GetStats(TxTime as_of) = 0;

  // The changes after `after` up to `until` (PublishedChange() when the
  // caller took the view) that pass `filter`, in commit order: at most
  // `limit` (1..10,000) of them, examining at most 10,000 changes, so a
  // page may come back short, or empty, before it is caught_up.
  // OUT_OF_RANGE "from: ..." when changes after `after` were trimmed
  // (Store::TrimChanges) or `after` lies beyond the feed's last change.
  virtual absl::StatusOr<ChangePage> ChangesAfter(ChangePosition after, ChangePosition until,
                                                  const ChangeFilter& filter, int32_t limit) = 0;
  // The oldest position a reader may resume after without a gap: the last
  // change trimmed, {0, 0} when none was ("from the start").
  virtual absl::StatusOr<ChangePosition> OldestResumable() = 0;

  // Audit records matching `query` that this view's snapshot holds, in time
  // order, at most `limit` (0 or less: 10,000) per page. A page examines at
  // most 10,000 records, so it may come back short, even empty, with a
  // next_page_token when few match: keep paging until the token is empty.
  // INVALID_ARGUMENT "page_token: ..." for a token ListAudit did not issue.
  virtual absl::StatusOr<Page<AuditRecord>> ListAudit(const AuditQuery& query, int32_t limit,
                                                      std::string_view page_token) = 0;

  // The fast path for traversals, in term ids.

  // NOT_FOUND when the term is not in the dictionary.
  virtual absl::StatusOr<TermId> LookupEntity(std::string_view id) = 0;
  virtual absl::StatusOr<TermId> LookupPredicate(std::string_view name) = 0;
  virtual absl::StatusOr<Value> Resolve(TermId term) = 0;
  // The kind of an entity term as of `as_of` (empty for literals).
  virtual absl::StatusOr<std::string> KindOf(TermId entity, TxTime as_of) = 0;

  // Calls `visit` for each edge at `node` in `direction` (optionally only
  // with `predicate`) that passes the filter, in index order; stops early
  // when visit returns false.
  virtual absl::Status ScanEdges(TermId node, Direction direction, std::optional<TermId> predicate,
                                 const Filter& filter,
                                 const std::function<bool(const Edge&)>& visit) = 0;

 protected:
  View() = default;
};

}  // namespace kg

#endif  // KGD_STORAGE_STORE_H_
