#include "interop/stix_scan.h"

#include "absl/strings/str_cat.h"

namespace kg::interop::stix {
namespace {

// Longest envelope kept: the bundle's own members besides "objects".
constexpr size_t kMaxEnvelopeBytes = 1 << 20;

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }

}  // namespace

absl::Status BundleScanner::Fail(absl::string_view why) const {
  return absl::InvalidArgumentError(absl::StrCat("line ", line_, ", column ", column_, ": ", why));
}

absl::Status BundleScanner::Feed(absl::string_view bytes, ObjectFn on_object) {
  for (const char c : bytes) {
    if (c == '\n') {
      ++line_;
      column_ = 0;
    } else {
      ++column_;
    }
    if (done_) {
      if (!IsBlank(c)) return Fail("text after the end of the bundle");
      continue;
    }
    if (in_object_) {
      if (object_.size() >= static_cast<size_t>(max_object_bytes_)) {
        return absl::InvalidArgumentError(
            absl::StrCat("line ", object_line_, ", column ", object_column_, ": objects[", index_,
                         "] is longer than ", max_object_bytes_, " bytes"));
      }
      object_.push_back(c);
    } else if (!in_objects_) {
      if (envelope_.size() >= kMaxEnvelopeBytes) {
        return Fail(absl::StrCat("the bundle's members besides \"objects\" exceed ",
                                 kMaxEnvelopeBytes, " bytes"));
      }
      envelope_.push_back(c);
    }
    if (in_string_) {
      if (escape_) {
        escape_ = false;
      } else if (c == '\\') {
        escape_ = true;
      } else if (c == '"') {
        in_string_ = false;
        after_string_ = string_at_top_;
      } else if (string_at_top_ && string_.size() < 16) {
        string_.push_back(c);
      }
      continue;
    }
    if (IsBlank(c)) continue;
    if (depth_ == 0 && c != '{') return Fail("a STIX bundle is a JSON object");
    if (after_string_) {
      after_string_ = false;
      if (c == ':') {
        key_ = string_;
        continue;
      }
    }
    if (in_objects_ && depth_ == 2 && !in_object_) {
      if (c == ',') continue;
      if (c == ']') {
        in_objects_ = false;
        depth_ = 1;
        envelope_.append("[]");
        continue;
      }
      if (c != '{') return Fail(absl::StrCat("objects[", index_, "]: not a JSON object"));
      in_object_ = true;
      object_.assign(1, '{');
      object_line_ = line_;
      object_column_ = column_;
    }
    switch (c) {
      case '"':
        in_string_ = true;
        string_at_top_ = depth_ == 1;
        if (string_at_top_) string_.clear();
        break;
      case '{':
      case '[':
        if (depth_ == 1 && c == '[' && key_ == "objects" && !in_objects_) {
          in_objects_ = true;
          envelope_.pop_back();  // the '[': the envelope gets "[]" at the end
          depth_ = 2;
          break;
        }
        if (depth_ >= 1000) return Fail("nested deeper than 1000");
        ++depth_;
        break;
      case '}':
      case ']':
        if (depth_ == 0) return Fail(absl::StrCat("unexpected '", std::string(1, c), "'"));
        --depth_;
        if (in_object_ && depth_ == 2) {
          in_object_ = false;
          std::string text = std::move(object_);
          object_.clear();
          if (absl::Status s = on_object(text, index_, object_line_, object_column_); !s.ok()) {
            return s;
          }
          ++index_;
        }
        if (depth_ == 0) done_ = true;
        break;
      case ',':
        if (depth_ == 1) key_.clear();
        break;
      default:
        break;
    }
  }
  return absl::OkStatus();
}

absl::Status BundleScanner::Finish() const {
  if (done_) return absl::OkStatus();
  if (line_ == 1 && column_ == 0) return Fail("the input is empty: a STIX bundle is a JSON object");
  return Fail(in_object_ ? absl::StrCat("the input ended inside objects[", index_, "]")
                         : std::string("the input ended inside the bundle"));
}

}  // namespace kg::interop::stix
