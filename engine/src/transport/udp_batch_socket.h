// udp_batch_socket.h: one non-blocking UDP socket with batched I/O.
//
// All peers of a worker share one UDP port. Datagrams are read with
// recvmmsg and written with sendmmsg, up to kBatch at a time, into buffers
// allocated once at construction: the media path allocates nothing.
//
//   auto socket = UdpBatchSocket::Bind(*net::IpEndpoint::Parse("127.0.0.1", 0));
//   (*socket)->Enqueue(bytes, peer);       // copy into the send ring
//   (*socket)->Flush();                    // one sendmmsg for all queued
//   (*socket)->ReceiveBatch([](auto bytes, const auto& from) { ... });
//
// Thread contract: one thread (the worker's) for everything but fd().
#ifndef KONFERO_TRANSPORT_UDP_BATCH_SOCKET_H_
#define KONFERO_TRANSPORT_UDP_BATCH_SOCKET_H_

#include <netinet/in.h>
#include <sys/socket.h>

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "konfero/net/ip_endpoint.h"

namespace konfero::transport {

struct UdpCounters {
  uint64_t datagrams_in = 0;
  uint64_t bytes_in = 0;
  uint64_t datagrams_out = 0;
  uint64_t bytes_out = 0;
  uint64_t send_dropped = 0;  // the send ring was full or sendmmsg failed
  uint64_t receive_calls = 0;
  uint64_t send_calls = 0;
};

class UdpBatchSocket {
 public:
  static constexpr int kBatch = 32;
  static constexpr int kSendSlots = 512;
  static constexpr size_t kMaxDatagram = 1500;

  using Receiver =
      std::function<void(absl::Span<const uint8_t>, const net::IpEndpoint&)>;

  // Binds `local` (port 0 picks a free port). An IPv6 wildcard also accepts
  // IPv4 (dual stack).
  static absl::StatusOr<std::unique_ptr<UdpBatchSocket>> Bind(
      const net::IpEndpoint& local);
  ~UdpBatchSocket();
  UdpBatchSocket(const UdpBatchSocket&) = delete;
  UdpBatchSocket& operator=(const UdpBatchSocket&) = delete;

  int fd() const { return fd_; }
  const net::IpEndpoint& local_endpoint() const { return local_; }

  // Reads what is waiting, up to kBatch datagrams per recvmmsg, calling
  // `receive` for each; returns how many arrived (0: nothing waiting).
  int ReceiveBatch(const Receiver& receive);
  // Copies a datagram into the send ring; false (counted) if it is full or
  // the datagram is too large.
  bool Enqueue(absl::Span<const uint8_t> datagram, const net::IpEndpoint& to);
  // Sends everything queued with as few sendmmsg calls as possible.
  void Flush();
  bool HasQueued() const { return queued_ > 0; }

  const UdpCounters& counters() const { return counters_; }

 private:
  UdpBatchSocket(int fd, net::IpEndpoint local, bool ipv6);

  struct Slot {
    std::array<uint8_t, kMaxDatagram> data;
    sockaddr_storage address;
    socklen_t address_len;
    size_t size;
  };

  const int fd_;
  const net::IpEndpoint local_;
  const bool ipv6_;
  std::vector<Slot> receive_slots_;  // kBatch
  std::vector<Slot> send_slots_;     // kSendSlots
  int queued_ = 0;
  UdpCounters counters_;
};

// Conversions between IpEndpoint and socket addresses. A dual-stack IPv6
// socket needs IPv4 peers as ::ffff:a.b.c.d.
socklen_t ToSockaddr(const net::IpEndpoint& endpoint, bool ipv6_socket,
                     sockaddr_storage* out);
net::IpEndpoint FromSockaddr(const sockaddr_storage& address);

}  // namespace konfero::transport

#endif  // KONFERO_TRANSPORT_UDP_BATCH_SOCKET_H_
