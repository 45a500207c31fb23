// The records a write adds to the store, spelled once for both writers: an
// online write (WriteTxn: a WriteBatch and its overlay) and the bulk loader
// (sorted buffers that become SST files). Each writer is a RecordSink; the
// functions below say what a new entity version, statement, evidence record
// or index entry consists of. Internal to storage/.

#ifndef KGD_STORAGE_RECORD_SINK_H_
#define KGD_STORAGE_RECORD_SINK_H_

#include <string>
#include <string_view>
#include <vector>

#include "storage/codec.h"
#include "storage/corroboration.h"
#include "storage/store.h"
#include "storage/types.h"

namespace kg {

class RecordSink {
 public:
  // The write's transaction time and principal, stamped on what it adds.
  virtual TxTime now() const = 0;
  virtual const std::string& principal() const = 0;
  virtual void Put(int cf, std::string key, std::string value) = 0;
  // An event of `target`'s history ('S' a statement, 'E' an entity) at
  // now(), by principal().
  virtual void Log(char tag, uint64_t target, HistoryEvent event) = 0;

 protected:
  ~RecordSink() = default;
};

// Version now() of entity `id` (whose id text is `id_text`): the record,
// stamped by the principal, and "upserted" in the entity's history. The
// alias index is the caller's. Returns the event, for the change feed.
HistoryEvent PutEntityVersion(RecordSink& sink, TermId id, std::string_view id_text,
                              codec::EntityRecord record);

// New statement `sid` with record `rec`, first asserted as `st`: the record,
// the triple lookup, and "created" in the histories of the statement and of
// each entity it names. Returns the event, for the change feed.
HistoryEvent PutNewStatement(RecordSink& sink, StatementId sid, const codec::StatementRecord& rec,
                             const Statement& st);

// Evidence `in` of statement `sid`, new under id `digest`: the record stamped
// as ingested now by the principal, its provenance keys, and "added" in the
// statement's history (returned in `added`, for the change feed). Returns
// the record as stored.
Evidence PutNewEvidence(RecordSink& sink, StatementId sid, std::string_view digest,
                        const Evidence& in, HistoryEvent* added);

// The statement's index entries at triple `t`, one per order, each with the
// encoded summary `value`.
void PutIndexEntries(RecordSink& sink, StatementId sid, const codec::Triple& t,
                     const std::string& value);

// The searchable names of a record: NormalizeText of its label and aliases,
// none for a merged entity.
std::vector<std::string> SearchNames(const codec::EntityRecord& record);

// The prov keys of evidence `e` (id `digest`) of statement `sid`: one per
// source it names (publisher, document, claimant, claimant description),
// under its reported_on.
std::vector<std::string> ProvKeysOf(StatementId sid, std::string_view digest, const Evidence& e);
// ProvKeysOf under every reported_on the record has had: a correction of
// reported_on adds keys under the new date and keeps the old ones for reads
// before it (which match a key against the date in force at their time).
std::vector<std::string> AllProvKeysOf(StatementId sid, std::string_view digest, const Evidence& e);

// Sets the summary fields of an index entry of statement `rec` whose live
// evidence (`live_evidence` records) corroborates as `c`, changed at `now`;
// opens an interval from `now` unless one is open.
void FillSummary(const Corroboration& c, int32_t live_evidence, const codec::StatementRecord& rec,
                 TxTime now, codec::IndexValue* v);

}  // namespace kg

#endif  // KGD_STORAGE_RECORD_SINK_H_
