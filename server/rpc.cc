#include "server/rpc.h"

#include <cstdio>
#include <cstdlib>
#include <memory>

#include "server/call.h"
#include "server/status.h"
#include "server/wire.h"

namespace kg::server {

// One admitted call between parsing and Finish.
struct UnaryRpc::Call {
  const UnaryRpc& rpc;
  const CallPath& path;
  grpc::CallbackServerContext* context;
  grpc::ServerUnaryReactor* reactor;
  grpc::ByteBuffer* response_bytes;
  std::unique_ptr<CallScope> scope;
  std::unique_ptr<google::protobuf::Message> request;

  void Run() {
    std::unique_ptr<google::protobuf::Message> response(rpc.response_prototype_.New());
    absl::Status outcome = rpc.body_(*scope, *request, *response);
    if (outcome.ok()) {
      outcome = SerializeMessage(*response, path.limits.max_message_bytes, *response_bytes);
    }
    Finish(outcome);
  }

  void Finish(const absl::Status& outcome) {
    reactor->Finish(path.gate.Complete(std::move(scope), outcome, *context));
  }
};

grpc::ServerUnaryReactor* UnaryRpc::Serve(const CallPath& path,
                                          grpc::CallbackServerContext* context,
                                          const grpc::ByteBuffer* request,
                                          grpc::ByteBuffer* response) const {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  const grpc::Slice bytes = SingleSlice(*request);
  absl::StatusOr<std::unique_ptr<CallScope>> scope =
      path.gate.Admit(*context, name_, BytesOf(bytes));
  if (!scope.ok()) {
    reactor->Finish(ToGrpcStatus(scope.status()));
    return reactor;
  }
  Call call{*this,
            path,
            context,
            reactor,
            response,
            *std::move(scope),
            std::unique_ptr<google::protobuf::Message>(request_prototype_.New())};
  if (absl::Status parsed = ParseMessage(BytesOf(bytes), "request", *call.request); !parsed.ok()) {
    call.Finish(parsed);
    return reactor;
  }
  if (run_on_ == RunOn::kCallbackThread) {
    call.Run();
    return reactor;
  }
  auto queued = std::make_shared<Call>(std::move(call));
  const bool submitted = path.workers.TrySubmit([queued] {
    // A call that ended while it waited is not worth starting.
    if (CancellationOf(queued->context)()) {
      queued->Finish(absl::CancelledError("the call ended while it waited for a worker"));
      return;
    }
    queued->Run();
  });
  if (!submitted) {
    queued->Finish(absl::ResourceExhaustedError(
        absl::StrCat("max_queued_calls: ", path.limits.max_queued_calls,
                     " calls are already waiting for a worker; retry shortly")));
  }
  return reactor;
}

int MethodIndex(absl::string_view service, absl::string_view method,
                const google::protobuf::Descriptor& request,
                const google::protobuf::Descriptor& response, bool client_streaming,
                bool server_streaming) {
  const google::protobuf::ServiceDescriptor* s =
      google::protobuf::DescriptorPool::generated_pool()->FindServiceByName(std::string(service));
  const google::protobuf::MethodDescriptor* m =
      s == nullptr ? nullptr : s->FindMethodByName(std::string(method));
  if (m == nullptr || m->input_type() != &request || m->output_type() != &response ||
      m->client_streaming() != client_streaming || m->server_streaming() != server_streaming) {
    std::fprintf(stderr, "kgd: %.*s/%.*s is not served as declared in the proto\n",
                 static_cast<int>(service.size()), service.data(), static_cast<int>(method.size()),
                 method.data());
    std::abort();
  }
  return m->index();
}

}  // namespace kg::server
