// Tests of bwe/overuse_detector.h.
#include "bwe/overuse_detector.h"

#include <cstdint>

#include <gtest/gtest.h>

namespace konfero::bwe {
namespace {

constexpr int64_t kGroupUs = 5'000;

TEST(OveruseDetectorTest, StartsNormalWithTheInitialThreshold) {
  OveruseDetector detector;
  EXPECT_EQ(detector.state(), BandwidthUsage::kNormal);
  EXPECT_EQ(detector.threshold_ms(), OveruseDetector::kInitialThresholdMs);
}

TEST(OveruseDetectorTest, OveruseNeedsMoreThanOneSampleAnd10ms) {
  OveruseDetector detector;
  int64_t now = 0;
  // Above the threshold: the first sample counts 2.5 ms, each next 5 ms.
  EXPECT_EQ(detector.Detect(20, 0.1, kGroupUs, now += kGroupUs), BandwidthUsage::kNormal);
  EXPECT_EQ(detector.Detect(20, 0.1, kGroupUs, now += kGroupUs), BandwidthUsage::kNormal);
  EXPECT_EQ(detector.Detect(20, 0.1, kGroupUs, now += kGroupUs), BandwidthUsage::kOverusing);
}

TEST(OveruseDetectorTest, AFallingTrendIsNotOveruse) {
  OveruseDetector detector;
  int64_t now = 0;
  double trend = 0.5;
  for (int i = 0; i < 10; ++i) {
    trend -= 0.01;
    EXPECT_EQ(detector.Detect(20, trend, kGroupUs, now += kGroupUs), BandwidthUsage::kNormal);
  }
}

TEST(OveruseDetectorTest, ABriefExcursionIsNotOveruse) {
  OveruseDetector detector;
  int64_t now = 0;
  for (int i = 0; i < 10; ++i) {
    detector.Detect(20, 0.1, kGroupUs, now += kGroupUs);
    EXPECT_EQ(detector.Detect(0, 0.0, kGroupUs, now += kGroupUs), BandwidthUsage::kNormal);
  }
}

TEST(OveruseDetectorTest, BelowMinusTheThresholdIsUnderuse) {
  OveruseDetector detector;
  EXPECT_EQ(detector.Detect(-20, -0.1, kGroupUs, kGroupUs), BandwidthUsage::kUnderusing);
  EXPECT_EQ(detector.Detect(0, 0, kGroupUs, 2 * kGroupUs), BandwidthUsage::kNormal);
}

TEST(OveruseDetectorTest, OveruseLastsWhileTheTrendStaysHigh) {
  OveruseDetector detector;
  int64_t now = 0;
  for (int i = 0; i < 3; ++i) detector.Detect(30, 0.1, kGroupUs, now += kGroupUs);
  ASSERT_EQ(detector.state(), BandwidthUsage::kOverusing);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(detector.Detect(30, 0.1, kGroupUs, now += kGroupUs), BandwidthUsage::kOverusing);
  }
  EXPECT_EQ(detector.Detect(0, 0, kGroupUs, now += kGroupUs), BandwidthUsage::kNormal);
}

TEST(OveruseDetectorTest, TheThresholdFallsFasterThanItRises) {
  OveruseDetector down;
  OveruseDetector up;
  int64_t now = 0;
  down.Detect(0, 0, kGroupUs, now);   // first sample: no time elapsed
  up.Detect(20, 0, kGroupUs, now);
  now += 10'000;
  down.Detect(0, 0, kGroupUs, now);   // 10 ms towards |0|
  up.Detect(20, 0, kGroupUs, now);    // 10 ms towards 20
  const double fell = OveruseDetector::kInitialThresholdMs - down.threshold_ms();
  const double rose = up.threshold_ms() - OveruseDetector::kInitialThresholdMs;
  EXPECT_NEAR(fell, 0.039 * 12.5 * 10, 1e-9);
  EXPECT_NEAR(rose, 0.0087 * 7.5 * 10, 1e-9);
  EXPECT_GT(fell / 12.5, rose / 7.5);
}

TEST(OveruseDetectorTest, TheThresholdStaysWithinBounds) {
  OveruseDetector detector;
  int64_t now = 0;
  for (int i = 0; i < 1000; ++i) detector.Detect(0, 0, kGroupUs, now += 100'000);
  EXPECT_EQ(detector.threshold_ms(), OveruseDetector::kMinThresholdMs);
  // Rising in steps that stay within the outlier bound.
  for (int i = 0; i < 10'000; ++i) {
    detector.Detect(detector.threshold_ms() + 10, 0, kGroupUs, now += 100'000);
  }
  EXPECT_EQ(detector.threshold_ms(), OveruseDetector::kMaxThresholdMs);
}

TEST(OveruseDetectorTest, OutliersDoNotMoveTheThreshold) {
  OveruseDetector detector;
  int64_t now = 0;
  detector.Detect(0, 0, kGroupUs, now);
  detector.Detect(500, 0, kGroupUs, now += 50'000);  // far beyond threshold + 15
  EXPECT_EQ(detector.threshold_ms(), OveruseDetector::kInitialThresholdMs);
}

}  // namespace
}  // namespace konfero::bwe
