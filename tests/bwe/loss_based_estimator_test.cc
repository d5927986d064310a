// Tests of bwe/loss_based_estimator.h.
#include "bwe/loss_based_estimator.h"

#include <cstdint>

#include <gtest/gtest.h>

namespace konfero::bwe {
namespace {

constexpr int64_t kMs = 1000;
constexpr int64_t kBound = 2'000'000;

TEST(LossBasedEstimatorTest, NoLimitWithoutLoss) {
  LossBasedEstimator loss_based(100'000, 20'000'000);
  EXPECT_FALSE(loss_based.estimate_bps().has_value());
  for (int i = 0; i < 10; ++i) loss_based.OnPacketResults(50, 0, kBound, i * 100 * kMs);
  EXPECT_FALSE(loss_based.estimate_bps().has_value());
  EXPECT_EQ(loss_based.loss_fraction(), 0.0);
}

TEST(LossBasedEstimatorTest, HighLossDecreasesByHalfTheLoss) {
  LossBasedEstimator loss_based(100'000, 20'000'000);
  loss_based.OnPacketResults(80, 20, kBound, 0);  // 20 %
  EXPECT_DOUBLE_EQ(loss_based.loss_fraction(), 0.2);
  EXPECT_EQ(loss_based.estimate_bps(), 1'800'000);  // 2M x (1 - 0.1)
  // Next decrease from the limit, once the interval has passed.
  loss_based.OnPacketResults(70, 30, kBound, 400 * kMs);  // 30 %
  EXPECT_EQ(loss_based.estimate_bps(), 1'530'000);  // 1.8M x 0.85
}

TEST(LossBasedEstimatorTest, DecreasesAreSpacedBy300msPlusTheRtt) {
  LossBasedEstimator loss_based(100'000, 20'000'000);
  loss_based.set_rtt_us(100 * kMs);
  loss_based.OnPacketResults(80, 20, kBound, 0);
  ASSERT_EQ(loss_based.estimate_bps(), 1'800'000);
  loss_based.OnPacketResults(80, 20, kBound, 350 * kMs);  // too soon: hold
  EXPECT_EQ(loss_based.estimate_bps(), 1'800'000);
  loss_based.OnPacketResults(80, 20, kBound, 400 * kMs);
  EXPECT_EQ(loss_based.estimate_bps(), 1'620'000);
}

TEST(LossBasedEstimatorTest, ModerateLossHoldsTheTarget) {
  LossBasedEstimator loss_based(100'000, 20'000'000);
  loss_based.OnPacketResults(95, 5, kBound, 0);  // 5 %
  EXPECT_EQ(loss_based.estimate_bps(), kBound);
  // The bound grows; the limit does not follow while the loss lasts.
  loss_based.OnPacketResults(95, 5, 3'000'000, 100 * kMs);
  EXPECT_EQ(loss_based.estimate_bps(), kBound);
  // ...and it follows the bound down.
  loss_based.OnPacketResults(95, 5, 1'000'000, 200 * kMs);
  EXPECT_EQ(loss_based.estimate_bps(), 1'000'000);
}

TEST(LossBasedEstimatorTest, CleanWindowsClimbBackAndLiftTheLimit) {
  LossBasedEstimator loss_based(100'000, 20'000'000);
  loss_based.OnPacketResults(50, 50, kBound, 0);  // 50 %
  ASSERT_EQ(loss_based.estimate_bps(), 1'500'000);
  loss_based.OnPacketResults(100, 0, kBound, 100 * kMs);
  EXPECT_EQ(loss_based.estimate_bps(), 1'621'000);  // x 1.08 + 1k
  loss_based.OnPacketResults(100, 1, kBound, 200 * kMs);  // < 2 %: clean
  EXPECT_EQ(loss_based.estimate_bps(), 1'751'680);
  loss_based.OnPacketResults(100, 0, kBound, 300 * kMs);
  EXPECT_EQ(loss_based.estimate_bps(), 1'892'814);
  loss_based.OnPacketResults(100, 0, kBound, 400 * kMs);  // would pass 2M
  EXPECT_FALSE(loss_based.estimate_bps().has_value());
}

TEST(LossBasedEstimatorTest, AWindowHoldsAtLeast20Packets) {
  LossBasedEstimator loss_based(100'000, 20'000'000);
  // One loss in three packets is not yet 33 % loss...
  loss_based.OnPacketResults(2, 1, kBound, 0);
  EXPECT_FALSE(loss_based.estimate_bps().has_value());
  EXPECT_EQ(loss_based.loss_fraction(), 0.0);
  // ...and with the next 17 packets it is a 5 % window.
  loss_based.OnPacketResults(17, 0, kBound, 50 * kMs);
  EXPECT_DOUBLE_EQ(loss_based.loss_fraction(), 0.05);
  EXPECT_EQ(loss_based.estimate_bps(), kBound);  // hold
}

TEST(LossBasedEstimatorTest, AReportedFractionIsAWholeWindow) {
  LossBasedEstimator loss_based(100'000, 20'000'000);
  loss_based.OnLossFraction(64 / 256.0, kBound, 0);
  EXPECT_EQ(loss_based.estimate_bps(), 1'750'000);  // 2M x (1 - 0.125)
}

TEST(LossBasedEstimatorTest, StaysWithinMinAndMax) {
  LossBasedEstimator loss_based(100'000, 20'000'000);
  for (int i = 0; i < 50; ++i) loss_based.OnLossFraction(1.0, kBound, i * kMs * 1000);
  EXPECT_EQ(loss_based.estimate_bps(), 100'000);
}

}  // namespace
}  // namespace konfero::bwe
