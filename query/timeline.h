// Timelines: the incidents involving an actor, or that occurred in a place
// or any of its sub-places, in date order.
//
// Actor: statements  incident -perpetrated_by|targeted|participant-> actor
// (role = that predicate). Place: the place and every place that reaches it
// through located_in / part_of edges (walked inward from the place,
// bounded by limits.max_sub_places), then statements
// incident -occurred_in-> any of them (role "occurred_in"; `place` = the
// sub-place). Edges pass the request's kg::Filter.
//
// Entries are ordered by the incident's "date" attribute (undated last), then
// incident id, then statement id; only incidents whose date lies in
// [date_from, date_to] are kept when a bound is given (undated ones then
// drop out). Dates compare by prefix: "2019" lies in ["2019-01-01",
// "2019-12-31"] and "2019-05-11" in ["2019", "2019"]. An incident appears
// once per (role, statement).
//
// Pages: page_token is opaque (storage/page_token.h); it pins the position
// after the last entry returned and the transaction time of the first page,
// so pages neither overlap nor skip while writes go on. It is valid only
// for the same actor or place, dates and filter.
//
// Thread safety: immutable; Build may be called concurrently with different
// views.

#ifndef KGD_QUERY_TIMELINE_H_
#define KGD_QUERY_TIMELINE_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "query/limits.h"
#include "storage/schema.h"
#include "storage/store.h"
#include "storage/types.h"

namespace kg {

// Mirrors kg.v1.TimelineRequest. Exactly one of actor and place.
struct TimelineRequest {
  std::string actor;
  std::string place;
  std::string date_from;  // inclusive; empty = open
  std::string date_to;    // inclusive; empty = open
  Filter filter;
  int32_t page_size = 0;  // 0 = limits.default_page_size
  std::string page_token;
};

// Mirrors kg.v1.TimelineEntry.
struct TimelineEntry {
  Entity incident;
  std::string date;
  std::string end_date;
  std::string role;  // "perpetrated_by", "targeted", "participant", "occurred_in"
  StatementId statement_id = 0;
  std::string place;  // the (sub-)place, for place timelines and occurred_in
};

struct TimelineResult {
  std::vector<TimelineEntry> entries;
  std::string next_page_token;  // empty when complete
  // A bound (sub-places or incidents gathered) cut the timeline short.
  bool truncated = false;
};

class TimelineBuilder final {
 public:
  // `schema` must outlive the builder; it says which kinds are Actors and
  // Locations.
  explicit TimelineBuilder(const Schema& schema, QueryLimits limits = {});

  // INVALID_ARGUMENT naming the field ("actor: exactly one of actor and
  // place must be set", "page_token: malformed", "date_from: ...", "place:
  // entity 'x' of kind Person is not a kind of Location" for an actor that
  // is no Actor or a place that is no Location), NOT_FOUND "actor: entity 'x' not
  // found" when it did not exist as of filter.as_of.
  absl::StatusOr<TimelineResult> Build(View& view, const TimelineRequest& request,
                                       const std::function<bool()>& is_cancelled = {}) const;

 private:
  const Schema& schema_;
  QueryLimits limits_;
};

}  // namespace kg

#endif  // KGD_QUERY_TIMELINE_H_
