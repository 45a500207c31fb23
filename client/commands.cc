#include "client/commands.h"

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"

namespace kg::cli {

const char kExitCodeHelp[] =
    "Exit codes:\n"
    "  0  success\n"
    "  1  not found, or an empty result where that is meaningful (entity, explain,\n"
    "     path with no path, search with no hit)\n"
    "  2  usage error: bad flags or arguments (nothing was sent)\n"
    "  3  the server rejected the request: INVALID_ARGUMENT, FAILED_PRECONDITION,\n"
    "     OUT_OF_RANGE, ALREADY_EXISTS, RESOURCE_EXHAUSTED (a limit); or bad input data\n"
    "  4  the server cannot be reached, is not serving, or the deadline passed\n"
    "  5  any other error\n"
    "  6  not authenticated: no token, or kgd did not accept it (UNAUTHENTICATED)\n"
    "  7  permission denied: the caller's role does not allow the call\n"
    "     (PERMISSION_DENIED; kg whoami shows the role)\n";

int ExitCodeFor(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return kExitOk;
    case grpc::StatusCode::NOT_FOUND:
      return kExitNotFound;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return kExitRejected;
    case grpc::StatusCode::UNAVAILABLE:
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return kExitUnavailable;
    case grpc::StatusCode::UNAUTHENTICATED:
      return kExitUnauthenticated;
    case grpc::StatusCode::PERMISSION_DENIED:
      return kExitPermissionDenied;
    default:
      return kExitServerError;
  }
}

const char* StatusCodeName(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return "OK";
    case grpc::StatusCode::CANCELLED:
      return "CANCELLED";
    case grpc::StatusCode::UNKNOWN:
      return "UNKNOWN";
    case grpc::StatusCode::INVALID_ARGUMENT:
      return "INVALID_ARGUMENT";
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return "DEADLINE_EXCEEDED";
    case grpc::StatusCode::NOT_FOUND:
      return "NOT_FOUND";
    case grpc::StatusCode::ALREADY_EXISTS:
      return "ALREADY_EXISTS";
    case grpc::StatusCode::PERMISSION_DENIED:
      return "PERMISSION_DENIED";
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return "RESOURCE_EXHAUSTED";
    case grpc::StatusCode::FAILED_PRECONDITION:
      return "FAILED_PRECONDITION";
    case grpc::StatusCode::ABORTED:
      return "ABORTED";
    case grpc::StatusCode::OUT_OF_RANGE:
      return "OUT_OF_RANGE";
    case grpc::StatusCode::UNIMPLEMENTED:
      return "UNIMPLEMENTED";
    case grpc::StatusCode::INTERNAL:
      return "INTERNAL";
    case grpc::StatusCode::UNAVAILABLE:
      return "UNAVAILABLE";
    case grpc::StatusCode::DATA_LOSS:
      return "DATA_LOSS";
    case grpc::StatusCode::UNAUTHENTICATED:
      return "UNAUTHENTICATED";
    default:
      return "ERROR";
  }
}

bool ParseStatusCode(const std::string& text, grpc::StatusCode* code) {
  int number = -1;
  if (int n = 0; absl::SimpleAtoi(text, &n)) {
    number = n;
  } else {
    for (int c = grpc::StatusCode::OK; c <= grpc::StatusCode::UNAUTHENTICATED; ++c) {
      if (absl::EqualsIgnoreCase(text, StatusCodeName(static_cast<grpc::StatusCode>(c)))) {
        number = c;
      }
    }
  }
  if (number < grpc::StatusCode::OK || number > grpc::StatusCode::UNAUTHENTICATED) return false;
  *code = static_cast<grpc::StatusCode>(number);
  return true;
}

int Env::Usage(const std::string& message) const {
  *err << "kg " << command << ": " << message << " (see kg " << command << " --help)\n";
  return kExitUsage;
}

int Env::Fail(const grpc::Status& status) const {
  std::string message = status.error_message();
  for (char& c : message) {
    if (c == '\n') c = ' ';  // one line
  }
  if (status.error_code() == grpc::StatusCode::UNAVAILABLE) {
    *err << "kg: " << message << "\n";
  } else if (status.error_code() == grpc::StatusCode::DEADLINE_EXCEEDED) {
    *err << "kg: no answer from kgd at " << client->options().addr << " within "
         << client->options().timeout.count() / 1000.0 << " s (raise --timeout)\n";
  } else if (status.error_code() == grpc::StatusCode::UNAUTHENTICATED) {
    if (client->options().token.empty()) {
      *err << "kg: kgd at " << client->options().addr << " wants a token: " << message
           << " (UNAUTHENTICATED; give --token-file, $KG_TOKEN or --token)\n";
    } else {
      *err << "kg: kgd at " << client->options().addr << " did not accept the token: " << message
           << " (UNAUTHENTICATED)\n";
    }
  } else if (status.error_code() == grpc::StatusCode::UNIMPLEMENTED && message.empty()) {
    *err << "kg " << command << ": kgd at " << client->options().addr
         << " does not implement this call (UNIMPLEMENTED; an older kgd?)\n";
  } else if (status.error_code() == grpc::StatusCode::PERMISSION_DENIED) {
    *err << "kg " << command << ": " << message
         << " (PERMISSION_DENIED; kg whoami shows your role)\n";
  } else {
    *err << "kg " << command << ": " << message << " (" << StatusCodeName(status.error_code())
         << ")\n";
  }
  return ExitCodeFor(status.error_code());
}

const std::vector<FlagSpec>& GlobalFlags() {
  static const std::vector<FlagSpec>* flags = new std::vector<FlagSpec>{
      {"addr", "HOST:PORT", "kgd's address (default $KG_ADDR, else 127.0.0.1:7400)"},
      {"timeout", "SECONDS", "deadline of each call, connecting included (default 10)"},
      {"token", "TOKEN", "bearer token (visible in ps: prefer --token-file or $KG_TOKEN)"},
      {"token-file", "FILE", "read the bearer token from FILE (whitespace around it ignored)"},
      {"principal", "NAME",
       "act on behalf of NAME (x-kg-principal; kgd honours it for gateway and admin)"},
      {"tls-ca", "PEM", "use TLS, trusting this CA certificate"},
      {"tls-cert", "PEM", "client certificate for mutual TLS (with --tls-key)"},
      {"tls-key", "PEM", "client private key for mutual TLS"},
      {"json", "", "print the proto JSON mapping, one object per line"},
      {"format", "FMT", "table (default), json; dot or graphml for traverse, path, subgraph"},
      {"help", "", "show help"},
  };
  return *flags;
}

std::vector<FlagSpec> FilterFlags() {
  return {
      {"min-confidence", "X", "only statements with aggregate confidence >= X, in [0, 1]"},
      {"min-sources", "N", "only statements with >= N independent sources"},
      {"max-sources", "N", "only statements with <= N independent sources (1: single-source)"},
      {"publisher", "ID", "count only evidence from these publishers", true},
      {"exclude-publisher", "ID", "never count evidence from these publishers", true},
      {"min-reliability", "A-F", "count only evidence graded this reliable or better"},
      {"max-credibility", "1-6", "count only evidence graded this credible or better"},
      {"valid-from", "DATE", "valid-time window start, YYYY[-MM[-DD]]"},
      {"valid-to", "DATE", "valid-time window end"},
      {"as-of", "TIME", "read the graph as it stood then (microseconds or RFC 3339)"},
  };
}

bool BuildFilter(const ParsedArgs& args, v1::Filter* filter, std::string* error) {
  double min_conf = 0;
  int64_t min_sources = 0, max_sources = 0, max_cred = 0;
  if (!args.GetDouble("min-confidence", 0, 1, &min_conf, error) ||
      !args.GetInt("min-sources", 0, INT32_MAX, &min_sources, error) ||
      !args.GetInt("max-sources", 0, INT32_MAX, &max_sources, error) ||
      !args.GetInt("max-credibility", 1, 6, &max_cred, error)) {
    return false;
  }
  filter->set_min_confidence(min_conf);
  filter->set_min_sources(static_cast<int32_t>(min_sources));
  filter->set_max_sources(static_cast<int32_t>(max_sources));
  filter->set_max_credibility(static_cast<int32_t>(max_cred));
  for (const std::string& p : args.GetAll("publisher")) filter->add_publishers_allow(p);
  for (const std::string& p : args.GetAll("exclude-publisher")) filter->add_publishers_deny(p);
  if (args.Has("min-reliability")) {
    std::string r = args.Get("min-reliability");
    if (r.size() != 1 || r[0] < 'A' || r[0] > 'F') {
      *error = absl::StrCat("--min-reliability: expected a letter A..F, got '", r, "'");
      return false;
    }
    filter->set_min_reliability(r);
  }
  filter->set_valid_from(args.Get("valid-from"));
  filter->set_valid_to(args.Get("valid-to"));
  int64_t as_of = 0;
  if (!args.GetTxTime("as-of", &as_of, error)) return false;
  filter->set_as_of(as_of);
  return true;
}

std::vector<FlagSpec> PageFlags() {
  return {{"limit", "N", "print at most N results (default 100; 0 = all)"},
          {"page-size", "N", "results per server page (server default when absent)"}};
}

bool PageOptions(const Env& env, int64_t* limit, int32_t* page_size, std::string* error) {
  *limit = 100;  // as PageFlags() says
  int64_t ps = 0;
  if (!env.args->GetInt("limit", 0, INT64_MAX, limit, error)) return false;
  if (!env.args->GetInt("page-size", 0, INT32_MAX, &ps, error)) return false;
  *page_size = static_cast<int32_t>(ps);
  return true;
}

void NoteMore(const Env& env, bool more) {
  if (more && !env.json()) {
    *env.err << "kg " << env.command << ": more results; raise --limit (0 = all)\n";
  }
}

std::vector<FlagSpec> Join(std::vector<FlagSpec> a, const std::vector<FlagSpec>& b) {
  a.insert(a.end(), b.begin(), b.end());
  return a;
}

const std::vector<Command>& Commands() {
  static const std::vector<Command>* commands = [] {
    auto* c = new std::vector<Command>;
    AddReadCommands(c);
    AddWatchCommands(c);
    AddWriteCommands(c);
    AddAccessCommands(c);
    return c;
  }();
  return *commands;
}

}  // namespace kg::cli
