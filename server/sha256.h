// SHA-256 through OpenSSL: token hashes in the credential file and the
// request digests of the audit log.

#ifndef KGD_SERVER_SHA256_H_
#define KGD_SERVER_SHA256_H_

#include <string>

#include "absl/strings/string_view.h"

struct evp_md_ctx_st;

namespace kg::server {

// Incremental: Update any number of times, then HexDigest once.
class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  void Update(absl::string_view data);
  // 64 lower-case hex digits.
  std::string HexDigest();

 private:
  evp_md_ctx_st* context_;
};

// SHA-256 of `data` as 64 lower-case hex digits.
std::string Sha256Hex(absl::string_view data);

}  // namespace kg::server

#endif  // KGD_SERVER_SHA256_H_
