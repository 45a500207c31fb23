// A streaming reader of delimited tables: RFC 4180 CSV (quoted fields may
// hold delimiters, line breaks and doubled quotes) or, with quoting off,
// plain tab-separated files where a quote is an ordinary byte. Bytes arrive
// in arbitrary chunks; only the record being read is held (at most
// max_record_bytes), so memory is bounded whatever the input.
//
// Errors are INVALID_ARGUMENT "line L, column C: ..." with the physical line
// (1-based) and the field number (1-based) where the input went wrong.

#ifndef KGD_INTEROP_CSV_READER_H_
#define KGD_INTEROP_CSV_READER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/strings/string_view.h"

namespace kg::interop {

struct CsvOptions {
  char delimiter = ',';
  bool quoting = true;
  int32_t max_record_bytes = 1 << 20;
  int32_t max_fields = 1024;
};

class CsvReader {
 public:
  // A record's fields (views valid during the call) and the physical line
  // it starts on. Blank lines are no records. An error stops the feed and
  // is returned.
  using RecordFn =
      absl::FunctionRef<absl::Status(const std::vector<absl::string_view>& fields, int64_t line)>;

  explicit CsvReader(const CsvOptions& options) : options_(options) {}

  absl::Status Feed(absl::string_view bytes, RecordFn on_record);
  // The input ended: its last record, when it had no line break.
  absl::Status Finish(RecordFn on_record);

  // Physical lines and records read so far.
  int64_t lines() const { return line_ - 1; }
  int64_t records() const { return records_; }

 private:
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuoteInQuoted };

  absl::Status Error(absl::string_view what) const;
  absl::Status Append(char c);
  absl::Status EndField();
  absl::Status EndRecord(RecordFn on_record);

  const CsvOptions options_;
  State state_ = State::kFieldStart;
  std::string buffer_;        // the fields of the record so far, back to back
  std::vector<size_t> ends_;  // where each finished field ends in buffer_
  std::vector<absl::string_view> fields_;
  int64_t line_ = 1;         // the physical line being read
  int64_t record_line_ = 1;  // where the record being read started
  bool in_record_ = false;
  int64_t records_ = 0;
};

}  // namespace kg::interop

#endif  // KGD_INTEROP_CSV_READER_H_
