// udp_port.h: a UdpBatchSocket on a worker's event loop: whatever arrives
// is read in batches and handed to a DatagramHandler.
//
// The worker's shared WebRTC port is one; every plain-RTP leg has two (RTP
// and RTCP), bound on the control thread (the SDP answer needs the port
// numbers) and attached to the worker's loop on its thread.
//
//   auto socket = UdpBatchSocket::Bind(local);        // any thread
//   auto port = UdpPort::Attach(io, *std::move(socket), handler);   // loop thread
//   port->Send(bytes, to); port->Flush();
//
// Thread contract: Attach, Send, Flush and the destructor on the loop's
// thread; the handler is called there. Release() (from any thread, once the
// loop has stopped) hands the fd back before the socket closes it.
#ifndef KONFERO_TRANSPORT_UDP_PORT_H_
#define KONFERO_TRANSPORT_UDP_PORT_H_

#include <memory>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "absl/types/span.h"
#include "konfero/net/ip_endpoint.h"
#include "transport/udp_batch_socket.h"

namespace konfero::transport {

class DatagramHandler {
 public:
  virtual ~DatagramHandler() = default;
  // On the loop's thread, for each received datagram.
  virtual void OnDatagram(absl::Span<const uint8_t> data, const net::IpEndpoint& from) = 0;
};

// Where datagrams are written: a worker's or a leg's port, or a fake in
// tests. The loop's thread.
class DatagramSender {
 public:
  virtual ~DatagramSender() = default;
  // Queues a datagram (copied).
  virtual void Send(absl::Span<const uint8_t> datagram, const net::IpEndpoint& to) = 0;
  // Sends what is queued (one sendmmsg).
  virtual void Flush() = 0;
};

class UdpPort final : public DatagramSender {
 public:
  // Starts waiting for datagrams on `io`. `handler` must outlive the port.
  static std::unique_ptr<UdpPort> Attach(boost::asio::io_context& io,
                                         std::unique_ptr<UdpBatchSocket> socket,
                                         DatagramHandler& handler);
  ~UdpPort() override;
  UdpPort(const UdpPort&) = delete;
  UdpPort& operator=(const UdpPort&) = delete;

  void Send(absl::Span<const uint8_t> datagram, const net::IpEndpoint& to) override {
    socket_->Enqueue(datagram, to);
  }
  void Flush() override { socket_->Flush(); }
  // Stops waiting (before the socket closes).
  void Release();
  // Stops waiting and hands the socket back, open, to be attached to
  // another loop (a leg that moves to another worker). The port is then
  // empty: destroy it.
  std::unique_ptr<UdpBatchSocket> Detach();
  const net::IpEndpoint& local_endpoint() const { return socket_->local_endpoint(); }
  const UdpCounters& counters() const { return socket_->counters(); }

 private:
  UdpPort(boost::asio::io_context& io, std::unique_ptr<UdpBatchSocket> socket,
          DatagramHandler& handler);
  void WaitReadable();

  std::unique_ptr<UdpBatchSocket> socket_;
  // Asio's view of the same fd, only to wait for readability.
  boost::asio::ip::udp::socket waiter_;
  DatagramHandler& handler_;
  bool released_ = false;
};

}  // namespace konfero::transport

#endif  // KONFERO_TRANSPORT_UDP_PORT_H_
