// worker.h: one media worker: a thread, an event loop, one UDP port.
//
// A Worker runs a Boost.Asio io_context on its own thread. All peers on the
// worker share its UDP socket; received datagrams go, in batches, to the
// one DatagramHandler given at Start (the transport's demultiplexer). Work
// from other threads arrives through Post(); timers are Asio timers on the
// worker's io_context. Datagrams to send are queued with Send() and flushed
// with one sendmmsg at the end of each batch of work.
//
// Thread contract: Start, Post and Stop (and the destructor) from any
// thread; everything else only on the worker thread (from a handler, a
// posted task or a timer).
#ifndef KONFERO_TRANSPORT_WORKER_H_
#define KONFERO_TRANSPORT_WORKER_H_

#include <atomic>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "konfero/net/ip_endpoint.h"
#include "transport/udp_batch_socket.h"
#include "transport/udp_port.h"

namespace konfero::transport {



class Worker final : public DatagramSender {
 public:
  // Binds `local` and starts the thread. `handler` must outlive the worker.
  static absl::StatusOr<std::unique_ptr<Worker>> Start(
      const net::IpEndpoint& local, DatagramHandler& handler);
  ~Worker() override;  // Stop()s
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Any thread: runs `task` on the worker thread, in posting order.
  void Post(std::function<void()> task);
  // Any thread: stops the loop and joins the thread (idempotent; not from
  // the worker thread itself).
  void Stop();
  bool IsWorkerThread() const {
    return std::this_thread::get_id() == thread_.get_id();
  }

  // Worker thread.
  void Send(absl::Span<const uint8_t> datagram, const net::IpEndpoint& to) override {
    port_->Send(datagram, to);
  }
  void Flush() override { port_->Flush(); }
  boost::asio::io_context& io() { return io_; }
  const UdpCounters& counters() const { return port_->counters(); }

  // Any thread.
  const net::IpEndpoint& local_endpoint() const { return local_; }

 private:
  explicit Worker(net::IpEndpoint local) : local_(local) {}

  boost::asio::io_context io_;
  const net::IpEndpoint local_;
  std::unique_ptr<UdpPort> port_;
  std::thread thread_;
  std::atomic<bool> stopped_{false};
};

}  // namespace konfero::transport

#endif  // KONFERO_TRANSPORT_WORKER_H_
