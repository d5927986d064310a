// sip_transport/udp_listener.cc: the SIP UDP socket on the transport's loop.
#include "sip_transport/udp_listener.h"

#include <algorithm>
#include <utility>

#include <boost/asio/ip/v6_only.hpp>

#include "absl/strings/str_cat.h"
#include "sip_transport/asio_endpoint.h"

namespace konfero::sip_transport {

namespace ip = boost::asio::ip;
using ip::udp;

absl::StatusOr<std::unique_ptr<UdpListener>> UdpListener::Bind(boost::asio::io_context& io,
                                                                const net::IpEndpoint& local,
                                                                size_t max_message_bytes,
                                                                TransportCounters& counters,
                                                                Handler handler) {
  const bool ipv6 = !local.is_ipv4();
  udp::socket socket(io);
  boost::system::error_code error;
  socket.open(ipv6 ? udp::v6() : udp::v4(), error);
  if (!error && ipv6) socket.set_option(ip::v6_only(false), error);
  if (!error) socket.bind(ToAsio<udp::endpoint>(local, ipv6), error);
  if (error) {
    return absl::UnavailableError(
        absl::StrCat("cannot bind SIP UDP ", local.ToString(), ": ", error.message()));
  }
  const net::IpEndpoint bound = FromAsio(socket.local_endpoint(error));
  // A datagram cannot exceed 65535 bytes; one more than the limit detects
  // oversize ones (the kernel truncates them to the buffer).
  const size_t limit = std::min<size_t>(max_message_bytes, 65535);
  return std::unique_ptr<UdpListener>(
      new UdpListener(std::move(socket), bound, limit, counters, std::move(handler)));
}

UdpListener::UdpListener(udp::socket socket, net::IpEndpoint local, size_t max_message_bytes,
                         TransportCounters& counters, Handler handler)
    : socket_(std::move(socket)),
      local_(local),
      ipv6_(!local.is_ipv4()),
      max_message_bytes_(max_message_bytes),
      counters_(counters),
      handler_(std::move(handler)),
      buffer_(max_message_bytes + 1) {}

bool UdpListener::IsKeepAlive(std::string_view datagram) {
  return std::all_of(datagram.begin(), datagram.end(), [](char c) { return c == '\r' || c == '\n'; });
}

void UdpListener::Start() { Receive(); }

void UdpListener::Receive() {
  socket_.async_receive_from(
      boost::asio::buffer(buffer_), sender_,
      [this](const boost::system::error_code& error, size_t size) {
        if (closed_ || error == boost::asio::error::operation_aborted) return;
        // Other errors (ICMP port unreachable reported on a later read, and
        // the like) concern one peer; keep reading.
        if (!error) {
          const std::string_view datagram(buffer_.data(), size);
          if (size > max_message_bytes_) {
            counters_.oversize_dropped.Add();
          } else if (!IsKeepAlive(datagram)) {
            counters_.datagrams_in.Add();
            handler_(std::string(datagram), FromAsio(sender_));
          }
        }
        if (!closed_) Receive();
      });
}

void UdpListener::Send(std::string datagram, const net::IpEndpoint& to) {
  if (closed_ || (!to.is_ipv4() && !ipv6_)) {
    counters_.send_errors.Add();
    return;
  }
  auto owned = std::make_shared<std::string>(std::move(datagram));
  socket_.async_send_to(boost::asio::buffer(*owned), ToAsio<udp::endpoint>(to, ipv6_),
                        [this, owned](const boost::system::error_code& error, size_t) {
                          if (error) {
                            counters_.send_errors.Add();
                          } else {
                            counters_.datagrams_out.Add();
                          }
                        });
}

void UdpListener::Close() {
  closed_ = true;
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace konfero::sip_transport
