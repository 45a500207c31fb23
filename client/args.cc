#include "client/args.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"

namespace kg::cli {
namespace {

const FlagSpec* FindFlag(const std::vector<FlagSpec>& flags, const std::string& name) {
  for (const FlagSpec& f : flags) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

}  // namespace

std::string ParsedArgs::Get(const std::string& name, const std::string& fallback) const {
  auto it = values.find(name);
  if (it == values.end() || it->second.empty()) return fallback;
  return it->second.back();
}

std::vector<std::string> ParsedArgs::GetAll(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) return {};
  return it->second;
}

bool ParsedArgs::GetInt(const std::string& name, int64_t min, int64_t max, int64_t* out,
                        std::string* error) const {
  if (!Has(name)) return true;
  const std::string text = Get(name);
  int64_t v = 0;
  if (!absl::SimpleAtoi(text, &v) || v < min || v > max) {
    *error = absl::StrCat("--", name, ": expected an integer in [", min, ", ", max, "], got '",
                          text, "'");
    return false;
  }
  *out = v;
  return true;
}

bool ParsedArgs::GetDouble(const std::string& name, double min, double max, double* out,
                           std::string* error) const {
  if (!Has(name)) return true;
  const std::string text = Get(name);
  double v = 0;
  if (!absl::SimpleAtod(text, &v) || !std::isfinite(v) || v < min || v > max) {
    *error =
        absl::StrCat("--", name, ": expected a number in [", min, ", ", max, "], got '", text, "'");
    return false;
  }
  *out = v;
  return true;
}

bool ParsedArgs::GetTxTime(const std::string& name, int64_t* out, std::string* error) const {
  if (!Has(name)) return true;
  if (!ParseTxTime(Get(name), out)) {
    *error = absl::StrCat("--", name,
                          ": expected microseconds since the epoch or an RFC 3339 time, got '",
                          Get(name), "'");
    return false;
  }
  return true;
}

bool ParseArgs(const std::vector<FlagSpec>& flags, const std::vector<FlagSpec>& global_flags,
               const std::vector<std::string>& argv, ParsedArgs* out, std::string* error) {
  bool flags_done = false;
  for (size_t i = 0; i < argv.size(); ++i) {
    const std::string& word = argv[i];
    if (flags_done || word.size() < 2 || word.rfind("--", 0) != 0) {
      if (!flags_done && word.size() > 1 && word[0] == '-' && word != "-" &&
          !(word.size() > 1 && (std::isdigit(static_cast<unsigned char>(word[1])) != 0))) {
        *error = absl::StrCat("unknown flag '", word, "' (flags are written --name)");
        return false;
      }
      out->positional.push_back(word);
      continue;
    }
    if (word == "--") {
      flags_done = true;
      continue;
    }
    std::string name = word.substr(2);
    std::optional<std::string> value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name.resize(eq);
    }
    const FlagSpec* spec = FindFlag(flags, name);
    if (spec == nullptr) spec = FindFlag(global_flags, name);
    if (spec == nullptr) {
      *error = absl::StrCat("unknown flag '--", name, "'");
      return false;
    }
    if (spec->value_name.empty()) {
      if (value.has_value()) {
        *error = absl::StrCat("--", name, " takes no value");
        return false;
      }
      value = "";
    } else if (!value.has_value()) {
      if (i + 1 >= argv.size()) {
        *error = absl::StrCat("--", name, " needs a value (", spec->value_name, ")");
        return false;
      }
      value = argv[++i];
    }
    std::vector<std::string>& slot = out->values[name];
    if (!slot.empty() && !spec->repeated && !spec->value_name.empty()) {
      *error = absl::StrCat("--", name, " given more than once");
      return false;
    }
    slot.push_back(*value);
  }
  return true;
}

bool ParseTxTime(const std::string& text, int64_t* micros) {
  int64_t v = 0;
  if (absl::SimpleAtoi(text, &v)) {
    if (v < 0) return false;
    *micros = v;
    return true;
  }
  absl::Time t;
  std::string err;
  if (!absl::ParseTime(absl::RFC3339_full, text, &t, &err)) return false;
  *micros = absl::ToUnixMicros(t);
  return *micros >= 0;
}

std::string FormatFlagHelp(const std::vector<FlagSpec>& flags) {
  size_t width = 0;
  std::vector<std::string> heads;
  for (const FlagSpec& f : flags) {
    std::string head = absl::StrCat("  --", f.name);
    if (!f.value_name.empty()) absl::StrAppend(&head, " ", f.value_name);
    if (f.repeated) absl::StrAppend(&head, " ...");
    width = std::max(width, head.size());
    heads.push_back(std::move(head));
  }
  std::string text;
  for (size_t i = 0; i < flags.size(); ++i) {
    absl::StrAppend(&text, heads[i], std::string(width - heads[i].size() + 2, ' '), flags[i].help,
                    "\n");
  }
  return text;
}

}  // namespace kg::cli
