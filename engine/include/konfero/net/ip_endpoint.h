// konfero/net/ip_endpoint.h: an IP address and a UDP/TCP port, as a value.
//
// The transport layer converts the socket library's endpoint to and from
// this type at its edge, so protocol code (STUN, ICE) stays free of Boost.
//
//   auto ep = konfero::net::IpEndpoint::Parse("2001:db8::1", 443);
//   if (ep) std::puts(ep->ToString().c_str());   // "[2001:db8::1]:443"
//
// IPv4-mapped IPv6 addresses (::ffff:a.b.c.d, as a dual-stack socket reports
// IPv4 peers) are kept as given; Unmapped() turns them into plain IPv4.
//
// Thread contract: a plain value; const methods may be called from any thread.
#ifndef KONFERO_NET_IP_ENDPOINT_H_
#define KONFERO_NET_IP_ENDPOINT_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/types/span.h"

namespace konfero::net {

class IpEndpoint {
 public:
  enum class Family : uint8_t { kIpv4 = 4, kIpv6 = 6 };

  // 0.0.0.0:0.
  IpEndpoint() = default;

  static IpEndpoint Ipv4(const std::array<uint8_t, 4>& address, uint16_t port);
  static IpEndpoint Ipv6(const std::array<uint8_t, 16>& address, uint16_t port);
  // A textual address ("192.0.2.1", "2001:db8::1", no brackets), or nullopt.
  static std::optional<IpEndpoint> Parse(std::string_view address, uint16_t port);

  Family family() const { return family_; }
  bool is_ipv4() const { return family_ == Family::kIpv4; }
  uint16_t port() const { return port_; }
  // The address in network byte order: 4 bytes for IPv4, 16 for IPv6.
  absl::Span<const uint8_t> address_bytes() const {
    return {bytes_.data(), is_ipv4() ? size_t{4} : size_t{16}};
  }

  // ::ffff:a.b.c.d:port becomes a.b.c.d:port; anything else is unchanged.
  IpEndpoint Unmapped() const;

  // "192.0.2.1:32853" or "[2001:db8::1]:443".
  std::string ToString() const;

  friend bool operator==(const IpEndpoint&, const IpEndpoint&) = default;

  template <typename H>
  friend H AbslHashValue(H h, const IpEndpoint& e) {
    return H::combine(std::move(h), e.family_, e.bytes_, e.port_);
  }

 private:
  Family family_ = Family::kIpv4;
  std::array<uint8_t, 16> bytes_{};  // IPv4 uses the first 4, the rest stay 0
  uint16_t port_ = 0;
};

}  // namespace konfero::net

#endif  // KONFERO_NET_IP_ENDPOINT_H_
