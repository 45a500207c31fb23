// server/worker_pool.h: tasks run on the pool's threads, the queue is
// bounded, and what is queued still runs when the pool is destroyed.

#include "server/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <thread>

#include "absl/synchronization/notification.h"

namespace kg::server {
namespace {

TEST(WorkerPoolTest, RunsEveryTaskOnItsOwnThreads) {
  std::atomic<int> ran{0};
  std::atomic<int> on_caller_thread{0};
  const std::thread::id caller = std::this_thread::get_id();
  {
    WorkerPool pool(4, 1000);
    for (int i = 0; i < 1000; ++i) {
      ASSERT_TRUE(pool.TrySubmit([&] {
        if (std::this_thread::get_id() == caller) ++on_caller_thread;
        ++ran;
      }));
    }
  }  // drains, then joins
  EXPECT_EQ(ran.load(), 1000);
  EXPECT_EQ(on_caller_thread.load(), 0);
}

TEST(WorkerPoolTest, RefusesPastTheQueueBoundAndRunsWhatItQueued) {
  std::atomic<int> ran{0};
  absl::Notification started, release;
  auto pool = std::make_unique<WorkerPool>(1, 2);
  ASSERT_TRUE(pool->TrySubmit([&] {
    started.Notify();
    release.WaitForNotification();
    ++ran;
  }));
  started.WaitForNotification();  // the one thread is busy; the queue is empty
  EXPECT_TRUE(pool->TrySubmit([&] { ++ran; }));
  EXPECT_TRUE(pool->TrySubmit([&] { ++ran; }));
  EXPECT_EQ(pool->queued(), 2u);
  EXPECT_FALSE(pool->TrySubmit([&] { ran += 100; }));  // dropped, never run
  release.Notify();
  pool.reset();
  EXPECT_EQ(ran.load(), 3);
}

}  // namespace
}  // namespace kg::server
