// kgd's configuration as a plain struct: what `kgd` parses its flags into and
// what integration tests fill in directly.

#ifndef KGD_SERVER_OPTIONS_H_
#define KGD_SERVER_OPTIONS_H_

#include <cstdint>
#include <string>

#include "absl/time/time.h"

namespace kg::server {

// Bounds on what one request may ask for. Each bound is enforced before any
// work is done (RESOURCE_EXHAUSTED naming the field and the limit) or, for
// traversals, reported as an explicit truncated flag.
struct ServerLimits {
  // Largest max_depth of Traverse, Subgraph and FindPaths.
  int32_t max_depth = 6;
  // page_size above this is RESOURCE_EXHAUSTED; 0 means default_page_size.
  int32_t max_page_size = 1000;
  int32_t default_page_size = 100;
  // Entities + statements + evidence records of one write request (and of
  // each BulkIngest message); more is RESOURCE_EXHAUSTED.
  int32_t max_batch_records = 10000;
  // Evidence records one write request (or BulkIngest message) may carry
  // for one statement; more is RESOURCE_EXHAUSTED. Bounds the growth of a
  // statement per write; reads page through any number.
  int32_t max_evidence_per_statement = 1000;
  // Largest request message, bytes; gRPC answers RESOURCE_EXHAUSTED above.
  int32_t max_receive_message_bytes = 64 << 20;
  // Largest response message, bytes: what a default gRPC client accepts.
  // The listings that carry evidence (MatchStatements, ListClaims,
  // ListDisputes, Explain) hold fewer items rather than exceed it; any
  // other response above it is RESOURCE_EXHAUSTED.
  int32_t max_message_bytes = 4 << 20;
  // Evidence records each statement of such a listing carries; the rest are
  // counted and read through Explain. Costs response bytes per statement.
  int32_t evidence_per_listed_statement = 10;
  // Concurrent streams (calls) per client connection; further calls queue
  // in the client.
  int32_t max_concurrent_streams = 256;
  // Caps on nodes visited and edges followed by one Traverse / Subgraph;
  // past them the response says truncated. A request may ask for fewer.
  int32_t max_traversal_nodes = 10000;
  int32_t max_traversal_edges = 50000;
  // Calls open at once on one connection, and by one authenticated
  // principal; past them a call gets RESOURCE_EXHAUSTED at once.
  int32_t max_calls_per_connection = 64;
  int32_t max_calls_per_principal = 256;
  // Per-principal token buckets (calls per second, and the burst), off at
  // 0: writes, and expensive reads (Traverse, FindPaths, Subgraph). Past
  // them a call gets RESOURCE_EXHAUSTED saying when to retry.
  double write_rate = 0;
  double write_burst = 100;
  double expensive_read_rate = 0;
  double expensive_read_burst = 20;
  // Threads for the bodies of calls that may block (writes, traversals,
  // backups), and how many such calls may wait for one; past that a call
  // gets RESOURCE_EXHAUSTED at once.
  int32_t worker_threads = 16;
  int32_t max_queued_calls = 1024;
  // A stream (BulkIngest, Traverse) that sends or takes no message for this
  // long is ended.
  absl::Duration stream_idle_timeout = absl::Seconds(30);
  // Connections: keepalive pings, and how long one may stay idle or open.
  absl::Duration keepalive_time = absl::Minutes(1);
  absl::Duration max_connection_idle = absl::Minutes(15);
  absl::Duration max_connection_age = absl::Hours(2);
};

struct ServerOptions {
  // host:port to listen on; port 0 picks a free port (see KgServer::port()).
  std::string listen = "127.0.0.1:7400";
  // RocksDB data directory; created if missing.
  std::string data_dir = "./var/kgd";
  // Schema file (storage/FORMAT.md, "Schema"); empty = the built-in schema.
  std::string schema_path;
  // Acknowledge a write only once its write-ahead log is fsynced (it then
  // survives a power cut); concurrent writers share one sync. False: an
  // acknowledged write survives a killed kgd, not a power cut.
  bool sync_writes = true;
  // Free space the data directory's filesystem keeps: below it writes get
  // RESOURCE_EXHAUSTED ("disk full") and health NOT_SERVING until space is
  // freed; reads go on. 0 = no reserve.
  uint64_t min_free_disk_bytes = 256ull << 20;
  // How long the change feed (GraphService.Watch) keeps a change; older
  // ones are trimmed in the background, and a watcher resuming before them
  // gets OUT_OF_RANGE.
  absl::Duration change_feed_retention = absl::Hours(168);
  ServerLimits limits;
  // PEM files. Certificate and key turn TLS on; a client CA additionally
  // requires and verifies client certificates (mutual TLS). All empty =
  // plaintext.
  std::string tls_cert_path;
  std::string tls_key_path;
  std::string tls_client_ca_path;
  // Credential file (server/auth.h); empty = authentication off, every
  // caller an anonymous admin.
  std::string auth_tokens_path;
  // Root under which Backup writes; empty = Backup is refused.
  std::string backup_dir;
  // Allows a non-loopback listen address without both TLS and
  // authentication.
  bool insecure = false;
};

}  // namespace kg::server

#endif  // KGD_SERVER_OPTIONS_H_
