#include "server/permissions.h"

namespace kg::server {
namespace {

struct RpcPermission {
  absl::string_view rpc;
  Permission permission;
};

constexpr RpcPermission kTable[] = {
    {"kg.v1.IngestService/UpsertEntities", Permission::kWrite},
    {"kg.v1.IngestService/Assert", Permission::kWrite},
    {"kg.v1.IngestService/IngestDocument", Permission::kWrite},
    {"kg.v1.IngestService/BulkIngest", Permission::kWrite},
    // Writers retract their own evidence; the store refuses theirs to touch
    // anyone else's (WriteContext::may_retract_others).
    {"kg.v1.IngestService/Retract", Permission::kWrite},
    {"kg.v1.IngestService/Merge", Permission::kAdmin},
    {"kg.v1.IngestService/Split", Permission::kAdmin},
    {"kg.v1.IngestService/Purge", Permission::kAdmin},
    {"kg.v1.IngestService/Import", Permission::kWrite},
    {"kg.v1.GraphService/GetEntity", Permission::kRead},
    {"kg.v1.GraphService/SearchEntities", Permission::kRead},
    {"kg.v1.GraphService/MatchStatements", Permission::kRead},
    {"kg.v1.GraphService/Neighbors", Permission::kRead},
    {"kg.v1.GraphService/Traverse", Permission::kRead},
    {"kg.v1.GraphService/FindPaths", Permission::kRead},
    {"kg.v1.GraphService/Subgraph", Permission::kRead},
    {"kg.v1.GraphService/Timeline", Permission::kRead},
    {"kg.v1.GraphService/Export", Permission::kRead},
    {"kg.v1.GraphService/Watch", Permission::kRead},
    {"kg.v1.ProvenanceService/Explain", Permission::kRead},
    {"kg.v1.ProvenanceService/ListClaims", Permission::kRead},
    {"kg.v1.ProvenanceService/ListDisputes", Permission::kRead},
    {"kg.v1.ProvenanceService/History", Permission::kRead},
    {"kg.v1.AdminService/GetStats", Permission::kRead},
    {"kg.v1.AdminService/WhoAmI", Permission::kRead},
    {"kg.v1.AdminService/Backup", Permission::kAdmin},
    {"kg.v1.AdminService/CreateBackup", Permission::kAdmin},
    {"kg.v1.AdminService/ListBackups", Permission::kAdmin},
    {"kg.v1.AdminService/ListAudit", Permission::kAdmin},
};

}  // namespace

std::optional<Permission> RequiredPermission(absl::string_view rpc) {
  for (const RpcPermission& entry : kTable) {
    if (entry.rpc == rpc) return entry.permission;
  }
  return std::nullopt;
}

bool IsExpensiveRead(absl::string_view rpc) {
  return rpc == "kg.v1.GraphService/Traverse" || rpc == "kg.v1.GraphService/FindPaths" ||
         rpc == "kg.v1.GraphService/Subgraph" || rpc == "kg.v1.GraphService/Export";
}

std::vector<std::string> GuardedRpcs() {
  std::vector<std::string> rpcs;
  for (const RpcPermission& entry : kTable) rpcs.emplace_back(entry.rpc);
  return rpcs;
}

}  // namespace kg::server
