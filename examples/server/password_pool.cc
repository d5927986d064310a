// password_pool.cc: see password_pool.h.
#include "server/password_pool.h"

#include <boost/asio/post.hpp>
#include <utility>

namespace konfero::server {

PasswordPool::PasswordPool(boost::asio::any_io_executor control, int threads, int max_pending)
    : control_(std::move(control)),
      threads_(static_cast<size_t>(threads < 1 ? 1 : threads)),
      max_pending_(max_pending < 1 ? 1 : max_pending) {}

PasswordPool::~PasswordPool() {
  threads_.stop();
  threads_.join();
}

bool PasswordPool::Submit(std::function<void()> work, std::function<void()> done) {
  if (pending_->load(std::memory_order_relaxed) >= max_pending_) return false;
  pending_->fetch_add(1, std::memory_order_relaxed);
  boost::asio::post(threads_, [control = control_, pending = pending_, work = std::move(work),
                               done = std::move(done)]() mutable {
    work();
    boost::asio::post(control, [pending, done = std::move(done)] {
      pending->fetch_sub(1, std::memory_order_relaxed);
      done();
    });
  });
  return true;
}

}  // namespace konfero::server
