// The one table of which permission each rpc needs. Every method of every
// kg.v1 service appears in it (a test walks the proto's descriptors), so a
// new rpc cannot ship unguarded: an rpc missing here is refused.

#ifndef KGD_SERVER_PERMISSIONS_H_
#define KGD_SERVER_PERMISSIONS_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "server/auth.h"

namespace kg::server {

// Full rpc name as gRPC spells the path without its leading slash:
// "kg.v1.IngestService/Assert".
std::optional<Permission> RequiredPermission(absl::string_view rpc);

// Reads whose work grows with the graph (traversals, paths, subgraphs):
// rate limited with writes when kgd runs with a rate.
bool IsExpensiveRead(absl::string_view rpc);

// Every rpc in the table, for tests and documentation.
std::vector<std::string> GuardedRpcs();

}  // namespace kg::server

#endif  // KGD_SERVER_PERMISSIONS_H_
