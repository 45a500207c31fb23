// Bearer tokens for kgd --auth_tokens: making new ones, and checking what a
// token file and an HTTP/2 header accept. Nothing here talks to the server.
//
// A token file line reads "PRINCIPAL ROLE SHA256HEX": kgd keeps only the
// hash, so the token itself exists only with the client that sends it.
//
// Example:
//   NewToken token;
//   if (!MakeToken(&token)) { ...OpenSSL failed... }
//   std::string line = absl::StrCat("e2e admin ", token.sha256_hex);

#ifndef KGD_CLIENT_TOKEN_H_
#define KGD_CLIENT_TOKEN_H_

#include <string>
#include <string_view>

namespace kg::cli {

// The roles kgd knows, lowest first.
inline constexpr const char* kRoles[] = {"reader", "writer", "gateway", "admin"};

// [A-Za-z0-9._:@/-]+, the principals a token file accepts.
bool ValidPrincipal(std::string_view principal);
bool ValidRole(std::string_view role);

// Visible ASCII without spaces: what an HTTP/2 header value can carry after
// "Bearer ".
bool ValidToken(std::string_view token);

struct NewToken {
  std::string text;        // base64url of 32 random bytes, no padding (43 characters)
  std::string sha256_hex;  // lower-case hex SHA-256 of `text`, as the token file holds it
};

// Draws the bytes from OpenSSL's CSPRNG. False only when OpenSSL cannot
// produce randomness or the digest.
bool MakeToken(NewToken* out);

}  // namespace kg::cli

#endif  // KGD_CLIENT_TOKEN_H_
