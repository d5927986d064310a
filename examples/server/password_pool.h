// password_pool.h: a few threads for password hashing (argon2id takes tens
// of milliseconds of CPU), so that a burst of logins never stalls the
// control thread, and a bound on how many wait, so that a flood of them
// is refused quickly instead of queued without end.
//
//   PasswordPool pool(io.get_executor(), /*threads=*/2, /*max_pending=*/32);
//   bool accepted = pool.Submit([&] { pending.Verify(); },   // a pool thread
//                               [&] { FinishLogin(...); });  // the io thread
//
// Thread contract: construct, Submit and destroy on the control thread
// (the executor's). `work` runs on a pool thread, then `done` is posted to
// the executor. Destruction waits for running work; `done` of work that
// finishes after the executor stopped never runs.
#ifndef KONFERO_EXAMPLES_SERVER_PASSWORD_POOL_H_
#define KONFERO_EXAMPLES_SERVER_PASSWORD_POOL_H_

#include <atomic>
#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/thread_pool.hpp>
#include <functional>
#include <memory>

namespace konfero::server {

class PasswordPool {
 public:
  PasswordPool(boost::asio::any_io_executor control, int threads, int max_pending);
  ~PasswordPool();
  PasswordPool(const PasswordPool&) = delete;
  PasswordPool& operator=(const PasswordPool&) = delete;

  // False, and nothing runs, while `max_pending` jobs are queued or running.
  bool Submit(std::function<void()> work, std::function<void()> done);

  int pending() const { return pending_->load(std::memory_order_relaxed); }

 private:
  boost::asio::any_io_executor control_;
  boost::asio::thread_pool threads_;
  int max_pending_;
  // Shared with the jobs: the count drops when `done` runs.
  std::shared_ptr<std::atomic<int>> pending_ = std::make_shared<std::atomic<int>>(0);
};

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_PASSWORD_POOL_H_
