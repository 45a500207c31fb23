#include "query/neighbors.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "query/edge_filter.h"
#include "storage/page_token.h"
#include "storage/status_macros.h"
#include "storage/validation.h"

namespace kg {
namespace {

bool KindMatches(const Schema& schema, const std::string& kind,
                 const std::vector<std::string>& kinds) {
  for (const std::string& wanted : kinds) {
    if (schema.IsKindOf(kind, wanted)) return true;
  }
  return false;
}

// The statement an edge stands for, without evidence, from what its scan
// read; only an edge from a summary written before summaries held every
// field needs the statement's records.
absl::StatusOr<Statement> StatementOf(View& view, const Edge& edge, const Filter& filter) {
  if (edge.partial) {
    KG_ASSIGN_OR_RETURN(Statement st,
                        view.GetStatement(edge.statement, filter, /*include_retracted=*/false));
    st.evidence.clear();
    return st;
  }
  Statement st;
  st.id = edge.statement;
  KG_ASSIGN_OR_RETURN(Value subject, view.Resolve(edge.subject));
  st.subject = std::move(subject.lexical);
  KG_ASSIGN_OR_RETURN(Value predicate, view.Resolve(edge.predicate));
  st.predicate = std::move(predicate.lexical);
  KG_ASSIGN_OR_RETURN(st.object, view.Resolve(edge.object));
  st.valid_from = edge.valid_from;
  st.valid_to = edge.valid_to;
  st.corroboration = edge.corroboration;
  return st;
}

}  // namespace

absl::StatusOr<Page<Neighbor>> FindNeighbors(View& view, const Schema& schema,
                                             const NeighborsQuery& query) {
  PageListing listing("Neighbors");
  listing.Add(query.id).Add(static_cast<int64_t>(query.direction)).Add(query.predicates);
  listing.Add(query.kinds).Add(query.filter);
  KG_ASSIGN_OR_RETURN(PageCursor cursor, StartPage(query.page_token, listing, query.filter.as_of,
                                                   view.snapshot_time(), 1));
  int64_t skip = 0;
  if (!query.page_token.empty()) {
    KG_ASSIGN_OR_RETURN(skip, cursor.Int(0));
  }
  Filter filter = query.filter;
  filter.as_of = cursor.as_of;
  KG_RETURN_IF_ERROR(query_internal::KindCheck(schema, query.kinds, filter.as_of).Validate());
  // One scan per predicate; a predicate in the schema but never used yet
  // has no edges.
  std::vector<std::optional<TermId>> scans;
  for (size_t i = 0; i < query.predicates.size(); ++i) {
    if (schema.FindPredicate(query.predicates[i]) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat(
          "predicates[", i, "]: predicate '", Clip(query.predicates[i]), "' is not in the schema"));
    }
    absl::StatusOr<TermId> term = view.LookupPredicate(query.predicates[i]);
    if (term.ok()) {
      scans.push_back(*term);
    } else if (!absl::IsNotFound(term.status())) {
      return term.status();
    }
  }
  if (query.predicates.empty()) scans.push_back(std::nullopt);

  KG_ASSIGN_OR_RETURN(TermId node,
                      query_internal::ResolveEntity(view, "id", query.id, filter.as_of));

  Page<Neighbor> page;
  page.as_of = filter.as_of;
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
    absl::StatusOr<Statement> statement = StatementOf(view, edge, filter);
    if (!statement.ok()) {
      error = statement.status();
      return false;
    }
    page.items.push_back(
        {*std::move(statement), out ? Direction::kOut : Direction::kIn, std::move(entity)});
    return true;
  };
  for (const std::optional<TermId>& predicate : scans) {
    KG_RETURN_IF_ERROR(view.ScanEdges(node, query.direction, predicate, filter, visit));
    KG_RETURN_IF_ERROR(error);
    if (more) break;
  }
  if (more) {
    page.next_page_token =
        EncodePageToken(listing, filter.as_of, {absl::StrCat(skip + query.limit)});
  }
  return page;
}

}  // namespace kg
