#include "server/auth.h"

#include <grpc/grpc_security_constants.h>

#include <fstream>
#include <sstream>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "server/sha256.h"
#include "storage/status_macros.h"

namespace kg::server {
namespace {

constexpr size_t kMaxPrincipalBytes = 128;
constexpr absl::string_view kCertPrefix = "cert:";

struct RoleInfo {
  Role role;
  absl::string_view name;
};
constexpr RoleInfo kRoles[] = {{Role::kReader, "reader"},
                               {Role::kWriter, "writer"},
                               {Role::kGateway, "gateway"},
                               {Role::kAdmin, "admin"}};

constexpr Permission kPermissions[] = {Permission::kRead, Permission::kWrite, Permission::kDelegate,
                                       Permission::kAdmin};

bool IsSha256Hex(absl::string_view s) {
  if (s.size() != 64) return false;
  for (char c : s) {
    if (!absl::ascii_isxdigit(c)) return false;
  }
  return true;
}

std::string Metadata(const grpc::ServerContextBase& context, absl::string_view key) {
  const auto& metadata = context.client_metadata();
  auto it = metadata.find(grpc::string_ref(key.data(), key.size()));
  return it == metadata.end() ? std::string() : std::string(it->second.data(), it->second.size());
}

absl::StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::InvalidArgumentError(absl::StrCat("auth_tokens: cannot read '", path, "'"));
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

bool RoleHas(Role role, Permission permission) {
  switch (permission) {
    case Permission::kRead:
      return true;
    case Permission::kWrite:
      return role != Role::kReader;
    case Permission::kDelegate:
      return role == Role::kGateway || role == Role::kAdmin;
    case Permission::kAdmin:
      return role == Role::kAdmin;
  }
  return false;
}

absl::string_view RoleName(Role role) {
  for (const RoleInfo& r : kRoles) {
    if (r.role == role) return r.name;
  }
  return "unknown";
}

absl::string_view PermissionName(Permission permission) {
  switch (permission) {
    case Permission::kRead:
      return "read";
    case Permission::kWrite:
      return "write";
    case Permission::kDelegate:
      return "delegate";
    case Permission::kAdmin:
      return "admin";
  }
  return "unknown";
}

std::vector<std::string> PermissionNames(Role role) {
  std::vector<std::string> names;
  for (Permission p : kPermissions) {
    if (RoleHas(role, p)) names.emplace_back(PermissionName(p));
  }
  return names;
}

std::string Caller::RecordedPrincipal() const {
  return on_behalf_of.empty() ? principal : absl::StrCat(on_behalf_of, " via ", principal);
}

WriteContext Caller::write_context() const {
  WriteContext context;
  context.principal = RecordedPrincipal();
  context.may_retract_others = RoleHas(role, Permission::kAdmin);
  return context;
}

bool IsValidPrincipal(absl::string_view principal) {
  if (principal.empty() || principal.size() > kMaxPrincipalBytes) return false;
  for (char c : principal) {
    if (!absl::ascii_isalnum(c) && absl::string_view("._:@/-").find(c) == absl::string_view::npos) {
      return false;
    }
  }
  return true;
}

absl::StatusOr<CredentialTable> CredentialTable::Parse(absl::string_view text,
                                                       absl::string_view source) {
  CredentialTable table;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    ++line_number;
    auto error = [&](absl::string_view reason) {
      return absl::InvalidArgumentError(absl::StrCat(source, ":", line_number, ": ", reason));
    };
    line = absl::StripAsciiWhitespace(line);
    if (line.empty() || line.front() == '#') continue;
    std::vector<absl::string_view> fields = absl::StrSplit(line, ' ', absl::SkipWhitespace());
    if (fields.size() != 3) {
      return error(
          absl::StrCat("expected 'PRINCIPAL ROLE SHA256HEX' or 'PRINCIPAL ROLE "
                       "cert:SUBJECT', got ",
                       fields.size(), " field(s)"));
    }
    Caller caller;
    caller.principal = std::string(fields[0]);
    if (!IsValidPrincipal(caller.principal)) {
      return error("principal: must be 1..128 of [A-Za-z0-9._:@/-]");
    }
    const RoleInfo* role = nullptr;
    for (const RoleInfo& r : kRoles) {
      if (r.name == fields[1]) role = &r;
    }
    if (role == nullptr) {
      return error(absl::StrCat("role: '", fields[1], "' is not reader, writer, gateway or admin"));
    }
    caller.role = role->role;
    absl::string_view credential = fields[2];
    if (absl::ConsumePrefix(&credential, kCertPrefix)) {
      if (credential.empty()) return error("cert: the subject is empty");
      caller.authenticated_by = "certificate";
      if (!table.by_subject_.emplace(std::string(credential), caller).second) {
        return error(absl::StrCat("certificate subject '", credential, "' is listed twice"));
      }
      continue;
    }
    if (!IsSha256Hex(credential)) {
      return error("credential: expected 64 hex digits (the token's SHA-256) or cert:SUBJECT");
    }
    caller.authenticated_by = "token";
    if (!table.by_token_.emplace(absl::AsciiStrToLower(credential), caller).second) {
      return error("this token hash is listed twice");
    }
  }
  return table;
}

const Caller* CredentialTable::FindToken(absl::string_view sha256_hex) const {
  auto it = by_token_.find(sha256_hex);
  return it == by_token_.end() ? nullptr : &it->second;
}

const Caller* CredentialTable::FindSubject(absl::string_view subject) const {
  auto it = by_subject_.find(subject);
  return it == by_subject_.end() ? nullptr : &it->second;
}

absl::StatusOr<std::unique_ptr<Authenticator>> Authenticator::Create(std::string path) {
  std::unique_ptr<Authenticator> auth(new Authenticator(std::move(path)));
  if (auth->enabled()) KG_RETURN_IF_ERROR(auth->Reload().status());
  return auth;
}

absl::StatusOr<size_t> Authenticator::Reload() {
  KG_ASSIGN_OR_RETURN(std::string text, ReadFile(path_));
  KG_ASSIGN_OR_RETURN(CredentialTable table, CredentialTable::Parse(text, path_));
  auto fresh = std::make_shared<const CredentialTable>(std::move(table));
  const size_t size = fresh->size();
  absl::MutexLock lock(&mu_);
  table_ = std::move(fresh);
  return size;
}

absl::StatusOr<Caller> Authenticator::Identify(const grpc::ServerContextBase& context) const {
  if (!enabled()) return Caller{"anonymous", "", Role::kAdmin, "none"};
  std::shared_ptr<const CredentialTable> table;
  {
    absl::MutexLock lock(&mu_);
    table = table_;
  }
  const std::string authorization = Metadata(context, "authorization");
  if (!authorization.empty()) {
    absl::string_view token = authorization;
    if (!absl::ConsumePrefix(&token, "Bearer ") && !absl::ConsumePrefix(&token, "bearer ")) {
      return absl::UnauthenticatedError("authorization: expected 'Bearer TOKEN'");
    }
    const Caller* caller = table->FindToken(Sha256Hex(absl::StripAsciiWhitespace(token)));
    if (caller == nullptr) return absl::UnauthenticatedError("authorization: unknown token");
    return *caller;
  }
  // Certificate properties exist only on a mutual-TLS connection whose
  // client certificate the CA verified.
  std::shared_ptr<const grpc::AuthContext> auth_context = context.auth_context();
  if (auth_context != nullptr) {
    for (const char* property : {GRPC_X509_CN_PROPERTY_NAME, GRPC_PEER_URI_PROPERTY_NAME}) {
      for (const grpc::string_ref& subject : auth_context->FindPropertyValues(property)) {
        const Caller* caller =
            table->FindSubject(absl::string_view(subject.data(), subject.size()));
        if (caller != nullptr) return *caller;
      }
    }
  }
  return absl::UnauthenticatedError(
      "authentication required: send 'authorization: Bearer TOKEN' or a client certificate "
      "listed in the server's credential file");
}

absl::StatusOr<Caller> Authenticator::Authenticate(const grpc::ServerContextBase& context) const {
  KG_ASSIGN_OR_RETURN(Caller caller, Identify(context));
  std::string on_behalf_of = Metadata(context, kOnBehalfOfHeader);
  if (on_behalf_of.empty() || !RoleHas(caller.role, Permission::kDelegate)) return caller;
  if (!IsValidPrincipal(on_behalf_of)) {
    return absl::InvalidArgumentError(
        absl::StrCat(kOnBehalfOfHeader, ": must be 1..128 of [A-Za-z0-9._:@/-]"));
  }
  if (on_behalf_of != caller.principal) caller.on_behalf_of = std::move(on_behalf_of);
  return caller;
}

}  // namespace kg::server
