// kg::NormalizeText: the folded form of names and excerpts used by alias
// search and the independence rule of corroboration.
//
// Each code point gets one action from storage/fold_table.inc (generated from
// Unicode data by tools/gen_fold_table.py; see there for the rules): keep,
// drop (diacritics, apostrophes, format characters), separator (punctuation,
// symbols, spaces) or map (a folded replacement). Runs of separators become
// one space; leading and trailing separators vanish. Bytes that are not valid
// UTF-8 (stray continuation bytes, overlong forms, surrogates, code points
// past U+10FFFF, truncated sequences) count as separators, one byte at a time.

#include <algorithm>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "storage/corroboration.h"

namespace kg {
namespace {

struct FoldRange {
  uint32_t first;
  uint32_t last;
  uint8_t kind;  // FoldKind
  uint8_t length;
  uint16_t offset;
};

enum FoldKind : uint8_t { kKeep = 0, kSeparator = 1, kDrop = 2, kMap = 3 };

#include "storage/fold_table.inc"

// Decodes one UTF-8 sequence at text[*i]. Returns the code point and advances
// *i past it, or returns -1 and advances by one byte when the input is not
// valid UTF-8 there.
int32_t DecodeUtf8(std::string_view text, size_t* i) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data()) + *i;
  const size_t left = text.size() - *i;
  const unsigned char b0 = p[0];
  int32_t cp;
  size_t n;
  int32_t min;
  if (b0 < 0x80) {
    ++*i;
    return b0;
  } else if ((b0 & 0xE0) == 0xC0) {
    cp = b0 & 0x1F, n = 2, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    cp = b0 & 0x0F, n = 3, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    cp = b0 & 0x07, n = 4, min = 0x10000;
  } else {
    ++*i;
    return -1;
  }
  if (left < n) {
    ++*i;
    return -1;
  }
  for (size_t k = 1; k < n; ++k) {
    if ((p[k] & 0xC0) != 0x80) {
      ++*i;
      return -1;
    }
    cp = (cp << 6) | (p[k] & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++*i;
    return -1;
  }
  *i += n;
  return cp;
}

const FoldRange* FindRange(uint32_t cp) {
  // First range whose last >= cp; the table covers U+0080..U+10FFFF without gaps.
  const FoldRange* end = kFoldRanges + std::size(kFoldRanges);
  const FoldRange* r = std::lower_bound(
      kFoldRanges, end, cp, [](const FoldRange& range, uint32_t c) { return range.last < c; });
  return r == end ? nullptr : r;
}

}  // namespace

std::string NormalizeText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  bool pending_space = false;
  // Appends a kept or mapped piece, preceded by the pending separator.
  auto emit = [&](const char* data, size_t size) {
    if (pending_space && !out.empty()) out += ' ';
    pending_space = false;
    out.append(data, size);
  };
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char b = static_cast<unsigned char>(text[i]);
    if (b < 0x80) {  // ASCII fast path
      ++i;
      if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')) {
        const char c = static_cast<char>(b);
        emit(&c, 1);
      } else if (b >= 'A' && b <= 'Z') {
        const char c = static_cast<char>(b - 'A' + 'a');
        emit(&c, 1);
      } else if (b == '\'' || b == '`') {
        // Apostrophes vanish inside words ("Ma'arrat" -> "maarrat").
      } else {
        pending_space = true;
      }
      continue;
    }
    const size_t start = i;
    const int32_t cp = DecodeUtf8(text, &i);
    const FoldRange* range = cp < 0 ? nullptr : FindRange(static_cast<uint32_t>(cp));
    if (range == nullptr) {
      pending_space = true;
      continue;
    }
    switch (range->kind) {
      case kKeep:
        emit(text.data() + start, i - start);
        break;
      case kMap:
        emit(kFoldPool + range->offset, range->length);
        break;
      case kDrop:
        break;
      default:
        pending_space = true;
        break;
    }
  }
  return out;
}

}  // namespace kg
