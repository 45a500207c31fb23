// HttpServer: kgd's HTTP side, on its own port (kgd --http_listen):
//
//   POST /v1/<Service>/<Method>   the kg.v1 rpcs in the proto JSON mapping
//   GET  /metrics                 Prometheus text exposition (server/metrics.h)
//   GET  anything else            static files (the explorer), or a short
//                                 plain-text page when none are wired
//
// The gateway does no work of its own: each request becomes a call on the
// KgServer's in-process channel with the request's Authorization (and
// X-Kg-Principal) forwarded as metadata, so that authentication, roles,
// limits, validation and the audit log are the gRPC path's, unchanged.
// docs/HTTP.md describes the routes, the JSON mapping and the status codes.
//
// Example:
//   HttpOptions options;
//   options.listen = "127.0.0.1:0";
//   KG_ASSIGN_OR_RETURN(std::unique_ptr<HttpServer> http,
//                       HttpServer::Start(*kgd, server_options, options));
//   ... curl -d '{"id":"actor/turkey"}' 127.0.0.1:<http->port()>/v1/GraphService/GetEntity
//   http->Shutdown(absl::Seconds(5));  // before kgd's Shutdown
//
// Static files (e.g. the explorer's bundled assets):
//   options.static_files = [](absl::string_view path) -> std::optional<StaticFile> {
//     const web::Asset* a = web::FindAsset(path);
//     if (a == nullptr) return std::nullopt;
//     return StaticFile{a->content_type, a->body};
//   };
//
// Thread safety: Shutdown may be called from any thread; the KgServer must
// outlive the HttpServer.

#ifndef KGD_HTTP_HTTP_SERVER_H_
#define KGD_HTTP_HTTP_SERVER_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "server/options.h"
#include "server/server.h"

namespace kg::http {

// A file served as is; both views must stay valid for the server's life.
struct StaticFile {
  absl::string_view content_type;
  absl::string_view body;
};

// The static file at a GET path ("/", "/explorer.js"), or nullopt.
using StaticFiles = std::function<std::optional<StaticFile>(absl::string_view path)>;

struct HttpOptions {
  // host:port; port 0 picks a free port (see HttpServer::port()).
  std::string listen = "127.0.0.1:7401";
  // Threads serving HTTP connections (one connection at a time each).
  int32_t threads = 8;
  // Largest request body; larger ones are answered 413 unread.
  size_t max_body_bytes = 4 << 20;
  // A connection that sends nothing (or takes nothing) for this long is
  // closed; an idle keep-alive connection is closed after keep_alive, and
  // after keep_alive_requests requests.
  absl::Duration read_timeout = absl::Seconds(10);
  absl::Duration write_timeout = absl::Seconds(10);
  absl::Duration keep_alive = absl::Seconds(5);
  int32_t keep_alive_requests = 100;
  // Deadline of the gRPC call behind each gateway request.
  absl::Duration call_timeout = absl::Seconds(60);
  // GET /metrics without a token (only matters with authentication on;
  // otherwise any valid token may scrape).
  bool open_metrics = false;
  StaticFiles static_files;
};

class HttpServer {
 public:
  // Binds options.listen and starts serving. The TLS files of
  // `server_options` (tls_cert_path, tls_key_path, tls_client_ca_path)
  // make it HTTPS, and a non-loopback address needs TLS and
  // authentication as kgd's gRPC port does (unless server_options.insecure).
  // Errors: INVALID_ARGUMENT (a malformed address, unusable TLS files, bad
  // options), FAILED_PRECONDITION (exposure), UNAVAILABLE (cannot bind).
  static absl::StatusOr<std::unique_ptr<HttpServer>> Start(
      server::KgServer& kgd, const server::ServerOptions& server_options, HttpOptions options);

  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;
  ~HttpServer();

  int port() const;
  // "http" or "https".
  const char* scheme() const;

  // Stops accepting, lets requests in flight finish for up to `grace`, then
  // cancels their calls and returns once every HTTP thread has ended. Later
  // calls do nothing.
  void Shutdown(absl::Duration grace);

  class Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace kg::http

#endif  // KGD_HTTP_HTTP_SERVER_H_
