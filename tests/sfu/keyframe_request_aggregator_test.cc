// Tests of sfu/keyframe_request_aggregator.h: many subscribers' keyframe
// requests become few PLIs, at most one per stream and interval.
#include "sfu/keyframe_request_aggregator.h"

#include <cstdint>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace konfero::sfu {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;

constexpr uint32_t kCamera = 0xCA11'0001;
constexpr uint32_t kScreen = 0x5C2E'0002;
constexpr int64_t kMs = 1000;

TEST(KeyframeRequestAggregatorTest, TenSubscribersJoiningAtOnceCauseOnePli) {
  KeyframeRequestAggregator aggregator;
  int plis = 0;
  for (int subscriber = 0; subscriber < 10; ++subscriber) {
    if (aggregator.Request(kCamera, 5 * kMs)) ++plis;
  }
  EXPECT_EQ(plis, 1);
  // All ten are served by the keyframe that PLI brings: nothing is held.
  EXPECT_EQ(aggregator.NextPollTime(), std::nullopt);
  EXPECT_THAT(aggregator.Poll(400 * kMs), IsEmpty());
  aggregator.OnKeyframe(kCamera);
  EXPECT_THAT(aggregator.Poll(1000 * kMs), IsEmpty());

  EXPECT_EQ(aggregator.stats().requests, 10u);
  EXPECT_EQ(aggregator.stats().sent, 1u);
  EXPECT_EQ(aggregator.stats().coalesced, 9u);
}

TEST(KeyframeRequestAggregatorTest, RequestsAfterTheKeyframeWithinTheIntervalCoalesce) {
  KeyframeRequestAggregator aggregator({.min_interval_us = 300 * kMs});
  ASSERT_TRUE(aggregator.Request(kCamera, 0));
  aggregator.OnKeyframe(kCamera);  // the answer, 80 ms later
  // Three more subscribers join later in the interval.
  EXPECT_FALSE(aggregator.Request(kCamera, 100 * kMs));
  EXPECT_FALSE(aggregator.Request(kCamera, 150 * kMs));
  EXPECT_FALSE(aggregator.Request(kCamera, 299 * kMs));
  EXPECT_THAT(aggregator.NextPollTime(), Optional(300 * kMs));
  EXPECT_THAT(aggregator.Poll(299 * kMs), IsEmpty());
  EXPECT_THAT(aggregator.Poll(300 * kMs), ElementsAre(kCamera));
  EXPECT_THAT(aggregator.Poll(301 * kMs), IsEmpty());
  EXPECT_THAT(aggregator.Poll(900 * kMs), IsEmpty());
  EXPECT_EQ(aggregator.NextPollTime(), std::nullopt);

  EXPECT_EQ(aggregator.stats().requests, 4u);
  EXPECT_EQ(aggregator.stats().sent, 2u);
  EXPECT_EQ(aggregator.stats().coalesced, 3u);
}

TEST(KeyframeRequestAggregatorTest, PolledPliStartsANewInterval) {
  KeyframeRequestAggregator aggregator({.min_interval_us = 300 * kMs});
  ASSERT_TRUE(aggregator.Request(kCamera, 0));
  aggregator.OnKeyframe(kCamera);
  EXPECT_FALSE(aggregator.Request(kCamera, 100 * kMs));
  EXPECT_THAT(aggregator.Poll(300 * kMs), ElementsAre(kCamera));
  aggregator.OnKeyframe(kCamera);
  EXPECT_FALSE(aggregator.Request(kCamera, 400 * kMs));
  EXPECT_THAT(aggregator.NextPollTime(), Optional(600 * kMs));
  EXPECT_THAT(aggregator.Poll(599 * kMs), IsEmpty());
  EXPECT_THAT(aggregator.Poll(600 * kMs), ElementsAre(kCamera));
}

TEST(KeyframeRequestAggregatorTest, KeyframeClearsAHeldRequest) {
  KeyframeRequestAggregator aggregator;
  ASSERT_TRUE(aggregator.Request(kCamera, 0));
  aggregator.OnKeyframe(kCamera);
  EXPECT_FALSE(aggregator.Request(kCamera, 100 * kMs));
  // The publisher sent a keyframe of its own accord (or for a PLI of another
  // subscriber path): the held request is served.
  aggregator.OnKeyframe(kCamera);
  EXPECT_EQ(aggregator.NextPollTime(), std::nullopt);
  EXPECT_THAT(aggregator.Poll(1000 * kMs), IsEmpty());
  EXPECT_EQ(aggregator.stats().sent, 1u);
}

TEST(KeyframeRequestAggregatorTest, LostPliIsRepeatedByTheNextRequestAfterTheInterval) {
  KeyframeRequestAggregator aggregator({.min_interval_us = 300 * kMs});
  ASSERT_TRUE(aggregator.Request(kCamera, 0));
  // No keyframe comes. A request within the interval still waits for it...
  EXPECT_FALSE(aggregator.Request(kCamera, 200 * kMs));
  // ...the next one after the interval sends again.
  EXPECT_TRUE(aggregator.Request(kCamera, 300 * kMs));
  EXPECT_FALSE(aggregator.Request(kCamera, 301 * kMs));
  EXPECT_EQ(aggregator.stats().sent, 2u);
}

TEST(KeyframeRequestAggregatorTest, StreamsAreLimitedSeparately) {
  KeyframeRequestAggregator aggregator;
  EXPECT_TRUE(aggregator.Request(kCamera, 0));
  EXPECT_TRUE(aggregator.Request(kScreen, 0));
  EXPECT_FALSE(aggregator.Request(kCamera, 1));
  aggregator.OnKeyframe(kCamera);
  aggregator.OnKeyframe(kScreen);
  EXPECT_FALSE(aggregator.Request(kCamera, 10 * kMs));
  EXPECT_FALSE(aggregator.Request(kScreen, 20 * kMs));
  aggregator.OnKeyframe(kScreen);  // only the screen's is served
  std::vector<uint32_t> polled;
  aggregator.Poll(300 * kMs, [&](uint32_t ssrc) { polled.push_back(ssrc); });
  EXPECT_THAT(polled, ElementsAre(kCamera));
}

TEST(KeyframeRequestAggregatorTest, ManyStreamsOverTimeStayRateLimited) {
  // More streams over the run than the storage expected: slots of streams
  // whose interval is over are reused, and each stream is still limited.
  KeyframeRequestAggregator aggregator({.min_interval_us = 300 * kMs, .expected_streams = 2});
  int plis = 0;
  for (int round = 0; round < 50; ++round) {
    const int64_t now_us = round * 400 * kMs;
    const uint32_t ssrc = 1000 + static_cast<uint32_t>(round % 7);
    if (aggregator.Request(ssrc, now_us)) ++plis;
    if (aggregator.Request(ssrc, now_us + 10 * kMs)) ++plis;
    if (aggregator.Request(ssrc + 100, now_us + 20 * kMs)) ++plis;
  }
  EXPECT_EQ(plis, 100);
  EXPECT_EQ(aggregator.stats().coalesced, 50u);
}

TEST(KeyframeRequestAggregatorTest, PollCallbackMayRequestAgain) {
  KeyframeRequestAggregator aggregator({.min_interval_us = 300 * kMs, .expected_streams = 1});
  for (uint32_t ssrc = 1; ssrc <= 4; ++ssrc) {
    ASSERT_TRUE(aggregator.Request(ssrc, 0));
    aggregator.OnKeyframe(ssrc);
    ASSERT_FALSE(aggregator.Request(ssrc, 100 * kMs));
  }
  std::vector<uint32_t> polled;
  aggregator.Poll(300 * kMs, [&](uint32_t ssrc) {
    polled.push_back(ssrc);
    EXPECT_TRUE(aggregator.Request(ssrc + 100, 300 * kMs));  // may grow the storage
  });
  EXPECT_THAT(polled, ElementsAre(1u, 2u, 3u, 4u));
}

}  // namespace
}  // namespace konfero::sfu
