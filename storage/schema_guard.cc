#include "storage/schema_guard.h"

#include <deque>
#include <map>
#include <optional>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "storage/status_macros.h"

namespace kg {
namespace {

std::string S(std::string_view v) { return std::string(v); }

}  // namespace

absl::Status CheckGuardWork(int64_t work) {
  if (work > kMaxGuardWork) {
    return absl::ResourceExhaustedError(
        absl::StrCat("schema check: more than ", kMaxGuardWork,
                     " statements and edges to examine in one write"));
  }
  return absl::OkStatus();
}

absl::Status CycleError(std::string_view field, std::string_view predicate,
                        const std::vector<std::string>& path) {
  return absl::FailedPreconditionError(absl::StrCat(
      S(field), ": '", S(predicate),
      "' must not form a cycle: ", absl::StrJoin(path, absl::StrCat(" ", S(predicate), " "))));
}

absl::Status SchemaGuard::Spend(int64_t work) {
  work_ += work;
  return CheckGuardWork(work_);
}

absl::StatusOr<std::string> SchemaGuard::Name(TermId term) {
  KG_ASSIGN_OR_RETURN(Value v, txn_.TermValue(term));
  return std::move(v.lexical);
}

absl::StatusOr<std::string> SchemaGuard::Describe(StatementId sid, const codec::Triple& t) {
  KG_ASSIGN_OR_RETURN(std::string s, Name(t.s));
  KG_ASSIGN_OR_RETURN(std::string p, Name(t.p));
  KG_ASSIGN_OR_RETURN(std::string o, Name(t.o));
  return absl::StrCat("statement ", sid, " (", s, " ", p, " ", o, ")");
}

absl::Status SchemaGuard::Check(StatementId sid, Violations* v) {
  KG_RETURN_IF_ERROR(Spend(1));
  KG_ASSIGN_OR_RETURN(std::optional<codec::StatementRecord> rec, txn_.GetStatement(sid));
  if (!rec) return absl::DataLossError(absl::StrCat("index names unknown statement ", sid));
  KG_ASSIGN_OR_RETURN(std::optional<codec::IndexValue> summary, txn_.CurrentSummary(sid, *rec));
  if (!summary || summary->live_evidence == 0) return absl::OkStatus();
  const codec::Triple t = rec->TripleAt(kLatest);
  KG_ASSIGN_OR_RETURN(std::string predicate, Name(t.p));
  KG_ASSIGN_OR_RETURN(Value object, txn_.TermValue(t.o));
  auto kind = [&](TermId term) -> absl::StatusOr<std::string> {
    KG_ASSIGN_OR_RETURN(std::optional<EntityVersion> e, txn_.LatestEntity(term));
    return e ? e->record.entity.kind : std::string();
  };
  KG_ASSIGN_OR_RETURN(std::string subject_kind, kind(t.s));
  std::string object_kind;
  if (rec->object_is_entity) {
    KG_ASSIGN_OR_RETURN(object_kind, kind(t.o));
  }
  KG_ASSIGN_OR_RETURN(std::string described, Describe(sid, t));
  absl::Status fits =
      schema_.CheckStatement(predicate, subject_kind, object, object_kind, described);
  const PredicateSpec* spec = schema_.FindPredicate(predicate);
  if (fits.ok() && spec != nullptr && spec->acyclic && rec->object_is_entity && t.s == t.o) {
    fits = absl::FailedPreconditionError(
        absl::StrCat(described, ": predicate '", predicate, "' must not form a self-loop"));
  }
  if (fits.ok()) return absl::OkStatus();
  if (v->count++ == 0) v->first = std::string(fits.message());
  return absl::OkStatus();
}

absl::Status SchemaGuard::Refuse(const Violations& v, std::string_view what) const {
  if (v.count == 0) return absl::OkStatus();
  return absl::FailedPreconditionError(absl::StrCat(
      S(what), " would leave ", v.count, " statement(s) outside the schema, e.g. ", v.first));
}

absl::Status SchemaGuard::CheckAt(TermId node, std::string_view what) {
  KG_ASSIGN_OR_RETURN(std::vector<StatementId> sids,
                      txn_.StatementsAt(node, static_cast<size_t>(kMaxGuardWork - work_)));
  Violations v;
  for (StatementId sid : sids) KG_RETURN_IF_ERROR(Check(sid, &v));
  return Refuse(v, what);
}

absl::Status SchemaGuard::CheckStatements(const std::vector<StatementId>& sids,
                                          std::string_view what) {
  Violations v;
  for (StatementId sid : sids) KG_RETURN_IF_ERROR(Check(sid, &v));
  KG_RETURN_IF_ERROR(Refuse(v, what));
  for (StatementId sid : sids) KG_RETURN_IF_ERROR(CheckAcyclic(sid, what));
  return absl::OkStatus();
}

absl::Status SchemaGuard::CheckAcyclic(StatementId sid, std::string_view field) {
  KG_ASSIGN_OR_RETURN(std::optional<codec::StatementRecord> rec, txn_.GetStatement(sid));
  if (!rec) return absl::DataLossError(absl::StrCat("unknown statement ", sid));
  if (!rec->object_is_entity) return absl::OkStatus();
  const codec::Triple t = rec->TripleAt(kLatest);
  KG_ASSIGN_OR_RETURN(std::string predicate, Name(t.p));
  const PredicateSpec* spec = schema_.FindPredicate(predicate);
  if (spec == nullptr || !spec->acyclic) return absl::OkStatus();
  KG_ASSIGN_OR_RETURN(std::optional<codec::IndexValue> summary, txn_.CurrentSummary(sid, *rec));
  if (!summary || summary->live_evidence == 0) return absl::OkStatus();
  auto refuse = [&](const std::vector<TermId>& path) -> absl::Status {
    std::vector<std::string> names;
    for (TermId node : path) {
      KG_ASSIGN_OR_RETURN(std::string n, Name(node));
      names.push_back(std::move(n));
    }
    return CycleError(field, predicate, names);
  };
  if (t.s == t.o) return refuse({t.s, t.o});
  // Breadth-first from the object over live edges of the predicate: reaching
  // the subject closes a cycle. `parent` gives the shortest such path.
  std::map<TermId, TermId> parent = {{t.o, 0}};
  std::deque<TermId> queue = {t.o};
  while (!queue.empty()) {
    const TermId node = queue.front();
    queue.pop_front();
    absl::Status status;
    std::optional<TermId> closed;
    KG_RETURN_IF_ERROR(txn_.Scan(
        codec::kSpo, codec::IndexPrefix(node, t.p), [&](std::string_view k, std::string_view raw) {
          status = Spend(1);
          if (!status.ok()) return false;
          codec::Triple edge;
          StatementId edge_sid;
          absl::StatusOr<codec::IndexValue> v = codec::DecodeIndexValue(raw);
          if (!v.ok() || !codec::DecodeIndexKey(codec::IndexOrder::kSpo, k, &edge, &edge_sid)) {
            status = absl::DataLossError("corrupt index entry");
            return false;
          }
          if (!codec::AnyOpen(v->intervals) || v->live_evidence == 0 || !v->object_is_entity ||
              parent.count(edge.o) > 0)
            return true;
          parent.emplace(edge.o, node);
          if (edge.o == t.s) {
            closed = edge.o;
            return false;
          }
          queue.push_back(edge.o);
          return true;
        }));
    KG_RETURN_IF_ERROR(status);
    if (closed) {
      std::vector<TermId> back;  // s <- ... <- o, then s in front
      for (TermId n = t.s; n != 0; n = parent[n]) back.push_back(n);
      std::vector<TermId> path = {t.s};
      path.insert(path.end(), back.rbegin(), back.rend());
      return refuse(path);
    }
  }
  return absl::OkStatus();
}

}  // namespace kg
