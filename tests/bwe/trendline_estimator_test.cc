// Tests of bwe/trendline_estimator.h.
#include "bwe/trendline_estimator.h"

#include <cstdint>

#include <gtest/gtest.h>

namespace konfero::bwe {
namespace {

constexpr int64_t kGroupUs = 5'000;

// `n` groups 5 ms apart, each with the same delay variation.
void Feed(TrendlineEstimator& trendline, int n, double variation_ms, int64_t& now_us) {
  for (int i = 0; i < n; ++i) {
    now_us += kGroupUs;
    trendline.Update(variation_ms, now_us);
  }
}

TEST(TrendlineEstimatorTest, NoTrendUntilTheWindowIsFull) {
  TrendlineEstimator trendline;
  int64_t now_us = 0;
  Feed(trendline, TrendlineEstimator::kWindowSize - 1, 1.0, now_us);
  EXPECT_EQ(trendline.trend(), 0.0);
  Feed(trendline, 1, 1.0, now_us);
  EXPECT_GT(trendline.trend(), 0.0);
}

TEST(TrendlineEstimatorTest, AGrowingQueueHasTheSlopeOfItsGrowth) {
  TrendlineEstimator trendline;
  int64_t now_us = 0;
  // +1 ms of queueing per 5 ms group: the delay grows 0.2 ms per ms.
  Feed(trendline, 200, 1.0, now_us);
  EXPECT_NEAR(trendline.trend(), 0.2, 0.005);
  EXPECT_EQ(trendline.samples(), TrendlineEstimator::kMaxSampleWeight);
  EXPECT_NEAR(trendline.modified_trend(), 0.2 * 60 * 4, 1.0);
}

TEST(TrendlineEstimatorTest, ConstantDelayHasNoTrend) {
  TrendlineEstimator trendline;
  int64_t now_us = 0;
  Feed(trendline, 50, 1.0, now_us);  // a queue built...
  Feed(trendline, 200, 0.0, now_us);  // ...and then stayed
  EXPECT_NEAR(trendline.trend(), 0.0, 1e-3);
}

TEST(TrendlineEstimatorTest, ADrainingQueueHasANegativeTrend) {
  TrendlineEstimator trendline;
  int64_t now_us = 0;
  Feed(trendline, 100, 1.0, now_us);
  Feed(trendline, 100, -0.5, now_us);
  EXPECT_NEAR(trendline.trend(), -0.1, 0.005);
  EXPECT_LT(trendline.modified_trend(), -20);
}

TEST(TrendlineEstimatorTest, FewSamplesWeighLess) {
  TrendlineEstimator early;
  TrendlineEstimator late;
  int64_t t1 = 0;
  int64_t t2 = 0;
  Feed(early, 20, 1.0, t1);
  Feed(late, 80, 1.0, t2);
  EXPECT_LT(early.modified_trend() / early.trend(), late.modified_trend() / late.trend());
}

}  // namespace
}  // namespace konfero::bwe
