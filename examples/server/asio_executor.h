// asio_executor.h: the engine's ControlExecutor on konfero-server's control
// thread: the workers' reports become handlers on its io_context.
//
// Thread contract: Post from any thread (Asio's post is thread-safe); the
// tasks run on the thread that runs the io_context.
#ifndef KONFERO_EXAMPLES_SERVER_ASIO_EXECUTOR_H_
#define KONFERO_EXAMPLES_SERVER_ASIO_EXECUTOR_H_

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <utility>

#include "konfero/executor.h"

namespace konfero::server {

class AsioExecutor final : public ControlExecutor {
 public:
  explicit AsioExecutor(boost::asio::io_context& io) : io_(io) {}
  void Post(Task task) override {
    boost::asio::post(io_, [task = std::move(task)]() mutable { task(); });
  }

 private:
  boost::asio::io_context& io_;
};

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_ASIO_EXECUTOR_H_
