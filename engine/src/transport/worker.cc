// worker.cc: the event loop of a media worker.
#include "transport/worker.h"

#include <sys/socket.h>

#include <boost/asio/post.hpp>
#include <boost/asio/executor_work_guard.hpp>

namespace konfero::transport {

absl::StatusOr<std::unique_ptr<Worker>> Worker::Start(
    const net::IpEndpoint& local, DatagramHandler& handler) {
  absl::StatusOr<std::unique_ptr<UdpBatchSocket>> socket =
      UdpBatchSocket::Bind(local);
  if (!socket.ok()) return socket.status();
  std::unique_ptr<Worker> worker(new Worker((*socket)->local_endpoint()));
  Worker* self = worker.get();
  // The port is made before the thread starts, so Send() is usable from
  // the first posted task; only the loop thread touches it afterwards.
  self->port_ = UdpPort::Attach(self->io_, *std::move(socket), handler);
  self->thread_ = std::thread([self] {
    auto guard = boost::asio::make_work_guard(self->io_);
    self->io_.run();
  });
  return worker;
}

Worker::~Worker() { Stop(); }

void Worker::Post(std::function<void()> task) {
  boost::asio::post(io_, [this, task = std::move(task)] {
    task();
    port_->Flush();
  });
}

void Worker::Stop() {
  if (stopped_.exchange(true)) return;
  io_.stop();
  if (thread_.joinable()) thread_.join();
  port_->Release();
}

}  // namespace konfero::transport
