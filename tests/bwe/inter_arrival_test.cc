// Tests of bwe/inter_arrival.h.
#include "bwe/inter_arrival.h"

#include <cstdint>
#include <optional>

#include <gtest/gtest.h>

namespace konfero::bwe {
namespace {

constexpr int64_t kMs = 1000;

TEST(InterArrivalTest, PacketsSentWithin5msFormOneGroup) {
  InterArrival inter_arrival;
  // Group A: 0-5 ms; group B: 20-24 ms; group C opens at 40 ms.
  for (int64_t send : {0, 2, 5}) {
    EXPECT_FALSE(inter_arrival.OnPacket(send * kMs, (100 + send) * kMs).has_value());
  }
  for (int64_t send : {20, 22, 24}) {
    EXPECT_FALSE(inter_arrival.OnPacket(send * kMs, (100 + send) * kMs).has_value());
  }
  const auto delta = inter_arrival.OnPacket(40 * kMs, 140 * kMs);
  ASSERT_TRUE(delta.has_value());
  EXPECT_EQ(delta->send_delta_us, 19 * kMs);  // last of B - last of A
  EXPECT_EQ(delta->arrival_delta_us, 19 * kMs);
  EXPECT_EQ(delta->arrival_time_us, 124 * kMs);
  EXPECT_DOUBLE_EQ(delta->delay_variation_ms(), 0.0);
}

TEST(InterArrivalTest, GrowingDelayShowsAsPositiveVariation) {
  InterArrival inter_arrival;
  // One packet per group, every 10 ms; each arrives 2 ms later than the
  // one before would have at constant delay.
  std::optional<InterArrival::Delta> last;
  for (int64_t i = 0; i < 10; ++i) {
    if (auto delta = inter_arrival.OnPacket(i * 10 * kMs, 50 * kMs + i * 12 * kMs)) {
      EXPECT_EQ(delta->send_delta_us, 10 * kMs);
      EXPECT_EQ(delta->arrival_delta_us, 12 * kMs);
      EXPECT_DOUBLE_EQ(delta->delay_variation_ms(), 2.0);
      last = delta;
    }
  }
  EXPECT_TRUE(last.has_value());
}

TEST(InterArrivalTest, AnArrivalBurstWithFallingDelayJoinsTheGroup) {
  InterArrival inter_arrival;
  inter_arrival.OnPacket(0, 100 * kMs);
  // Sent 20 ms later, but arriving 1 ms after the first (the delay fell):
  // a queue releasing its packets at once. Same group.
  EXPECT_FALSE(inter_arrival.OnPacket(20 * kMs, 101 * kMs).has_value());
  inter_arrival.OnPacket(40 * kMs, 140 * kMs);  // new group (delay back up)
  const auto delta = inter_arrival.OnPacket(60 * kMs, 160 * kMs);
  ASSERT_TRUE(delta.has_value());
  EXPECT_EQ(delta->send_delta_us, 20 * kMs);     // 40 - 20: the burst's last send
  EXPECT_EQ(delta->arrival_delta_us, 39 * kMs);  // 140 - 101
}

TEST(InterArrivalTest, APacketSentBeforeTheCurrentGroupIsLeftOut) {
  InterArrival inter_arrival;
  inter_arrival.OnPacket(0, 100 * kMs);
  inter_arrival.OnPacket(20 * kMs, 120 * kMs);
  EXPECT_FALSE(inter_arrival.OnPacket(10 * kMs, 121 * kMs).has_value());  // reordered
  const auto delta = inter_arrival.OnPacket(40 * kMs, 140 * kMs);
  ASSERT_TRUE(delta.has_value());
  EXPECT_EQ(delta->arrival_delta_us, 20 * kMs);  // 121 did not join the group
}

TEST(InterArrivalTest, AClockJumpStartsOver) {
  InterArrival inter_arrival;
  inter_arrival.OnPacket(0, 100 * kMs);
  inter_arrival.OnPacket(20 * kMs, 120 * kMs);
  // The receiver's clock jumps 10 s forward: the delta before the jump
  // comes out, the one across it does not, and the next needs two groups
  // after the jump.
  EXPECT_TRUE(inter_arrival.OnPacket(40 * kMs, 10'140 * kMs).has_value());
  EXPECT_FALSE(inter_arrival.OnPacket(60 * kMs, 10'160 * kMs).has_value());
  EXPECT_FALSE(inter_arrival.OnPacket(80 * kMs, 10'180 * kMs).has_value());
  const auto delta = inter_arrival.OnPacket(100 * kMs, 10'200 * kMs);
  ASSERT_TRUE(delta.has_value());
  EXPECT_EQ(delta->send_delta_us, 20 * kMs);
  EXPECT_EQ(delta->arrival_delta_us, 20 * kMs);
}

TEST(InterArrivalTest, APacketOvertakingTheGroupBeforeJoinsIt) {
  InterArrival inter_arrival;
  inter_arrival.OnPacket(0, 100 * kMs);
  inter_arrival.OnPacket(20 * kMs, 120 * kMs);
  // Sent 20 ms after the current group, arrived before its last packet:
  // reordered on the path. It joins the group, whose arrival stays 120.
  EXPECT_TRUE(inter_arrival.OnPacket(40 * kMs, 140 * kMs).has_value());
  EXPECT_FALSE(inter_arrival.OnPacket(60 * kMs, 139 * kMs).has_value());
  const auto delta = inter_arrival.OnPacket(80 * kMs, 180 * kMs);
  ASSERT_TRUE(delta.has_value());
  EXPECT_EQ(delta->send_delta_us, 40 * kMs);  // 60 - 20
  EXPECT_EQ(delta->arrival_delta_us, 20 * kMs);  // 140 - 120
}

}  // namespace
}  // namespace konfero::bwe
