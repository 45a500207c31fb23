// WorkerPool: a fixed set of threads for the parts of calls that may block —
// writes (a synced write-ahead log waits for the disk), traversals, backups —
// so that gRPC's callback threads never wait on them and the server keeps
// answering (health checks, point reads) while they run.
//
// The queue is bounded: past it a call is refused at once rather than
// queued without end.
//
// Example:
//   WorkerPool pool(/*threads=*/16, /*max_queued=*/1024);
//   if (!pool.TrySubmit([&] { ... })) { /* RESOURCE_EXHAUSTED */ }
//
// Thread safety: TrySubmit may be called from any thread. The destructor
// runs what is queued, then joins the threads.

#ifndef KGD_SERVER_WORKER_POOL_H_
#define KGD_SERVER_WORKER_POOL_H_

#include <cstddef>
#include <deque>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/synchronization/mutex.h"

namespace kg::server {

class WorkerPool {
 public:
  WorkerPool(int threads, size_t max_queued);
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;
  ~WorkerPool();

  // Queues `task`; false (and `task` dropped unrun) when max_queued tasks
  // are already waiting.
  bool TrySubmit(absl::AnyInvocable<void() &&> task) ABSL_LOCKS_EXCLUDED(mu_);

  // Tasks waiting for a thread (not those running).
  size_t queued() const ABSL_LOCKS_EXCLUDED(mu_);

 private:
  void Work() ABSL_LOCKS_EXCLUDED(mu_);

  const size_t max_queued_;
  mutable absl::Mutex mu_;
  std::deque<absl::AnyInvocable<void() &&>> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::vector<std::thread> threads_;
};

}  // namespace kg::server

#endif  // KGD_SERVER_WORKER_POOL_H_
