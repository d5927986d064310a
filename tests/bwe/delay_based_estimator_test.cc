// Tests of bwe/delay_based_estimator.h: the GCC pipeline on synthetic
// send/arrival sequences (the closed loop is in
// bandwidth_estimator_simulation_test.cc).
#include "bwe/delay_based_estimator.h"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

namespace konfero::bwe {
namespace {

constexpr int64_t kMs = 1000;
constexpr int64_t kSendIntervalUs = 6 * kMs;  // one packet per 5 ms group
constexpr int64_t kFeedbackIntervalUs = 50 * kMs;
constexpr int64_t kOneWayDelayUs = 30 * kMs;

// A sender with a packet every 6 ms; the path delivers them every
// `arrival_interval_us` (wider than 6 ms: a queue builds; narrower: it
// drains) but never sooner than kOneWayDelayUs after sending. Draining
// arrivals stay more than 5 ms apart, so they are not taken for one burst.
class Stream {
 public:
  explicit Stream(DelayBasedEstimator& estimator) : estimator_(estimator) {}

  // Runs for `duration_us`, one feedback each 50 ms, acknowledged at
  // `acked_bps`.
  void Run(int64_t duration_us, int64_t arrival_interval_us, int64_t acked_bps) {
    const int64_t end = now_us_ + duration_us;
    std::vector<PacketTiming> packets;
    while (now_us_ < end) {
      packets.clear();
      const int64_t feedback_at = now_us_ + kFeedbackIntervalUs;
      for (; now_us_ < feedback_at; now_us_ += kSendIntervalUs) {
        last_arrival_us_ = std::max(now_us_ + kOneWayDelayUs,
                                    last_arrival_us_ + arrival_interval_us);
        packets.push_back({.send_time_us = now_us_, .arrival_time_us = last_arrival_us_});
      }
      estimator_.OnFeedback(packets, acked_bps, now_us_ + kOneWayDelayUs);
    }
  }

 private:
  DelayBasedEstimator& estimator_;
  int64_t now_us_ = 0;
  int64_t last_arrival_us_ = 0;
};

TEST(DelayBasedEstimatorTest, GrowsWhileTheDelayStaysFlat) {
  DelayBasedEstimator estimator(1'000'000, 100'000, 20'000'000);
  Stream stream(estimator);
  stream.Run(3'000'000, kSendIntervalUs, 1'000'000);
  EXPECT_EQ(estimator.usage(), BandwidthUsage::kNormal);
  EXPECT_EQ(estimator.overuse_events(), 0);
  EXPECT_GT(estimator.estimate_bps(), 1'400'000);
}

TEST(DelayBasedEstimatorTest, BacksOffWhenAQueueBuilds) {
  DelayBasedEstimator estimator(1'000'000, 100'000, 20'000'000);
  Stream stream(estimator);
  stream.Run(1'000'000, kSendIntervalUs, 1'000'000);
  // The path now carries 1/1.2 of what we send.
  stream.Run(1'000'000, kSendIntervalUs * 6 / 5, 800'000);
  EXPECT_GE(estimator.overuse_events(), 1);
  EXPECT_LE(estimator.estimate_bps(), 680'000);  // 0.85 x 800k
}

TEST(DelayBasedEstimatorTest, DetectsOveruseWithinAFewHundredMilliseconds) {
  DelayBasedEstimator estimator(1'000'000, 100'000, 20'000'000);
  Stream stream(estimator);
  stream.Run(1'000'000, kSendIntervalUs, 1'000'000);
  int64_t detected_after_us = 0;
  while (estimator.overuse_events() == 0 && detected_after_us < 2'000'000) {
    stream.Run(kFeedbackIntervalUs, kSendIntervalUs * 6 / 5, 900'000);
    detected_after_us += kFeedbackIntervalUs;
  }
  EXPECT_LE(detected_after_us, 300'000);
}

TEST(DelayBasedEstimatorTest, HoldsWhileTheQueueDrains) {
  DelayBasedEstimator estimator(1'000'000, 100'000, 20'000'000);
  Stream stream(estimator);
  stream.Run(1'000'000, kSendIntervalUs, 1'000'000);
  stream.Run(1'000'000, kSendIntervalUs * 3 / 2, 700'000);  // a deep queue builds
  ASSERT_GE(estimator.overuse_events(), 1);
  // We now send below the path's rate (arrivals 5.2 ms apart while the
  // backlog lasts): the delay falls.
  stream.Run(200'000, kSendIntervalUs * 13 / 15, 700'000);
  EXPECT_EQ(estimator.usage(), BandwidthUsage::kUnderusing);
  const int64_t held = estimator.estimate_bps();
  stream.Run(200'000, kSendIntervalUs * 13 / 15, 700'000);
  EXPECT_EQ(estimator.estimate_bps(), held);
}

TEST(DelayBasedEstimatorTest, AFeedbackWithNoArrivalChangesNothing) {
  DelayBasedEstimator estimator(1'000'000, 100'000, 20'000'000);
  Stream stream(estimator);
  stream.Run(1'000'000, kSendIntervalUs, 1'000'000);
  const int64_t before = estimator.estimate_bps();
  for (int i = 1; i <= 20; ++i) {
    estimator.OnFeedback({}, 1'000'000, 2'000'000 + i * kFeedbackIntervalUs);
  }
  EXPECT_EQ(estimator.estimate_bps(), before);
}

}  // namespace
}  // namespace konfero::bwe
