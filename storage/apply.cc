// Store::Apply: validate a whole batch, then write it as one WriteBatch.

#include <map>
#include <set>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "storage/digest.h"
#include "storage/document_source.h"
#include "storage/rocks_store.h"
#include "storage/schema_guard.h"
#include "storage/status_macros.h"
#include "storage/validation.h"

namespace kg {
namespace {

std::string S(std::string_view v) { return std::string(v); }

// Kinds of the entities a batch may reference: the batch's own, else the
// store's latest.
class KindResolver {
 public:
  KindResolver(const WriteBatch& batch, const WriteTxn& txn) : txn_(txn) {
    for (const Entity& e : batch.entities) batch_kinds_[e.id] = e.kind;
  }
  // The kind of `id`, or NOT_FOUND naming `field`. A merged entity stands
  // for the entity it was merged into, so it has that one's kind.
  absl::StatusOr<std::string> Kind(std::string_view id, std::string_view field) {
    auto cached = store_kinds_.find(S(id));
    if (cached != store_kinds_.end()) return cached->second;
    KG_ASSIGN_OR_RETURN(std::optional<TermId> term, txn_.FindTerm(codec::EntityTerm(id)));
    std::optional<WriteTxn::EntityKind> stored;
    if (term) {
      KG_ASSIGN_OR_RETURN(stored, txn_.LatestKind(*term));
      if (stored && stored->merged) {
        KG_ASSIGN_OR_RETURN(TermId resolved, txn_.ResolveMerged(*term));
        KG_ASSIGN_OR_RETURN(std::optional<WriteTxn::EntityKind> into, txn_.LatestKind(resolved));
        if (into) return store_kinds_.emplace(S(id), into->kind).first->second;
      }
    }
    auto it = batch_kinds_.find(S(id));
    if (it != batch_kinds_.end()) return it->second;
    if (stored) return store_kinds_.emplace(S(id), stored->kind).first->second;
    return absl::NotFoundError(absl::StrCat(S(field), ": entity '", Clip(id), "' not found"));
  }

 private:
  const WriteTxn& txn_;
  std::map<std::string, std::string> batch_kinds_;
  // Kinds read from the store, once per id per batch.
  std::map<std::string, std::string> store_kinds_;
};

// Merge-added names survive a client's upsert, which does not know them.
void KeepMergedNames(codec::EntityRecord& rec) {
  std::set<std::string> have(rec.entity.aliases.begin(), rec.entity.aliases.end());
  for (const codec::MergedNames& m : rec.merged) {
    for (const std::string& n : m.names) {
      if (have.insert(n).second) rec.entity.aliases.push_back(n);
    }
  }
}

bool SameContent(codec::EntityRecord a, codec::EntityRecord b) {
  a.entity.updated_by.clear(), b.entity.updated_by.clear();
  a.entity.updated_at = b.entity.updated_at = 0;
  a.entity.id.clear(), b.entity.id.clear();
  return codec::EncodeEntity(a) == codec::EncodeEntity(b);
}

}  // namespace

absl::Status RocksStore::ValidateStatements(const WriteBatch& batch, WriteTxn& txn) const {
  KindResolver kinds(batch, txn);
  for (size_t i = 0; i < batch.entities.size(); ++i) {
    for (const auto& [name, value] : batch.entities[i].attributes) {
      if (!value.is_entity()) continue;
      KG_RETURN_IF_ERROR(
          kinds.Kind(value.lexical, absl::StrCat("entities[", i, "].attributes[", name, "]"))
              .status());
    }
  }
  for (size_t i = 0; i < batch.statements.size(); ++i) {
    KG_RETURN_IF_ERROR(
        CheckStatement(batch.statements[i], schema_, absl::StrCat("statements[", i, "]")));
  }
  for (size_t i = 0; i < batch.statements.size(); ++i) {
    const Statement& st = batch.statements[i];
    const std::string f = absl::StrCat("statements[", i, "]");
    KG_ASSIGN_OR_RETURN(std::string subject_kind, kinds.Kind(st.subject, f + ".subject"));
    std::string object_kind;
    if (st.object.is_entity()) {
      KG_ASSIGN_OR_RETURN(object_kind, kinds.Kind(st.object.lexical, f + ".object"));
    }
    KG_RETURN_IF_ERROR(
        schema_.CheckStatement(st.predicate, subject_kind, st.object, object_kind, f));
    for (size_t j = 0; j < st.evidence.size(); ++j) {
      const Evidence& e = st.evidence[j];
      const std::string fe = absl::StrCat(f, ".evidence[", j, "]");
      KG_ASSIGN_OR_RETURN(std::string doc_kind, kinds.Kind(e.document, fe + ".document"));
      if (!schema_.IsKindOf(doc_kind, "Document")) {
        return absl::FailedPreconditionError(absl::StrCat(
            fe, ".document: entity '", Clip(e.document), "' is a ", doc_kind, ", not a Document"));
      }
      if (!e.publisher.empty()) {
        KG_ASSIGN_OR_RETURN(std::string kind, kinds.Kind(e.publisher, fe + ".publisher"));
        KG_RETURN_IF_ERROR(schema_.CheckPublisher(e.publisher, kind, fe + ".publisher"));
      }
      if (!e.claimant.empty()) {
        KG_ASSIGN_OR_RETURN(std::string kind, kinds.Kind(e.claimant, fe + ".claimant"));
        KG_RETURN_IF_ERROR(schema_.CheckClaimant(e.claimant, kind, fe + ".claimant"));
      }
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<WriteResult> RocksStore::ApplyUnsynced(const WriteBatch& input,
                                                      const WriteContext& context) {
  if (input.document.has_value()) return ApplyDocument(input, context);
  if (input.entities.empty() && input.statements.empty()) {
    return absl::InvalidArgumentError("batch: empty (no entities and no statements)");
  }
  // Checks that need no store access, before taking the writer lock.
  std::map<std::string, size_t> seen;
  for (size_t i = 0; i < input.entities.size(); ++i) {
    const std::string f = absl::StrCat("entities[", i, "]");
    KG_RETURN_IF_ERROR(CheckEntity(input.entities[i], schema_, f));
    auto [it, inserted] = seen.emplace(input.entities[i].id, i);
    if (!inserted) {
      return absl::InvalidArgumentError(absl::StrCat(f, ".id: '", Clip(input.entities[i].id),
                                                     "' duplicates entities[", it->second, "]"));
    }
  }

  absl::MutexLock lock(&write_mu_);
  WriteTxn txn = BeginWrite(context);
  KG_ASSIGN_OR_RETURN(
      std::optional<WriteBatch> filled,
      WithDocumentSources(input, [&](const std::string& id) -> absl::StatusOr<DocumentSource> {
        KG_ASSIGN_OR_RETURN(std::optional<TermId> term, txn.FindTerm(codec::EntityTerm(id)));
        if (!term) return DocumentSource{};
        KG_ASSIGN_OR_RETURN(std::optional<EntityVersion> v, txn.LatestEntity(*term));
        return v ? SourceOf(v->record.entity) : DocumentSource{};
      }));
  const WriteBatch& batch = filled ? *filled : input;
  KG_RETURN_IF_ERROR(ValidateStatements(batch, txn));

  WriteResult result;
  result.committed_at = txn.now();
  // Entities whose kind this batch changes, checked once everything is staged.
  std::vector<std::pair<TermId, std::string>> kind_changes;
  for (size_t i = 0; i < batch.entities.size(); ++i) {
    const Entity& e = batch.entities[i];
    KG_ASSIGN_OR_RETURN(TermId id, txn.Intern(codec::EntityTerm(e.id)));
    KG_ASSIGN_OR_RETURN(std::optional<EntityVersion> old, txn.LatestEntity(id));
    codec::EntityRecord rec;
    rec.entity = e;
    rec.entity.merged_into.clear();
    if (old) {
      rec.entity.merged_into = old->record.entity.merged_into;
      rec.merged = old->record.merged;
      KeepMergedNames(rec);
    }
    if (old && SameContent(old->record, rec)) {
      ++result.entities_unchanged;
      continue;
    }
    if (old && old->record.entity.kind != e.kind) {
      kind_changes.emplace_back(
          id, absl::StrCat("entities[", i, "].kind: changing '", Clip(e.id), "' from ",
                           old->record.entity.kind, " to ", e.kind));
    }
    KG_RETURN_IF_ERROR(txn.PutEntity(id, e.id, old ? &old->record : nullptr, std::move(rec)));
    ++result.entities_written;
  }

  std::set<StatementId> dirty;
  for (size_t i = 0; i < batch.statements.size(); ++i) {
    const Statement& st = batch.statements[i];
    KG_ASSIGN_OR_RETURN(TermId s, txn.Intern(codec::EntityTerm(st.subject)));
    KG_ASSIGN_OR_RETURN(TermId p, txn.Intern(codec::PredicateTerm(st.predicate)));
    KG_ASSIGN_OR_RETURN(TermId o, txn.Intern(codec::ValueTerm(st.object)));
    const codec::Triple triple{s, p, o};
    KG_ASSIGN_OR_RETURN(std::optional<std::string> existing,
                        txn.Get(codec::kStmt, codec::TripleKey(triple)));
    StatementId sid;
    if (existing) {
      sid = codec::DecodeFixed64(existing->data());
    } else {
      sid = txn.NewStatementId();
      codec::StatementRecord rec;
      rec.original = triple;
      rec.object_is_entity = st.object.is_entity();
      rec.valid_from = st.valid_from;
      rec.valid_to = st.valid_to;
      KG_ASSIGN_OR_RETURN(TermId cur_s, txn.ResolveMerged(s));
      TermId cur_o = o;
      if (rec.object_is_entity) {
        KG_ASSIGN_OR_RETURN(cur_o, txn.ResolveMerged(o));
      }
      rec.positions.push_back({txn.now(), cur_s, cur_o});
      KG_RETURN_IF_ERROR(txn.Feed(PutNewStatement(txn, sid, rec, st)));
      ++result.statements_created;
    }
    result.statement_ids.push_back(sid);
    std::vector<std::string>& ids = result.evidence_ids.emplace_back();
    for (size_t j = 0; j < st.evidence.size(); ++j) {
      const Evidence& in = st.evidence[j];
      std::string digest = EvidenceDigest(st.subject, st.predicate, st.object, in);
      ids.push_back(absl::BytesToHexString(digest));
      std::string key = codec::EvidenceKey(sid, digest);
      KG_ASSIGN_OR_RETURN(std::optional<std::string> stored,
                          txn.GetOfStatement(sid, codec::kEv, key));
      if (stored) {
        KG_ASSIGN_OR_RETURN(Evidence have, DecodeEvidenceEntry(key, *stored));
        KG_ASSIGN_OR_RETURN(EvidenceResend resend,
                            ClassifyResend(have, in, txn.now(),
                                           absl::StrCat("statements[", i, "].evidence[", j, "]")));
        switch (resend) {
          case EvidenceResend::kUnchanged:
            ++result.evidence_unchanged;
            break;
          case EvidenceResend::kRetracted:
            // A retry does not undo a retraction; it is reported, not applied.
            ++result.evidence_retracted;
            result.retracted_evidence_ids.push_back(ids.back());
            break;
          case EvidenceResend::kRevised: {
            HistoryEvent revised;
            revised.type = HistoryEvent::Type::kEvidenceRevised;
            revised.statement = sid;
            revised.evidence_id = ids.back();
            revised.revised_from = have.grade();
            revised.revised_to = in.grade();
            have.revisions.push_back({txn.now(), context.principal, have.grade(), in.grade()});
            have.set_grade(in.grade());
            have.id.clear();
            txn.Put(codec::kEv, key, codec::EncodeEvidence(have));
            // Keys under the new date; those under the old one stay for
            // reads before now.
            for (std::string& prov : ProvKeysOf(sid, digest, have)) {
              txn.Put(codec::kProv, std::move(prov), "");
            }
            txn.Log('S', sid, revised);
            KG_RETURN_IF_ERROR(txn.Feed(std::move(revised)));
            ++result.evidence_revised;
            dirty.insert(sid);
            break;
          }
        }
        continue;
      }
      HistoryEvent added;
      PutNewEvidence(txn, sid, digest, in, &added);
      KG_RETURN_IF_ERROR(txn.Feed(std::move(added)));
      ++result.evidence_added;
      dirty.insert(sid);
    }
  }
  for (StatementId sid : dirty) KG_RETURN_IF_ERROR(txn.RefreshSummary(sid));
  SchemaGuard guard(schema_, txn);
  for (const auto& [term, what] : kind_changes) KG_RETURN_IF_ERROR(guard.CheckAt(term, what));
  for (size_t i = 0; i < batch.statements.size(); ++i) {
    if (!dirty.contains(result.statement_ids[i])) continue;
    KG_RETURN_IF_ERROR(
        guard.CheckAcyclic(result.statement_ids[i], absl::StrCat("statements[", i, "]")));
  }
  if (result.entities_written == 0 && dirty.empty() && result.statements_created == 0) {
    result.committed_at = counters_.last_tx;  // nothing new: nothing written
    return result;
  }
  KG_RETURN_IF_ERROR(Commit(txn));
  return result;
}

}  // namespace kg
