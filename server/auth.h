// Who is calling: roles and permissions, the credential file, and the
// Authenticator that turns a call's bearer token or client certificate into
// a Caller.
//
// The credential file (kgd --auth_tokens) holds one credential per line:
//
//   # principal  role     credential
//   alice        writer   5e884898da28047151d0e56f8dc62927...   (SHA-256 hex of the token)
//   ingest-gw    gateway  cert:spiffe://kgd/ingest             (mTLS subject: CN or SAN URI)
//
// so the file holds no secret. Principals match [A-Za-z0-9._:@/-]{1,128}.
//
// Thread safety: Authenticate may run on any number of threads while Reload
// swaps the table; a call sees either the old table or the new one.

#ifndef KGD_SERVER_AUTH_H_
#define KGD_SERVER_AUTH_H_

#include <grpcpp/server_context.h>

#include <memory>
#include <string>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "storage/store.h"

namespace kg::server {

// reader < writer < admin; a gateway is a writer that may act on behalf of
// others (the delegate permission).
enum class Role { kReader, kWriter, kGateway, kAdmin };

enum class Permission {
  kRead,      // every read
  kWrite,     // entities, statements, evidence; retracting one's own evidence
  kDelegate,  // x-kg-principal is honoured
  kAdmin,     // merge, split, purge, backup, audit, retracting anyone's evidence
};

bool RoleHas(Role role, Permission permission);
absl::string_view RoleName(Role role);
absl::string_view PermissionName(Permission permission);
// The permissions of `role`, by name, in the order of the enum.
std::vector<std::string> PermissionNames(Role role);

// The request header naming whom a delegate acts for.
inline constexpr char kOnBehalfOfHeader[] = "x-kg-principal";

// An authenticated caller.
struct Caller {
  std::string principal;     // the authenticated identity
  std::string on_behalf_of;  // from x-kg-principal, when honoured
  Role role = Role::kReader;
  std::string authenticated_by;  // "token", "certificate", "none"

  // What the store records: "alice", or "alice via ingest-gw" when a
  // gateway acts on behalf of alice.
  std::string RecordedPrincipal() const;
  WriteContext write_context() const;
};

// The parsed credential file.
class CredentialTable {
 public:
  // `source` names the file in errors: INVALID_ARGUMENT "FILE:LINE: reason".
  static absl::StatusOr<CredentialTable> Parse(absl::string_view text, absl::string_view source);

  // By the SHA-256 hex of a token, or by certificate subject; nullptr when
  // unknown. authenticated_by is set; on_behalf_of is empty.
  const Caller* FindToken(absl::string_view sha256_hex) const;
  const Caller* FindSubject(absl::string_view subject) const;
  size_t size() const { return by_token_.size() + by_subject_.size(); }

 private:
  absl::flat_hash_map<std::string, Caller> by_token_;
  absl::flat_hash_map<std::string, Caller> by_subject_;
};

// True when `principal` is a well-formed principal name.
bool IsValidPrincipal(absl::string_view principal);

class Authenticator {
 public:
  // Authentication is off when `path` is empty: every caller is "anonymous"
  // with the admin role. Otherwise the file must parse.
  static absl::StatusOr<std::unique_ptr<Authenticator>> Create(std::string path);

  Authenticator(const Authenticator&) = delete;
  Authenticator& operator=(const Authenticator&) = delete;

  bool enabled() const { return !path_.empty(); }

  // Re-reads the file; on failure keeps the current table and returns why.
  // Returns the number of credentials loaded.
  absl::StatusOr<size_t> Reload() ABSL_LOCKS_EXCLUDED(mu_);

  // The caller of `context`: a bearer token ("authorization: Bearer T")
  // when one is sent, else a mapped client certificate. UNAUTHENTICATED
  // when neither identifies a known credential; INVALID_ARGUMENT for a
  // malformed x-kg-principal from a delegate. Delegation is applied.
  absl::StatusOr<Caller> Authenticate(const grpc::ServerContextBase& context) const
      ABSL_LOCKS_EXCLUDED(mu_);

 private:
  explicit Authenticator(std::string path) : path_(std::move(path)) {}

  absl::StatusOr<Caller> Identify(const grpc::ServerContextBase& context) const;

  const std::string path_;
  mutable absl::Mutex mu_;
  std::shared_ptr<const CredentialTable> table_ ABSL_GUARDED_BY(mu_);
};

}  // namespace kg::server

#endif  // KGD_SERVER_AUTH_H_
