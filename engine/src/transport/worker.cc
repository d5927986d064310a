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
  std::unique_ptr<Worker> worker(new Worker(*std::move(socket), handler));
  Worker* self = worker.get();
  self->thread_ = std::thread([self] {
    auto guard = boost::asio::make_work_guard(self->io_);
    self->WaitReadable();
    self->io_.run();
  });
  return worker;
}

Worker::Worker(std::unique_ptr<UdpBatchSocket> socket, DatagramHandler& handler)
    : socket_(std::move(socket)), waiter_(io_), handler_(handler) {
  // The waiter shares the fd but never reads or closes it: release() in
  // Stop() hands it back before the UdpBatchSocket closes it.
  const auto protocol = socket_->local_endpoint().is_ipv4()
                            ? boost::asio::ip::udp::v4()
                            : boost::asio::ip::udp::v6();
  waiter_.assign(protocol, socket_->fd());
}

Worker::~Worker() { Stop(); }

void Worker::Post(std::function<void()> task) {
  boost::asio::post(io_, [this, task = std::move(task)] {
    task();
    socket_->Flush();
  });
}

void Worker::Stop() {
  if (stopped_.exchange(true)) return;
  io_.stop();
  if (thread_.joinable()) thread_.join();
  boost::system::error_code ignored;
  waiter_.release(ignored);
}

void Worker::WaitReadable() {
  waiter_.async_wait(boost::asio::ip::udp::socket::wait_read,
                     [this](const boost::system::error_code& error) {
                       if (error) return;  // cancelled: stopping
                       // Drain what is waiting, a batch at a time.
                       while (socket_->ReceiveBatch(
                                  [this](absl::Span<const uint8_t> data,
                                         const net::IpEndpoint& from) {
                                    handler_.OnDatagram(data, from);
                                  }) == UdpBatchSocket::kBatch) {
                       }
                       socket_->Flush();
                       WaitReadable();
                     });
}

}  // namespace konfero::transport
