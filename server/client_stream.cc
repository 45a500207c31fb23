#include "server/client_stream.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "server/status.h"
#include "server/wire.h"

namespace kg::server {

ClientStreamReactor::ClientStreamReactor(const CallPath& path, grpc::CallbackServerContext* context,
                                         grpc::ByteBuffer* response, std::string rpc,
                                         std::string message)
    : path_(path),
      context_(context),
      response_bytes_(response),
      rpc_(std::move(rpc)),
      message_(std::move(message)) {}

void ClientStreamReactor::Start() {
  absl::StatusOr<std::unique_ptr<CallScope>> scope =
      path_.gate.Admit(*context_, rpc_, std::nullopt);
  if (!scope.ok()) {
    turn_->store(Turn{State::kFinished, 0});
    Finish(ToGrpcStatus(scope.status()));
    return;
  }
  scope_ = *std::move(scope);
  activity_ = path_.gate.WatchStream([this] { return Expire(); });
  Read();
}

void ClientStreamReactor::Read() {
  const std::shared_ptr<std::atomic<Turn>> turn = turn_;  // may outlive *this
  const Turn starting{State::kStartingRead, turn->load().read + 1};
  turn->store(starting);
  StartRead(&buffer_);
  // Only now may the watchdog end the call: before, it could race StartRead.
  // The read may have completed, and the call ended, already: then the turn
  // has moved on and *this may be gone, so only the shared turn is touched.
  Turn expected = starting;
  turn->compare_exchange_strong(expected, Turn{State::kReading, starting.read});
}

void ClientStreamReactor::OnReadDone(bool ok) {
  Turn turn = turn_->load();
  do {
    if (turn.state == State::kFinished) return;  // the watchdog ended it meanwhile
  } while (!turn_->compare_exchange_weak(turn, Turn{State::kWorking, turn.read}));
  activity_->Touch();
  if (!ok) {  // the client finished sending, or the call is gone
    if (context_->IsCancelled()) {
      End(absl::CancelledError(absl::StrCat(rpc_, ": cancelled")), index_);
      return;
    }
    Submit([this] { End(OnEnd(), index_); });
    return;
  }
  grpc::Slice bytes = SingleSlice(buffer_);
  Submit([this, bytes = std::move(bytes)] {
    scope_->AddRequest(BytesOf(bytes));
    const int64_t index = index_++;
    absl::Status handled = OnMessage(BytesOf(bytes), index);
    activity_->Touch();
    if (!handled.ok()) {
      End(handled, index);
      return;
    }
    Read();
  });
}

void ClientStreamReactor::Submit(absl::AnyInvocable<void() &&> work) {
  if (!path_.workers.TrySubmit(std::move(work))) {
    End(absl::ResourceExhaustedError(absl::StrCat(
            message_, "[", index_,
            "]: max_queued_calls: too many calls are waiting for a worker; send the rest "
            "shortly")),
        index_);
  }
}

bool ClientStreamReactor::Expire() {
  Turn turn = turn_->load();
  if (turn.state != State::kReading ||
      !turn_->compare_exchange_strong(turn, Turn{State::kFinished, turn.read})) {
    return turn.state == State::kFinished;  // busy: a message in hand is progress
  }
  // Not here: the watchdog holds the stream's activity lock, and Finish may
  // run OnDone, which takes it.
  const bool submitted = path_.workers.TrySubmit([this] {
    End(absl::DeadlineExceededError(
            absl::StrCat("stream_idle_timeout: no message arrived in time; the stream is ended (",
                         message_, " before stay applied)")),
        index_);
  });
  if (!submitted) turn_->store(turn);  // asked again at the next tick
  return submitted;
}

void ClientStreamReactor::End(absl::Status outcome, int64_t failed_at) {
  turn_->store(Turn{State::kFinished, turn_->load().read});
  if (outcome.ok()) {
    outcome = SerializeMessage(response(), path_.limits.max_message_bytes, *response_bytes_);
  } else if (outcome.code() != absl::StatusCode::kCancelled) {
    SetFailedAt(failed_at);
    AddStatusDetail(response(), &outcome);
  }
  Finish(path_.gate.Complete(std::move(scope_), outcome, *context_));
}

void ClientStreamReactor::OnDone() {
  if (activity_ != nullptr) activity_->Detach();
  delete this;
}

}  // namespace kg::server
