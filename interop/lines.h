// Splits a byte stream that arrives in arbitrary chunks into lines, holding
// back only the unfinished last one (at most max_line_bytes).

#ifndef KGD_INTEROP_LINES_H_
#define KGD_INTEROP_LINES_H_

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace kg::interop {

class LineSplitter {
 public:
  // Each line is passed without its "\n" (or "\r\n"), with its 1-based
  // number. A line's error stops the feed and is returned.
  using LineFn = absl::FunctionRef<absl::Status(absl::string_view line, int64_t number)>;

  explicit LineSplitter(int32_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

  absl::Status Feed(absl::string_view bytes, LineFn on_line) {
    while (!bytes.empty()) {
      const size_t end = bytes.find('\n');
      if (end == absl::string_view::npos) {
        partial_.append(bytes.data(), bytes.size());
        return CheckLength();
      }
      partial_.append(bytes.data(), end);
      bytes.remove_prefix(end + 1);
      if (absl::Status s = CheckLength(); !s.ok()) return s;
      if (absl::Status s = Emit(on_line); !s.ok()) return s;
    }
    return absl::OkStatus();
  }

  // The input ended: its last line, when it had no "\n".
  absl::Status Finish(LineFn on_line) {
    return partial_.empty() ? absl::OkStatus() : Emit(on_line);
  }

  int64_t lines() const { return lines_; }

 private:
  absl::Status CheckLength() const {
    if (partial_.size() <= static_cast<size_t>(max_line_bytes_)) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat("line ", lines_ + 1, ": longer than ", max_line_bytes_, " bytes"));
  }

  absl::Status Emit(LineFn on_line) {
    ++lines_;
    absl::string_view line = partial_;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    absl::Status s = on_line(line, lines_);
    partial_.clear();
    return s;
  }

  const int32_t max_line_bytes_;
  std::string partial_;
  int64_t lines_ = 0;
};

}  // namespace kg::interop

#endif  // KGD_INTEROP_LINES_H_
