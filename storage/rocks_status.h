// The one place where rocksdb::Status becomes absl::Status.

#ifndef KGD_STORAGE_ROCKS_STATUS_H_
#define KGD_STORAGE_ROCKS_STATUS_H_

#include <string_view>

#include "absl/status/status.h"
#include "rocksdb/status.h"

namespace kg {

// OK stays OK; NotFound -> NOT_FOUND, Corruption -> DATA_LOSS, IOError and
// the rest -> INTERNAL / UNAVAILABLE; the message is prefixed with `context` (when not empty).
absl::Status FromRocks(const rocksdb::Status& s, std::string_view context);

}  // namespace kg

#endif  // KGD_STORAGE_ROCKS_STATUS_H_
