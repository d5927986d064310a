// sip_transport/asio_endpoint.cc: net::IpEndpoint <-> Boost.Asio addresses.
#include "sip_transport/asio_endpoint.h"

#include <array>
#include <charconv>
#include <string>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"

namespace konfero::sip_transport {

net::IpEndpoint FromAsio(const boost::asio::ip::address& address, uint16_t port) {
  if (address.is_v4()) {
    const auto bytes = address.to_v4().to_bytes();
    return net::IpEndpoint::Ipv4({bytes[0], bytes[1], bytes[2], bytes[3]}, port);
  }
  const auto bytes = address.to_v6().to_bytes();
  std::array<uint8_t, 16> a;
  for (size_t i = 0; i < a.size(); ++i) a[i] = bytes[i];
  return net::IpEndpoint::Ipv6(a, port).Unmapped();
}

boost::asio::ip::address ToAsioAddress(const net::IpEndpoint& endpoint, bool ipv6_socket) {
  const auto bytes = endpoint.address_bytes();
  if (endpoint.is_ipv4()) {
    const boost::asio::ip::address_v4 v4({bytes[0], bytes[1], bytes[2], bytes[3]});
    if (!ipv6_socket) return v4;
    return boost::asio::ip::make_address_v6(boost::asio::ip::v4_mapped, v4);
  }
  boost::asio::ip::address_v6::bytes_type a;
  for (size_t i = 0; i < a.size(); ++i) a[i] = bytes[i];
  return boost::asio::ip::address_v6(a);
}

net::IpEndpoint WithPort(const net::IpEndpoint& endpoint, uint16_t port) {
  const auto bytes = endpoint.address_bytes();
  if (endpoint.is_ipv4()) return net::IpEndpoint::Ipv4({bytes[0], bytes[1], bytes[2], bytes[3]}, port);
  std::array<uint8_t, 16> a;
  for (size_t i = 0; i < a.size(); ++i) a[i] = bytes[i];
  return net::IpEndpoint::Ipv6(a, port);
}

absl::StatusOr<net::IpEndpoint> ParseHostPort(std::string_view text, std::string_view what) {
  auto invalid = [&] {
    return absl::InvalidArgumentError(
        absl::StrCat(Sv(what), ": \"", Sv(text), "\" is not IP:PORT (or [IPv6]:PORT)"));
  };
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) return invalid();
  std::string_view host = text.substr(0, colon);
  const std::string_view port_text = text.substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return invalid();  // an IPv6 address needs its brackets
  }
  unsigned port = 0;
  const auto [end, error] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() ||
      port > 65535) {
    return invalid();
  }
  std::optional<net::IpEndpoint> endpoint = net::IpEndpoint::Parse(host, static_cast<uint16_t>(port));
  if (!endpoint) return invalid();
  return *endpoint;
}

}  // namespace konfero::sip_transport
