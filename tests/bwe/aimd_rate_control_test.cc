// Tests of bwe/aimd_rate_control.h.
#include "bwe/aimd_rate_control.h"

#include <cmath>
#include <cstdint>
#include <optional>

#include <gtest/gtest.h>

namespace konfero::bwe {
namespace {

constexpr int64_t kMs = 1000;
constexpr auto kNormal = BandwidthUsage::kNormal;
constexpr auto kOverusing = BandwidthUsage::kOverusing;
constexpr auto kUnderusing = BandwidthUsage::kUnderusing;

// Normal signals every 50 ms for `duration_us`, acknowledged at
// `acked_bps` (or, if 0, at the estimate itself).
void RunNormal(AimdRateControl& aimd, int64_t& now_us, int64_t duration_us,
               int64_t acked_bps = 0) {
  const int64_t end = now_us + duration_us;
  while (now_us < end) {
    now_us += 50 * kMs;
    aimd.Update(kNormal, acked_bps > 0 ? acked_bps : aimd.estimate_bps(), now_us);
  }
}

TEST(AimdRateControlTest, StartsInHoldAtTheStartRate) {
  AimdRateControl aimd(1'000'000, 100'000, 20'000'000);
  EXPECT_EQ(aimd.estimate_bps(), 1'000'000);
  EXPECT_EQ(aimd.state(), AimdRateControl::State::kHold);
}

TEST(AimdRateControlTest, FarFromCongestionGrowsMultiplicatively) {
  AimdRateControl aimd(1'000'000, 100'000, 20'000'000);
  int64_t now_us = 0;
  aimd.Update(kNormal, std::nullopt, now_us);
  RunNormal(aimd, now_us, 1'000'000);
  // 25 % a second (plus the first update's 1 kbit/s floor).
  EXPECT_NEAR(static_cast<double>(aimd.estimate_bps()), 1.25e6, 2e3);
  RunNormal(aimd, now_us, 1'000'000);
  EXPECT_NEAR(static_cast<double>(aimd.estimate_bps()), 1.25 * 1.25e6, 4e3);
}

TEST(AimdRateControlTest, DoesNotRunAheadOfTheThroughput) {
  AimdRateControl aimd(1'000'000, 100'000, 20'000'000);
  int64_t now_us = 0;
  RunNormal(aimd, now_us, 5'000'000, /*acked_bps=*/500'000);
  EXPECT_EQ(aimd.estimate_bps(), 1'000'000);  // above 1.5 x 500k + 10k: held
  RunNormal(aimd, now_us, 5'000'000, /*acked_bps=*/800'000);
  EXPECT_EQ(aimd.estimate_bps(), 1'210'000);  // 1.5 x 800k + 10k
}

TEST(AimdRateControlTest, OveruseDecreasesToAFractionOfTheThroughput) {
  AimdRateControl aimd(1'000'000, 100'000, 20'000'000);
  int64_t now_us = 0;
  aimd.Update(kNormal, 900'000, now_us);
  now_us += 300 * kMs;
  EXPECT_EQ(aimd.Update(kOverusing, 900'000, now_us), 765'000);  // 0.85 x 900k
  EXPECT_EQ(aimd.state(), AimdRateControl::State::kHold);
  EXPECT_EQ(aimd.decreases(), 1);
  EXPECT_TRUE(aimd.link_capacity().has_estimate());
  EXPECT_EQ(aimd.link_capacity().estimate_bps(), 900'000);
}

TEST(AimdRateControlTest, ADecreaseWaitsForTheLastChangeToShow) {
  AimdRateControl aimd(1'000'000, 100'000, 20'000'000);
  aimd.set_rtt_us(100 * kMs);
  int64_t now_us = 0;
  aimd.Update(kNormal, 900'000, now_us);
  now_us += 300 * kMs;
  aimd.Update(kOverusing, 900'000, now_us);
  ASSERT_EQ(aimd.estimate_bps(), 765'000);
  // Still overusing 50 ms later: the decrease cannot have shown yet.
  now_us += 50 * kMs;
  EXPECT_EQ(aimd.Update(kOverusing, 800'000, now_us), 765'000);
  // One RTT after the decrease: decrease again.
  now_us += 50 * kMs;
  EXPECT_EQ(aimd.Update(kOverusing, 800'000, now_us), 680'000);
}

TEST(AimdRateControlTest, AThroughputCollapseDecreasesAtOnce) {
  AimdRateControl aimd(1'000'000, 100'000, 20'000'000);
  int64_t now_us = 0;
  aimd.Update(kNormal, 1'000'000, now_us);
  now_us += 5 * kMs;  // well within the RTT
  EXPECT_EQ(aimd.Update(kOverusing, 400'000, now_us), 340'000);
}

TEST(AimdRateControlTest, NearTheCapacityFoundGrowsAdditively) {
  AimdRateControl aimd(1'000'000, 100'000, 20'000'000);
  aimd.set_rtt_us(100 * kMs);
  int64_t now_us = 0;
  aimd.Update(kNormal, 1'000'000, now_us);
  now_us += 300 * kMs;
  aimd.Update(kOverusing, 1'000'000, now_us);  // capacity ~1 Mbit/s, estimate 850k
  ASSERT_EQ(aimd.estimate_bps(), 850'000);
  const int64_t before = aimd.estimate_bps();
  RunNormal(aimd, now_us, 1'000'000);
  // One 1200-byte packet per response time (100 ms RTT + 100 ms): 48 kbit/s
  // a second, less the first step out of hold.
  EXPECT_NEAR(static_cast<double>(aimd.estimate_bps() - before), 48'000 * 0.95, 2'500);
}

TEST(AimdRateControlTest, ThroughputAboveTheBandMeansFarAgain) {
  AimdRateControl aimd(1'000'000, 100'000, 20'000'000);
  int64_t now_us = 0;
  aimd.Update(kNormal, 1'000'000, now_us);
  now_us += 300 * kMs;
  aimd.Update(kOverusing, 1'000'000, now_us);
  RunNormal(aimd, now_us, 100 * kMs, 2'000'000);  // far above the band
  EXPECT_FALSE(aimd.link_capacity().has_estimate());
  const int64_t before = aimd.estimate_bps();
  RunNormal(aimd, now_us, 1'000'000, 2'000'000);
  EXPECT_NEAR(static_cast<double>(aimd.estimate_bps()), static_cast<double>(before) * 1.25,
              static_cast<double>(before) * 0.01);
}

TEST(AimdRateControlTest, UnderuseHolds) {
  AimdRateControl aimd(1'000'000, 100'000, 20'000'000);
  int64_t now_us = 0;
  RunNormal(aimd, now_us, 500 * kMs);
  const int64_t before = aimd.estimate_bps();
  for (int i = 0; i < 20; ++i) {
    now_us += 50 * kMs;
    EXPECT_EQ(aimd.Update(kUnderusing, before, now_us), before);
  }
  EXPECT_EQ(aimd.state(), AimdRateControl::State::kHold);
  // Back to normal: growth resumes from now, without a jump for the hold.
  now_us += 50 * kMs;
  aimd.Update(kNormal, before, now_us);
  EXPECT_LT(aimd.estimate_bps(), before + 5'000);
}

TEST(AimdRateControlTest, StaysWithinMinAndMax) {
  AimdRateControl aimd(5'000'000, 200'000, 1'000'000);
  EXPECT_EQ(aimd.estimate_bps(), 1'000'000);
  int64_t now_us = 0;
  RunNormal(aimd, now_us, 5'000'000);
  EXPECT_EQ(aimd.estimate_bps(), 1'000'000);
  for (int i = 0; i < 50; ++i) {
    now_us += 300 * kMs;
    aimd.Update(kOverusing, 10'000, now_us);
  }
  EXPECT_EQ(aimd.estimate_bps(), 200'000);
}

}  // namespace
}  // namespace konfero::bwe
