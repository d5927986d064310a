// udp_batch_socket.cc: recvmmsg/sendmmsg on a non-blocking UDP socket.
#include "transport/udp_batch_socket.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "absl/strings/str_cat.h"

namespace konfero::transport {

socklen_t ToSockaddr(const net::IpEndpoint& endpoint, bool ipv6_socket,
                     sockaddr_storage* out) {
  std::memset(out, 0, sizeof(*out));
  const auto bytes = endpoint.address_bytes();
  if (endpoint.is_ipv4() && !ipv6_socket) {
    auto* sin = reinterpret_cast<sockaddr_in*>(out);
    sin->sin_family = AF_INET;
    sin->sin_port = htons(endpoint.port());
    std::memcpy(&sin->sin_addr, bytes.data(), 4);
    return sizeof(sockaddr_in);
  }
  auto* sin6 = reinterpret_cast<sockaddr_in6*>(out);
  sin6->sin6_family = AF_INET6;
  sin6->sin6_port = htons(endpoint.port());
  if (endpoint.is_ipv4()) {  // ::ffff:a.b.c.d on a dual-stack socket
    sin6->sin6_addr.s6_addr[10] = 0xff;
    sin6->sin6_addr.s6_addr[11] = 0xff;
    std::memcpy(&sin6->sin6_addr.s6_addr[12], bytes.data(), 4);
  } else {
    std::memcpy(&sin6->sin6_addr, bytes.data(), 16);
  }
  return sizeof(sockaddr_in6);
}

net::IpEndpoint FromSockaddr(const sockaddr_storage& address) {
  if (address.ss_family == AF_INET) {
    const auto* sin = reinterpret_cast<const sockaddr_in*>(&address);
    std::array<uint8_t, 4> a;
    std::memcpy(a.data(), &sin->sin_addr, 4);
    return net::IpEndpoint::Ipv4(a, ntohs(sin->sin_port));
  }
  const auto* sin6 = reinterpret_cast<const sockaddr_in6*>(&address);
  std::array<uint8_t, 16> a;
  std::memcpy(a.data(), &sin6->sin6_addr, 16);
  return net::IpEndpoint::Ipv6(a, ntohs(sin6->sin6_port)).Unmapped();
}

absl::StatusOr<std::unique_ptr<UdpBatchSocket>> UdpBatchSocket::Bind(
    const net::IpEndpoint& local) {
  const bool ipv6 = !local.is_ipv4();
  const int fd = ::socket(ipv6 ? AF_INET6 : AF_INET,
                          SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) {
    return absl::UnavailableError(absl::StrCat("socket: ", std::strerror(errno)));
  }
  if (ipv6) {
    const int off = 0;  // dual stack: IPv4 peers arrive as ::ffff:a.b.c.d
    ::setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &off, sizeof(off));
  }
  // Room for bursts of video: a few hundred full datagrams.
  const int buffer = 4 << 20;
  ::setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &buffer, sizeof(buffer));
  ::setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &buffer, sizeof(buffer));
  sockaddr_storage address;
  const socklen_t len = ToSockaddr(local, ipv6, &address);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), len) != 0) {
    const int error = errno;
    ::close(fd);
    return absl::UnavailableError(absl::StrCat(
        "cannot bind UDP ", local.ToString(), ": ", std::strerror(error)));
  }
  sockaddr_storage bound;
  socklen_t bound_len = sizeof(bound);
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&bound), &bound_len);
  return std::unique_ptr<UdpBatchSocket>(
      new UdpBatchSocket(fd, FromSockaddr(bound), ipv6));
}

UdpBatchSocket::UdpBatchSocket(int fd, net::IpEndpoint local, bool ipv6)
    : fd_(fd),
      local_(local),
      ipv6_(ipv6),
      receive_slots_(kBatch),
      send_slots_(kSendSlots) {}

UdpBatchSocket::~UdpBatchSocket() { ::close(fd_); }

int UdpBatchSocket::ReceiveBatch(const Receiver& receive) {
  std::array<mmsghdr, kBatch> headers;
  std::array<iovec, kBatch> iovs;
  for (int i = 0; i < kBatch; ++i) {
    Slot& slot = receive_slots_[i];
    iovs[i] = iovec{slot.data.data(), slot.data.size()};
    headers[i] = mmsghdr{};
    headers[i].msg_hdr.msg_name = &slot.address;
    headers[i].msg_hdr.msg_namelen = sizeof(slot.address);
    headers[i].msg_hdr.msg_iov = &iovs[i];
    headers[i].msg_hdr.msg_iovlen = 1;
  }
  const int n = ::recvmmsg(fd_, headers.data(), kBatch, MSG_DONTWAIT, nullptr);
  ++counters_.receive_calls;
  if (n <= 0) return 0;
  for (int i = 0; i < n; ++i) {
    const size_t size = headers[i].msg_len;
    counters_.datagrams_in++;
    counters_.bytes_in += size;
    if (headers[i].msg_hdr.msg_flags & MSG_TRUNC) continue;  // oversized: drop
    receive(absl::MakeConstSpan(receive_slots_[i].data.data(), size),
            FromSockaddr(receive_slots_[i].address));
  }
  return n;
}

bool UdpBatchSocket::Enqueue(absl::Span<const uint8_t> datagram,
                             const net::IpEndpoint& to) {
  if (datagram.size() > kMaxDatagram || queued_ == kSendSlots) {
    ++counters_.send_dropped;
    return false;
  }
  Slot& slot = send_slots_[queued_++];
  std::memcpy(slot.data.data(), datagram.data(), datagram.size());
  slot.size = datagram.size();
  slot.address_len = ToSockaddr(to, ipv6_, &slot.address);
  return true;
}

void UdpBatchSocket::Flush() {
  int sent_total = 0;
  while (sent_total < queued_) {
    std::array<mmsghdr, kBatch> headers;
    std::array<iovec, kBatch> iovs;
    const int count = std::min(kBatch, queued_ - sent_total);
    for (int i = 0; i < count; ++i) {
      Slot& slot = send_slots_[sent_total + i];
      iovs[i] = iovec{slot.data.data(), slot.size};
      headers[i] = mmsghdr{};
      headers[i].msg_hdr.msg_name = &slot.address;
      headers[i].msg_hdr.msg_namelen = slot.address_len;
      headers[i].msg_hdr.msg_iov = &iovs[i];
      headers[i].msg_hdr.msg_iovlen = 1;
    }
    const int n = ::sendmmsg(fd_, headers.data(), count, MSG_DONTWAIT);
    ++counters_.send_calls;
    if (n <= 0) {
      // EAGAIN (socket buffer full) or an error for the first datagram:
      // drop it and go on; real-time media does not wait.
      ++counters_.send_dropped;
      ++sent_total;
      continue;
    }
    for (int i = 0; i < n; ++i) {
      counters_.datagrams_out++;
      counters_.bytes_out += send_slots_[sent_total + i].size;
    }
    sent_total += n;
  }
  queued_ = 0;
}

}  // namespace konfero::transport
