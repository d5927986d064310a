// Tests of control/rtp_ports.h: RTP/RTCP port pairs (even and the next odd
// port), a configured range that runs out and frees up, and a bad bind
// address. Binds real UDP sockets on 127.0.0.1 (no traffic).
#include "control/rtp_ports.h"

#include <unistd.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "gtest/gtest.h"
#include "konfero/net/ip_endpoint.h"
#include "transport/udp_batch_socket.h"

namespace konfero::control {
namespace {

using Sockets = std::shared_ptr<media::RtpSockets>;

uint16_t RtpPort(const Sockets& s) { return s->rtp->local_endpoint().port(); }
uint16_t RtcpPort(const Sockets& s) { return s->rtcp->local_endpoint().port(); }

std::unique_ptr<transport::UdpBatchSocket> Occupy(uint16_t port) {
  auto socket = transport::UdpBatchSocket::Bind(*net::IpEndpoint::Parse("127.0.0.1", port));
  return socket.ok() ? *std::move(socket) : nullptr;
}

// An even port p with p..p+count-1 free on 127.0.0.1 right now (starting
// from a place that depends on the pid, so parallel runs rarely meet).
std::optional<uint16_t> FreeRange(int count) {
  const int start = 20000 + (static_cast<int>(getpid()) % 1000) * 16;
  for (int attempt = 0; attempt < 200; ++attempt) {
    const int base = 20000 + (start - 20000 + attempt * 16) % 20000;
    std::vector<std::unique_ptr<transport::UdpBatchSocket>> held;
    for (int i = 0; i < count; ++i) {
      auto s = Occupy(static_cast<uint16_t>(base + i));
      if (!s) break;
      held.push_back(std::move(s));
    }
    if (static_cast<int>(held.size()) == count) return static_cast<uint16_t>(base);
  }
  return std::nullopt;
}

TEST(RtpPortPoolTest, SystemPortsComeInEvenOddAdjacentPairs) {
  RtpPortPool pool("127.0.0.1", 0, 0);
  std::vector<Sockets> pairs;
  for (int i = 0; i < 8; ++i) {
    absl::StatusOr<Sockets> s = pool.Bind();
    ASSERT_TRUE(s.ok()) << s.status();
    ASSERT_NE((*s)->rtp, nullptr);
    ASSERT_NE((*s)->rtcp, nullptr);
    EXPECT_EQ(RtpPort(*s) % 2, 0) << RtpPort(*s);
    EXPECT_EQ(RtcpPort(*s), RtpPort(*s) + 1);
    for (const Sockets& other : pairs) EXPECT_NE(RtpPort(other), RtpPort(*s));
    pairs.push_back(*std::move(s));
  }
}

TEST(RtpPortPoolTest, ARangeHandsOutItsPairsThenRunsOutThenReusesFreedOnes) {
  const std::optional<uint16_t> base = FreeRange(4);
  ASSERT_TRUE(base.has_value()) << "no 4 free ports found";
  // An odd minimum starts at the next even port: base - 1 .. base + 3 holds
  // exactly the pairs (base, base + 1) and (base + 2, base + 3).
  RtpPortPool pool("127.0.0.1", static_cast<uint16_t>(*base - 1), static_cast<uint16_t>(*base + 3));
  absl::StatusOr<Sockets> first = pool.Bind();
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(RtpPort(*first), *base);
  EXPECT_EQ(RtcpPort(*first), *base + 1);
  absl::StatusOr<Sockets> second = pool.Bind();
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(RtpPort(*second), *base + 2);
  EXPECT_EQ(RtcpPort(*second), *base + 3);

  absl::StatusOr<Sockets> third = pool.Bind();
  ASSERT_FALSE(third.ok());
  EXPECT_EQ(third.status().code(), absl::StatusCode::kResourceExhausted) << third.status();

  // Destroying a leg's sockets frees its pair for the next leg.
  first->reset();
  absl::StatusOr<Sockets> again = pool.Bind();
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(RtpPort(*again), *base);
  EXPECT_EQ(RtcpPort(*again), *base + 1);
}

TEST(RtpPortPoolTest, APairWhoseRtcpPortIsTakenIsSkipped) {
  const std::optional<uint16_t> base = FreeRange(4);
  ASSERT_TRUE(base.has_value()) << "no 4 free ports found";
  auto squatter = Occupy(static_cast<uint16_t>(*base + 1));  // someone holds base + 1
  ASSERT_NE(squatter, nullptr);
  RtpPortPool pool("127.0.0.1", *base, static_cast<uint16_t>(*base + 3));
  absl::StatusOr<Sockets> s = pool.Bind();
  ASSERT_TRUE(s.ok()) << s.status();
  EXPECT_EQ(RtpPort(*s), *base + 2);
  EXPECT_EQ(RtcpPort(*s), *base + 3);
  // The half-bound pair left nothing behind: base is free again.
  EXPECT_NE(Occupy(*base), nullptr);
  // And the range is now full.
  absl::StatusOr<Sockets> none = pool.Bind();
  EXPECT_EQ(none.status().code(), absl::StatusCode::kResourceExhausted) << none.status();
}

TEST(RtpPortPoolTest, ABindAddressThatIsNoIpAddressIsInvalidArgument) {
  for (const char* address : {"not-an-address", "999.1.1.1", "", "localhost"}) {
    RtpPortPool pool(address, 0, 0);
    absl::StatusOr<Sockets> s = pool.Bind();
    ASSERT_FALSE(s.ok()) << address;
    EXPECT_EQ(s.status().code(), absl::StatusCode::kInvalidArgument)
        << address << ": " << s.status();
  }
}

}  // namespace
}  // namespace konfero::control
