#include "interop/csv_reader.h"

#include "absl/strings/str_cat.h"

namespace kg::interop {

absl::Status CsvReader::Error(absl::string_view what) const {
  return absl::InvalidArgumentError(
      absl::StrCat("line ", line_, ", column ", ends_.size() + 1, ": ", what));
}

absl::Status CsvReader::Append(char c) {
  if (buffer_.size() >= static_cast<size_t>(options_.max_record_bytes)) {
    return absl::InvalidArgumentError(absl::StrCat("line ", record_line_, ": a record longer than ",
                                                   options_.max_record_bytes, " bytes"));
  }
  buffer_.push_back(c);
  return absl::OkStatus();
}

absl::Status CsvReader::EndField() {
  if (ends_.size() >= static_cast<size_t>(options_.max_fields)) {
    return Error(absl::StrCat("more than ", options_.max_fields, " fields"));
  }
  ends_.push_back(buffer_.size());
  state_ = State::kFieldStart;
  return absl::OkStatus();
}

absl::Status CsvReader::EndRecord(RecordFn on_record) {
  // A line break ends an unquoted field; "\r\n" ends it too.
  if (state_ == State::kUnquoted && !buffer_.empty() && buffer_.back() == '\r' &&
      buffer_.size() > (ends_.empty() ? 0 : ends_.back())) {
    buffer_.pop_back();
  }
  absl::Status s = absl::OkStatus();
  const bool blank = ends_.empty() && buffer_.empty() && state_ != State::kQuoteInQuoted;
  if (!blank) {
    s = EndField();
    if (s.ok()) {
      fields_.clear();
      size_t begin = 0;
      for (size_t end : ends_) {
        fields_.push_back(absl::string_view(buffer_).substr(begin, end - begin));
        begin = end;
      }
      ++records_;
      s = on_record(fields_, record_line_);
    }
  }
  buffer_.clear();
  ends_.clear();
  state_ = State::kFieldStart;
  in_record_ = false;
  return s;
}

absl::Status CsvReader::Feed(absl::string_view bytes, RecordFn on_record) {
  for (char c : bytes) {
    if (!in_record_) {
      in_record_ = true;
      record_line_ = line_;
    }
    switch (state_) {
      case State::kFieldStart:
        if (options_.quoting && c == '"') {
          state_ = State::kQuoted;
          continue;
        }
        state_ = State::kUnquoted;
        [[fallthrough]];
      case State::kUnquoted:
        if (c == options_.delimiter) {
          if (absl::Status s = EndField(); !s.ok()) return s;
        } else if (c == '\n') {
          if (absl::Status s = EndRecord(on_record); !s.ok()) return s;
          ++line_;
        } else if (options_.quoting && c == '"') {
          return Error("a quote inside an unquoted field (quote the whole field, doubling quotes)");
        } else if (absl::Status s = Append(c); !s.ok()) {
          return s;
        }
        break;
      case State::kQuoted:
        if (c == '"') {
          state_ = State::kQuoteInQuoted;
        } else {
          if (c == '\n') ++line_;
          if (absl::Status s = Append(c); !s.ok()) return s;
        }
        break;
      case State::kQuoteInQuoted:
        if (c == '"') {
          state_ = State::kQuoted;
          if (absl::Status s = Append('"'); !s.ok()) return s;
        } else if (c == options_.delimiter) {
          if (absl::Status s = EndField(); !s.ok()) return s;
        } else if (c == '\n') {
          if (absl::Status s = EndRecord(on_record); !s.ok()) return s;
          ++line_;
        } else if (c != '\r') {
          return Error("a closing quote not followed by a delimiter or a line break");
        }
        break;
    }
  }
  return absl::OkStatus();
}

absl::Status CsvReader::Finish(RecordFn on_record) {
  if (state_ == State::kQuoted) return Error("a quoted field not closed at the end of the input");
  if (!in_record_) return absl::OkStatus();
  return EndRecord(on_record);
}

}  // namespace kg::interop
