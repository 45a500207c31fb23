// ClientStreamReactor: the one way kgd serves a client stream (BulkIngest,
// Import). It admits the call, then reads one message at a time and hands
// it to OnMessage on the worker pool; only when that is done does it read
// the next, so a client that sends faster than kgd writes is slowed by
// flow control, not buffered. A stream silent for --stream_idle_timeout is
// ended with DEADLINE_EXCEEDED; a message's error ends it with that error
// and the response so far in the status details.
//
// Who may call Finish is decided by one atomic state, so that the reactor
// never holds a lock while it calls into gRPC (which may run OnDone, and
// free the reactor, before the call returns).
//
// Example:
//   class Counter final : public ClientStreamReactor {
//     absl::Status OnMessage(absl::string_view bytes, int64_t index) override {...}
//     absl::Status OnEnd() override { return absl::OkStatus(); }
//     google::protobuf::Message& response() override { return response_; }
//     void SetFailedAt(int64_t index) override { response_.set_failed_index(index); }
//   };
//   auto* reactor = new Counter(...);
//   reactor->Start();
//   return reactor;

#ifndef KGD_SERVER_CLIENT_STREAM_H_
#define KGD_SERVER_CLIENT_STREAM_H_

#include <google/protobuf/message.h>
#include <grpcpp/support/byte_buffer.h>
#include <grpcpp/support/server_callback.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "server/rpc.h"

namespace kg::server {

class ClientStreamReactor : public grpc::ServerReadReactor<grpc::ByteBuffer> {
 public:
  // `rpc` names the call ("kg.v1.IngestService/Import"); `message` names
  // its messages in errors ("chunks" -> "chunks[3]: ...").
  ClientStreamReactor(const CallPath& path, grpc::CallbackServerContext* context,
                      grpc::ByteBuffer* response, std::string rpc, std::string message);

  // Admits the call and starts reading. Call once, right after construction.
  void Start();

  void OnReadDone(bool ok) final;
  void OnDone() final;

 protected:
  // On a worker, one message at a time: its bytes and 0-based index. An
  // error ends the call.
  virtual absl::Status OnMessage(absl::string_view bytes, int64_t index) = 0;
  // On a worker: the client finished sending.
  virtual absl::Status OnEnd() = 0;
  // The response: sent on success, in the status details of an error.
  virtual google::protobuf::Message& response() = 0;
  // Records in the response that the call failed at message `index`.
  virtual void SetFailedAt(int64_t index) = 0;

  const CallScope& call() const { return *scope_; }
  const CallPath& path() const { return path_; }

 private:
  enum class State : uint32_t { kStartingRead, kReading, kWorking, kFinished };
  // Who may act next, and on which read: the read's number keeps a late
  // step of one read from acting on the next.
  struct Turn {
    State state;
    uint32_t read;
  };
  static_assert(std::atomic<Turn>::is_always_lock_free);

  void Read();
  // Runs `work` on a worker; RESOURCE_EXHAUSTED ends the call when none can
  // take it.
  void Submit(absl::AnyInvocable<void() &&> work);
  // The watchdog's action: true once the stream is ended.
  bool Expire();
  // Completes the call; an error carries the response, failed at message
  // `failed_at` (the one in hand, or the next expected).
  void End(absl::Status outcome, int64_t failed_at);

  const CallPath& path_;
  grpc::CallbackServerContext* const context_;
  grpc::ByteBuffer* const response_bytes_;
  const std::string rpc_;
  const std::string message_;
  std::unique_ptr<CallScope> scope_;
  std::shared_ptr<StreamActivity> activity_;
  grpc::ByteBuffer buffer_;
  int64_t index_ = 0;
  // Shared, not held by value: Read touches it after StartRead returns,
  // when the call may have ended and the reactor been freed.
  const std::shared_ptr<std::atomic<Turn>> turn_ =
      std::make_shared<std::atomic<Turn>>(Turn{State::kWorking, 0});
};

}  // namespace kg::server

#endif  // KGD_SERVER_CLIENT_STREAM_H_
