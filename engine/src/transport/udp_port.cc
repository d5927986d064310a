// udp_port.cc: readiness on Asio, reading with recvmmsg.
#include "transport/udp_port.h"

#include <utility>

namespace konfero::transport {

std::unique_ptr<UdpPort> UdpPort::Attach(boost::asio::io_context& io,
                                         std::unique_ptr<UdpBatchSocket> socket,
                                         DatagramHandler& handler) {
  std::unique_ptr<UdpPort> port(new UdpPort(io, std::move(socket), handler));
  port->WaitReadable();
  return port;
}

UdpPort::UdpPort(boost::asio::io_context& io, std::unique_ptr<UdpBatchSocket> socket,
                 DatagramHandler& handler)
    : socket_(std::move(socket)), waiter_(io), handler_(handler) {
  // The waiter shares the fd but never reads or closes it: Release() hands
  // it back before the UdpBatchSocket closes it.
  const auto protocol = socket_->local_endpoint().is_ipv4() ? boost::asio::ip::udp::v4()
                                                            : boost::asio::ip::udp::v6();
  waiter_.assign(protocol, socket_->fd());
}

UdpPort::~UdpPort() { Release(); }

void UdpPort::Release() {
  if (released_) return;
  released_ = true;
  boost::system::error_code ignored;
  waiter_.cancel(ignored);
  waiter_.release(ignored);
}

std::unique_ptr<UdpBatchSocket> UdpPort::Detach() {
  Release();
  socket_->Flush();
  return std::move(socket_);
}

void UdpPort::WaitReadable() {
  waiter_.async_wait(boost::asio::ip::udp::socket::wait_read,
                     [this](const boost::system::error_code& error) {
                       if (error || released_) return;  // cancelled: closing
                       // Drain what is waiting, a batch at a time.
                       while (socket_->ReceiveBatch([this](absl::Span<const uint8_t> data,
                                                           const net::IpEndpoint& from) {
                         handler_.OnDatagram(data, from);
                       }) == UdpBatchSocket::kBatch) {
                       }
                       socket_->Flush();
                       WaitReadable();
                     });
}

}  // namespace konfero::transport
