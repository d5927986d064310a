// konfero/executor.h: how the media workers reach the control thread.
//
// The engine's workers report what the control side must act on (a peer
// whose consent expired, a DTMF digit, the active speaker) by posting a
// task to a ControlExecutor, which runs it on the thread that drives the
// RoomService. A server built on an event loop implements it by posting to
// that loop (Boost.Asio: boost::asio::post(io, std::move(task))); scripts
// and tests use TaskQueue, whose file descriptor becomes readable while
// tasks wait, so the control thread sleeps until there is work:
//
//   auto queue = *konfero::TaskQueue::Create();
//   options.executor = queue.get();   // konfero::Engine::Options
//   auto engine = *konfero::Engine::Start(service, options);
//   // asyncio: loop.add_reader(queue.fd(), queue.RunPending)
//   // or a plain loop: while (running) queue->Wait(absl::Milliseconds(100));
//
// Thread contract: Post from any thread (the workers call it). TaskQueue's
// RunPending and Wait run the tasks on the calling thread, which must be
// the control thread.
#ifndef KONFERO_EXECUTOR_H_
#define KONFERO_EXECUTOR_H_

#include <cstddef>
#include <memory>

#include "absl/functional/any_invocable.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace konfero {

class ControlExecutor {
 public:
  using Task = absl::AnyInvocable<void()>;
  virtual ~ControlExecutor() = default;
  // Any thread: runs `task` on the control thread later, in posting order.
  // It must not run `task` inside Post.
  virtual void Post(Task task) = 0;
};

class TaskQueue final : public ControlExecutor {
 public:
  // Unavailable if the eventfd cannot be made.
  static absl::StatusOr<std::unique_ptr<TaskQueue>> Create();
  ~TaskQueue() override;
  TaskQueue(const TaskQueue&) = delete;
  TaskQueue& operator=(const TaskQueue&) = delete;

  void Post(Task task) override;
  // Readable while tasks wait (an eventfd).
  int fd() const { return fd_; }
  // Runs the tasks queued now (not those they post); returns how many ran.
  int RunPending();
  // Waits up to `timeout` for a task, then runs what is queued.
  int Wait(absl::Duration timeout);
  // Tasks waiting now.
  size_t pending() const;

 private:
  struct State;  // the queue and its lock (engine/src/control/task_queue.cc)
  TaskQueue(int fd, std::unique_ptr<State> state);
  const int fd_;
  std::unique_ptr<State> state_;
};

}  // namespace konfero

#endif  // KONFERO_EXECUTOR_H_
