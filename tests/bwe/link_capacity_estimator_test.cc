// Tests of bwe/link_capacity_estimator.h.
#include "bwe/link_capacity_estimator.h"

#include <cmath>
#include <cstdint>

#include <gtest/gtest.h>

namespace konfero::bwe {
namespace {

TEST(LinkCapacityEstimatorTest, NoEstimateUntilTheFirstOveruse) {
  LinkCapacityEstimator capacity;
  EXPECT_FALSE(capacity.has_estimate());
  EXPECT_EQ(capacity.estimate_bps(), 0);
  EXPECT_EQ(capacity.upper_bound_bps(), 0);
  capacity.OnOveruse(1'000'000);
  EXPECT_TRUE(capacity.has_estimate());
  EXPECT_EQ(capacity.estimate_bps(), 1'000'000);
}

TEST(LinkCapacityEstimatorTest, TheBandIsThreeDeviationsEitherWay) {
  LinkCapacityEstimator capacity;
  capacity.OnOveruse(1'000'000);
  // Variance at its floor, 0.4: deviation sqrt(0.4 * 1000 kbit/s) = 20.
  const double deviation_bps = std::sqrt(0.4 * 1000) * 1000;
  EXPECT_NEAR(static_cast<double>(capacity.upper_bound_bps()), 1e6 + 3 * deviation_bps, 1);
  EXPECT_NEAR(static_cast<double>(capacity.lower_bound_bps()), 1e6 - 3 * deviation_bps, 1);
}

TEST(LinkCapacityEstimatorTest, SamplesMoveTheAverageByFivePercent) {
  LinkCapacityEstimator capacity;
  capacity.OnOveruse(1'000'000);
  capacity.OnOveruse(2'000'000);
  EXPECT_EQ(capacity.estimate_bps(), 1'050'000);
}

TEST(LinkCapacityEstimatorTest, ScatteredSamplesWidenTheBand) {
  LinkCapacityEstimator steady;
  LinkCapacityEstimator scattered;
  for (int i = 0; i < 50; ++i) {
    steady.OnOveruse(1'000'000);
    scattered.OnOveruse(i % 2 == 0 ? 700'000 : 1'300'000);
  }
  const int64_t steady_width = steady.upper_bound_bps() - steady.lower_bound_bps();
  const int64_t scattered_width = scattered.upper_bound_bps() - scattered.lower_bound_bps();
  EXPECT_GT(scattered_width, steady_width * 2);
  // ...up to the variance cap, 2.5: deviation sqrt(2.5 * estimate).
  const double max_deviation_bps =
      std::sqrt(2.5 * static_cast<double>(scattered.estimate_bps()) / 1000) * 1000;
  EXPECT_LE(static_cast<double>(scattered_width), 6 * max_deviation_bps + 2);
}

TEST(LinkCapacityEstimatorTest, ResetForgetsTheEstimate) {
  LinkCapacityEstimator capacity;
  capacity.OnOveruse(1'000'000);
  capacity.Reset();
  EXPECT_FALSE(capacity.has_estimate());
  capacity.OnOveruse(300'000);
  EXPECT_EQ(capacity.estimate_bps(), 300'000);
}

}  // namespace
}  // namespace konfero::bwe
