// ip_endpoint.cc: konfero::net::IpEndpoint (konfero/net/ip_endpoint.h).
//
// Built into the stun component, its first user; it moves to a net component
// when the transport needs it without STUN.
#include "konfero/net/ip_endpoint.h"

#include <arpa/inet.h>

#include <algorithm>
#include <string>

namespace konfero::net {

IpEndpoint IpEndpoint::Ipv4(const std::array<uint8_t, 4>& address, uint16_t port) {
  IpEndpoint e;
  e.family_ = Family::kIpv4;
  std::copy(address.begin(), address.end(), e.bytes_.begin());
  e.port_ = port;
  return e;
}

IpEndpoint IpEndpoint::Ipv6(const std::array<uint8_t, 16>& address, uint16_t port) {
  IpEndpoint e;
  e.family_ = Family::kIpv6;
  e.bytes_ = address;
  e.port_ = port;
  return e;
}

std::optional<IpEndpoint> IpEndpoint::Parse(std::string_view address, uint16_t port) {
  // inet_pton needs a terminated string; anything longer than the longest
  // textual IPv6 address is not an address.
  if (address.size() >= INET6_ADDRSTRLEN) return std::nullopt;
  const std::string text(address);
  std::array<uint8_t, 4> v4{};
  if (inet_pton(AF_INET, text.c_str(), v4.data()) == 1) return Ipv4(v4, port);
  std::array<uint8_t, 16> v6{};
  if (inet_pton(AF_INET6, text.c_str(), v6.data()) == 1) return Ipv6(v6, port);
  return std::nullopt;
}

IpEndpoint IpEndpoint::Unmapped() const {
  if (is_ipv4()) return *this;
  static constexpr std::array<uint8_t, 12> kMappedPrefix = {0, 0, 0, 0, 0, 0,
                                                           0, 0, 0, 0, 0xff, 0xff};
  if (!std::equal(kMappedPrefix.begin(), kMappedPrefix.end(), bytes_.begin())) {
    return *this;
  }
  return Ipv4({bytes_[12], bytes_[13], bytes_[14], bytes_[15]}, port_);
}

std::string IpEndpoint::ToString() const {
  char text[INET6_ADDRSTRLEN] = {};
  if (is_ipv4()) {
    inet_ntop(AF_INET, bytes_.data(), text, sizeof(text));
    return std::string(text) + ":" + std::to_string(port_);
  }
  inet_ntop(AF_INET6, bytes_.data(), text, sizeof(text));
  return "[" + std::string(text) + "]:" + std::to_string(port_);
}

}  // namespace konfero::net
