// Splits a STIX bundle arriving in arbitrary chunks into the texts of the
// objects of its "objects" array, one at a time, so that memory holds one
// object (at most max_object_bytes) and the bundle's other members. It only
// tracks strings, escapes and nesting; nlohmann-json parses each text.

#ifndef KGD_INTEROP_STIX_SCAN_H_
#define KGD_INTEROP_STIX_SCAN_H_

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace kg::interop::stix {

class BundleScanner {
 public:
  // An element of "objects": its text, its index, and the line and column
  // (1-based, in bytes) where it starts.
  using ObjectFn = absl::FunctionRef<absl::Status(absl::string_view text, int64_t index,
                                                  int64_t line, int64_t column)>;

  explicit BundleScanner(int64_t max_object_bytes) : max_object_bytes_(max_object_bytes) {}

  // INVALID_ARGUMENT "line L, column C: ..." when the input is not a JSON
  // object, an element of "objects" is not an object, or an object is too
  // large; the callback's error stops the feed and is returned.
  absl::Status Feed(absl::string_view bytes, ObjectFn on_object);
  // The input ended: INVALID_ARGUMENT unless the top-level object closed.
  absl::Status Finish() const;

  // The top-level object with "objects" emptied ("[]"): complete after
  // Finish.
  const std::string& envelope() const { return envelope_; }
  int64_t lines() const { return line_; }
  int64_t objects() const { return index_; }

 private:
  absl::Status Fail(absl::string_view why) const;

  const int64_t max_object_bytes_;
  std::string envelope_;
  std::string object_;
  int depth_ = 0;
  bool in_string_ = false;
  bool escape_ = false;
  bool done_ = false;
  bool in_objects_ = false;  // inside the "objects" array
  bool in_object_ = false;   // inside one of its elements
  // The last string at depth 1, and whether a ':' made it the current key.
  std::string string_;
  bool string_at_top_ = false;
  bool after_string_ = false;
  std::string key_;
  int64_t line_ = 1, column_ = 0;
  int64_t object_line_ = 0, object_column_ = 0;
  int64_t index_ = 0;
};

}  // namespace kg::interop::stix

#endif  // KGD_INTEROP_STIX_SCAN_H_
