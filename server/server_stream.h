// ServerStreamReactor: how kgd's server streams (Traverse, Export, Watch)
// begin and end. A stream is admitted through the CallGate with its request
// (a refusal finishes it at once) and ended through it: the status sent,
// the call audited when it must be, its slot in the limits released.
//
// Example:
//   class Reactor final : public ServerStreamReactor {
//    public:
//     Reactor(const CallPath& path, grpc::CallbackServerContext* context,
//             const grpc::ByteBuffer& request)
//         : ServerStreamReactor(path, context) {
//       const grpc::Slice bytes = SingleSlice(request);
//       if (!Admit("kg.v1.GraphService/Export", BytesOf(bytes))) return;
//       ... later, exactly once: End(outcome);
//     }
//   };

#ifndef KGD_SERVER_SERVER_STREAM_H_
#define KGD_SERVER_SERVER_STREAM_H_

#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/server_callback.h>

#include <memory>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/rpc.h"

namespace kg::server {

class ServerStreamReactor : public grpc::ServerWriteReactor<grpc::ByteBuffer> {
 protected:
  ServerStreamReactor(const CallPath& path, grpc::CallbackServerContext* context)
      : path_(path), context_(context) {}

  // Admits the call; false when it was refused, and then already finished.
  bool Admit(absl::string_view rpc, absl::string_view request);
  // Completes the admitted call with `outcome` and finishes the stream. Once
  // called, the reactor may be freed at any moment.
  void End(const absl::Status& outcome);

  const CallPath& path() const { return path_; }
  CallGate& gate() const { return path_.gate; }
  grpc::CallbackServerContext* context() const { return context_; }

 private:
  const CallPath& path_;
  grpc::CallbackServerContext* const context_;
  std::unique_ptr<CallScope> scope_;
};

}  // namespace kg::server

#endif  // KGD_SERVER_SERVER_STREAM_H_
