// Tests of bwe/acknowledged_bitrate.h.
#include "bwe/acknowledged_bitrate.h"

#include <cstdint>

#include <gtest/gtest.h>

namespace konfero::bwe {
namespace {

// Packets of `bytes` every `interval_us` in [from_us, to_us).
void Feed(AcknowledgedBitrate& acked, int64_t from_us, int64_t to_us, int64_t interval_us,
          size_t bytes = 1200) {
  for (int64_t t = from_us; t < to_us; t += interval_us) acked.OnPacket(t, bytes);
}

TEST(AcknowledgedBitrateTest, NoRateUntilTheArrivalsSpanEnough) {
  AcknowledgedBitrate acked;
  EXPECT_FALSE(acked.bitrate_bps().has_value());
  Feed(acked, 0, 90'000, 4'000);
  EXPECT_FALSE(acked.bitrate_bps().has_value());
  Feed(acked, 90'000, 120'000, 4'000);
  EXPECT_TRUE(acked.bitrate_bps().has_value());
}

TEST(AcknowledgedBitrateTest, MeasuresASteadyRate) {
  AcknowledgedBitrate acked;
  Feed(acked, 0, 2'000'000, 4'000);  // 1200 bytes / 4 ms = 2.4 Mbit/s
  ASSERT_TRUE(acked.bitrate_bps().has_value());
  EXPECT_NEAR(static_cast<double>(*acked.bitrate_bps()), 2.4e6, 2.4e6 * 0.02);
}

TEST(AcknowledgedBitrateTest, MeasuresFromTheFirstArrivalBeforeTheWindowFills) {
  AcknowledgedBitrate acked;
  Feed(acked, 0, 300'000, 4'000);
  EXPECT_NEAR(static_cast<double>(*acked.bitrate_bps()), 2.4e6, 2.4e6 * 0.03);
}

TEST(AcknowledgedBitrateTest, ForgetsWhatLeftTheWindow) {
  AcknowledgedBitrate acked;
  Feed(acked, 0, 1'000'000, 4'000);
  Feed(acked, 1'000'000, 2'000'000, 16'000);  // 600 kbit/s
  EXPECT_NEAR(static_cast<double>(*acked.bitrate_bps()), 6e5, 6e5 * 0.05);
}

TEST(AcknowledgedBitrateTest, ASilenceEmptiesTheWindow) {
  AcknowledgedBitrate acked;
  Feed(acked, 0, 1'000'000, 4'000);
  acked.OnPacket(5'000'000, 1200);
  EXPECT_LT(*acked.bitrate_bps(), 30'000);
}

TEST(AcknowledgedBitrateTest, ArrivalsBeforeTheWindowAreLeftOut) {
  AcknowledgedBitrate acked;
  Feed(acked, 0, 2'000'000, 4'000);
  const int64_t before = *acked.bitrate_bps();
  acked.OnPacket(1'000'000, 100'000);  // a second ago
  EXPECT_EQ(*acked.bitrate_bps(), before);
  acked.OnPacket(1'900'000, 1200);  // within the window: counts
  EXPECT_GT(*acked.bitrate_bps(), before);
}

TEST(AcknowledgedBitrateTest, NegativeArrivalTimesWork) {
  AcknowledgedBitrate acked;
  Feed(acked, -2'000'000, -500'000, 4'000);
  EXPECT_NEAR(static_cast<double>(*acked.bitrate_bps()), 2.4e6, 2.4e6 * 0.02);
  Feed(acked, -500'000, 500'000, 8'000);
  EXPECT_NEAR(static_cast<double>(*acked.bitrate_bps()), 1.2e6, 1.2e6 * 0.03);
}

}  // namespace
}  // namespace konfero::bwe
