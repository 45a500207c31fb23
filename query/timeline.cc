#include "query/timeline.h"

#include <algorithm>
#include <tuple>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "query/edge_filter.h"
#include "storage/page_token.h"
#include "storage/status_macros.h"
#include "storage/validation.h"

namespace kg {
namespace {

using query_internal::IsDate;

constexpr std::string_view kActorRoles[] = {"perpetrated_by", "targeted", "participant"};
constexpr std::string_view kContainment[] = {"located_in", "part_of"};

// Sort key of an entry: dated before undated, then date, incident, statement.
struct Key {
  bool undated = false;
  std::string date;
  std::string incident;
  StatementId statement = 0;
  friend bool operator<(const Key& a, const Key& b) {
    return std::tie(a.undated, a.date, a.incident, a.statement) <
           std::tie(b.undated, b.date, b.incident, b.statement);
  }
};

// The listing a page token belongs to, and the position it holds: the sort
// key of the last entry returned, as four fields.
PageListing ListingOf(const TimelineRequest& r) {
  PageListing listing("Timeline");
  listing.Add(r.actor).Add(r.place).Add(r.date_from).Add(r.date_to).Add(r.filter);
  return listing;
}

std::vector<std::string> PositionOf(const Key& k) {
  return {k.undated ? "1" : "0", k.date, k.incident, absl::StrCat(k.statement)};
}

absl::StatusOr<Key> KeyOf(const PageCursor& cursor) {
  Key k;
  if (cursor.fields[0] != "0" && cursor.fields[0] != "1") {
    return absl::InvalidArgumentError("page_token: malformed");
  }
  k.undated = cursor.fields[0] == "1";
  k.date = cursor.fields[1];
  k.incident = cursor.fields[2];
  KG_ASSIGN_OR_RETURN(int64_t statement, cursor.Int(3));
  k.statement = static_cast<StatementId>(statement);
  return k;
}

// INVALID_ARGUMENT unless `entity` is of kind `base` or one of its
// sub-kinds. A schema without that kind imposes nothing.
absl::Status CheckKind(View& view, const Schema& schema, const std::string& field,
                       const std::string& id, TermId entity, TxTime as_of,
                       const std::string& base) {
  if (!schema.IsKnownKind(base)) return absl::OkStatus();
  KG_ASSIGN_OR_RETURN(std::string kind, view.KindOf(entity, as_of));
  if (schema.IsKindOf(kind, base)) return absl::OkStatus();
  return absl::InvalidArgumentError(
      absl::StrCat(field, ": entity '", Clip(id), "' of kind ", kind, " is not a kind of ", base));
}

// Compares dates of different precision on their common prefix, so that
// "2019" lies within ["2019-03-01", "2019-03-31"].
int ComparePrefix(std::string_view a, std::string_view b) {
  const size_t n = std::min(a.size(), b.size());
  return a.substr(0, n).compare(b.substr(0, n));
}

struct Hit {
  TermId incident;
  std::string role;
  StatementId statement;
  std::string place;
};

}  // namespace

TimelineBuilder::TimelineBuilder(const Schema& schema, QueryLimits limits)
    : schema_(schema), limits_(limits) {}

absl::StatusOr<TimelineResult> TimelineBuilder::Build(
    View& view, const TimelineRequest& request, const std::function<bool()>& is_cancelled) const {
  if (request.actor.empty() == request.place.empty()) {
    return absl::InvalidArgumentError("actor: exactly one of actor and place must be set");
  }
  const int32_t page_size = request.page_size == 0 ? limits_.default_page_size : request.page_size;
  KG_RETURN_IF_ERROR(query_internal::CheckRange("page_size", page_size, 1, limits_.max_page_size));
  if (!request.date_from.empty() && !IsDate(request.date_from)) {
    return absl::InvalidArgumentError(
        absl::StrCat("date_from: must be YYYY[-MM[-DD]], got '", Clip(request.date_from), "'"));
  }
  if (!request.date_to.empty() && !IsDate(request.date_to)) {
    return absl::InvalidArgumentError(
        absl::StrCat("date_to: must be YYYY[-MM[-DD]], got '", Clip(request.date_to), "'"));
  }
  KG_RETURN_IF_ERROR(query_internal::ValidateFilter(request.filter));
  const PageListing listing = ListingOf(request);
  KG_ASSIGN_OR_RETURN(PageCursor cursor, StartPage(request.page_token, listing,
                                                   request.filter.as_of, view.snapshot_time(), 4));
  std::optional<Key> after;
  if (!request.page_token.empty()) {
    KG_ASSIGN_OR_RETURN(after, KeyOf(cursor));
  }
  auto cancelled = [&] { return is_cancelled && is_cancelled(); };
  Filter filter = request.filter;
  filter.as_of = cursor.as_of;  // every page reads as of the first one
  TimelineResult result;
  int64_t examined = 0;
  std::vector<Hit> hits;
  query_internal::TermNames names;

  // Collects incident -predicate-> target edges for one predicate.
  auto collect = [&](TermId target, std::string_view predicate,
                     const std::string& place) -> absl::Status {
    absl::StatusOr<TermId> p = view.LookupPredicate(predicate);
    if (absl::IsNotFound(p.status())) return absl::OkStatus();  // never used: no hits
    KG_RETURN_IF_ERROR(p.status());
    return view.ScanEdges(target, Direction::kIn, *p, filter, [&](const Edge& e) {
      ++examined;
      if (static_cast<int64_t>(hits.size()) >= limits_.max_timeline_incidents ||
          examined > limits_.max_edges_examined) {
        result.truncated = true;
        return false;
      }
      hits.push_back({e.subject, std::string(predicate), e.statement, place});
      return true;
    });
  };

  if (!request.actor.empty()) {
    KG_ASSIGN_OR_RETURN(TermId actor,
                        query_internal::ResolveEntity(view, "actor", request.actor, filter.as_of));
    KG_RETURN_IF_ERROR(
        CheckKind(view, schema_, "actor", request.actor, actor, filter.as_of, "Actor"));
    for (std::string_view role : kActorRoles) {
      if (cancelled()) return absl::CancelledError("timeline cancelled");
      KG_RETURN_IF_ERROR(collect(actor, role, ""));
    }
  } else {
    KG_ASSIGN_OR_RETURN(TermId place,
                        query_internal::ResolveEntity(view, "place", request.place, filter.as_of));
    KG_RETURN_IF_ERROR(
        CheckKind(view, schema_, "place", request.place, place, filter.as_of, "Location"));
    // The place and its sub-places: walk located_in / part_of edges inward.
    std::vector<TermId> containment;
    for (std::string_view name : kContainment) {
      absl::StatusOr<TermId> p = view.LookupPredicate(name);
      if (p.ok())
        containment.push_back(*p);
      else if (!absl::IsNotFound(p.status()))
        return p.status();
    }
    std::vector<TermId> places{place};
    std::unordered_set<TermId> seen{place};
    for (size_t i = 0; i < places.size() && !result.truncated; ++i) {
      if (cancelled()) return absl::CancelledError("timeline cancelled");
      for (TermId p : containment) {
        KG_RETURN_IF_ERROR(view.ScanEdges(places[i], Direction::kIn, p, filter, [&](const Edge& e) {
          ++examined;
          if (seen.contains(e.subject)) return true;
          if (static_cast<int64_t>(places.size()) >= limits_.max_sub_places ||
              examined > limits_.max_edges_examined) {
            result.truncated = true;
            return false;
          }
          seen.insert(e.subject);
          places.push_back(e.subject);
          return true;
        }));
      }
    }
    for (TermId p : places) {
      if (cancelled()) return absl::CancelledError("timeline cancelled");
      KG_ASSIGN_OR_RETURN(std::string place_id, names.Name(view, p));
      KG_RETURN_IF_ERROR(collect(p, "occurred_in", place_id));
      if (result.truncated) break;
    }
  }

  // Date each incident (one entity read per distinct incident), filter by
  // the date range and the page position, and sort.
  struct Row {
    Key key;
    size_t hit;
  };
  std::unordered_map<TermId, std::optional<Entity>> incidents;
  std::vector<Row> rows;
  for (size_t i = 0; i < hits.size(); ++i) {
    auto [it, fresh] = incidents.try_emplace(hits[i].incident);
    if (fresh) {
      if (cancelled()) return absl::CancelledError("timeline cancelled");
      KG_ASSIGN_OR_RETURN(std::string id, names.Name(view, hits[i].incident));
      absl::StatusOr<Entity> entity = view.GetEntity(id, filter.as_of);
      if (entity.ok()) {
        it->second = std::move(*entity);
      } else if (absl::IsNotFound(entity.status())) {
        Entity bare;
        bare.id = std::move(id);
        it->second = std::move(bare);
      } else {
        return entity.status();
      }
    }
    const Entity& incident = *it->second;
    Row row{{}, i};
    auto date = incident.attributes.find("date");
    row.key.undated = date == incident.attributes.end() || date->second.lexical.empty();
    if (!row.key.undated) row.key.date = date->second.lexical;
    row.key.incident = incident.id;
    row.key.statement = hits[i].statement;
    if (!request.date_from.empty() &&
        (row.key.undated || ComparePrefix(row.key.date, request.date_from) < 0)) {
      continue;
    }
    if (!request.date_to.empty() &&
        (row.key.undated || ComparePrefix(row.key.date, request.date_to) > 0)) {
      continue;
    }
    if (after && !(*after < row.key)) continue;
    rows.push_back(std::move(row));
  }
  std::sort(rows.begin(), rows.end(), [](const Row& a, const Row& b) { return a.key < b.key; });
  const size_t n = std::min(rows.size(), static_cast<size_t>(page_size));
  for (size_t r = 0; r < n; ++r) {
    const Hit& hit = hits[rows[r].hit];
    const Entity& incident = *incidents.at(hit.incident);
    TimelineEntry entry;
    entry.incident = incident;
    entry.date = rows[r].key.date;
    auto end = incident.attributes.find("end_date");
    if (end != incident.attributes.end()) entry.end_date = end->second.lexical;
    entry.role = hit.role;
    entry.statement_id = hit.statement;
    entry.place = hit.place;
    result.entries.push_back(std::move(entry));
  }
  if (rows.size() > n) {
    result.next_page_token = EncodePageToken(listing, filter.as_of, PositionOf(rows[n - 1].key));
  }
  return result;
}

}  // namespace kg
