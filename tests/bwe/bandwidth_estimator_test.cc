// Tests of bwe/bandwidth_estimator.h: how the estimates combine, REMB and
// receiver-report peers, and feedback bookkeeping. The closed loop through
// a simulated link is in bandwidth_estimator_simulation_test.cc.
#include "bwe/bandwidth_estimator.h"

#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "bwe/transport_feedback_generator.h"

namespace konfero::bwe {
namespace {

constexpr int64_t kMs = 1000;
constexpr int64_t kSecond = 1'000'000;
constexpr size_t kPacketSize = 1200;

// A sender of 1200-byte packets every `interval_us` over a path with a
// fixed delay; a generator on the far side; its feedback delivered after
// the same delay. `drop_every` > 0 loses every n-th packet.
class FlatPath {
 public:
  FlatPath(BandwidthEstimator& estimator, int64_t interval_us, int drop_every = 0,
           uint16_t first_seq = 0)
      : estimator_(estimator), interval_us_(interval_us), drop_every_(drop_every),
        seq_(first_seq) {}

  void Run(int64_t duration_us) {
    const int64_t end = now_us_ + duration_us;
    for (; now_us_ < end; now_us_ += interval_us_) {
      estimator_.OnPacketSent(seq_, kPacketSize, now_us_);
      if (drop_every_ == 0 || ++sent_ % drop_every_ != 0) {
        generator_.OnPacketReceived(seq_, now_us_ + kDelayUs);
      }
      ++seq_;
      while (auto feedback = generator_.MaybeBuild(now_us_ + kDelayUs, 1, 2)) {
        estimator_.OnTransportFeedback(*feedback, now_us_ + 2 * kDelayUs);
      }
    }
  }
  int64_t now_us() const { return now_us_; }

  static constexpr int64_t kDelayUs = 20 * kMs;

 private:
  BandwidthEstimator& estimator_;
  TransportFeedbackGenerator generator_;
  int64_t interval_us_;
  int drop_every_;
  uint16_t seq_;
  int64_t sent_ = 0;
  int64_t now_us_ = 0;
};

TEST(BandwidthEstimatorTest, StartsAtTheStartRate) {
  BandwidthEstimator estimator;
  EXPECT_EQ(estimator.target_bps(), 1'000'000);
  const auto stats = estimator.stats();
  EXPECT_EQ(stats.target_bps, 1'000'000);
  EXPECT_EQ(stats.delay_based_bps, 1'000'000);
  EXPECT_EQ(stats.loss_based_bps, 20'000'000);
  EXPECT_EQ(stats.acknowledged_bps, 0);
  EXPECT_EQ(stats.feedbacks, 0u);
  EXPECT_FALSE(estimator.rtt_us().has_value());
}

TEST(BandwidthEstimatorTest, TheStartRateIsClamped) {
  EXPECT_EQ(BandwidthEstimator({.start_bps = 10'000, .min_bps = 100'000}).target_bps(),
            100'000);
  EXPECT_EQ(BandwidthEstimator({.start_bps = 9'000'000, .max_bps = 5'000'000}).target_bps(),
            5'000'000);
}

TEST(BandwidthEstimatorTest, ARembOnlyPeerFollowsRemb) {
  BandwidthEstimator estimator;
  estimator.OnRemb(3'000'000, 0);
  EXPECT_EQ(estimator.target_bps(), 3'000'000);
  estimator.OnRemb(800'000, 1 * kSecond);
  EXPECT_EQ(estimator.target_bps(), 800'000);
  estimator.OnRemb(50'000'000, 2 * kSecond);
  EXPECT_EQ(estimator.target_bps(), 20'000'000);  // max
  estimator.OnRemb(10'000, 3 * kSecond);
  EXPECT_EQ(estimator.target_bps(), 100'000);  // min
  estimator.OnRemb(1'500'000, 4 * kSecond);
  // Without transport-wide feedback the last REMB is all there is: it
  // holds however old.
  estimator.OnPacketSent(0, kPacketSize, 60 * kSecond);
  EXPECT_EQ(estimator.target_bps(), 1'500'000);
}

TEST(BandwidthEstimatorTest, ARembOnlyPeerIsCappedByReceiverReportLoss) {
  BandwidthEstimator estimator;
  estimator.OnRemb(2'000'000, 0);
  estimator.OnReceiverReportLoss(64, 1 * kSecond);  // 25 %
  EXPECT_EQ(estimator.target_bps(), 1'750'000);
  EXPECT_DOUBLE_EQ(estimator.stats().loss_fraction, 0.25);
  EXPECT_EQ(estimator.stats().loss_based_bps, 1'750'000);
  estimator.OnRemb(3'000'000, 1 * kSecond);
  EXPECT_EQ(estimator.target_bps(), 1'750'000);  // the loss limit holds
  // Clean reports: 8 % more each, until the limit reaches REMB and lifts.
  int64_t previous = estimator.target_bps();
  for (int i = 2; i < 20 && estimator.target_bps() < 3'000'000; ++i) {
    estimator.OnReceiverReportLoss(0, i * kSecond);
    EXPECT_GT(estimator.target_bps(), previous);
    EXPECT_LE(estimator.target_bps(), previous * 108 / 100 + 1'001);
    previous = estimator.target_bps();
  }
  EXPECT_EQ(estimator.target_bps(), 3'000'000);
  EXPECT_EQ(estimator.stats().loss_based_bps, 20'000'000);  // lifted
}

TEST(BandwidthEstimatorTest, ModerateReceiverReportLossHoldsTheRate) {
  BandwidthEstimator estimator;
  estimator.OnRemb(1'000'000, 0);
  estimator.OnReceiverReportLoss(13, 1 * kSecond);  // 5 %
  estimator.OnRemb(2'000'000, 1 * kSecond);
  estimator.OnReceiverReportLoss(13, 2 * kSecond);
  EXPECT_EQ(estimator.target_bps(), 1'000'000);
  estimator.OnRemb(600'000, 2 * kSecond);  // REMB still lowers it
  EXPECT_EQ(estimator.target_bps(), 600'000);
}

TEST(BandwidthEstimatorTest, APeerWithNeitherFeedbackNorRembStaysAtTheStartRate) {
  BandwidthEstimator estimator({.start_bps = 500'000});
  for (int i = 1; i <= 10; ++i) estimator.OnReceiverReportLoss(0, i * kSecond);
  EXPECT_EQ(estimator.target_bps(), 500'000);
  estimator.OnReceiverReportLoss(128, 11 * kSecond);  // 50 %
  EXPECT_EQ(estimator.target_bps(), 375'000);
}

TEST(BandwidthEstimatorTest, FeedbackDrivesTheEstimate) {
  BandwidthEstimator estimator;
  FlatPath path(estimator, 5 * kMs);  // 1.92 Mbit/s
  path.Run(3 * kSecond);
  const auto stats = estimator.stats();
  EXPECT_GE(stats.feedbacks, 55u);  // one per 50 ms
  EXPECT_NEAR(static_cast<double>(stats.acknowledged_bps), 1.92e6, 1.92e6 * 0.03);
  EXPECT_EQ(stats.overuse_events, 0);
  EXPECT_EQ(stats.loss_fraction, 0.0);
  EXPECT_GT(stats.delay_based_bps, 1'500'000);  // grew from 1M, delay flat
  EXPECT_EQ(stats.target_bps, stats.delay_based_bps);
  ASSERT_TRUE(estimator.rtt_us().has_value());
  // Two 20 ms legs plus the feedback's wait for its interval.
  EXPECT_GE(*estimator.rtt_us(), 40 * kMs);
  EXPECT_LE(*estimator.rtt_us(), 95 * kMs);
}

TEST(BandwidthEstimatorTest, LossInFeedbackLowersTheTarget) {
  BandwidthEstimator estimator;
  FlatPath path(estimator, 5 * kMs, /*drop_every=*/4);  // 25 % loss
  path.Run(3 * kSecond);
  const auto stats = estimator.stats();
  EXPECT_NEAR(stats.loss_fraction, 0.25, 0.03);
  EXPECT_LT(stats.loss_based_bps, 1'000'000);
  EXPECT_EQ(stats.target_bps, stats.loss_based_bps);
  EXPECT_LT(stats.target_bps, stats.delay_based_bps);
}

TEST(BandwidthEstimatorTest, ReceiverReportLossIsIgnoredWithTransportFeedback) {
  BandwidthEstimator estimator;
  FlatPath path(estimator, 5 * kMs);
  path.Run(1 * kSecond);
  const int64_t before = estimator.target_bps();
  estimator.OnReceiverReportLoss(200, path.now_us());
  EXPECT_EQ(estimator.target_bps(), before);
  EXPECT_EQ(estimator.stats().loss_based_bps, 20'000'000);
}

TEST(BandwidthEstimatorTest, RembIsIgnoredOnceTransportFeedbackFlows) {
  BandwidthEstimator estimator;
  estimator.OnRemb(400'000, 0);
  EXPECT_EQ(estimator.target_bps(), 400'000);  // all there is so far
  FlatPath path(estimator, 5 * kMs);
  path.Run(1 * kSecond);
  estimator.OnRemb(400'000, path.now_us());
  path.Run(2 * kSecond);
  EXPECT_EQ(estimator.target_bps(), estimator.stats().delay_based_bps);
  EXPECT_GT(estimator.target_bps(), 1'000'000);
}

TEST(BandwidthEstimatorTest, FeedbackForUnknownPacketsIsIgnored) {
  BandwidthEstimator estimator;
  rtp::TransportFeedback feedback{.base_sequence = 100, .reference_time = 5};
  for (uint16_t i = 0; i < 50; ++i) {
    feedback.packets.push_back({.sequence_number = static_cast<uint16_t>(100 + i),
                                .received = i % 2 == 0,
                                .delta_ticks = i % 2 == 0 ? 8 : 0});
  }
  estimator.OnTransportFeedback(feedback, 1 * kSecond);
  const auto stats = estimator.stats();
  EXPECT_EQ(stats.feedbacks, 1u);
  EXPECT_EQ(stats.acknowledged_bps, 0);
  EXPECT_EQ(stats.loss_fraction, 0.0);
  EXPECT_EQ(stats.loss_based_bps, 20'000'000);
  EXPECT_FALSE(estimator.rtt_us().has_value());
}

TEST(BandwidthEstimatorTest, ARepeatedFeedbackCountsOnce) {
  BandwidthEstimator estimator;
  for (uint16_t seq = 0; seq < 40; ++seq) estimator.OnPacketSent(seq, kPacketSize, seq * 4 * kMs);
  rtp::TransportFeedback feedback{.base_sequence = 0, .reference_time = 0};
  for (uint16_t seq = 0; seq < 40; ++seq) {
    // Every 5th lost: 8 in 40, a 20 % window.
    feedback.packets.push_back(
        {.sequence_number = seq, .received = seq % 5 != 0, .delta_ticks = seq % 5 != 0 ? 16 : 0});
  }
  estimator.OnTransportFeedback(feedback, 200 * kMs);
  const auto first = estimator.stats();
  EXPECT_DOUBLE_EQ(first.loss_fraction, 0.2);
  ASSERT_GT(first.acknowledged_bps, 0);
  estimator.OnTransportFeedback(feedback, 400 * kMs);
  const auto second = estimator.stats();
  EXPECT_EQ(second.feedbacks, 2u);
  EXPECT_EQ(second.acknowledged_bps, first.acknowledged_bps);
  EXPECT_EQ(second.loss_based_bps, first.loss_based_bps);  // no second window
}

TEST(BandwidthEstimatorTest, TheReferenceTimeIsUnwrappedAcrossItsWrap) {
  // 16 packets (4 ms apart) per feedback, one feedback per 64 ms reference
  // tick, starting 16 ticks before the 24-bit field wraps.
  BandwidthEstimator estimator;
  uint16_t seq = 0;
  int64_t now_us = 0;
  int64_t ticks = 0x7FFFFF - 15;
  for (int f = 0; f < 40; ++f, ++ticks) {
    rtp::TransportFeedback feedback{.base_sequence = seq,
                                    .reference_time = static_cast<int32_t>(
                                        ticks > 0x7FFFFF ? ticks - 0x1000000 : ticks)};
    for (int i = 0; i < 16; ++i, ++seq) {
      estimator.OnPacketSent(seq, kPacketSize, now_us);
      now_us += 4 * kMs;
      feedback.packets.push_back(
          {.sequence_number = seq, .received = true, .delta_ticks = i == 0 ? 0 : 16});
    }
    estimator.OnTransportFeedback(feedback, now_us + 20 * kMs);
  }
  const auto stats = estimator.stats();
  EXPECT_NEAR(static_cast<double>(stats.acknowledged_bps), 2.4e6, 2.4e6 * 0.03);
  EXPECT_EQ(stats.overuse_events, 0);
  EXPECT_GT(stats.delay_based_bps, 1'400'000);
}

TEST(BandwidthEstimatorTest, SequenceNumbersWrapAt65535) {
  BandwidthEstimator estimator;
  FlatPath path(estimator, 5 * kMs, /*drop_every=*/0, /*first_seq=*/65'000);
  path.Run(10 * kSecond);  // 2000 packets: wraps after ~2.7 s
  const auto stats = estimator.stats();
  EXPECT_NEAR(static_cast<double>(stats.acknowledged_bps), 1.92e6, 1.92e6 * 0.03);
  EXPECT_EQ(stats.loss_fraction, 0.0);
  EXPECT_EQ(stats.overuse_events, 0);
  EXPECT_GE(stats.feedbacks, 190u);
}

}  // namespace
}  // namespace konfero::bwe
