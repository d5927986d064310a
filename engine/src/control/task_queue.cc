// task_queue.cc: konfero::TaskQueue (konfero/executor.h) on an eventfd.
#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <deque>

#include "absl/base/thread_annotations.h"
#include "absl/strings/str_cat.h"
#include "common/mutex.h"
#include "konfero/executor.h"

namespace konfero {

// A std::mutex-based lock (common/mutex.h), which ThreadSanitizer sees.
struct TaskQueue::State {
  mutable Mutex mu;
  std::deque<Task> tasks ABSL_GUARDED_BY(mu);
};

TaskQueue::TaskQueue(int fd, std::unique_ptr<State> state) : fd_(fd), state_(std::move(state)) {}

absl::StatusOr<std::unique_ptr<TaskQueue>> TaskQueue::Create() {
  const int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat("eventfd: ", std::strerror(errno)));
  }
  return std::unique_ptr<TaskQueue>(new TaskQueue(fd, std::make_unique<State>()));
}

TaskQueue::~TaskQueue() { close(fd_); }

void TaskQueue::Post(Task task) {
  bool was_empty = false;
  {
    MutexLock lock(&state_->mu);
    was_empty = state_->tasks.empty();
    state_->tasks.push_back(std::move(task));
  }
  if (was_empty) {
    const uint64_t one = 1;
    // Cannot fail short of a counter overflow; the fd stays readable then.
    (void)!write(fd_, &one, sizeof(one));
  }
}

int TaskQueue::RunPending() {
  std::deque<Task> batch;
  {
    MutexLock lock(&state_->mu);
    batch.swap(state_->tasks);
    uint64_t ignored = 0;
    (void)!read(fd_, &ignored, sizeof(ignored));  // readable again on the next Post
  }
  int ran = 0;
  for (Task& task : batch) {
    std::move(task)();
    ++ran;
  }
  return ran;
}

int TaskQueue::Wait(absl::Duration timeout) {
  if (pending() == 0) {
    pollfd p{fd_, POLLIN, 0};
    const int64_t ms = absl::ToInt64Milliseconds(timeout);
    (void)poll(&p, 1, static_cast<int>(std::max<int64_t>(0, std::min<int64_t>(ms, 1 << 30))));
  }
  return RunPending();
}

size_t TaskQueue::pending() const {
  MutexLock lock(&state_->mu);
  return state_->tasks.size();
}

}  // namespace konfero
