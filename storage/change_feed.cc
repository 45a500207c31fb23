#include "storage/change_feed.h"

#include "absl/strings/escaping.h"
#include "storage/codec.h"
#include "storage/digest.h"

namespace kg {
namespace {

// Token bytes: magic, the feed key (fixed64 tx, fixed32 seq), then a
// checksum of both (storage/FORMAT.md, "Change feed").
constexpr std::string_view kMagic = "kgw1";
constexpr size_t kChecksumBytes = 4;
constexpr size_t kTokenBytes = 4 + 12 + kChecksumBytes;

std::string Checksum(std::string_view bytes) {
  return Murmur3x128(bytes).substr(0, kChecksumBytes);
}

}  // namespace

std::string EncodeChangeToken(const ChangePosition& position) {
  std::string bytes(kMagic);
  bytes += codec::FeedKey(position);
  bytes += Checksum(bytes);
  return absl::WebSafeBase64Escape(bytes);
}

absl::StatusOr<ChangePosition> DecodeChangeToken(std::string_view token, std::string_view field) {
  std::string bytes;
  ChangePosition position;
  if (token.size() > 64 ||
      !absl::WebSafeBase64Unescape(absl::string_view(token.data(), token.size()), &bytes) ||
      bytes.size() != kTokenBytes || std::string_view(bytes).substr(0, kMagic.size()) != kMagic ||
      Checksum(std::string_view(bytes).substr(0, kTokenBytes - kChecksumBytes)) !=
          std::string_view(bytes).substr(kTokenBytes - kChecksumBytes) ||
      !codec::DecodeFeedKey(std::string_view(bytes).substr(kMagic.size(), 12), &position)) {
    std::string message(field);
    message += ": not a change feed token (pass the resume_token of a ChangeEvent)";
    return absl::InvalidArgumentError(message);
  }
  return position;
}

}  // namespace kg
