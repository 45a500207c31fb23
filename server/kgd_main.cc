// kgd: the knowledge-graph server. Parses flags into ServerOptions, starts a
// KgServer, and shuts it down gracefully on SIGTERM or SIGINT.

#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <thread>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/flags/usage_config.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "http/http_server.h"
#include "server/server.h"
#include "storage/backup.h"
#include "storage/check.h"
#include "web/assets.h"

namespace {
const kg::server::ServerOptions kDefaults;
const kg::server::ServerLimits kDefaultLimits;
const kg::http::HttpOptions kHttpDefaults;
}  // namespace

ABSL_FLAG(std::string, listen, kDefaults.listen,
          "Address to serve gRPC on, host:port. Port 0 picks a free port (see --port_file).");
ABSL_FLAG(std::string, http_listen, kHttpDefaults.listen,
          "Address to serve HTTP on (the JSON gateway, /metrics, the explorer; docs/HTTP.md), "
          "host:port; empty = no HTTP. Port 0 picks a free port (see --http_port_file). Uses "
          "--tls_cert/--tls_key (HTTPS) and --auth_tokens like gRPC.");
ABSL_FLAG(std::string, http_port_file, "",
          "After start, write the bound HTTP port (decimal, one line) to this file or FIFO.");
ABSL_FLAG(int32_t, http_threads, kHttpDefaults.threads,
          "Threads serving HTTP connections (each serves one connection at a time).");
ABSL_FLAG(uint64_t, http_max_body_bytes, kHttpDefaults.max_body_bytes,
          "Largest HTTP request body; larger ones get 413.");
ABSL_FLAG(absl::Duration, http_timeout, kHttpDefaults.read_timeout,
          "An HTTP connection that sends or takes nothing for this long is closed.");
ABSL_FLAG(absl::Duration, http_call_timeout, kHttpDefaults.call_timeout,
          "Deadline of the call behind each HTTP gateway request.");
ABSL_FLAG(bool, metrics_without_token, kHttpDefaults.open_metrics,
          "Serve GET /metrics without a bearer token even with --auth_tokens (otherwise any "
          "valid token may scrape).");
ABSL_FLAG(std::string, data_dir, kDefaults.data_dir, "RocksDB data directory; created if missing.");
ABSL_FLAG(std::string, schema, "",
          "Schema file (kinds and predicates, see storage/FORMAT.md); empty = built-in schema.");
ABSL_FLAG(bool, sync_writes, kDefaults.sync_writes,
          "Acknowledge a write once its write-ahead log is fsynced, so that it survives a "
          "power cut (concurrent writers share one sync). --sync_writes=false: acknowledged "
          "writes survive a killed kgd but the last ones may be lost in a power cut.");
ABSL_FLAG(uint64_t, min_free_disk_mb, kDefaults.min_free_disk_bytes >> 20,
          "Writes are refused (RESOURCE_EXHAUSTED, health NOT_SERVING) while the data dir's "
          "filesystem has less free space than this many MiB; they resume once it has more. "
          "0 = no reserve.");
ABSL_FLAG(int32_t, change_feed_retention_hours, absl::ToInt64Hours(kDefaults.change_feed_retention),
          "Hours the change feed (GraphService.Watch, kg watch) keeps a change; older ones are "
          "trimmed, and a watcher resuming before them gets OUT_OF_RANGE.");
ABSL_FLAG(std::string, port_file, "",
          "After start, write the bound port (decimal, one line) to this file or FIFO.");
ABSL_FLAG(double, grace_period, 10,
          "Seconds in-flight calls may take to finish after SIGTERM/SIGINT before they are "
          "cancelled.");
ABSL_FLAG(std::string, tls_cert, "", "PEM server certificate chain; with --tls_key turns TLS on.");
ABSL_FLAG(std::string, tls_key, "", "PEM private key of --tls_cert.");
ABSL_FLAG(std::string, tls_client_ca, "",
          "PEM CA bundle; when set, clients must present a certificate it signed (mutual TLS).");
ABSL_FLAG(std::string, auth_tokens, "",
          "Credential file: lines 'PRINCIPAL ROLE SHA256HEX' (the token's SHA-256) or "
          "'PRINCIPAL ROLE cert:SUBJECT'; roles reader, writer, gateway, admin. Re-read on "
          "SIGHUP. Empty = authentication off (every caller an anonymous admin).");
ABSL_FLAG(std::string, backup_dir, "",
          "Directory under which Backup writes (created if missing); empty = Backup refused.");
ABSL_FLAG(bool, insecure, false, "Serve a non-loopback address without TLS and authentication.");
ABSL_FLAG(bool, check, false,
          "Check the --data_dir offline (kgd must not be running on it) and exit: 0 consistent, "
          "4 problems found (listed on stdout), 1 cannot check.");
ABSL_FLAG(bool, repair, false,
          "Like --check, then rebuild what is derived from the records (index entries, "
          "summaries, provenance and alias indexes, counters) and check again; exit 0 when "
          "nothing is left, 4 when problems that need the records remain.");
ABSL_FLAG(std::string, restore_from, "",
          "Restore a backup of this repository (a directory CreateBackup / `kg backup` wrote) "
          "into --data_dir, which must be new or empty, and exit; then start kgd on it.");
ABSL_FLAG(uint32_t, backup_id, 0, "With --restore_from: the backup to restore; 0 = the newest.");
ABSL_FLAG(int32_t, max_depth, kDefaultLimits.max_depth,
          "Largest max_depth of Traverse, Subgraph and FindPaths.");
ABSL_FLAG(int32_t, max_page_size, kDefaultLimits.max_page_size,
          "Largest page_size of any listing; larger requests get RESOURCE_EXHAUSTED.");
ABSL_FLAG(int32_t, default_page_size, kDefaultLimits.default_page_size,
          "Page size when a request leaves page_size 0.");
ABSL_FLAG(int32_t, max_batch_records, kDefaultLimits.max_batch_records,
          "Most entities + statements + evidence records in one write request or BulkIngest "
          "message.");
ABSL_FLAG(int32_t, max_evidence_per_statement, kDefaultLimits.max_evidence_per_statement,
          "Most evidence records one write request or BulkIngest message adds to one statement.");
ABSL_FLAG(int32_t, max_request_bytes, kDefaultLimits.max_receive_message_bytes,
          "Largest request message in bytes.");
ABSL_FLAG(int32_t, max_message_bytes, kDefaultLimits.max_message_bytes,
          "Largest response message in bytes (a default gRPC client accepts 4 MiB); the pages "
          "of MatchStatements, ListClaims, ListDisputes and Explain shrink to fit.");
ABSL_FLAG(int32_t, evidence_per_listed_statement, kDefaultLimits.evidence_per_listed_statement,
          "Evidence records per statement in MatchStatements, ListClaims and ListDisputes; the "
          "rest are counted and read through Explain.");
ABSL_FLAG(int32_t, worker_threads, kDefaultLimits.worker_threads,
          "Threads for calls that may block: writes, traversals, backups.");
ABSL_FLAG(int32_t, max_queued_calls, kDefaultLimits.max_queued_calls,
          "Calls that may wait for a worker thread; past it RESOURCE_EXHAUSTED at once.");
ABSL_FLAG(int32_t, max_concurrent_streams, kDefaultLimits.max_concurrent_streams,
          "Concurrent calls per client connection.");
ABSL_FLAG(int32_t, max_calls_per_connection, kDefaultLimits.max_calls_per_connection,
          "Calls open at once on one connection; more get RESOURCE_EXHAUSTED at once.");
ABSL_FLAG(int32_t, max_calls_per_principal, kDefaultLimits.max_calls_per_principal,
          "Calls open at once by one authenticated principal; more get RESOURCE_EXHAUSTED.");
ABSL_FLAG(double, write_rate, kDefaultLimits.write_rate,
          "Writes per second per principal (token bucket); 0 = unlimited.");
ABSL_FLAG(double, write_burst, kDefaultLimits.write_burst, "Burst of --write_rate.");
ABSL_FLAG(double, expensive_read_rate, kDefaultLimits.expensive_read_rate,
          "Traverse, FindPaths and Subgraph calls per second per principal; 0 = unlimited.");
ABSL_FLAG(double, expensive_read_burst, kDefaultLimits.expensive_read_burst,
          "Burst of --expensive_read_rate.");
ABSL_FLAG(absl::Duration, stream_idle_timeout, kDefaultLimits.stream_idle_timeout,
          "A stream that sends or takes no message for this long is ended (e.g. 30s).");
ABSL_FLAG(absl::Duration, keepalive_time, kDefaultLimits.keepalive_time,
          "Interval of keepalive pings on idle connections.");
ABSL_FLAG(absl::Duration, max_connection_idle, kDefaultLimits.max_connection_idle,
          "A connection with no call for this long is closed.");
ABSL_FLAG(absl::Duration, max_connection_age, kDefaultLimits.max_connection_age,
          "A connection is closed (gracefully) after this long.");
ABSL_FLAG(int32_t, max_traversal_nodes, kDefaultLimits.max_traversal_nodes,
          "Most nodes one Traverse or Subgraph visits before it reports truncated.");
ABSL_FLAG(int32_t, max_traversal_edges, kDefaultLimits.max_traversal_edges,
          "Most edges one Traverse or Subgraph follows before it reports truncated.");

namespace {

constexpr char kUsage[] = R"(the provenance-first knowledge-graph server.

Serves the kg.v1 gRPC API (proto/kg/v1/kg.proto) over an embedded RocksDB
database, with grpc.health.v1 health checking and server reflection.

Usage:
  kgd [--listen=127.0.0.1:7400] [--data_dir=./var/kgd] [flags...]
  kgd --flagfile=/etc/kgd.flags     # one --flag=value per line

Examples:
  kgd                                            # localhost:7400, ./var/kgd
  kgd --listen=0.0.0.0:7400 --tls_cert=server.pem --tls_key=server.key \
      --auth_tokens=/etc/kgd/tokens --backup_dir=/var/backups/kgd
  kgd --listen=127.0.0.1:0 --port_file=/tmp/kgd.port   # pick a free port
  kgd --http_listen=                             # no HTTP (default 127.0.0.1:7401)

Offline: `kgd --check --data_dir=DIR` reports inconsistencies (exit 4),
`kgd --repair --data_dir=DIR` rebuilds derived indexes and summaries.
`kgd --restore_from=REPO --data_dir=NEW [--backup_id=N]` restores a backup.

Clients: the `kg` CLI, or any gRPC tool (grpcurl -plaintext localhost:7400 list).
HTTP on --http_listen: POST /v1/<Service>/<Method> with proto JSON (curl -d
'{"id":"actor/turkey"}' localhost:7401/v1/GraphService/GetEntity), GET /metrics
(Prometheus), GET / (the explorer); docs/HTTP.md.
A non-loopback --listen needs TLS and --auth_tokens (or --insecure).
`kg token new PRINCIPAL ROLE` makes a token and its --auth_tokens line.
SIGHUP re-reads --auth_tokens (a file that fails to load keeps the old one).
SIGTERM / SIGINT stop accepting calls, let in-flight calls finish within
--grace_period seconds, and close the database cleanly.)";

kg::server::ServerOptions OptionsFromFlags() {
  kg::server::ServerOptions o;
  o.listen = absl::GetFlag(FLAGS_listen);
  o.data_dir = absl::GetFlag(FLAGS_data_dir);
  o.schema_path = absl::GetFlag(FLAGS_schema);
  o.sync_writes = absl::GetFlag(FLAGS_sync_writes);
  o.min_free_disk_bytes = absl::GetFlag(FLAGS_min_free_disk_mb) << 20;
  o.change_feed_retention = absl::Hours(absl::GetFlag(FLAGS_change_feed_retention_hours));
  o.tls_cert_path = absl::GetFlag(FLAGS_tls_cert);
  o.tls_key_path = absl::GetFlag(FLAGS_tls_key);
  o.tls_client_ca_path = absl::GetFlag(FLAGS_tls_client_ca);
  o.auth_tokens_path = absl::GetFlag(FLAGS_auth_tokens);
  o.backup_dir = absl::GetFlag(FLAGS_backup_dir);
  o.insecure = absl::GetFlag(FLAGS_insecure);
  o.limits.max_depth = absl::GetFlag(FLAGS_max_depth);
  o.limits.max_page_size = absl::GetFlag(FLAGS_max_page_size);
  o.limits.default_page_size = absl::GetFlag(FLAGS_default_page_size);
  o.limits.max_batch_records = absl::GetFlag(FLAGS_max_batch_records);
  o.limits.max_evidence_per_statement = absl::GetFlag(FLAGS_max_evidence_per_statement);
  o.limits.max_receive_message_bytes = absl::GetFlag(FLAGS_max_request_bytes);
  o.limits.max_message_bytes = absl::GetFlag(FLAGS_max_message_bytes);
  o.limits.evidence_per_listed_statement = absl::GetFlag(FLAGS_evidence_per_listed_statement);
  o.limits.worker_threads = absl::GetFlag(FLAGS_worker_threads);
  o.limits.max_queued_calls = absl::GetFlag(FLAGS_max_queued_calls);
  o.limits.max_concurrent_streams = absl::GetFlag(FLAGS_max_concurrent_streams);
  o.limits.max_calls_per_connection = absl::GetFlag(FLAGS_max_calls_per_connection);
  o.limits.max_calls_per_principal = absl::GetFlag(FLAGS_max_calls_per_principal);
  o.limits.stream_idle_timeout = absl::GetFlag(FLAGS_stream_idle_timeout);
  o.limits.write_rate = absl::GetFlag(FLAGS_write_rate);
  o.limits.write_burst = absl::GetFlag(FLAGS_write_burst);
  o.limits.expensive_read_rate = absl::GetFlag(FLAGS_expensive_read_rate);
  o.limits.expensive_read_burst = absl::GetFlag(FLAGS_expensive_read_burst);
  o.limits.keepalive_time = absl::GetFlag(FLAGS_keepalive_time);
  o.limits.max_connection_idle = absl::GetFlag(FLAGS_max_connection_idle);
  o.limits.max_connection_age = absl::GetFlag(FLAGS_max_connection_age);
  o.limits.max_traversal_nodes = absl::GetFlag(FLAGS_max_traversal_nodes);
  o.limits.max_traversal_edges = absl::GetFlag(FLAGS_max_traversal_edges);
  return o;
}

kg::http::HttpOptions HttpOptionsFromFlags() {
  kg::http::HttpOptions h;
  h.listen = absl::GetFlag(FLAGS_http_listen);
  h.threads = absl::GetFlag(FLAGS_http_threads);
  h.max_body_bytes = absl::GetFlag(FLAGS_http_max_body_bytes);
  h.read_timeout = absl::GetFlag(FLAGS_http_timeout);
  h.write_timeout = absl::GetFlag(FLAGS_http_timeout);
  h.call_timeout = absl::GetFlag(FLAGS_http_call_timeout);
  h.open_metrics = absl::GetFlag(FLAGS_metrics_without_token);
  // The explorer, compiled in (web/assets.h).
  h.static_files = [](absl::string_view path) -> std::optional<kg::http::StaticFile> {
    const kg::web::Asset* asset = kg::web::FindAsset(path);
    if (asset == nullptr) return std::nullopt;
    return kg::http::StaticFile{asset->content_type, asset->body};
  };
  return h;
}

// "127.0.0.1:0" and the bound port -> "127.0.0.1:40123", for the URL kgd prints.
std::string HttpAuthority(const std::string& listen, int port) {
  const size_t colon = listen.rfind(':');
  std::string host = colon == std::string::npos ? listen : listen.substr(0, colon);
  if (host.empty() || host == "0.0.0.0") host = "127.0.0.1";
  return absl::StrCat(host, ":", port);
}

// Nonsensical limits are refused at start rather than discovered per call.
std::string CheckLimits(const kg::server::ServerLimits& l) {
  if (l.max_depth < 1) return "--max_depth must be >= 1";
  if (l.max_page_size < 1) return "--max_page_size must be >= 1";
  if (l.default_page_size < 1 || l.default_page_size > l.max_page_size) {
    return "--default_page_size must be in [1, --max_page_size]";
  }
  if (l.max_batch_records < 1) return "--max_batch_records must be >= 1";
  if (l.max_evidence_per_statement < 1) return "--max_evidence_per_statement must be >= 1";
  if (l.max_receive_message_bytes < 1024) return "--max_request_bytes must be >= 1024";
  // Room for one listed statement with its evidence at the records' bounds.
  if (l.max_message_bytes < (1 << 20)) return "--max_message_bytes must be >= 1 MiB";
  if (l.evidence_per_listed_statement < 0 || l.evidence_per_listed_statement > 10) {
    return "--evidence_per_listed_statement must be in [0, 10]";
  }
  if (l.worker_threads < 1 || l.max_queued_calls < 1) {
    return "--worker_threads and --max_queued_calls must be >= 1";
  }
  if (l.max_concurrent_streams < 1) return "--max_concurrent_streams must be >= 1";
  if (l.max_calls_per_connection < 1 || l.max_calls_per_principal < 1) {
    return "--max_calls_per_connection and --max_calls_per_principal must be >= 1";
  }
  if (l.write_rate < 0 || l.expensive_read_rate < 0 || l.write_burst < 1 ||
      l.expensive_read_burst < 1) {
    return "--write_rate and --expensive_read_rate must be >= 0, their bursts >= 1";
  }
  if (l.stream_idle_timeout < absl::Seconds(1) || l.keepalive_time < absl::Seconds(1) ||
      l.max_connection_idle < absl::Seconds(1) || l.max_connection_age < absl::Seconds(1)) {
    return "--stream_idle_timeout, --keepalive_time, --max_connection_idle and "
           "--max_connection_age must be at least 1s";
  }
  if (l.max_traversal_nodes < 1 || l.max_traversal_edges < 1) {
    return "--max_traversal_nodes and --max_traversal_edges must be >= 1";
  }
  return "";
}

// One write(2) so that a reader never sees a partial number; works for a
// regular file and for a FIFO the caller is reading.
bool WritePortFile(const std::string& path, int port) {
  const std::string text = absl::StrCat(port, "\n");
  const int fd = open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
  if (fd < 0) return false;
  const bool ok = write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  return close(fd) == 0 && ok;
}

// kgd --restore_from: one line on success, one on failure.
int Restore(const std::string& repository, uint32_t id, const std::string& data_dir) {
  absl::StatusOr<kg::BackupInfo> restored = kg::RestoreBackup(repository, id, data_dir);
  if (!restored.ok()) {
    std::fprintf(stderr, "kgd: restore: %s\n", restored.status().ToString().c_str());
    return 1;
  }
  std::fprintf(stderr,
               "kgd: restored backup %u of %s (as of transaction time %lld, %u files, %llu bytes) "
               "into %s\n",
               restored->id, repository.c_str(), static_cast<long long>(restored->as_of),
               restored->files, static_cast<unsigned long long>(restored->bytes), data_dir.c_str());
  return 0;
}

// kgd --check / --repair: the report on stdout, errors on stderr.
int CheckOffline(const std::string& data_dir, bool repair) {
  absl::StatusOr<kg::CheckReport> report = kg::CheckDatabase({.path = data_dir, .repair = repair});
  if (!report.ok()) {
    std::fprintf(stderr, "kgd: %s: %s\n", repair ? "repair" : "check",
                 report.status().ToString().c_str());
    return 1;
  }
  std::fputs(report->ToString().c_str(), stdout);
  return report->ok() ? 0 : 4;
}

}  // namespace

int main(int argc, char** argv) {
  // Debian's Abseil is built with assertions on, which makes every Mutex
  // lock, kgd's and gRPC's, update a process-wide lock graph under a global
  // lock. The tests keep that check; the server does not pay for it.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);
  absl::SetProgramUsageMessage(kUsage);
  absl::FlagsUsageConfig usage;
  usage.version_string = [] { return std::string("kgd " KGD_VERSION " (" KGD_BUILD_TYPE ")\n"); };
  absl::SetFlagsUsageConfig(usage);
  absl::ParseCommandLine(argc, argv);
  const kg::server::ServerOptions options = OptionsFromFlags();
  if (const std::string from = absl::GetFlag(FLAGS_restore_from); !from.empty()) {
    return Restore(from, absl::GetFlag(FLAGS_backup_id), options.data_dir);
  }
  if (absl::GetFlag(FLAGS_check) || absl::GetFlag(FLAGS_repair)) {
    return CheckOffline(options.data_dir, absl::GetFlag(FLAGS_repair));
  }
  if (std::string error = CheckLimits(options.limits); !error.empty()) {
    std::fprintf(stderr, "kgd: %s\n", error.c_str());
    return 2;
  }
  if (options.change_feed_retention < absl::Hours(1)) {
    std::fprintf(stderr, "kgd: --change_feed_retention_hours must be >= 1\n");
    return 2;
  }

  // SIGTERM, SIGINT and SIGHUP are blocked in every thread (gRPC's included,
  // which inherit this mask) and taken synchronously by one thread below,
  // which reloads or shuts down outside any signal handler.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  absl::StatusOr<std::unique_ptr<kg::server::KgServer>> server =
      kg::server::KgServer::Start(options);
  if (!server.ok()) {
    std::fprintf(stderr, "kgd: %s\n", server.status().ToString().c_str());
    return 1;
  }
  std::fprintf(stderr, "kgd: serving on port %d (listen %s), data dir %s\n", (*server)->port(),
               options.listen.c_str(), options.data_dir.c_str());
  std::fprintf(stderr, "kgd: %s\n", (*server)->SecuritySummary().c_str());
  std::unique_ptr<kg::http::HttpServer> http;
  if (kg::http::HttpOptions h = HttpOptionsFromFlags(); !h.listen.empty()) {
    absl::StatusOr<std::unique_ptr<kg::http::HttpServer>> started =
        kg::http::HttpServer::Start(**server, options, std::move(h));
    if (!started.ok()) {
      std::fprintf(stderr, "kgd: %s\n", started.status().ToString().c_str());
      (*server)->Shutdown(absl::ZeroDuration());
      return 1;
    }
    http = *std::move(started);
    std::fprintf(stderr, "kgd: serving HTTP on port %d (http_listen %s): %s://%s/\n", http->port(),
                 absl::GetFlag(FLAGS_http_listen).c_str(), http->scheme(),
                 HttpAuthority(absl::GetFlag(FLAGS_http_listen), http->port()).c_str());
    const std::string http_port_file = absl::GetFlag(FLAGS_http_port_file);
    if (!http_port_file.empty() && !WritePortFile(http_port_file, http->port())) {
      std::fprintf(stderr, "kgd: http_port_file: cannot write '%s': %s\n", http_port_file.c_str(),
                   std::strerror(errno));
      http->Shutdown(absl::ZeroDuration());
      (*server)->Shutdown(absl::ZeroDuration());
      return 1;
    }
  }
  const std::string port_file = absl::GetFlag(FLAGS_port_file);
  if (!port_file.empty() && !WritePortFile(port_file, (*server)->port())) {
    std::fprintf(stderr, "kgd: port_file: cannot write '%s': %s\n", port_file.c_str(),
                 std::strerror(errno));
    if (http != nullptr) http->Shutdown(absl::ZeroDuration());
    (*server)->Shutdown(absl::ZeroDuration());
    return 1;
  }

  const absl::Duration grace = absl::Seconds(absl::GetFlag(FLAGS_grace_period));
  std::thread stopper([&server, &http, &signals, grace] {
    int signal_number = 0;
    while (sigwait(&signals, &signal_number) == 0 && signal_number == SIGHUP) {
      absl::StatusOr<size_t> loaded = (*server)->ReloadCredentials();
      if (loaded.ok()) {
        std::fprintf(stderr, "kgd: SIGHUP: loaded %zu credential(s)\n", *loaded);
      } else {
        std::fprintf(stderr, "kgd: SIGHUP: reload failed, keeping the old credentials: %s\n",
                     loaded.status().ToString().c_str());
      }
    }
    std::fprintf(stderr, "kgd: %s, shutting down (grace %s)\n", strsignal(signal_number),
                 absl::FormatDuration(grace).c_str());
    // HTTP first: its requests are calls on the gRPC server.
    if (http != nullptr) http->Shutdown(grace);
    (*server)->Shutdown(grace);
  });
  (*server)->Wait();
  stopper.join();
  http.reset();
  server->reset();
  std::fprintf(stderr, "kgd: stopped\n");
  return 0;
}
