// RawService: serves the rpcs of a generated gRPC service from raw bytes on
// gRPC's callback API, through the one call path every rpc shares:
//
//   admit (CallGate: authenticate, permission, limits) → parse (server/wire.h:
//   bad bytes are INVALID_ARGUMENT naming the field) → body → serialize
//   (never larger than --max_message_bytes) → complete (status, audit).
//
// No call holds a thread while it waits for the network. A body runs either
// on gRPC's callback thread (RunOn::kCallbackThread: reads whose work
// follows the size of their answer; a hop to another thread would double
// their cost) or, when it may block, on the WorkerPool (RunOn::kWorker:
// writes wait for the write-ahead log's sync; traversals, aggregations and
// backups run long), so the callback threads stay free for everyone else.
//
// Example (a service):
//   class AdminService final : public RawService<v1::AdminService::Service> {
//    public:
//     explicit AdminService(const CallPath& path)
//         : RawService("kg.v1.AdminService", path) {
//       ServeUnary("WhoAmI", RunOn::kCallbackThread, &AdminService::WhoAmI);
//     }
//    private:
//     absl::Status WhoAmI(CallScope& call, const v1::WhoAmIRequest& request,
//                         v1::WhoAmIResponse& response);
//   };

#ifndef KGD_SERVER_RPC_H_
#define KGD_SERVER_RPC_H_

#include <google/protobuf/descriptor.h>
#include <google/protobuf/message.h>
#include <grpcpp/impl/codegen/server_callback_handlers.h>
#include <grpcpp/server_context.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/server_callback.h>

#include <functional>
#include <string>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "server/gate.h"
#include "server/options.h"
#include "server/worker_pool.h"

namespace kg::server {

// What every rpc goes through; all of it outlives the services.
struct CallPath {
  CallGate& gate;
  WorkerPool& workers;
  const ServerLimits& limits;
};

enum class RunOn { kCallbackThread, kWorker };

// One unary rpc: its full name ("kg.v1.AdminService/WhoAmI"), where its body
// runs, and the body over typed messages.
class UnaryRpc {
 public:
  using Body = std::function<absl::Status(CallScope&, const google::protobuf::Message& request,
                                          google::protobuf::Message& response)>;

  UnaryRpc(std::string name, RunOn run_on, const google::protobuf::Message& request_prototype,
           const google::protobuf::Message& response_prototype, Body body)
      : name_(std::move(name)),
        run_on_(run_on),
        request_prototype_(request_prototype),
        response_prototype_(response_prototype),
        body_(std::move(body)) {}

  grpc::ServerUnaryReactor* Serve(const CallPath& path, grpc::CallbackServerContext* context,
                                  const grpc::ByteBuffer* request,
                                  grpc::ByteBuffer* response) const;

 private:
  struct Call;

  const std::string name_;
  const RunOn run_on_;
  const google::protobuf::Message& request_prototype_;
  const google::protobuf::Message& response_prototype_;
  const Body body_;
};

// The index of `method` in `service` (as generated code numbers them),
// checked against the message types and streaming kinds the caller expects;
// a mismatch is a programming error and aborts.
int MethodIndex(absl::string_view service, absl::string_view method,
                const google::protobuf::Descriptor& request,
                const google::protobuf::Descriptor& response, bool client_streaming,
                bool server_streaming);

template <class GeneratedService>
class RawService : public GeneratedService {
 protected:
  RawService(absl::string_view service, const CallPath& path) : service_(service), path_(path) {}

  const CallPath& path() const { return path_; }
  std::string RpcName(absl::string_view method) const {
    return absl::StrCat(service_, "/", method);
  }

  template <class Self, class Request, class Response>
  void ServeUnary(absl::string_view method, RunOn run_on,
                  absl::Status (Self::*body)(CallScope&, const Request&, Response&)) {
    Self* self = static_cast<Self*>(this);
    UnaryRpc rpc(RpcName(method), run_on, Request::default_instance(), Response::default_instance(),
                 [self, body](CallScope& call, const google::protobuf::Message& request,
                              google::protobuf::Message& response) {
                   return (self->*body)(call, static_cast<const Request&>(request),
                                        static_cast<Response&>(response));
                 });
    this->MarkMethodRawCallback(
        MethodIndex(service_, method, *Request::descriptor(), *Response::descriptor(), false,
                    false),
        new grpc::internal::CallbackUnaryHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
            [this, rpc = std::move(rpc)](grpc::CallbackServerContext* context,
                                         const grpc::ByteBuffer* request,
                                         grpc::ByteBuffer* response) {
              return rpc.Serve(path_, context, request, response);
            }));
  }

  // A client stream of Request answered by one Response; `start` makes the
  // reactor for one call.
  template <class Request, class Response>
  void ServeClientStream(absl::string_view method,
                         std::function<grpc::ServerReadReactor<grpc::ByteBuffer>*(
                             grpc::CallbackServerContext*, grpc::ByteBuffer*)>
                             start) {
    this->MarkMethodRawCallback(
        MethodIndex(service_, method, *Request::descriptor(), *Response::descriptor(), true, false),
        new grpc::internal::CallbackClientStreamingHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
            std::move(start)));
  }

  // One Request answered by a stream of Response.
  template <class Request, class Response>
  void ServeServerStream(absl::string_view method,
                         std::function<grpc::ServerWriteReactor<grpc::ByteBuffer>*(
                             grpc::CallbackServerContext*, const grpc::ByteBuffer*)>
                             start) {
    this->MarkMethodRawCallback(
        MethodIndex(service_, method, *Request::descriptor(), *Response::descriptor(), false, true),
        new grpc::internal::CallbackServerStreamingHandler<grpc::ByteBuffer, grpc::ByteBuffer>(
            std::move(start)));
  }

 private:
  const std::string service_;
  const CallPath& path_;
};

}  // namespace kg::server

#endif  // KGD_SERVER_RPC_H_
