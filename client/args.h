// A small hand-written command-line parser for kg's subcommands.
//
// Every subcommand declares the flags it takes (FlagSpec); the global flags
// (--addr, --timeout, --json, ...) are accepted anywhere on the line. Flags are
// written "--name value" or "--name=value"; a flag without a value is a
// switch. "--" ends the flags. Anything else is a positional argument.
//
// Example:
//   CommandSpec spec{.name = "entity", .positional = "ID", .min_args = 1, .max_args = 1};
//   ParsedArgs args;
//   std::string error;
//   if (!ParseArgs(spec, GlobalFlags(), argv_rest, &args, &error)) { ...usage error... }
//   std::string id = args.positional[0];

#ifndef KGD_CLIENT_ARGS_H_
#define KGD_CLIENT_ARGS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace kg::cli {

struct FlagSpec {
  std::string name;        // without the leading "--"
  std::string value_name;  // empty for a switch
  std::string help;
  bool repeated = false;  // may be given several times
};

struct ParsedArgs {
  std::vector<std::string> positional;
  std::map<std::string, std::vector<std::string>> values;  // switches hold ""

  bool Has(const std::string& name) const { return values.count(name) > 0; }
  // The last value given, or `fallback`.
  std::string Get(const std::string& name, const std::string& fallback = "") const;
  std::vector<std::string> GetAll(const std::string& name) const;

  // Typed accessors: false (and *error set, naming the flag) when the value
  // does not parse. Leave *out untouched when the flag is absent.
  bool GetInt(const std::string& name, int64_t min, int64_t max, int64_t* out,
              std::string* error) const;
  bool GetDouble(const std::string& name, double min, double max, double* out,
                 std::string* error) const;
  // A transaction time, as ParseTxTime reads it.
  bool GetTxTime(const std::string& name, int64_t* out, std::string* error) const;
};

// Parses `argv` (the words after the subcommand name) against the union of
// `flags` and `global_flags`. Returns false with a one-line *error on an unknown
// flag, a missing value, or a repeated non-repeatable flag. Positional
// argument counts are checked by the caller.
bool ParseArgs(const std::vector<FlagSpec>& flags, const std::vector<FlagSpec>& global_flags,
               const std::vector<std::string>& argv, ParsedArgs* out, std::string* error);

// Parses a transaction time for --as-of: microseconds since the epoch, or an
// RFC 3339 timestamp ("2019-05-11T12:00:00Z").
bool ParseTxTime(const std::string& text, int64_t* micros);

// "  --name VALUE   help" lines, aligned.
std::string FormatFlagHelp(const std::vector<FlagSpec>& flags);

}  // namespace kg::cli

#endif  // KGD_CLIENT_ARGS_H_
