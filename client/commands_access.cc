// The access subcommands: whoami, token, audit.

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "client/commands.h"
#include "client/format.h"
#include "client/paging.h"
#include "client/token.h"

namespace kg::cli {
namespace {

constexpr char kApiPackage[] = "kg.v1.";

int RunWhoAmI(Env& env) {
  v1::WhoAmIResponse resp;
  if (grpc::Status s = env.client->WhoAmI(v1::WhoAmIRequest(), &resp); !s.ok()) {
    return env.Fail(s);
  }
  if (env.json()) {
    *env.out << ToJson(resp) << "\n";
    return kExitOk;
  }
  Table t({"FIELD", "VALUE"});
  t.AddRow({"principal", resp.principal()});
  t.AddRow({"role", resp.role()});
  t.AddRow({"authenticated by", resp.authenticated_by()});
  if (!resp.on_behalf_of().empty()) t.AddRow({"on behalf of", resp.on_behalf_of()});
  t.AddRow({"permissions", absl::StrJoin(resp.permissions(), ", ")});
  t.Print(*env.out);
  return kExitOk;
}

int RunToken(Env& env) {
  const std::vector<std::string>& a = env.args->positional;
  if (a[0] != "new") {
    return env.Usage(absl::StrCat("expected new PRINCIPAL ROLE, got '", a[0], "'"));
  }
  const std::string& principal = a[1];
  const std::string& role = a[2];
  if (!ValidPrincipal(principal)) {
    return env.Usage(absl::StrCat(
        "PRINCIPAL: expected letters, digits and the characters ._:@/-, got '", principal, "'"));
  }
  if (!ValidRole(role)) {
    return env.Usage(
        absl::StrCat("ROLE: expected one of ", absl::StrJoin(kRoles, ", "), ", got '", role, "'"));
  }
  NewToken token;
  if (!MakeToken(&token)) {
    *env.err << "kg token: OpenSSL could not generate a random token\n";
    return kExitServerError;
  }
  const std::string line = absl::StrCat(principal, " ", role, " ", token.sha256_hex);
  if (env.json()) {
    // Every field is drawn from a character set without quotes or
    // backslashes, so no escaping is needed.
    *env.out << "{\"principal\":\"" << principal << "\",\"role\":\"" << role << "\",\"token\":\""
             << token.text << "\",\"line\":\"" << line << "\"}\n";
    return kExitOk;
  }
  *env.out << "token  " << token.text << "\nline   " << line << "\n";
  *env.err << "kg token: give the token to the client (--token-file or $KG_TOKEN) and add the "
              "line to kgd's --auth_tokens file; the token is not shown again\n";
  return kExitOk;
}

int RunAudit(Env& env) {
  v1::ListAuditRequest req;
  req.set_principal(env.args->Get("principal"));
  std::string rpc = env.args->Get("rpc");
  if (!rpc.empty() && rpc.find('.') == std::string::npos) rpc = absl::StrCat(kApiPackage, rpc);
  req.set_rpc(rpc);
  if (env.args->Has("code")) {
    grpc::StatusCode code = grpc::StatusCode::OK;
    if (!ParseStatusCode(env.args->Get("code"), &code)) {
      return env.Usage(absl::StrCat(
          "--code: expected a gRPC code name (PERMISSION_DENIED) or number (0-16), got '",
          env.args->Get("code"), "'"));
    }
    req.set_code(code);
  }
  std::string error;
  int64_t from = 0, to = 0, limit = 0;
  int32_t page_size = 0;
  if (!env.args->GetTxTime("from", &from, &error) || !env.args->GetTxTime("to", &to, &error) ||
      !PageOptions(env, &limit, &page_size, &error)) {
    return env.Usage(error);
  }
  req.set_from(from);
  req.set_to(to);
  req.set_page_size(page_size);
  std::vector<v1::AuditEntry> entries;
  bool more = false;
  grpc::Status s = FetchPages<v1::ListAuditRequest, v1::ListAuditResponse, v1::AuditEntry>(
      req, limit, [&](const auto& r, auto* resp) { return env.client->ListAudit(r, resp); },
      [](auto* resp) { return resp->mutable_entries(); }, &entries, &more);
  if (!s.ok()) return env.Fail(s);
  if (env.json()) {
    for (const v1::AuditEntry& e : entries) *env.out << ToJson(e) << "\n";
    return kExitOk;
  }
  // An unauthenticated call has no principal, role or method: "-".
  auto cell = [](const std::string& text) { return text.empty() ? std::string("-") : text; };
  Table t({"TIME", "PRINCIPAL", "ROLE", "AUTH", "RPC", "PEER", "BYTES", "CODE"});
  for (const v1::AuditEntry& e : entries) {
    std::string who = e.on_behalf_of().empty()
                          ? cell(e.principal())
                          : absl::StrCat(e.on_behalf_of(), " via ", e.principal());
    t.AddRow({TimeText(e.at()), who, cell(e.role()), cell(e.authenticated_by()),
              std::string(absl::StripPrefix(e.rpc(), kApiPackage)), e.peer(),
              absl::StrCat(e.request_bytes()),
              StatusCodeName(static_cast<grpc::StatusCode>(e.code()))});
  }
  t.Print(*env.out);
  NoteMore(env, more);
  return kExitOk;
}

}  // namespace

void AddAccessCommands(std::vector<Command>* c) {
  c->push_back({"whoami",
                "",
                "who kgd takes the caller to be",
                "The principal kgd authenticated, its role, how (token, certificate, or none\n"
                "when kgd runs without --auth_tokens), whom it acts for (--principal, honoured\n"
                "for gateway and admin), and its permissions.",
                {},
                0,
                0,
                false,
                RunWhoAmI});
  c->push_back(
      {"token",
       "new PRINCIPAL ROLE",
       "make a bearer token for kgd --auth_tokens",
       "Makes a new bearer token for PRINCIPAL (letters, digits and ._:@/-) with ROLE\n"
       "(reader, writer, gateway or admin) and prints it with the line for kgd's\n"
       "--auth_tokens file, \"PRINCIPAL ROLE SHA256HEX\". kgd keeps only the hash, so the\n"
       "token is shown once. 32 random bytes from OpenSSL, base64url. Needs no server.",
       {},
       3,
       3,
       false,
       RunToken,
       /*offline=*/true});
  c->push_back(
      {"audit", "", "the audit log: writes, admin calls, denied calls",
       "Audited calls in time order: who (\"alice via gateway\" when delegated), the role,\n"
       "how they authenticated, the rpc, the peer, the request's size and the outcome.\n"
       "--json adds the request's SHA-256 and the error message. Admin only. Here\n"
       "--principal is a filter, not sent as x-kg-principal.",
       Join({{"principal", "P", "only calls by or on behalf of P"},
             {"rpc", "RPC", "only this rpc: kg.v1.IngestService/Assert or IngestService/Assert"},
             {"code", "CODE",
              "only this outcome: a gRPC code name (OK, PERMISSION_DENIED) or number"},
             {"from", "TIME", "from this transaction time (microseconds or RFC 3339)"},
             {"to", "TIME", "up to this transaction time, inclusive"}},
            PageFlags()),
       0, 0, false, RunAudit});
}

}  // namespace kg::cli
