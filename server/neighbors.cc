#include "server/neighbors.h"

#include <utility>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "storage/status_macros.h"

namespace kg::server {
namespace {

// Token grammar (before web-safe base64): "nb1:" <as_of> ":" <skip>.
constexpr char kTokenPrefix[] = "nb1";

std::string EncodeToken(TxTime as_of, int64_t skip) {
  return absl::WebSafeBase64Escape(absl::StrCat(kTokenPrefix, ":", as_of, ":", skip));
}

absl::Status DecodeToken(absl::string_view token, TxTime* as_of, int64_t* skip) {
  std::string raw;
  std::vector<absl::string_view> parts;
  if (absl::WebSafeBase64Unescape(token, &raw)) parts = absl::StrSplit(raw, ':');
  if (parts.size() != 3 || parts[0] != kTokenPrefix || !absl::SimpleAtoi(parts[1], as_of) ||
      !absl::SimpleAtoi(parts[2], skip) || *skip < 0 || *as_of <= 0) {
    return absl::InvalidArgumentError("page_token: malformed");
  }
  return absl::OkStatus();
}

bool KindMatches(const Schema& schema, const std::string& kind,
                 const std::vector<std::string>& kinds) {
  for (const std::string& wanted : kinds) {
    if (schema.IsKindOf(kind, wanted)) return true;
  }
  return false;
}

}  // namespace

absl::StatusOr<Page<Neighbor>> FindNeighbors(View& view, const Schema& schema,
                                             const NeighborsQuery& query) {
  Filter filter = query.filter;
  int64_t skip = 0;
  if (!query.page_token.empty()) {
    KG_RETURN_IF_ERROR(DecodeToken(query.page_token, &filter.as_of, &skip));
  } else if (filter.as_of == kLatest) {
    filter.as_of = view.snapshot_time();  // pin the listing's time
  }
  for (size_t i = 0; i < query.kinds.size(); ++i) {
    if (!schema.IsKnownKind(query.kinds[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat("kinds[", i, "]: unknown kind '", query.kinds[i], "'"));
    }
  }
  // One scan per predicate; a predicate in the schema but never used yet
  // has no edges.
  std::vector<std::optional<TermId>> scans;
  for (size_t i = 0; i < query.predicates.size(); ++i) {
    if (schema.FindPredicate(query.predicates[i]) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "predicates[", i, "]: predicate '", query.predicates[i], "' is not in the schema"));
    }
    absl::StatusOr<TermId> term = view.LookupPredicate(query.predicates[i]);
    if (term.ok()) {
      scans.push_back(*term);
    } else if (!absl::IsNotFound(term.status())) {
      return term.status();
    }
  }
  if (query.predicates.empty()) scans.push_back(std::nullopt);

  KG_RETURN_IF_ERROR(view.GetEntity(query.id, filter.as_of).status());
  KG_ASSIGN_OR_RETURN(TermId node, view.LookupEntity(query.id));

  Page<Neighbor> page;
  int64_t matched = 0;  // neighbours passing every filter, including skipped ones
  bool more = false;
  absl::Status error;
  auto visit = [&](const Edge& edge) -> bool {
    const bool out = edge.subject == node && query.direction != Direction::kIn;
    const TermId other = out ? edge.object : edge.subject;
    std::optional<Entity> entity;
    if (!out || edge.object_is_entity) {
      absl::StatusOr<Value> value = view.Resolve(other);
      absl::StatusOr<Entity> e = value.ok() ? view.GetEntity(value->lexical, filter.as_of)
                                            : absl::StatusOr<Entity>(value.status());
      if (e.ok()) {
        entity = *std::move(e);
      } else if (!absl::IsNotFound(e.status())) {
        error = e.status();
        return false;
      }  // else: a term without an entity record as of then; leave it unset
    }
    if (!query.kinds.empty() &&
        (!entity.has_value() || !KindMatches(schema, entity->kind, query.kinds))) {
      return true;
    }
    if (matched++ < skip) return true;
    if (static_cast<int32_t>(page.items.size()) == query.limit) {
      more = true;
      return false;
    }
    absl::StatusOr<Statement> statement =
        view.GetStatement(edge.statement, filter, /*include_retracted=*/false);
    if (!statement.ok()) {
      error = statement.status();
      return false;
    }
    statement->evidence.clear();
    page.items.push_back(
        {*std::move(statement), out ? Direction::kOut : Direction::kIn, std::move(entity)});
    return true;
  };
  for (const std::optional<TermId>& predicate : scans) {
    KG_RETURN_IF_ERROR(view.ScanEdges(node, query.direction, predicate, filter, visit));
    KG_RETURN_IF_ERROR(error);
    if (more) break;
  }
  if (more) page.next_page_token = EncodeToken(filter.as_of, skip + query.limit);
  return page;
}

}  // namespace kg::server
