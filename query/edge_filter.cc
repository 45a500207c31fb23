#include "query/edge_filter.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "storage/status_macros.h"
#include "storage/validation.h"

namespace kg::query_internal {

absl::Status CheckRange(const std::string& field, int64_t value, int64_t lo, int64_t hi) {
  if (value < lo || value > hi) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: must be %d..%d, got %d", field, lo, hi, value));
  }
  return absl::OkStatus();
}

absl::Status ValidateFilter(const Filter& f) { return CheckFilter(f, "filter"); }

absl::StatusOr<TermId> ResolveEntity(View& view, const std::string& field, const std::string& id,
                                     TxTime as_of) {
  if (id.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": required"));
  absl::Status exists = view.GetEntity(id, as_of).status();
  if (absl::IsNotFound(exists)) {
    return absl::NotFoundError(absl::StrCat(field, ": entity '", Clip(id), "' not found"));
  }
  KG_RETURN_IF_ERROR(exists);
  return view.LookupEntity(id);
}

absl::StatusOr<EdgePolicy> EdgePolicy::Make(View& view, const Schema* schema, Direction direction,
                                            const std::vector<std::string>& allow,
                                            const std::vector<std::string>& deny) {
  EdgePolicy policy;
  policy.direction_ = direction;
  auto lookup = [&](const std::string& field, size_t i,
                    const std::string& name) -> absl::StatusOr<std::optional<TermId>> {
    if (schema != nullptr && schema->FindPredicate(name) == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, "[", i, "]: unknown predicate '", Clip(name), "'"));
    }
    absl::StatusOr<TermId> term = view.LookupPredicate(name);
    if (absl::IsNotFound(term.status())) return std::optional<TermId>();
    if (!term.ok()) return term.status();
    return std::optional<TermId>(*term);
  };
  for (size_t i = 0; i < deny.size(); ++i) {
    KG_ASSIGN_OR_RETURN(std::optional<TermId> t, lookup("predicates_deny", i, deny[i]));
    if (t) policy.deny_.insert(*t);
  }
  for (size_t i = 0; i < allow.size(); ++i) {
    KG_ASSIGN_OR_RETURN(std::optional<TermId> t, lookup("predicates_allow", i, allow[i]));
    if (!t || policy.deny_.contains(*t)) continue;
    bool seen = false;
    for (TermId a : policy.allow_) seen = seen || a == *t;
    if (!seen) policy.allow_.push_back(*t);
  }
  policy.match_nothing_ = !allow.empty() && policy.allow_.empty();
  return policy;
}

EdgePolicy EdgePolicy::Reversed() const {
  EdgePolicy r = *this;
  if (direction_ == Direction::kOut) r.direction_ = Direction::kIn;
  if (direction_ == Direction::kIn) r.direction_ = Direction::kOut;
  return r;
}

absl::Status EdgePolicy::ForEach(View& view, TermId node, const Filter& filter, int64_t* examined,
                                 const std::function<bool(const Step&)>& visit) const {
  if (match_nothing_) return absl::OkStatus();
  bool stopped = false;
  auto on_edge = [&](const Edge& e) {
    ++*examined;
    if (!deny_.empty() && deny_.contains(e.predicate)) return true;
    // An edge seen from `node`: out when node is its subject. A self-loop
    // leads nowhere new and is skipped.
    const bool reversed = e.subject != node;
    const TermId neighbour = reversed ? e.subject : e.object;
    if (!reversed && !e.object_is_entity) return true;
    if (neighbour == node) return true;
    if (direction_ == Direction::kOut && reversed) return true;
    if (direction_ == Direction::kIn && !reversed) return true;
    if (!visit(Step{&e, reversed, neighbour})) {
      stopped = true;
      return false;
    }
    return true;
  };
  if (allow_.empty()) return view.ScanEdges(node, direction_, std::nullopt, filter, on_edge);
  for (TermId p : allow_) {
    KG_RETURN_IF_ERROR(view.ScanEdges(node, direction_, p, filter, on_edge));
    if (stopped) break;
  }
  return absl::OkStatus();
}

absl::Status KindCheck::Validate() const {
  for (size_t i = 0; i < kinds_.size(); ++i) {
    if (!schema_.IsKnownKind(kinds_[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("kinds[", i, "]: unknown kind '", Clip(kinds_[i]), "'"));
    }
  }
  return absl::OkStatus();
}

absl::StatusOr<std::string> KindCheck::KindOf(View& view, TermId node) {
  auto it = kind_.find(node);
  if (it != kind_.end()) return it->second;
  KG_ASSIGN_OR_RETURN(std::string kind, view.KindOf(node, as_of_));
  kind_.emplace(node, kind);
  return kind;
}

absl::StatusOr<bool> KindCheck::Admits(View& view, TermId node) {
  if (kinds_.empty()) return true;
  KG_ASSIGN_OR_RETURN(std::string kind, KindOf(view, node));
  for (const std::string& k : kinds_) {
    if (schema_.IsKindOf(kind, k)) return true;
  }
  return false;
}

absl::StatusOr<std::string> TermNames::Name(View& view, TermId term) {
  auto it = names_.find(term);
  if (it != names_.end()) return it->second;
  KG_ASSIGN_OR_RETURN(Value v, view.Resolve(term));
  names_.emplace(term, v.lexical);
  return std::move(v.lexical);
}

}  // namespace kg::query_internal
