// Tests of konfero::TaskQueue (konfero/executor.h, control/task_queue.cc):
// order, tasks posted from other threads running on the thread that runs
// the queue, the eventfd's readability, and Wait. Threaded: CI reruns it
// under ThreadSanitizer.
#include <poll.h>

#include <atomic>
#include <memory>
#include <thread>
#include <vector>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "konfero/executor.h"

namespace konfero {
namespace {

using ::testing::ElementsAre;

std::unique_ptr<TaskQueue> NewQueue() {
  absl::StatusOr<std::unique_ptr<TaskQueue>> queue = TaskQueue::Create();
  EXPECT_TRUE(queue.ok()) << queue.status();
  return queue.ok() ? *std::move(queue) : nullptr;
}

// Whether the queue's fd is readable now (no waiting).
bool Readable(const TaskQueue& queue) {
  pollfd p{queue.fd(), POLLIN, 0};
  return poll(&p, 1, 0) == 1 && (p.revents & POLLIN) != 0;
}

TEST(TaskQueueTest, RunsTasksInPostingOrder) {
  auto queue = NewQueue();
  ASSERT_NE(queue, nullptr);
  std::vector<int> ran;
  for (int i = 0; i < 5; ++i) queue->Post([&ran, i] { ran.push_back(i); });
  EXPECT_TRUE(ran.empty());  // Post never runs a task
  EXPECT_EQ(queue->pending(), 5u);
  EXPECT_EQ(queue->RunPending(), 5);
  EXPECT_THAT(ran, ElementsAre(0, 1, 2, 3, 4));
  EXPECT_EQ(queue->pending(), 0u);
  EXPECT_EQ(queue->RunPending(), 0);
}

TEST(TaskQueueTest, TasksPostedByATaskRunOnTheNextRound) {
  auto queue = NewQueue();
  ASSERT_NE(queue, nullptr);
  std::vector<int> ran;
  queue->Post([&] {
    ran.push_back(1);
    queue->Post([&] { ran.push_back(3); });
  });
  queue->Post([&] { ran.push_back(2); });
  EXPECT_EQ(queue->RunPending(), 2);
  EXPECT_THAT(ran, ElementsAre(1, 2));
  // The task it posted waits, and the fd says so.
  EXPECT_EQ(queue->pending(), 1u);
  EXPECT_TRUE(Readable(*queue));
  EXPECT_EQ(queue->RunPending(), 1);
  EXPECT_THAT(ran, ElementsAre(1, 2, 3));
  EXPECT_FALSE(Readable(*queue));
}

TEST(TaskQueueTest, FdIsReadableWhileTasksWaitAndNotAfter) {
  auto queue = NewQueue();
  ASSERT_NE(queue, nullptr);
  EXPECT_FALSE(Readable(*queue));
  queue->Post([] {});
  EXPECT_TRUE(Readable(*queue));
  queue->Post([] {});  // still readable, once
  EXPECT_TRUE(Readable(*queue));
  EXPECT_EQ(queue->RunPending(), 2);
  EXPECT_FALSE(Readable(*queue));
  queue->Post([] {});
  EXPECT_TRUE(Readable(*queue));
  EXPECT_EQ(queue->RunPending(), 1);
  EXPECT_FALSE(Readable(*queue));
}

TEST(TaskQueueTest, TasksPostedFromOtherThreadsRunOnTheRunningThread) {
  auto queue = NewQueue();
  ASSERT_NE(queue, nullptr);
  constexpr int kThreads = 4;
  constexpr int kPerThread = 200;
  const std::thread::id control = std::this_thread::get_id();
  // Written only by tasks, which all run on this thread; read here.
  std::vector<std::vector<int>> seen(kThreads);
  int on_other_threads = 0;
  std::vector<std::thread> posters;
  for (int t = 0; t < kThreads; ++t) {
    posters.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        queue->Post([&, t, i] {
          if (std::this_thread::get_id() != control) ++on_other_threads;
          seen[t].push_back(i);
        });
      }
    });
  }
  int ran = 0;
  const absl::Time give_up = absl::Now() + absl::Seconds(60);
  while (ran < kThreads * kPerThread && absl::Now() < give_up) {
    ran += queue->Wait(absl::Seconds(1));
  }
  for (std::thread& t : posters) t.join();
  ran += queue->RunPending();
  EXPECT_EQ(ran, kThreads * kPerThread);
  EXPECT_EQ(on_other_threads, 0);
  // Each thread's tasks ran in the order it posted them.
  for (int t = 0; t < kThreads; ++t) {
    ASSERT_EQ(seen[t].size(), static_cast<size_t>(kPerThread)) << t;
    for (int i = 0; i < kPerThread; ++i) EXPECT_EQ(seen[t][i], i) << t;
  }
  EXPECT_FALSE(Readable(*queue));
}

TEST(TaskQueueTest, WaitWakesUpWhenAnotherThreadPosts) {
  auto queue = NewQueue();
  ASSERT_NE(queue, nullptr);
  std::atomic<bool> ran{false};
  const absl::Time start = absl::Now();
  std::thread poster([&] { queue->Post([&] { ran = true; }); });
  // However the post and the wait interleave, the task runs well before
  // the timeout.
  int n = 0;
  while (n == 0 && absl::Now() - start < absl::Seconds(30)) n += queue->Wait(absl::Seconds(30));
  const absl::Duration waited = absl::Now() - start;
  poster.join();
  EXPECT_EQ(n, 1);
  EXPECT_TRUE(ran);
  EXPECT_LT(waited, absl::Seconds(10));
}

TEST(TaskQueueTest, WaitTimesOutWithoutTasks) {
  auto queue = NewQueue();
  ASSERT_NE(queue, nullptr);
  const absl::Time start = absl::Now();
  EXPECT_EQ(queue->Wait(absl::Milliseconds(50)), 0);
  EXPECT_GE(absl::Now() - start, absl::Milliseconds(40));
  // A zero or negative timeout only looks.
  EXPECT_EQ(queue->Wait(absl::ZeroDuration()), 0);
  EXPECT_EQ(queue->Wait(-absl::Seconds(1)), 0);
}

TEST(TaskQueueTest, WaitRunsWhatIsAlreadyQueuedAtOnce) {
  auto queue = NewQueue();
  ASSERT_NE(queue, nullptr);
  int ran = 0;
  queue->Post([&] { ++ran; });
  queue->Post([&] { ++ran; });
  const absl::Time start = absl::Now();
  EXPECT_EQ(queue->Wait(absl::Seconds(30)), 2);
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
  EXPECT_EQ(ran, 2);
}

TEST(TaskQueueTest, TasksLeftAtDestructionAreDestroyedNotRun) {
  int ran = 0;
  auto token = std::make_shared<int>(0);
  {
    auto queue = NewQueue();
    ASSERT_NE(queue, nullptr);
    queue->Post([&ran, token] { ++ran; });
    EXPECT_EQ(token.use_count(), 2);
  }
  EXPECT_EQ(ran, 0);
  EXPECT_EQ(token.use_count(), 1);  // the task (and what it captured) is gone
}

}  // namespace
}  // namespace konfero
