// kg: the command-line client of kgd. `kg --help` lists the subcommands.

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <iostream>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "client/args.h"
#include "client/commands.h"
#include "client/token.h"

namespace kg::cli {
namespace {

bool DeclaresFlag(const Command& command, const std::string& name) {
  for (const FlagSpec& f : command.flags) {
    if (f.name == name) return true;
  }
  return false;
}

// Reads all of `path` (a file, a pipe, /dev/stdin); returns 0 or the errno
// of the failure. stdio rather than streams: libstdc++'s stream iterators
// throw on a read error such as EISDIR.
int ReadAll(const std::string& path, std::string* out) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) return errno;
  char buf[4096];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof(buf), f)) > 0) out->append(buf, n);
  const int error = std::ferror(f) != 0 ? errno : 0;
  std::fclose(f);  // read-only: nothing to lose
  return error;
}

// The bearer token: --token, else the content of --token-file (surrounding
// whitespace trimmed), else $KG_TOKEN; "" when none is given.
bool ResolveToken(const ParsedArgs& args, std::string* token, std::string* error) {
  std::string source = "--token";
  if (args.Has("token")) {
    *token = args.Get("token");
  } else if (args.Has("token-file")) {
    const std::string path = args.Get("token-file");
    source = absl::StrCat("--token-file '", path, "'");
    std::string text;
    if (int e = ReadAll(path, &text); e != 0) {
      *error = absl::StrCat(source, ": ", std::strerror(e));
      return false;
    }
    *token = std::string(absl::StripAsciiWhitespace(text));
  } else if (const char* env_token = std::getenv("KG_TOKEN");
             env_token != nullptr && *env_token != '\0') {
    source = "$KG_TOKEN";
    *token = env_token;
  } else {
    return true;
  }
  if (!ValidToken(*token)) {
    *error = absl::StrCat(source, ": a token is one word of printable ASCII",
                          token->empty() ? ", got nothing" : "");
    return false;
  }
  return true;
}

void PrintMainHelp(std::ostream& out) {
  out << "kg: the command-line client of kgd, a provenance-first knowledge-graph server.\n\n"
         "Usage: kg [GLOBAL FLAGS] COMMAND [ARGS] [FLAGS]\n\nCommands:\n";
  size_t width = 0;
  for (const Command& c : Commands()) width = std::max(width, c.name.size());
  for (const Command& c : Commands()) {
    out << "  " << c.name << std::string(width - c.name.size() + 2, ' ') << c.summary << "\n";
  }
  out << "\nGlobal flags (accepted by every command, anywhere on the line):\n"
      << FormatFlagHelp(GlobalFlags()) << "\n"
      << kExitCodeHelp << "\nErrors are one line on stderr. `kg COMMAND --help` for details.\n";
}

void PrintCommandHelp(const Command& c, std::ostream& out) {
  out << "Usage: kg " << c.name << (c.synopsis.empty() ? "" : " ") << c.synopsis << " [FLAGS]\n\n"
      << c.help << "\n";
  if (!c.flags.empty()) out << "\nFlags:\n" << FormatFlagHelp(c.flags);
  out << "\nGlobal flags:\n" << FormatFlagHelp(GlobalFlags()) << "\n" << kExitCodeHelp;
}

int Main(int argc, char** argv) {
  std::vector<std::string> words(argv + 1, argv + argc);
  // The command is the first word that is not a global flag or its value.
  size_t cmd_index = words.size();
  for (size_t i = 0; i < words.size(); ++i) {
    const std::string& w = words[i];
    if (w.rfind("--", 0) != 0) {
      cmd_index = i;
      break;
    }
    std::string name =
        w.substr(2, w.find('=') == std::string::npos ? std::string::npos : w.find('=') - 2);
    bool takes_value = false;
    for (const FlagSpec& f : GlobalFlags()) {
      if (f.name == name) takes_value = !f.value_name.empty();
    }
    if (takes_value && w.find('=') == std::string::npos) ++i;
  }
  if (cmd_index == words.size()) {
    bool help = false;
    for (const std::string& w : words) help |= w == "--help";
    if (help || words.empty()) {
      PrintMainHelp(help ? std::cout : std::cerr);
      return help ? kExitOk : kExitUsage;
    }
    std::cerr << "kg: no command given (see kg --help)\n";
    return kExitUsage;
  }
  if (words[cmd_index] == "help") {
    PrintMainHelp(std::cout);
    return kExitOk;
  }
  const Command* command = nullptr;
  for (const Command& c : Commands()) {
    if (c.name == words[cmd_index]) command = &c;
  }
  if (command == nullptr) {
    std::cerr << "kg: unknown command '" << words[cmd_index] << "' (see kg --help)\n";
    return kExitUsage;
  }
  std::vector<std::string> rest(words.begin(), words.begin() + cmd_index);
  rest.insert(rest.end(), words.begin() + cmd_index + 1, words.end());

  ParsedArgs args;
  std::string error;
  Env env;
  env.command = command->name;
  env.args = &args;
  env.out = &std::cout;
  env.err = &std::cerr;
  if (!ParseArgs(command->flags, GlobalFlags(), rest, &args, &error)) return env.Usage(error);
  if (args.Has("help")) {
    PrintCommandHelp(*command, std::cout);
    return kExitOk;
  }
  const int n = static_cast<int>(args.positional.size());
  if (n < command->min_args || (command->max_args >= 0 && n > command->max_args)) {
    return env.Usage(absl::StrCat("expected ",
                                  command->synopsis.empty() ? "no arguments" : command->synopsis,
                                  ", got ", n, " argument(s)"));
  }
  std::string format = args.Get("format", args.Has("json") ? "json" : "table");
  if (format == "table") {
    env.format = OutputFormat::kTable;
  } else if (format == "json") {
    env.format = OutputFormat::kJson;
  } else if ((format == "dot" || format == "graphml") && command->graph_formats) {
    env.format = format == "dot" ? OutputFormat::kDot : OutputFormat::kGraphMl;
  } else {
    return env.Usage(absl::StrCat("--format: expected table or json",
                                  command->graph_formats ? ", dot or graphml" : "", ", got '",
                                  format, "'"));
  }
  if (args.Has("json") && env.format != OutputFormat::kJson) {
    return env.Usage("--json and --format disagree");
  }

  if (command->offline) return command->run(env);

  ClientOptions options;
  const char* env_addr = std::getenv("KG_ADDR");
  options.addr =
      args.Get("addr", env_addr != nullptr && *env_addr != '\0' ? env_addr : options.addr);
  double timeout_s = 10;
  if (!args.GetDouble("timeout", 0.001, 86400, &timeout_s, &error)) return env.Usage(error);
  options.timeout = std::chrono::milliseconds(static_cast<int64_t>(timeout_s * 1000));
  // A command's own flag of the same name (kg audit --principal) is not the
  // global one.
  if (!DeclaresFlag(*command, "principal")) options.principal = args.Get("principal");
  if (!ResolveToken(args, &options.token, &error)) return env.Usage(error);
  options.tls_ca = args.Get("tls-ca");
  options.tls_cert = args.Get("tls-cert");
  options.tls_key = args.Get("tls-key");
  std::unique_ptr<KgClient> client;
  if (grpc::Status s = KgClient::Create(options, &client); !s.ok()) {
    return env.Usage(s.error_message());
  }
  env.client = client.get();
  int rc = command->run(env);
  std::cout.flush();
  return rc;
}

}  // namespace
}  // namespace kg::cli

int main(int argc, char** argv) { return kg::cli::Main(argc, argv); }
