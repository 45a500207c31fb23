// The statements at one entity, each with the entity at the other end, in
// index order, paged.
//
// Built on View::ScanEdges (one scan per requested predicate, or one over
// all), View::GetStatement for each statement's valid time and
// corroboration, and View::GetEntity for the neighbour. The kinds filter
// keeps neighbours whose kind is one of `kinds` or a sub-kind (literal
// objects then drop out).
//
// Pages: the token (storage/page_token.h) pins the read's transaction time
// and the number of neighbours already returned, so the pages of one listing
// never overlap or skip while writes go on; it is valid only for the same
// id, direction, predicates, kinds and filter.
//
// Thread safety: used by one thread at a time, like its View.

#ifndef KGD_QUERY_NEIGHBORS_H_
#define KGD_QUERY_NEIGHBORS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/schema.h"
#include "storage/store.h"
#include "storage/types.h"

namespace kg {

struct NeighborsQuery {
  std::string id;
  Direction direction = Direction::kBoth;
  std::vector<std::string> predicates;  // empty = any
  std::vector<std::string> kinds;       // neighbour kinds; empty = any
  Filter filter;
  int32_t limit = 100;  // > 0
  std::string page_token;
};

struct Neighbor {
  Statement statement;                    // without evidence, with corroboration
  Direction direction = Direction::kOut;  // kOut: id is the subject
  std::optional<Entity> entity;           // unset for literal objects
};

// NOT_FOUND "id: entity 'x' not found" when it did not exist as of
// filter.as_of; INVALID_ARGUMENT naming the field for an unknown predicate
// or kind or a page token that is malformed or of another listing.
absl::StatusOr<Page<Neighbor>> FindNeighbors(View& view, const Schema& schema,
                                             const NeighborsQuery& query);

}  // namespace kg

#endif  // KGD_QUERY_NEIGHBORS_H_
