// The change feed: every committed change to the graph (entity upserted,
// statement created, evidence added / revised / retracted, merge, split,
// purge), once each, in commit order, kept in the `feed` column family
// (storage/FORMAT.md, "Change feed") and written in the same atomic batch as
// the change itself.
//
// A change's ChangePosition (its transaction time and its index within that
// write) orders it; a resume token is that position, encoded. A reader asks
// for the changes after a position up to the store's published position (the
// last change whose write was acknowledged), a bounded page at a time, and
// follows new ones through a ChangeListener. Change and ChangePage are in
// storage/store.h, beside the HistoryEvent they carry.
//
// Example:
//   ChangePosition at = store.PublishedChange();  // "from now on"
//   ...
//   KG_ASSIGN_OR_RETURN(ChangePage page,
//                       view->ChangesAfter(at, store.PublishedChange(), filter, 100));
//   for (const Change& c : page.changes) Send(c, EncodeChangeToken(c.position));
//   at = page.resume_after;

#ifndef KGD_STORAGE_CHANGE_FEED_H_
#define KGD_STORAGE_CHANGE_FEED_H_

#include <compare>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "storage/types.h"

namespace kg {

// Where a change sits in commit order. {0, 0} comes before every change.
struct ChangePosition {
  TxTime tx = 0;
  uint32_t seq = 0;  // the change's index among those of its write
  auto operator<=>(const ChangePosition&) const = default;
};

// The resume token of `position`: opaque, URL-safe, checksummed.
std::string EncodeChangeToken(const ChangePosition& position);
// INVALID_ARGUMENT "<field>: ..." for anything EncodeChangeToken did not
// write (garbled, truncated, or a page token of a listing).
absl::StatusOr<ChangePosition> DecodeChangeToken(std::string_view token, std::string_view field);

// Which changes a reader wants. Each non-empty list must match (an empty one
// matches everything); within a list any entry matches.
struct ChangeFilter {
  std::vector<uint8_t> types;  // HistoryEvent::Type values
  // Entity kinds (exact, as of the change): the entity of an entity event,
  // the subject or object of a statement event.
  std::vector<std::string> kinds;
  // Predicates of statement events; entity events never match.
  std::vector<std::string> predicates;
  // Entity ids: the entity (or merge / split counterpart) of an entity
  // event, the subject or object of a statement event.
  std::vector<std::string> entities;
};

// Told each time the store publishes changes. Runs on the thread of the
// write that published them, so it must only hand work off (never block,
// never write to the store).
class ChangeListener {
 public:
  virtual ~ChangeListener() = default;
  virtual void OnChangesPublished() = 0;
};

}  // namespace kg

#endif  // KGD_STORAGE_CHANGE_FEED_H_
