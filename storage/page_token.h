// The page tokens of every listing (SearchEntities, Match, ClaimsBy,
// History, ListAudit, ListDisputes, Neighbors, Timeline), in one grammar.
//
// A token carries a digest of the listing it belongs to (the listing's name
// and the query parameters that define its results), the transaction time
// its first page read at, and the listing's own resume position as a few
// opaque fields. A token presented to another listing, or to the same
// listing with other parameters, is INVALID_ARGUMENT "page_token: belongs to
// another listing or query"; anything that does not decode is
// INVALID_ARGUMENT "page_token: malformed". The layout is in
// storage/FORMAT.md, "Page tokens"; clients treat tokens as opaque.
//
// Example:
//   PageListing listing("Match");
//   listing.Add(pattern.subject).Add(pattern.predicate).Add(filter);
//   KG_ASSIGN_OR_RETURN(PageCursor at, StartPage(token, listing, filter.as_of,
//                                                view.snapshot_time(), 1));
//   ... read as of at.as_of from at.fields[0] (empty on the first page) ...
//   page.next_page_token = EncodePageToken(listing, at.as_of, {resume_key});
//
// Thread safety: a PageListing is a value; the functions are pure.

#ifndef KGD_STORAGE_PAGE_TOKEN_H_
#define KGD_STORAGE_PAGE_TOKEN_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/types.h"

namespace kg {

// The identity of one listing: its name and the parameters that decide what
// it lists. The page size is not one of them (pages may vary in size), and
// neither is the page token itself.
class PageListing {
 public:
  explicit PageListing(std::string_view name);

  PageListing& Add(std::string_view part);
  PageListing& Add(int64_t part);
  PageListing& Add(const std::vector<std::string>& parts);
  // Every field of the filter, as_of as the request gave it.
  PageListing& Add(const Filter& filter);

  // 8 bytes of Murmur3x128 over the length-prefixed parts.
  std::string Digest() const;

 private:
  std::string parts_;
};

// Where a page starts: the transaction time the listing reads at and the
// listing's resume fields (empty on the first page).
struct PageCursor {
  TxTime as_of = 0;
  std::vector<std::string> fields;

  // fields[i] as a non-negative decimal; INVALID_ARGUMENT "page_token:
  // malformed" otherwise.
  absl::StatusOr<int64_t> Int(size_t i) const;
};

std::string EncodePageToken(const PageListing& listing, TxTime as_of,
                            const std::vector<std::string>& fields);

// The cursor of a page of `listing` read from a view whose snapshot time is
// `snapshot`. Without a token: the requested as_of clamped to the snapshot
// (this pins the whole listing to one time) and no fields. With one: the
// token's time (clamped likewise) and exactly `num_fields` fields, or
// INVALID_ARGUMENT as above.
absl::StatusOr<PageCursor> StartPage(std::string_view token, const PageListing& listing,
                                     TxTime as_of, TxTime snapshot, size_t num_fields);

}  // namespace kg

#endif  // KGD_STORAGE_PAGE_TOKEN_H_
