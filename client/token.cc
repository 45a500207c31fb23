#include "client/token.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"

namespace kg::cli {
namespace {

constexpr int kTokenBytes = 32;

}  // namespace

bool ValidPrincipal(std::string_view principal) {
  return !principal.empty() && std::all_of(principal.begin(), principal.end(), [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
           std::string_view("._:@/-").find(c) != std::string_view::npos;
  });
}

bool ValidRole(std::string_view role) {
  return std::any_of(std::begin(kRoles), std::end(kRoles),
                     [role](const char* known) { return role == known; });
}

bool ValidToken(std::string_view token) {
  return !token.empty() && std::all_of(token.begin(), token.end(), [](char c) {
    return absl::ascii_isgraph(static_cast<unsigned char>(c));
  });
}

bool MakeToken(NewToken* out) {
  unsigned char bytes[kTokenBytes];
  if (RAND_bytes(bytes, kTokenBytes) != 1) return false;
  out->text = absl::WebSafeBase64Escape(
      absl::string_view(reinterpret_cast<const char*>(bytes), kTokenBytes));
  OPENSSL_cleanse(bytes, kTokenBytes);  // the secret lives on only in out->text
  unsigned char digest[SHA256_DIGEST_LENGTH];
  if (SHA256(reinterpret_cast<const unsigned char*>(out->text.data()), out->text.size(), digest) ==
      nullptr) {
    return false;
  }
  out->sha256_hex = absl::BytesToHexString(
      absl::string_view(reinterpret_cast<const char*>(digest), SHA256_DIGEST_LENGTH));
  return true;
}

}  // namespace kg::cli
