// Tests of sfu/bitrate_meter.h: bytes over a sliding window in buckets.
#include "sfu/bitrate_meter.h"

#include <cstdint>

#include <gtest/gtest.h>

namespace konfero::sfu {
namespace {

constexpr int64_t kMs = 1000;

// 1000 bytes every 10 ms from `from_us` until before `until_us`: 800 kbps.
void Steady(BitrateMeter& meter, int64_t from_us, int64_t until_us, size_t bytes = 1000) {
  for (int64_t t = from_us; t < until_us; t += 10 * kMs) meter.Add(bytes, t);
}

TEST(BitrateMeterTest, NothingBeforeTheFirstBucketCompletes) {
  BitrateMeter meter;
  EXPECT_EQ(meter.Bps(0), 0);
  Steady(meter, 0, 100 * kMs);
  EXPECT_EQ(meter.Bps(99 * kMs), 0);
  EXPECT_EQ(meter.Bps(100 * kMs), 800'000);
}

TEST(BitrateMeterTest, SteadyStream) {
  BitrateMeter meter;
  Steady(meter, 0, 3000 * kMs);
  EXPECT_EQ(meter.Bps(3000 * kMs), 800'000);
  EXPECT_EQ(meter.Bps(2950 * kMs), 800'000);  // the filling bucket does not count
}

TEST(BitrateMeterTest, NewStreamIsNotUnderestimated) {
  BitrateMeter meter;
  Steady(meter, 5000 * kMs, 5300 * kMs);
  // Three buckets seen, not ten: 800 kbps, not 240.
  EXPECT_EQ(meter.Bps(5300 * kMs), 800'000);
}

TEST(BitrateMeterTest, WindowSlides) {
  BitrateMeter meter;
  Steady(meter, 0, 1000 * kMs);
  Steady(meter, 1000 * kMs, 1500 * kMs, 2000);  // now 1.6 Mbps
  EXPECT_EQ(meter.Bps(1500 * kMs), 1'200'000);  // half of each
  Steady(meter, 1500 * kMs, 2000 * kMs, 2000);
  EXPECT_EQ(meter.Bps(2000 * kMs), 1'600'000);
}

TEST(BitrateMeterTest, FallsToZeroWhenTheStreamStops) {
  BitrateMeter meter;
  Steady(meter, 0, 2000 * kMs);
  EXPECT_EQ(meter.Bps(2500 * kMs), 400'000);
  EXPECT_EQ(meter.Bps(3000 * kMs), 0);
  EXPECT_EQ(meter.Bps(60'000 * kMs), 0);
  // A long silence, then the stream again: old buckets are not counted.
  Steady(meter, 60'000 * kMs, 61'000 * kMs);
  EXPECT_EQ(meter.Bps(61'000 * kMs), 800'000);
}

TEST(BitrateMeterTest, BytesFromBeforeTheWindowAreIgnored) {
  BitrateMeter meter;
  Steady(meter, 0, 2000 * kMs);
  meter.Add(1'000'000, 500 * kMs);  // a clock that stepped far back
  EXPECT_EQ(meter.Bps(2000 * kMs), 800'000);
  meter.Add(1000, 1995 * kMs);  // late but inside the window: counted
  EXPECT_EQ(meter.Bps(2000 * kMs), 808'000);
}

TEST(BitrateMeterTest, ShorterWindow) {
  BitrateMeter meter(500 * kMs);
  EXPECT_EQ(meter.window_us(), 500 * kMs);
  Steady(meter, 0, 1000 * kMs);
  Steady(meter, 1000 * kMs, 1500 * kMs, 3000);
  EXPECT_EQ(meter.Bps(1500 * kMs), 2'400'000);
}

TEST(BitrateMeterTest, NegativeClock) {
  BitrateMeter meter;
  Steady(meter, -1000 * kMs, 0);
  EXPECT_EQ(meter.Bps(0), 800'000);
}

}  // namespace
}  // namespace konfero::sfu
