#include "http/http_server.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/dynamic_message.h>
#include <google/protobuf/message.h>
#include <google/protobuf/util/json_util.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/client_unary_call.h>
#include <grpcpp/impl/codegen/proto_utils.h>
#include <grpcpp/impl/rpc_method.h>
#include <grpcpp/support/sync_stream.h>
#include <httplib.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "server/auth.h"
#include "server/gate.h"
#include "server/metrics.h"
#include "storage/status_macros.h"

namespace kg::http {
namespace {

namespace pb = ::google::protobuf;
using RpcMethod = ::grpc::internal::RpcMethod;

constexpr char kJson[] = "application/json";
constexpr char kNdjson[] = "application/x-ndjson";
constexpr char kMetricsType[] = "text/plain; version=0.0.4; charset=utf-8";
constexpr char kRoutes[] =
    "routes: POST /v1/<Service>/<Method> (the rpcs of proto/kg/v1/kg.proto), GET /metrics";

// Rpcs without an end: a Watch would hold an HTTP thread for as long as
// the client stays, so it is served over gRPC only.
bool ServedOverHttp(const pb::MethodDescriptor& method) {
  return method.full_name() != "kg.v1.GraphService.Watch";
}

// google.rpc.Code -> HTTP status, as Google's HTTP APIs map them.
int HttpStatusOf(grpc::StatusCode code) {
  switch (code) {
    case grpc::StatusCode::OK:
      return 200;
    case grpc::StatusCode::CANCELLED:
      return 499;
    case grpc::StatusCode::INVALID_ARGUMENT:
    case grpc::StatusCode::FAILED_PRECONDITION:
    case grpc::StatusCode::OUT_OF_RANGE:
      return 400;
    case grpc::StatusCode::UNAUTHENTICATED:
      return 401;
    case grpc::StatusCode::PERMISSION_DENIED:
      return 403;
    case grpc::StatusCode::NOT_FOUND:
      return 404;
    case grpc::StatusCode::ALREADY_EXISTS:
    case grpc::StatusCode::ABORTED:
      return 409;
    case grpc::StatusCode::RESOURCE_EXHAUSTED:
      return 429;
    case grpc::StatusCode::UNIMPLEMENTED:
      return 501;
    case grpc::StatusCode::UNAVAILABLE:
      return 503;
    case grpc::StatusCode::DEADLINE_EXCEEDED:
      return 504;
    default:
      return 500;
  }
}

// A JSON string literal of `text` (RFC 8259 escaping).
std::string JsonString(absl::string_view text) {
  std::string out = "\"";
  for (const char c : text) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          absl::StrAppend(&out, "\\u00", absl::Hex(static_cast<unsigned char>(c), absl::kZeroPad2));
        } else {
          out += c;
        }
    }
  }
  out += '"';
  return out;
}

// {"code":3,"status":"INVALID_ARGUMENT","message":"..."}
std::string ErrorJson(grpc::StatusCode code, absl::string_view message) {
  return absl::StrCat("{\"code\":", static_cast<int>(code),
                      ",\"status\":", JsonString(server::StatusCodeName(code)),
                      ",\"message\":", JsonString(message), "}");
}

void SendError(httplib::Response& res, grpc::StatusCode code, absl::string_view message) {
  res.status = HttpStatusOf(code);
  res.set_content(ErrorJson(code, message), kJson);
}

void SendStatus(httplib::Response& res, const grpc::Status& status) {
  SendError(res, status.error_code(), status.error_message());
}

// The google.rpc.Code behind an HTTP status httplib answered by itself.
grpc::StatusCode CodeOfHttpStatus(int status) {
  switch (status) {
    case 401:
      return grpc::StatusCode::UNAUTHENTICATED;
    case 403:
      return grpc::StatusCode::PERMISSION_DENIED;
    case 404:
      return grpc::StatusCode::NOT_FOUND;
    case 405:
    case 501:
      return grpc::StatusCode::UNIMPLEMENTED;
    case 413:
    case 414:
    case 429:
      return grpc::StatusCode::RESOURCE_EXHAUSTED;
    case 503:
      return grpc::StatusCode::UNAVAILABLE;
    default:
      return status < 500 ? grpc::StatusCode::INVALID_ARGUMENT : grpc::StatusCode::INTERNAL;
  }
}

pb::util::JsonPrintOptions PrintOptions() {
  pb::util::JsonPrintOptions options;
  // Zero confidences, empty lists and false flags are shown, not left out:
  // a reader of the JSON need not know proto3's defaults.
  options.always_print_primitive_fields = true;
  return options;
}

// A header a gRPC metadata value may carry: printable ASCII.
bool IsPrintable(absl::string_view value) {
  for (const char c : value) {
    if (c < 0x20 || c > 0x7e) return false;
  }
  return true;
}

// "host:port", "[v6]:port" -> host and port.
absl::Status ParseListen(absl::string_view listen, std::string& host, int& port) {
  const size_t colon = listen.rfind(':');
  if (colon == absl::string_view::npos || !absl::SimpleAtoi(listen.substr(colon + 1), &port) ||
      port < 0 || port > 65535) {
    return absl::InvalidArgumentError(
        absl::StrCat("http_listen: '", listen, "' is not host:port (port 0..65535)"));
  }
  absl::string_view h = listen.substr(0, colon);
  if (absl::ConsumePrefix(&h, "[")) absl::ConsumeSuffix(&h, "]");
  host = h.empty() ? "0.0.0.0" : std::string(h);
  return absl::OkStatus();
}

bool IsLoopbackHost(absl::string_view host) {
  return host == "localhost" || host == "::1" || absl::StartsWith(host, "127.");
}

// "localhost:7401", "[::1]:7401", "127.0.0.1" -> the host part.
absl::string_view HostOfHeader(absl::string_view host) {
  if (absl::ConsumePrefix(&host, "[")) return host.substr(0, host.find(']'));
  return host.substr(0, host.rfind(':'));
}

// A message of `type` to fill from JSON or from the wire.
std::unique_ptr<pb::Message> NewMessage(const pb::Descriptor& type) {
  return std::unique_ptr<pb::Message>(
      pb::MessageFactory::generated_factory()->GetPrototype(&type)->New());
}

}  // namespace

class HttpServer::Impl {
 public:
  Impl(server::KgServer& kgd, HttpOptions options)
      : kgd_(kgd), options_(std::move(options)), channel_(kgd.InProcessChannel()) {}

  absl::Status Start(const server::ServerOptions& server_options);
  void Shutdown(absl::Duration grace);
  int port() const { return port_; }
  bool tls() const { return tls_; }

 private:
  // One gRPC call of an HTTP request: its context, known to Shutdown so
  // that it can be cancelled.
  class Call {
   public:
    Call(Impl& impl, std::string method_path) : impl_(impl), path_(std::move(method_path)) {
      context_.set_deadline(absl::ToChronoTime(absl::Now() + impl.options_.call_timeout));
      absl::MutexLock lock(&impl_.mu_);
      impl_.calls_.insert(&context_);
      if (impl_.cancelling_) context_.TryCancel();
    }
    ~Call() {
      absl::MutexLock lock(&impl_.mu_);
      impl_.calls_.erase(&context_);
    }
    grpc::ClientContext& context() { return context_; }
    const char* path() const { return path_.c_str(); }

   private:
    Impl& impl_;
    const std::string path_;  // "/kg.v1.GraphService/GetEntity"; RpcMethod keeps a pointer
    grpc::ClientContext context_;
  };

  void Route();
  void ServeRpc(const httplib::Request& req, httplib::Response& res);
  void ServeMetrics(const httplib::Request& req, httplib::Response& res);
  void ServeStatic(const httplib::Request& req, httplib::Response& res);
  // The headers of `req` as the call's metadata; false (with `res` set)
  // when one cannot be forwarded.
  bool Forward(const httplib::Request& req, grpc::ClientContext& context, httplib::Response& res);
  void Unary(const pb::MethodDescriptor& method, const httplib::Request& req,
             httplib::Response& res);
  void ClientStream(const pb::MethodDescriptor& method, const httplib::Request& req,
                    httplib::Response& res);
  void ServerStream(const pb::MethodDescriptor& method, const httplib::Request& req,
                    httplib::Response& res);
  // Parses a request message from JSON; false (with `res` set) when it
  // does not parse. `what` names the part of the body in the error.
  bool ParseJson(absl::string_view json, absl::string_view what, pb::Message& message,
                 httplib::Response& res);
  void SendMessage(const pb::Message& message, httplib::Response& res);

  server::KgServer& kgd_;
  const HttpOptions options_;
  const std::shared_ptr<grpc::Channel> channel_;
  std::unique_ptr<httplib::Server> http_;
  int port_ = 0;
  bool tls_ = false;
  bool loopback_ = false;  // listening on a loopback address only
  std::thread listener_;

  // HTTP responses sent, by status (kgd_http_responses_total).
  std::atomic<int64_t> responses_[600] = {};

  absl::Mutex mu_;
  absl::flat_hash_set<grpc::ClientContext*> calls_ ABSL_GUARDED_BY(mu_);
  bool cancelling_ ABSL_GUARDED_BY(mu_) = false;
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  bool listener_done_ ABSL_GUARDED_BY(mu_) = false;
};

absl::Status HttpServer::Impl::Start(const server::ServerOptions& so) {
  std::string host;
  KG_RETURN_IF_ERROR(ParseListen(options_.listen, host, port_));
  if (options_.threads < 1 || options_.keep_alive_requests < 1 || options_.max_body_bytes < 1024 ||
      options_.read_timeout < absl::Seconds(1) || options_.write_timeout < absl::Seconds(1) ||
      options_.keep_alive < absl::Seconds(1) || options_.call_timeout < absl::Seconds(1)) {
    return absl::InvalidArgumentError(
        "http: threads and keep-alive requests must be >= 1, the body limit >= 1 KiB, the "
        "timeouts >= 1s");
  }
  tls_ = !so.tls_cert_path.empty();
  loopback_ = IsLoopbackHost(host);
  if (!loopback_ && !so.insecure && !(tls_ && kgd_.authentication_enabled())) {
    return absl::FailedPreconditionError(absl::StrCat(
        "http_listen: '", options_.listen, "' is not a loopback address; serving it needs ",
        "--tls_cert/--tls_key and --auth_tokens (or --insecure to serve it anyway)"));
  }
  if (tls_) {
    for (const std::string* file : {&so.tls_cert_path, &so.tls_key_path, &so.tls_client_ca_path}) {
      if (!file->empty() && !std::filesystem::is_regular_file(*file)) {
        return absl::InvalidArgumentError(absl::StrCat("http: cannot read '", *file, "'"));
      }
    }
    auto ssl = std::make_unique<httplib::SSLServer>(
        so.tls_cert_path.c_str(), so.tls_key_path.c_str(),
        so.tls_client_ca_path.empty() ? nullptr : so.tls_client_ca_path.c_str());
    if (!ssl->is_valid()) {
      return absl::InvalidArgumentError(
          "http: the TLS certificate or key (or client CA) does not load");
    }
    http_ = std::move(ssl);
  } else {
    http_ = std::make_unique<httplib::Server>();
  }
  const int threads = options_.threads;
  http_->new_task_queue = [threads] { return new httplib::ThreadPool(threads); };
  http_->set_payload_max_length(options_.max_body_bytes);
  // httplib's default adds SO_REUSEPORT, which would let a second kgd bind
  // the same port and take half of the connections.
  // TCP_NODELAY (inherited by accepted sockets): httplib writes a response's
  // headers and body apart, and Nagle's algorithm would hold the body back
  // for the client's delayed ACK, 40 ms a request.
  http_->set_socket_options([](socket_t sock) {
    const int yes = 1;
    (void)setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
    (void)setsockopt(sock, IPPROTO_TCP, TCP_NODELAY, &yes, sizeof(yes));
  });
  const auto seconds = [](absl::Duration d) {
    return static_cast<time_t>(absl::ToInt64Seconds(d));
  };
  http_->set_read_timeout(seconds(options_.read_timeout));
  http_->set_write_timeout(seconds(options_.write_timeout));
  http_->set_keep_alive_timeout(seconds(options_.keep_alive));
  http_->set_keep_alive_max_count(static_cast<size_t>(options_.keep_alive_requests));
  Route();
  // Counted before the response is written, so that a client that has it
  // finds it counted in its next scrape.
  http_->set_post_routing_handler([this](const httplib::Request&, httplib::Response& res) {
    if (res.status >= 100 && res.status < 600) {
      responses_[res.status].fetch_add(1, std::memory_order_relaxed);
    }
  });
  if (port_ == 0) {
    port_ = http_->bind_to_any_port(host);
    if (port_ <= 0) port_ = 0;
  } else if (!http_->bind_to_port(host, port_)) {
    port_ = 0;
  }
  if (port_ == 0) {
    return absl::UnavailableError(absl::StrCat("http_listen: cannot bind '", options_.listen, "'"));
  }
  listener_ = std::thread([this] {
    http_->listen_after_bind();
    absl::MutexLock lock(&mu_);
    listener_done_ = true;
  });
  // httplib's stop() does nothing before the listener runs; Shutdown needs
  // it running.
  while (!http_->is_running()) {
    absl::SleepFor(absl::Milliseconds(1));
    absl::MutexLock lock(&mu_);
    if (listener_done_) break;
  }
  return absl::OkStatus();
}

void HttpServer::Impl::Shutdown(absl::Duration grace) {
  {
    absl::MutexLock lock(&mu_);
    if (stopped_) return;
    stopped_ = true;
  }
  if (!listener_.joinable()) return;
  // Stops accepting; the HTTP threads end once their requests have.
  http_->stop();
  {
    absl::MutexLock lock(&mu_);
    if (!mu_.AwaitWithTimeout(absl::Condition(&listener_done_), grace)) {
      cancelling_ = true;
      for (grpc::ClientContext* context : calls_) context->TryCancel();
    }
  }
  listener_.join();
}

void HttpServer::Impl::Route() {
  httplib::Server& h = *http_;
  // What a web page in the user's browser could otherwise do to a kgd on
  // the same machine (with authentication off, everyone is an admin):
  // a cross-origin POST (the browser sends its Origin, no preflight for a
  // text/plain body), and, through DNS rebinding, any request under a name
  // of its own that resolves to 127.0.0.1. Clients that are not browsers
  // send no Origin and address the server by the name they connect to.
  h.set_pre_routing_handler([this](const httplib::Request& req, httplib::Response& res) {
    const std::string host = req.get_header_value("Host");
    if (loopback_ && !host.empty() && !IsLoopbackHost(HostOfHeader(host))) {
      SendError(res, grpc::StatusCode::PERMISSION_DENIED,
                absl::StrCat("Host: '", host,
                             "' is not a loopback name; kgd on a loopback address answers only "
                             "requests addressed to localhost, 127.x.x.x or [::1]"));
      return httplib::Server::HandlerResponse::Handled;
    }
    if (req.method != "GET" && req.method != "HEAD" && req.has_header("Origin")) {
      const std::string origin = req.get_header_value("Origin");
      if (origin != absl::StrCat(tls_ ? "https://" : "http://", host)) {
        SendError(res, grpc::StatusCode::PERMISSION_DENIED,
                  absl::StrCat("Origin: '", origin, "' is another site than this server ('", host,
                               "'); cross-origin requests are refused"));
        return httplib::Server::HandlerResponse::Handled;
      }
    }
    return httplib::Server::HandlerResponse::Unhandled;
  });
  h.Post(R"(/v1/([A-Za-z0-9_]+)/([A-Za-z0-9_]+))",
         [this](const httplib::Request& req, httplib::Response& res) { ServeRpc(req, res); });
  h.Get("/metrics",
        [this](const httplib::Request& req, httplib::Response& res) { ServeMetrics(req, res); });
  const auto wrong_method = [](absl::string_view allowed) {
    return [allowed = std::string(allowed)](const httplib::Request& req, httplib::Response& res) {
      res.set_header("Allow", allowed);
      SendError(res, grpc::StatusCode::UNIMPLEMENTED,
                absl::StrCat(req.method, " ", req.path, ": method not allowed; use ", allowed));
      res.status = 405;
    };
  };
  for (const char* pattern : {"/v1/.*", "/metrics"}) {
    const char* allowed = absl::StartsWith(pattern, "/v1/") ? "POST" : "GET";
    if (absl::StartsWith(pattern, "/v1/")) h.Get(pattern, wrong_method(allowed));
    if (!absl::StartsWith(pattern, "/v1/")) h.Post(pattern, wrong_method(allowed));
    h.Put(pattern, wrong_method(allowed));
    h.Delete(pattern, wrong_method(allowed));
    h.Patch(pattern, wrong_method(allowed));
  }
  h.Get(".*",
        [this](const httplib::Request& req, httplib::Response& res) { ServeStatic(req, res); });
  h.Post(".*", [](const httplib::Request& req, httplib::Response& res) {
    SendError(res, grpc::StatusCode::NOT_FOUND,
              absl::StrCat("no route POST ", req.path, "; ", kRoutes));
  });
  // What httplib answers by itself (an unknown route or method, a body past
  // the limit, a malformed request) gets the same JSON error body.
  h.set_error_handler(httplib::Server::HandlerWithResponse([this](const httplib::Request& req,
                                                                  httplib::Response& res) {
    if (!res.body.empty() || res.is_chunked_content_provider_) {
      return httplib::Server::HandlerResponse::Unhandled;
    }
    std::string message;
    switch (res.status) {
      case 413:
        // httplib caps form bodies (curl -d's default type) at 8 KiB by itself.
        message = absl::StartsWith(req.get_header_value("Content-Type"),
                                   "application/x-www-form-urlencoded")
                      ? "request body: sent as application/x-www-form-urlencoded (curl -d's "
                        "default), which the HTTP library limits to 8 KiB; send it with "
                        "Content-Type: application/json"
                      : absl::StrCat("request body: larger than the limit of ",
                                     options_.max_body_bytes, " bytes (--http_max_body_bytes)");
        break;
      case 404:
        message = absl::StrCat("no route ", req.method, " ", req.path, "; ", kRoutes);
        break;
      default:
        message = absl::StrCat("HTTP ", res.status,
                               ": malformed request (a POST needs a Content-Length or a chunked "
                               "body)");
    }
    const int status = res.status;
    SendError(res, CodeOfHttpStatus(status), message);
    res.status = status;
    return httplib::Server::HandlerResponse::Handled;
  }));
  h.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr thrown) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(thrown);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        SendError(res, grpc::StatusCode::INTERNAL, absl::StrCat("internal error: ", what));
      });
}

bool HttpServer::Impl::Forward(const httplib::Request& req, grpc::ClientContext& context,
                               httplib::Response& res) {
  for (const auto& [header, key] :
       {std::pair<const char*, const char*>{"Authorization", "authorization"},
        {"X-Kg-Principal", server::kOnBehalfOfHeader}}) {
    if (!req.has_header(header)) continue;
    const std::string value = req.get_header_value(header);
    if (!IsPrintable(value)) {
      SendError(res, grpc::StatusCode::INVALID_ARGUMENT,
                absl::StrCat(header, ": must be printable ASCII"));
      return false;
    }
    context.AddMetadata(key, value);
  }
  // The client's connection, so that max_calls_per_connection counts HTTP
  // connections one by one (server/gate.h).
  context.AddMetadata(server::kHttpPeerHeader,
                      kgd_.HttpPeerValue(absl::StrCat(req.remote_addr, ":", req.remote_port)));
  return true;
}

bool HttpServer::Impl::ParseJson(absl::string_view json, absl::string_view what,
                                 pb::Message& message, httplib::Response& res) {
  if (absl::StripAsciiWhitespace(json).empty()) return true;  // no body: the empty request
  const auto parsed = pb::util::JsonStringToMessage(pb::StringPiece(json.data(), json.size()),
                                                    &message, pb::util::JsonParseOptions());
  if (parsed.ok()) return true;
  SendError(res, grpc::StatusCode::INVALID_ARGUMENT,
            absl::StrCat(what, ": not a JSON ", message.GetDescriptor()->full_name(), ": ",
                         std::string(parsed.message())));
  return false;
}

void HttpServer::Impl::SendMessage(const pb::Message& message, httplib::Response& res) {
  std::string json;
  const auto printed = pb::util::MessageToJsonString(message, &json, PrintOptions());
  if (!printed.ok()) {
    SendError(res, grpc::StatusCode::INTERNAL,
              absl::StrCat("response: cannot print as JSON: ", std::string(printed.message())));
    return;
  }
  res.status = 200;
  res.set_content(json, kJson);
}

void HttpServer::Impl::ServeRpc(const httplib::Request& req, httplib::Response& res) {
  const std::string service = absl::StrCat("kg.v1.", req.matches[1].str());
  const pb::ServiceDescriptor* s = pb::DescriptorPool::generated_pool()->FindServiceByName(service);
  const pb::MethodDescriptor* method =
      s == nullptr ? nullptr : s->FindMethodByName(req.matches[2].str());
  if (method == nullptr) {
    SendError(res, grpc::StatusCode::NOT_FOUND,
              absl::StrCat("no rpc ", service, "/", req.matches[2].str(), "; ", kRoutes));
    return;
  }
  if (!ServedOverHttp(*method)) {
    SendError(res, grpc::StatusCode::UNIMPLEMENTED,
              absl::StrCat(service, "/", method->name(),
                           " never ends by itself and is served over gRPC only"));
    return;
  }
  if (method->client_streaming()) {
    ClientStream(*method, req, res);
  } else if (method->server_streaming()) {
    ServerStream(*method, req, res);
  } else {
    Unary(*method, req, res);
  }
}

void HttpServer::Impl::Unary(const pb::MethodDescriptor& method, const httplib::Request& req,
                             httplib::Response& res) {
  std::unique_ptr<pb::Message> request = NewMessage(*method.input_type());
  if (!ParseJson(req.body, "request body", *request, res)) return;
  Call call(*this, absl::StrCat("/", method.service()->full_name(), "/", method.name()));
  if (!Forward(req, call.context(), res)) return;
  std::unique_ptr<pb::Message> response = NewMessage(*method.output_type());
  const grpc::Status status = grpc::internal::BlockingUnaryCall<pb::Message, pb::Message>(
      channel_.get(), RpcMethod(call.path(), RpcMethod::NORMAL_RPC), &call.context(), *request,
      response.get());
  if (!status.ok()) return SendStatus(res, status);
  SendMessage(*response, res);
}

void HttpServer::Impl::ClientStream(const pb::MethodDescriptor& method, const httplib::Request& req,
                                    httplib::Response& res) {
  // The body is NDJSON: one request message per line, sent in order.
  std::vector<std::unique_ptr<pb::Message>> requests;
  int line_number = 0;
  for (absl::string_view line : absl::StrSplit(req.body, '\n')) {
    ++line_number;
    if (absl::StripAsciiWhitespace(line).empty()) continue;
    requests.push_back(NewMessage(*method.input_type()));
    if (!ParseJson(line, absl::StrCat("request body line ", line_number), *requests.back(), res)) {
      return;
    }
  }
  Call call(*this, absl::StrCat("/", method.service()->full_name(), "/", method.name()));
  if (!Forward(req, call.context(), res)) return;
  std::unique_ptr<pb::Message> response = NewMessage(*method.output_type());
  std::unique_ptr<grpc::ClientWriter<pb::Message>> writer(
      grpc::internal::ClientWriterFactory<pb::Message>::Create(
          channel_.get(), RpcMethod(call.path(), RpcMethod::CLIENT_STREAMING), &call.context(),
          response.get()));
  for (const std::unique_ptr<pb::Message>& request : requests) {
    if (!writer->Write(*request)) break;  // the server ended the call; Finish says why
  }
  writer->WritesDone();
  const grpc::Status status = writer->Finish();
  if (!status.ok()) return SendStatus(res, status);
  SendMessage(*response, res);
}

void HttpServer::Impl::ServerStream(const pb::MethodDescriptor& method, const httplib::Request& req,
                                    httplib::Response& res) {
  std::unique_ptr<pb::Message> request = NewMessage(*method.input_type());
  if (!ParseJson(req.body, "request body", *request, res)) return;
  // The call outlives this handler: httplib pulls the response's lines after
  // it returns, and releases the stream when the response is done.
  struct Stream {
    Stream(Impl& impl, std::string path) : call(impl, std::move(path)) {}
    Call call;
    std::unique_ptr<grpc::ClientReader<pb::Message>> reader;
    std::unique_ptr<pb::Message> message;
    std::string pending;  // the first line, read before the status was chosen
    bool finished = false;
  };
  auto stream = std::make_shared<Stream>(
      *this, absl::StrCat("/", method.service()->full_name(), "/", method.name()));
  if (!Forward(req, stream->call.context(), res)) return;
  stream->reader.reset(grpc::internal::ClientReaderFactory<pb::Message>::Create(
      channel_.get(), RpcMethod(stream->call.path(), RpcMethod::SERVER_STREAMING),
      &stream->call.context(), *request));
  stream->message = NewMessage(*method.output_type());
  const auto line_of = [](const pb::Message& message) {
    std::string json;
    const auto printed = pb::util::MessageToJsonString(message, &json, PrintOptions());
    if (!printed.ok()) {
      json = absl::StrCat(
          "{\"error\":",
          ErrorJson(grpc::StatusCode::INTERNAL,
                    absl::StrCat("cannot print as JSON: ", std::string(printed.message()))),
          "}");
    }
    json += '\n';
    return json;
  };
  // A call refused or failed before its first message gets an HTTP error
  // status; once lines have gone out, a failure is the last line,
  // {"error":{...}}.
  if (!stream->reader->Read(stream->message.get())) {
    stream->finished = true;
    const grpc::Status status = stream->reader->Finish();
    if (!status.ok()) return SendStatus(res, status);
    res.status = 200;
    res.set_content("", kNdjson);
    return;
  }
  stream->pending = line_of(*stream->message);
  res.status = 200;
  res.set_chunked_content_provider(
      kNdjson,
      [stream, line_of](size_t, httplib::DataSink& sink) {
        if (!stream->pending.empty()) {
          const std::string line = std::exchange(stream->pending, "");
          if (!sink.write(line.data(), line.size())) return false;
          return true;
        }
        if (stream->reader->Read(stream->message.get())) {
          const std::string line = line_of(*stream->message);
          return sink.write(line.data(), line.size());
        }
        stream->finished = true;
        const grpc::Status status = stream->reader->Finish();
        if (!status.ok()) {
          const std::string line = absl::StrCat(
              "{\"error\":", ErrorJson(status.error_code(), status.error_message()), "}\n");
          if (!sink.write(line.data(), line.size())) return false;
        }
        sink.done();
        return true;
      },
      [stream](bool) {
        // The client went away (or a write failed) mid-stream: end the call.
        if (stream->finished) return;
        stream->call.context().TryCancel();
        (void)stream->reader->Finish();
        stream->finished = true;
      });
}

void HttpServer::Impl::ServeMetrics(const httplib::Request& req, httplib::Response& res) {
  if (kgd_.authentication_enabled() && !options_.open_metrics) {
    // Any valid token may scrape: WhoAmI is the check (authentication, and
    // the audit of refusals, stay the gate's).
    Call call(*this, "/kg.v1.AdminService/WhoAmI");
    if (!Forward(req, call.context(), res)) return;
    std::unique_ptr<pb::Message> request = NewMessage(
        *pb::DescriptorPool::generated_pool()->FindMessageTypeByName("kg.v1.WhoAmIRequest"));
    std::unique_ptr<pb::Message> response = NewMessage(
        *pb::DescriptorPool::generated_pool()->FindMessageTypeByName("kg.v1.WhoAmIResponse"));
    const grpc::Status status = grpc::internal::BlockingUnaryCall<pb::Message, pb::Message>(
        channel_.get(), RpcMethod(call.path(), RpcMethod::NORMAL_RPC), &call.context(), *request,
        response.get());
    if (!status.ok()) return SendStatus(res, status);
  }
  std::string text = kgd_.MetricsText();
  absl::StrAppend(&text,
                  "# HELP kgd_http_responses_total HTTP responses sent (gateway, /metrics, "
                  "static files and errors), by status.\n"
                  "# TYPE kgd_http_responses_total counter\n");
  for (int status = 100; status < 600; ++status) {
    const int64_t n = responses_[status].load(std::memory_order_relaxed);
    if (n > 0) absl::StrAppend(&text, "kgd_http_responses_total{code=\"", status, "\"} ", n, "\n");
  }
  res.status = 200;
  res.set_content(text, kMetricsType);
}

void HttpServer::Impl::ServeStatic(const httplib::Request& req, httplib::Response& res) {
  if (options_.static_files) {
    if (std::optional<StaticFile> file = options_.static_files(req.path); file.has_value()) {
      res.status = 200;
      // Sent from where it lies, not copied per request.
      const absl::string_view body = file->body;
      res.set_content_provider(body.size(), std::string(file->content_type),
                               [body](size_t offset, size_t length, httplib::DataSink& sink) {
                                 return sink.write(body.data() + offset, length);
                               });
      return;
    }
  }
  if (req.path == "/") {
    res.status = 200;
    res.set_content(absl::StrCat("kgd HTTP gateway\n\n", kRoutes, "\n(docs/HTTP.md)\n"),
                    "text/plain; charset=utf-8");
    return;
  }
  SendError(res, grpc::StatusCode::NOT_FOUND,
            absl::StrCat("no route GET ", req.path, "; ", kRoutes));
}

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Shutdown(absl::ZeroDuration()); }

absl::StatusOr<std::unique_ptr<HttpServer>> HttpServer::Start(
    server::KgServer& kgd, const server::ServerOptions& server_options, HttpOptions options) {
  auto impl = std::make_unique<Impl>(kgd, std::move(options));
  KG_RETURN_IF_ERROR(impl->Start(server_options));
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

int HttpServer::port() const { return impl_->port(); }

const char* HttpServer::scheme() const { return impl_->tls() ? "https" : "http"; }

void HttpServer::Shutdown(absl::Duration grace) { impl_->Shutdown(grace); }

}  // namespace kg::http
