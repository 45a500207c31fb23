// Token grammar (before web-safe base64; see storage/FORMAT.md):
//   token := 0x02 digest(8) fixed64 as_of str(field)*
// digest is PageListing::Digest() of the listing that issued it.

#include "storage/page_token.h"

#include <algorithm>

#include "absl/strings/escaping.h"
#include "absl/strings/numbers.h"
#include "storage/codec.h"
#include "storage/digest.h"

namespace kg {
namespace {

// DO NOT CHANGE without accepting that earlier tokens become malformed.
constexpr char kTokenVersion = '\x02';
constexpr size_t kDigestBytes = 8;

absl::Status Malformed() { return absl::InvalidArgumentError("page_token: malformed"); }

}  // namespace

PageListing::PageListing(std::string_view name) { Add(name); }

PageListing& PageListing::Add(std::string_view part) {
  codec::PutString(&parts_, part);
  return *this;
}

PageListing& PageListing::Add(int64_t part) {
  codec::PutFixed64(&parts_, static_cast<uint64_t>(part));
  return *this;
}

PageListing& PageListing::Add(const std::vector<std::string>& parts) {
  // The count first, so that {"a", "b"} and {"a"} then "b" differ.
  Add(static_cast<int64_t>(parts.size()));
  for (const std::string& p : parts) Add(p);
  return *this;
}

PageListing& PageListing::Add(const Filter& f) {
  Add(f.as_of).Add(f.publishers_allow).Add(f.publishers_deny);
  Add(static_cast<int64_t>(f.min_reliability)).Add(static_cast<int64_t>(f.max_credibility));
  codec::PutDouble(&parts_, f.min_confidence);
  Add(static_cast<int64_t>(f.min_sources)).Add(f.valid_from).Add(f.valid_to);
  return Add(static_cast<int64_t>(f.max_sources));
}

std::string PageListing::Digest() const { return Murmur3x128(parts_).substr(0, kDigestBytes); }

absl::StatusOr<int64_t> PageCursor::Int(size_t i) const {
  int64_t v;
  if (i >= fields.size() || !absl::SimpleAtoi(fields[i], &v) || v < 0) return Malformed();
  return v;
}

std::string EncodePageToken(const PageListing& listing, TxTime as_of,
                            const std::vector<std::string>& fields) {
  std::string raw(1, kTokenVersion);
  raw += listing.Digest();
  codec::PutFixed64(&raw, static_cast<uint64_t>(as_of));
  for (const std::string& f : fields) codec::PutString(&raw, f);
  return absl::WebSafeBase64Escape(raw);
}

absl::StatusOr<PageCursor> StartPage(std::string_view token, const PageListing& listing,
                                     TxTime as_of, TxTime snapshot, size_t num_fields) {
  PageCursor cursor;
  cursor.as_of = std::min(as_of, snapshot);
  if (token.empty()) return cursor;
  std::string raw;
  if (!absl::WebSafeBase64Unescape(absl::string_view(token.data(), token.size()), &raw) ||
      raw.size() < 1 + kDigestBytes || raw[0] != kTokenVersion) {
    return Malformed();
  }
  if (raw.compare(1, kDigestBytes, listing.Digest()) != 0) {
    return absl::InvalidArgumentError("page_token: belongs to another listing or query");
  }
  codec::Decoder d(std::string_view(raw).substr(1 + kDigestBytes));
  uint64_t pinned;
  // A token holds a time the server read at, never a negative one: forged,
  // it would reach the reads as an as_of no request may give.
  if (!d.Fixed64(&pinned) || static_cast<TxTime>(pinned) < 0) return Malformed();
  cursor.as_of = std::min(static_cast<TxTime>(pinned), snapshot);
  cursor.fields.resize(num_fields);
  for (std::string& f : cursor.fields) {
    if (!d.String(&f)) return Malformed();
  }
  if (!d.done()) return Malformed();
  return cursor;
}

}  // namespace kg
