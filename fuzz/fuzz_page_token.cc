// The page-token decoder (storage/page_token.h) on arbitrary bytes, laid out
// as fuzz/inputs.h says: the first byte picks how many resume fields the
// listing expects and whether the rest is the token text as a client sends
// it or the token's payload after the listing digest (so that mutations
// reach the field decoding instead of stopping at the digest). A token that
// decodes must have a time that is not negative and re-encode to a token
// that decodes to the same cursor.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "absl/strings/escaping.h"
#include "fuzz/inputs.h"
#include "storage/page_token.h"
#include "storage/types.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const size_t num_fields = data[0] & 3;
  const bool payload_only = (data[0] & kg::fuzz::kTokenPayloadOnly) != 0;
  std::string_view rest(reinterpret_cast<const char*>(data) + 1, size - 1);
  static const kg::PageListing listing = kg::fuzz::TokenListing();
  std::string token(rest);
  if (payload_only) {
    // The token layout of storage/page_token.cc: version 0x02, digest, payload.
    token = absl::WebSafeBase64Escape(std::string(1, '\x02') + listing.Digest() + token);
  }
  absl::StatusOr<kg::PageCursor> cursor =
      kg::StartPage(token, listing, kg::kLatest, kg::kLatest, num_fields);
  if (!cursor.ok()) return 0;
  // Tokens carry a time the server read at; a request's as_of is never
  // negative, and a token must not smuggle one in.
  if (cursor->as_of < 0) std::abort();
  for (size_t i = 0; i < cursor->fields.size(); ++i) {
    // Either value is fine; it must not crash.
    cursor->Int(i).IgnoreError();
  }
  if (token.empty()) return 0;  // the first page: nothing to re-encode
  const std::string again = kg::EncodePageToken(listing, cursor->as_of, cursor->fields);
  absl::StatusOr<kg::PageCursor> back =
      kg::StartPage(again, listing, kg::kLatest, kg::kLatest, num_fields);
  if (!back.ok() || back->as_of != cursor->as_of || back->fields != cursor->fields) std::abort();
  return 0;
}
