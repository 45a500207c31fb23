// GraphService.Watch: the store's change feed (storage/change_feed.h) as a
// stream. A worker reads one page of changes after the watcher's position,
// and the events go out one message at a time as the client takes them;
// caught up, the call waits for the store's next publication holding no
// thread. A slow watcher only lags: it holds at most a page and catches up
// from the store, so writers never wait for it.

#include <atomic>
#include <deque>
#include <memory>
#include <utility>

#include "server/call.h"
#include "server/convert_graph.h"
#include "server/graph_service.h"
#include "server/server_stream.h"
#include "server/wire.h"
#include "storage/status_macros.h"

namespace kg::server {
namespace {

// Changes read per page: the most a watcher holds in memory.
constexpr int32_t kPageChanges = 256;

}  // namespace

// What the store's listener list, OnCancel and StopWatches share with a
// watch's reactor. It outlives the reactor, so each takes the turn here
// before it touches the reactor.
struct GraphService::WatchFollower final : ChangeListener {
  // Who may act on the watch, one at a time: a worker reading a page, gRPC
  // with a write out, or the store's next publication; kFinished once the
  // call is being ended.
  enum class Turn : uint8_t { kReading, kWriting, kWaiting, kFinished };
  // Why the watch is to end other than by an error of its own.
  enum class Ending : uint8_t { kNo, kCancelled, kStopping };

  std::atomic<Turn> turn{Turn::kReading};
  std::atomic<Ending> ending{Ending::kNo};
  WatchReactor* reactor = nullptr;  // used only by the turn's holder

  bool Take(Turn from, Turn to) { return turn.compare_exchange_strong(from, to); }
  void OnChangesPublished() override;
  // Marks the watch as ending for `why`, and ends it now if it is waiting;
  // else the turn's holder ends it at its next step.
  void EndSoon(Ending why);
  // OK unless the watch is ending.
  absl::Status EndingStatus() const {
    switch (ending.load()) {
      case Ending::kNo:
        break;
      case Ending::kCancelled:
        return absl::CancelledError("watch: cancelled");
      case Ending::kStopping:
        return absl::UnavailableError(
            "watch: kgd is shutting down; watch again from the last resume_token");
    }
    return absl::OkStatus();
  }
};

class GraphService::WatchReactor final : public ServerStreamReactor {
  using Turn = WatchFollower::Turn;
  using Ending = WatchFollower::Ending;

 public:
  WatchReactor(GraphService& service, grpc::CallbackServerContext* context,
               const grpc::ByteBuffer& request)
      : ServerStreamReactor(service.path(), context), service_(service) {
    const grpc::Slice bytes = SingleSlice(request);
    if (!Admit("kg.v1.GraphService/Watch", BytesOf(bytes))) return;
    if (absl::Status started = Start(BytesOf(bytes)); !started.ok()) {
      EndWatch(started);
      return;
    }
    follower_->reactor = this;
    if (!service_.AddWatch(follower_)) {
      EndWatch(absl::UnavailableError("watch: kgd is shutting down"));
      return;
    }
    service_.store_.AddChangeListener(follower_);
    // Only a write the client does not take is idleness; waiting for
    // changes is what a watcher does.
    activity_ = gate().WatchStream([follower = follower_, context] {
      if (follower->turn.load() != Turn::kWriting) return false;
      context->TryCancel();
      return true;
    });
    // Tells a client watching "from now" where now is, before any change.
    context->AddInitialMetadata("kg-watch-from", EncodeChangeToken(position_));
    StartSendInitialMetadata();
    Submit();
  }

  void OnWriteDone(bool ok) override {
    activity_->Touch();
    events_.pop_front();
    if (!ok) {
      EndWatch(absl::CancelledError("watch: the client went away"));
    } else if (!events_.empty()) {
      StartWrite(&events_.front());
    } else {
      follower_->turn.store(Turn::kReading);
      Continue();
    }
  }

  void OnCancel() override { follower_->EndSoon(Ending::kCancelled); }

  void OnDone() override {
    if (activity_ != nullptr) activity_->Detach();
    delete this;
  }

 private:
  friend struct WatchFollower;

  absl::Status Start(absl::string_view bytes) {
    v1::WatchRequest request;
    KG_RETURN_IF_ERROR(ParseMessage(bytes, "request", request));
    KG_ASSIGN_OR_RETURN(filter_, ChangeFilterFromProto(request));
    if (request.start_case() == v1::WatchRequest::kFrom) {
      KG_ASSIGN_OR_RETURN(position_, DecodeChangeToken(request.from(), "from"));
    } else if (request.from_start()) {
      KG_ASSIGN_OR_RETURN(position_, NewCallView(service_.store_, context())->OldestResumable());
    } else {
      position_ = service_.store_.PublishedChange();
    }
    return absl::OkStatus();
  }

  void Submit() {
    if (!path().workers.TrySubmit([this] { ReadPage(); })) {
      EndWatch(absl::ResourceExhaustedError(
          "max_queued_calls: too many calls are waiting for a worker; watch again from the last "
          "resume_token shortly"));
    }
  }

  // On a worker, holding the turn.
  void ReadPage() {
    if (absl::Status ending = follower_->EndingStatus(); !ending.ok()) {
      EndWatch(ending);
      return;
    }
    // Published before the snapshot is taken, so the snapshot holds it all.
    const ChangePosition until = service_.store_.PublishedChange();
    absl::StatusOr<ChangePage> page = NewCallView(service_.store_, context())
                                          ->ChangesAfter(position_, until, filter_, kPageChanges);
    if (!page.ok()) {
      EndWatch(page.status());
      return;
    }
    position_ = page->resume_after;
    caught_up_ = page->caught_up;
    for (const Change& change : page->changes) {
      v1::ChangeEvent event;
      ChangeToProto(change, &event);
      if (absl::Status s =
              SerializeMessage(event, service_.limits_.max_message_bytes, events_.emplace_back());
          !s.ok()) {
        EndWatch(s);
        return;
      }
    }
    if (events_.empty()) {
      Continue();
      return;
    }
    activity_->Touch();  // the watchdog times the write from here
    follower_->turn.store(Turn::kWriting);
    StartWrite(&events_.front());
  }

  // Holding the turn with nothing to write: the next page, or a wait.
  void Continue() {
    if (!caught_up_) {
      Submit();
      return;
    }
    // Once the turn is given up the call may end at any moment: only
    // copies are used after.
    const std::shared_ptr<WatchFollower> follower = follower_;
    const Store& store = service_.store_;
    const ChangePosition position = position_;
    follower->turn.store(Turn::kWaiting);
    // A publication that came while the turn was held found it taken; one
    // after the store above finds kWaiting and takes it itself.
    if (store.PublishedChange() > position) follower->OnChangesPublished();
    // Likewise an ending that could not act on a busy watch.
    if (const Ending ending = follower->ending.load(); ending != Ending::kNo) {
      follower->EndSoon(ending);
    }
  }

  // End, with the turn taken from everyone first.
  void EndWatch(const absl::Status& outcome) {
    follower_->turn.store(Turn::kFinished);
    End(outcome);
  }

  GraphService& service_;
  std::shared_ptr<StreamActivity> activity_;
  const std::shared_ptr<WatchFollower> follower_ = std::make_shared<WatchFollower>();
  ChangeFilter filter_;
  ChangePosition position_;  // the last change examined
  bool caught_up_ = false;
  std::deque<grpc::ByteBuffer> events_;  // one page's
};

void GraphService::WatchFollower::OnChangesPublished() {
  if (Take(Turn::kWaiting, Turn::kReading)) reactor->Submit();
}

void GraphService::WatchFollower::EndSoon(Ending why) {
  Ending none = Ending::kNo;
  ending.compare_exchange_strong(none, why);  // the first reason stands
  if (Take(Turn::kWaiting, Turn::kFinished)) reactor->EndWatch(EndingStatus());
}

grpc::ServerWriteReactor<grpc::ByteBuffer>* GraphService::StartWatch(
    grpc::CallbackServerContext* context, const grpc::ByteBuffer& request) {
  return new WatchReactor(*this, context, request);
}

bool GraphService::AddWatch(std::weak_ptr<WatchFollower> follower) {
  absl::MutexLock lock(&watches_mu_);
  if (watches_stopped_) return false;
  std::erase_if(watches_, [](const std::weak_ptr<WatchFollower>& w) { return w.expired(); });
  watches_.push_back(std::move(follower));
  return true;
}

void GraphService::StopWatches() {
  std::vector<std::shared_ptr<WatchFollower>> live;
  {
    absl::MutexLock lock(&watches_mu_);
    watches_stopped_ = true;
    for (const std::weak_ptr<WatchFollower>& w : watches_) {
      if (std::shared_ptr<WatchFollower> follower = w.lock()) live.push_back(std::move(follower));
    }
    watches_.clear();
  }
  for (const std::shared_ptr<WatchFollower>& follower : live)
    follower->EndSoon(WatchFollower::Ending::kStopping);
}

}  // namespace kg::server
