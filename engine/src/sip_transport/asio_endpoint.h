// sip_transport/asio_endpoint.h: converts between net::IpEndpoint and
// Boost.Asio's addresses at the edge of the SIP transport, and parses the
// "IP:PORT" listen options.
//
// Thread contract: pure functions, any thread.
#ifndef KONFERO_SIP_TRANSPORT_ASIO_ENDPOINT_H_
#define KONFERO_SIP_TRANSPORT_ASIO_ENDPOINT_H_

#include <cstdint>
#include <string_view>

#include <boost/asio/ip/address.hpp>

#include "absl/status/statusor.h"
#include "konfero/net/ip_endpoint.h"

namespace konfero::sip_transport {

// IPv4-mapped IPv6 addresses (a dual-stack socket's IPv4 peers) come out as
// plain IPv4.
net::IpEndpoint FromAsio(const boost::asio::ip::address& address, uint16_t port);

template <typename AsioEndpoint>
net::IpEndpoint FromAsio(const AsioEndpoint& endpoint) {
  return FromAsio(endpoint.address(), endpoint.port());
}

// For a socket of `ipv6_socket` family an IPv4 endpoint becomes
// ::ffff:a.b.c.d.
boost::asio::ip::address ToAsioAddress(const net::IpEndpoint& endpoint, bool ipv6_socket);

template <typename AsioEndpoint>
AsioEndpoint ToAsio(const net::IpEndpoint& endpoint, bool ipv6_socket) {
  return AsioEndpoint(ToAsioAddress(endpoint, ipv6_socket), endpoint.port());
}

// The same address with another port.
net::IpEndpoint WithPort(const net::IpEndpoint& endpoint, uint16_t port);

// "192.0.2.1:5060" or "[2001:db8::1]:5061"; InvalidArgument naming `what`
// (the option) otherwise.
absl::StatusOr<net::IpEndpoint> ParseHostPort(std::string_view text, std::string_view what);

}  // namespace konfero::sip_transport

#endif  // KONFERO_SIP_TRANSPORT_ASIO_ENDPOINT_H_
