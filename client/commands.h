// kg's subcommands: their flags, help and handlers.
//
// A handler reads its parsed arguments, calls kgd through the KgClient, and
// prints through the formatters; it returns one of the exit codes below.
// An offline command (Command::offline) gets no client and calls nothing.

#ifndef KGD_CLIENT_COMMANDS_H_
#define KGD_CLIENT_COMMANDS_H_

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "client/args.h"
#include "client/kg_client.h"

namespace kg::cli {

// Exit codes a script can trust. DO NOT CHANGE: scripts depend on them.
enum ExitCode : int {
  kExitOk = 0,
  kExitNotFound = 1,          // not found, or an empty result where that is meaningful
  kExitUsage = 2,             // bad flags or arguments; nothing was sent
  kExitRejected = 3,          // the server refused the request as given
  kExitUnavailable = 4,       // the server cannot be reached, or the deadline passed
  kExitServerError = 5,       // any other error
  kExitUnauthenticated = 6,   // no token, or kgd did not accept it
  kExitPermissionDenied = 7,  // the caller's role does not allow the call
};

// The exit-code table printed in every help text.
extern const char kExitCodeHelp[];

enum class OutputFormat { kTable, kJson, kDot, kGraphMl };

struct Env {
  KgClient* client = nullptr;  // null for offline commands
  const ParsedArgs* args = nullptr;
  OutputFormat format = OutputFormat::kTable;
  std::string command;  // for messages
  std::ostream* out = nullptr;
  std::ostream* err = nullptr;

  bool json() const { return format == OutputFormat::kJson; }
  // Prints "kg <command>: <message> (see kg <command> --help)"; returns kExitUsage.
  int Usage(const std::string& message) const;
  // Prints the server's error as one line and returns its exit code.
  int Fail(const grpc::Status& status) const;
};

struct Command {
  std::string name;
  std::string synopsis;  // positional arguments, e.g. "FROM TO"
  std::string summary;   // one line for `kg --help`
  std::string help;      // the paragraph of `kg <name> --help`
  std::vector<FlagSpec> flags;
  int min_args = 0;
  int max_args = 0;  // -1 = any number
  // Accepts --format dot|graphml (besides table and json).
  bool graph_formats = false;
  std::function<int(Env&)> run;
  // Needs no server: kg does not connect (e.g. `kg token new`).
  bool offline = false;
};

// Every subcommand, in the order `kg --help` lists them.
const std::vector<Command>& Commands();

// The flags every subcommand takes.
const std::vector<FlagSpec>& GlobalFlags();

// Maps a gRPC status code onto an exit code.
int ExitCodeFor(grpc::StatusCode code);

// "PERMISSION_DENIED"; "ERROR" for a code outside the canonical ones.
const char* StatusCodeName(grpc::StatusCode code);
// A canonical code from its name (any case) or number; false otherwise.
bool ParseStatusCode(const std::string& text, grpc::StatusCode* code);

// Registration helpers used by the command files.
void AddReadCommands(std::vector<Command>* commands);
void AddWriteCommands(std::vector<Command>* commands);
void AddAccessCommands(std::vector<Command>* commands);
void AddWatchCommands(std::vector<Command>* commands);

// The trust filter flags every read takes (--min-confidence ... --as-of).
std::vector<FlagSpec> FilterFlags();
// Fills `filter` from those flags; false with *error on a bad value.
bool BuildFilter(const ParsedArgs& args, v1::Filter* filter, std::string* error);
// The flags that shape a walk from seeds: --depth, --direction, --allow,
// --deny, --kind, --max-nodes, --max-edges.
std::vector<FlagSpec> GraphWalkFlags();
// "in", "out", "both" or "" (the server's default); false otherwise.
bool ParseDirection(const std::string& text, v1::Direction* out);
// Sets those flags on a TraverseRequest or SubgraphRequest; false with
// *error on a bad value.
template <typename Req>
bool BuildWalkShape(const ParsedArgs& args, Req* req, std::string* error) {
  int64_t depth = 0, max_nodes = 0, max_edges = 0;
  if (!args.GetInt("depth", 1, 1000, &depth, error) ||
      !args.GetInt("max-nodes", 1, INT32_MAX, &max_nodes, error) ||
      !args.GetInt("max-edges", 1, INT32_MAX, &max_edges, error)) {
    return false;
  }
  req->set_max_depth(static_cast<int32_t>(depth));
  req->set_max_nodes(static_cast<int32_t>(max_nodes));
  req->set_max_edges(static_cast<int32_t>(max_edges));
  v1::Direction dir = v1::DIRECTION_UNSPECIFIED;
  if (!ParseDirection(args.Get("direction"), &dir)) {
    *error = "--direction: expected in, out or both";
    return false;
  }
  req->set_direction(dir);
  for (const std::string& p : args.GetAll("allow")) req->add_predicates_allow(p);
  for (const std::string& p : args.GetAll("deny")) req->add_predicates_deny(p);
  for (const std::string& k : args.GetAll("kind")) req->add_kinds(k);
  return true;
}
// --limit and --page-size.
std::vector<FlagSpec> PageFlags();
// Reads them; false with *error on a bad value.
bool PageOptions(const Env& env, int64_t* limit, int32_t* page_size, std::string* error);
// Tells stderr (table output only) that --limit left results unread.
void NoteMore(const Env& env, bool more);
// Concatenates two flag lists.
std::vector<FlagSpec> Join(std::vector<FlagSpec> a, const std::vector<FlagSpec>& b);

}  // namespace kg::cli

#endif  // KGD_CLIENT_COMMANDS_H_
