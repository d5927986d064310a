// sip_transport/udp_listener.h: the SIP UDP socket: each datagram is one
// message (RFC 3261 18.3). Datagrams over the size limit are dropped, and
// datagrams of CRLFs only (RFC 5626 keep-alives) are ignored.
//
//   auto udp = UdpListener::Bind(io, local, 64 * 1024, counters, on_datagram);
//   (*udp)->Start();
//   (*udp)->Send(std::move(message), to);
//
// Thread contract: Bind and Start before the loop runs or on the loop's
// thread; Send and Close on the loop's thread; the handler is called there.
// The listener must outlive the loop's handlers (destroy it once the loop
// has stopped).
#ifndef KONFERO_SIP_TRANSPORT_UDP_LISTENER_H_
#define KONFERO_SIP_TRANSPORT_UDP_LISTENER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/udp.hpp>

#include "absl/status/statusor.h"
#include "konfero/net/ip_endpoint.h"
#include "sip_transport/counters.h"

namespace konfero::sip_transport {

class UdpListener {
 public:
  using Handler = std::function<void(std::string datagram, const net::IpEndpoint& from)>;

  // Unavailable if `local` cannot be bound (the error names the address).
  static absl::StatusOr<std::unique_ptr<UdpListener>> Bind(boost::asio::io_context& io,
                                                           const net::IpEndpoint& local,
                                                           size_t max_message_bytes,
                                                           TransportCounters& counters,
                                                           Handler handler);
  UdpListener(const UdpListener&) = delete;
  UdpListener& operator=(const UdpListener&) = delete;

  void Start();
  // One datagram; dropped (send_errors) if `to` is IPv6 and the socket IPv4.
  void Send(std::string datagram, const net::IpEndpoint& to);
  void Close();

  const net::IpEndpoint& local() const { return local_; }

  // True for a datagram that is only CR and LF bytes (a keep-alive).
  static bool IsKeepAlive(std::string_view datagram);

 private:
  UdpListener(boost::asio::ip::udp::socket socket, net::IpEndpoint local, size_t max_message_bytes,
              TransportCounters& counters, Handler handler);
  void Receive();

  boost::asio::ip::udp::socket socket_;
  const net::IpEndpoint local_;
  const bool ipv6_;
  const size_t max_message_bytes_;
  TransportCounters& counters_;
  Handler handler_;
  std::vector<char> buffer_;  // max_message_bytes + 1, so an oversize datagram shows
  boost::asio::ip::udp::endpoint sender_;
  bool closed_ = false;
};

}  // namespace konfero::sip_transport

#endif  // KONFERO_SIP_TRANSPORT_UDP_LISTENER_H_
