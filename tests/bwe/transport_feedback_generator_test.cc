// Tests of bwe/transport_feedback_generator.h: what each feedback reports,
// and that it survives the wire (serialize, parse) unchanged.
#include "bwe/transport_feedback_generator.h"

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <map>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rtp/rtcp_packet.h"
#include "testing/seeded_random.h"

namespace konfero::bwe {
namespace {

using ::testing::ElementsAre;
using Feedback = rtp::TransportFeedback;

constexpr int64_t kMs = 1000;
constexpr uint32_t kSenderSsrc = 0x11111111;
constexpr uint32_t kMediaSsrc = 0x22222222;

std::optional<Feedback> Build(TransportFeedbackGenerator& generator, int64_t now_us) {
  return generator.MaybeBuild(now_us, kSenderSsrc, kMediaSsrc);
}

// The sequence numbers a feedback reports received, and those not.
std::vector<uint16_t> Received(const Feedback& feedback) {
  std::vector<uint16_t> out;
  for (const auto& p : feedback.packets) {
    if (p.received) out.push_back(p.sequence_number);
  }
  return out;
}
std::vector<uint16_t> Missing(const Feedback& feedback) {
  std::vector<uint16_t> out;
  for (const auto& p : feedback.packets) {
    if (!p.received) out.push_back(p.sequence_number);
  }
  return out;
}

// Arrival times as the sender reconstructs them: the reference time plus
// the running sum of deltas.
std::map<uint16_t, int64_t> Arrivals(const Feedback& feedback) {
  std::map<uint16_t, int64_t> out;
  int64_t t = feedback.reference_time_micros();
  for (const auto& p : feedback.packets) {
    if (!p.received) continue;
    t += p.delta_micros();
    out[p.sequence_number] = t;
  }
  return out;
}

// Serializes as RTCP and parses back.
std::optional<Feedback> RoundTrip(const Feedback& feedback) {
  std::vector<uint8_t> bytes(feedback.SerializedSize());
  if (feedback.SerializeTo(bytes) != bytes.size()) return std::nullopt;
  const auto compound = rtp::ParseRtcp(bytes);
  if (!compound || compound->packets.size() != 1) return std::nullopt;
  if (const auto* parsed = std::get_if<Feedback>(&compound->packets[0])) return *parsed;
  return std::nullopt;
}

TEST(TransportFeedbackGeneratorTest, NothingToReportNothingBuilt) {
  TransportFeedbackGenerator generator;
  EXPECT_FALSE(Build(generator, 0).has_value());
  EXPECT_FALSE(Build(generator, 10'000 * kMs).has_value());
}

TEST(TransportFeedbackGeneratorTest, BuildsOncePerInterval) {
  TransportFeedbackGenerator generator(50 * kMs);
  generator.OnPacketReceived(0, 1000 * kMs);
  EXPECT_FALSE(Build(generator, 1000 * kMs).has_value());
  EXPECT_FALSE(Build(generator, 1049 * kMs).has_value());
  const auto first = Build(generator, 1050 * kMs);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->sender_ssrc, kSenderSsrc);
  EXPECT_EQ(first->media_ssrc, kMediaSsrc);
  EXPECT_THAT(Received(*first), ElementsAre(0));
  generator.OnPacketReceived(1, 1060 * kMs);
  EXPECT_FALSE(Build(generator, 1099 * kMs).has_value());
  EXPECT_TRUE(Build(generator, 1100 * kMs).has_value());
  EXPECT_EQ(generator.stats().feedbacks, 2u);
}

TEST(TransportFeedbackGeneratorTest, A100PacketBacklogIsDueAtOnce) {
  TransportFeedbackGenerator generator(50 * kMs);
  for (uint16_t seq = 0; seq < 99; ++seq) generator.OnPacketReceived(seq, 0);
  EXPECT_FALSE(Build(generator, 1 * kMs).has_value());
  generator.OnPacketReceived(99, 1 * kMs);
  const auto feedback = Build(generator, 1 * kMs);
  ASSERT_TRUE(feedback.has_value());
  EXPECT_EQ(feedback->packets.size(), 100u);
  EXPECT_EQ(generator.pending(), 0u);
}

TEST(TransportFeedbackGeneratorTest, MissingPacketsAreReportedNotReceived) {
  TransportFeedbackGenerator generator;
  for (uint16_t seq : {10, 11, 13, 16}) generator.OnPacketReceived(seq, seq * kMs);
  const auto feedback = Build(generator, 100 * kMs);
  ASSERT_TRUE(feedback.has_value());
  EXPECT_EQ(feedback->base_sequence, 10);
  EXPECT_EQ(feedback->packets.size(), 7u);
  EXPECT_THAT(Received(*feedback), ElementsAre(10, 11, 13, 16));
  EXPECT_THAT(Missing(*feedback), ElementsAre(12, 14, 15));
}

TEST(TransportFeedbackGeneratorTest, ReorderedPacketsTakeTheirPlace) {
  TransportFeedbackGenerator generator;
  generator.OnPacketReceived(5, 100 * kMs);
  generator.OnPacketReceived(7, 101 * kMs);
  generator.OnPacketReceived(6, 102 * kMs);  // overtaken by 7
  generator.OnPacketReceived(4, 103 * kMs);  // before the first
  const auto feedback = Build(generator, 200 * kMs);
  ASSERT_TRUE(feedback.has_value());
  EXPECT_EQ(feedback->base_sequence, 4);
  EXPECT_THAT(Received(*feedback), ElementsAre(4, 5, 6, 7));
  const auto arrivals = Arrivals(*feedback);
  EXPECT_EQ(arrivals.at(4), 103 * kMs);
  EXPECT_EQ(arrivals.at(5), 100 * kMs);  // a negative delta
  EXPECT_EQ(arrivals.at(6), 102 * kMs);
  EXPECT_EQ(arrivals.at(7), 101 * kMs);
  EXPECT_EQ(RoundTrip(*feedback), feedback);
}

TEST(TransportFeedbackGeneratorTest, ADuplicateKeepsTheFirstArrival) {
  TransportFeedbackGenerator generator;
  generator.OnPacketReceived(1, 10 * kMs);
  generator.OnPacketReceived(2, 11 * kMs);
  generator.OnPacketReceived(1, 12 * kMs);
  const auto feedback = Build(generator, 100 * kMs);
  ASSERT_TRUE(feedback.has_value());
  EXPECT_THAT(Received(*feedback), ElementsAre(1, 2));
  EXPECT_EQ(Arrivals(*feedback).at(1), 10 * kMs);
  EXPECT_EQ(generator.stats().duplicates, 1u);
}

TEST(TransportFeedbackGeneratorTest, EachFeedbackStartsWhereTheLastEnded) {
  TransportFeedbackGenerator generator;
  for (uint16_t seq = 0; seq < 5; ++seq) generator.OnPacketReceived(seq, seq * kMs);
  const auto first = Build(generator, 100 * kMs);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->base_sequence, 0);
  EXPECT_EQ(first->packets.size(), 5u);
  // 5 and 6 lost in between.
  generator.OnPacketReceived(7, 110 * kMs);
  generator.OnPacketReceived(8, 111 * kMs);
  const auto second = Build(generator, 200 * kMs);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->base_sequence, 5);
  EXPECT_THAT(Missing(*second), ElementsAre(5, 6));
  EXPECT_THAT(Received(*second), ElementsAre(7, 8));
  EXPECT_EQ(second->feedback_count, static_cast<uint8_t>(first->feedback_count + 1));
}

TEST(TransportFeedbackGeneratorTest, TheFeedbackCountWraps) {
  TransportFeedbackGenerator generator;
  std::vector<uint8_t> counts;
  for (int i = 0; i < 300; ++i) {
    generator.OnPacketReceived(static_cast<uint16_t>(i), i * 100 * kMs);
    const auto feedback = Build(generator, i * 100 * kMs + 60 * kMs);
    ASSERT_TRUE(feedback.has_value());
    counts.push_back(feedback->feedback_count);
  }
  for (size_t i = 1; i < counts.size(); ++i) {
    EXPECT_EQ(counts[i], static_cast<uint8_t>(counts[i - 1] + 1));
  }
}

TEST(TransportFeedbackGeneratorTest, APacketAfterItsNumberWasReportedIsLate) {
  TransportFeedbackGenerator generator;
  for (uint16_t seq : {0, 1, 3}) generator.OnPacketReceived(seq, seq * kMs);
  ASSERT_TRUE(Build(generator, 100 * kMs).has_value());  // 2 reported missing
  generator.OnPacketReceived(2, 101 * kMs);
  generator.OnPacketReceived(4, 102 * kMs);
  const auto second = Build(generator, 200 * kMs);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->base_sequence, 4);
  EXPECT_THAT(Received(*second), ElementsAre(4));
  EXPECT_EQ(generator.stats().late, 1u);
}

TEST(TransportFeedbackGeneratorTest, ReferenceTimeAndDeltasReproduceArrivals) {
  TransportFeedbackGenerator generator;
  // 1.1 ms apart: not a whole number of 250 us ticks, so each delta is
  // rounded; the rounding must not add up over a long feedback.
  const int64_t start = 1'000'000;
  for (uint16_t seq = 0; seq < 100; ++seq) generator.OnPacketReceived(seq, start + seq * 1100);
  const auto feedback = Build(generator, start + 200 * kMs);
  ASSERT_TRUE(feedback.has_value());
  EXPECT_EQ(feedback->reference_time, 15);  // 960 ms, in 64 ms ticks
  EXPECT_EQ(feedback->packets[0].delta_ticks, 160);  // 40 ms past it
  for (const auto& [seq, arrival] : Arrivals(*feedback)) {
    EXPECT_NEAR(static_cast<double>(arrival), static_cast<double>(start + seq * 1100), 125)
        << seq;
  }
}

TEST(TransportFeedbackGeneratorTest, TheReferenceTimeWrapsIn24Bits) {
  TransportFeedbackGenerator generator;
  const int64_t ticks = (int64_t{1} << 23) + 5;  // just past the largest positive
  generator.OnPacketReceived(0, ticks * Feedback::kReferenceTickMicros);
  const auto feedback = Build(generator, ticks * Feedback::kReferenceTickMicros + 100 * kMs);
  ASSERT_TRUE(feedback.has_value());
  EXPECT_EQ(feedback->reference_time, -(1 << 23) + 5);
  EXPECT_EQ(RoundTrip(*feedback), feedback);
}

TEST(TransportFeedbackGeneratorTest, ADeltaTooLargeForItsFieldEndsTheFeedback) {
  TransportFeedbackGenerator generator;
  generator.OnPacketReceived(0, 0);
  generator.OnPacketReceived(1, 10'000 * kMs);  // 10 s later: > 32767 ticks
  const auto first = Build(generator, 10'000 * kMs);
  ASSERT_TRUE(first.has_value());
  EXPECT_THAT(Received(*first), ElementsAre(0));
  // The rest is due at once.
  const auto second = Build(generator, 10'000 * kMs);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->base_sequence, 1);
  EXPECT_THAT(Received(*second), ElementsAre(1));
  EXPECT_EQ(Arrivals(*second).at(1), 10'000 * kMs);
  EXPECT_FALSE(Build(generator, 10'000 * kMs).has_value());
}

TEST(TransportFeedbackGeneratorTest, AModerateGapIsReportedLost) {
  TransportFeedbackGenerator generator;
  generator.OnPacketReceived(0, 0);
  generator.OnPacketReceived(5001, 1 * kMs);
  const auto feedback = Build(generator, 100 * kMs);
  ASSERT_TRUE(feedback.has_value());
  EXPECT_EQ(feedback->packets.size(), 5002u);
  EXPECT_EQ(Missing(*feedback).size(), 5000u);
  const auto parsed = RoundTrip(*feedback);
  EXPECT_EQ(parsed, feedback);
  EXPECT_LT(feedback->SerializedSize(), 40u);  // run-length chunks
}

TEST(TransportFeedbackGeneratorTest, AHugeGapSplitsAndIsNotReported) {
  TransportFeedbackGenerator generator;
  for (uint16_t seq = 0; seq < 10; ++seq) generator.OnPacketReceived(seq, seq * kMs);
  for (uint16_t seq = 20'000; seq < 20'005; ++seq) generator.OnPacketReceived(seq, 20 * kMs);
  const auto first = Build(generator, 100 * kMs);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->base_sequence, 0);
  EXPECT_EQ(first->packets.size(), 10u);
  const auto second = Build(generator, 100 * kMs);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->base_sequence, 20'000);
  EXPECT_EQ(second->packets.size(), 5u);
  EXPECT_TRUE(Missing(*second).empty());
}

TEST(TransportFeedbackGeneratorTest, AHugeGapAfterAFeedbackIsSkipped) {
  TransportFeedbackGenerator generator;
  generator.OnPacketReceived(0, 0);
  ASSERT_TRUE(Build(generator, 100 * kMs).has_value());
  generator.OnPacketReceived(30'000, 110 * kMs);
  const auto feedback = Build(generator, 200 * kMs);
  ASSERT_TRUE(feedback.has_value());
  EXPECT_EQ(feedback->base_sequence, 30'000);
  EXPECT_EQ(feedback->packets.size(), 1u);
}

TEST(TransportFeedbackGeneratorTest, SequenceNumbersWrapAt65535) {
  TransportFeedbackGenerator generator;
  for (int i = 0; i < 12; ++i) {
    if (i == 7) continue;  // 65535 + 2 = 1 lost
    generator.OnPacketReceived(static_cast<uint16_t>(65530 + i), i * kMs);
  }
  const auto first = Build(generator, 100 * kMs);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->base_sequence, 65530);
  EXPECT_EQ(first->packets.size(), 12u);
  EXPECT_THAT(Missing(*first), ElementsAre(1));
  EXPECT_EQ(first->packets.back().sequence_number, 5);
  EXPECT_EQ(RoundTrip(*first), first);
  generator.OnPacketReceived(6, 101 * kMs);
  const auto second = Build(generator, 200 * kMs);
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->base_sequence, 6);
}

TEST(TransportFeedbackGeneratorTest, AFeedbackHoldsAtMost100ReceivedPackets) {
  TransportFeedbackGenerator generator;
  for (uint16_t seq = 0; seq < 250; ++seq) generator.OnPacketReceived(seq, seq * kMs);
  std::vector<size_t> sizes;
  while (auto feedback = Build(generator, 300 * kMs)) sizes.push_back(feedback->packets.size());
  EXPECT_THAT(sizes, ElementsAre(100, 100, 50));
}

TEST(TransportFeedbackGeneratorTest, PacketsBeyondThePendingRoomAreDropped) {
  TransportFeedbackGenerator generator;
  const size_t extra = 10;
  for (size_t i = 0; i < TransportFeedbackGenerator::kMaxPendingPackets + extra; ++i) {
    generator.OnPacketReceived(static_cast<uint16_t>(i), 0);
  }
  EXPECT_EQ(generator.pending(), TransportFeedbackGenerator::kMaxPendingPackets);
  EXPECT_EQ(generator.stats().overflow, extra);
}

// A long randomized run: loss, reordering within a few packets,
// duplicates, wrap; every feedback survives the wire, and together they
// report every number exactly once, received exactly when it arrived in
// time, with its arrival time within a rounding tick.
TEST(TransportFeedbackGeneratorTest, RandomizedTrafficRoundTripsExactly) {
  test_support::SeededRandom random(42);
  auto next = [&random](uint32_t bound) {
    uint8_t bytes[4];
    random.Fill(absl::MakeSpan(bytes));
    return (uint32_t{bytes[0]} << 24 | uint32_t{bytes[1]} << 16 | uint32_t{bytes[2]} << 8 |
            bytes[3]) % bound;
  };
  TransportFeedbackGenerator generator;
  std::map<int64_t, int64_t> arrived;  // unwrapped seq -> first arrival in time
  std::map<int64_t, bool> reported;    // unwrapped seq -> received
  std::vector<std::pair<int64_t, int64_t>> in_flight;  // (arrival, seq)
  const int64_t first = 60'000;
  int64_t now = 0;
  int64_t highest_reported = first - 1;
  for (int64_t seq = first; seq < first + 20'000; ++seq) {
    now += 500 + next(1500);
    if (next(100) < 5) continue;  // lost
    int64_t arrival = now;
    const uint32_t fate = next(100);
    if (fate < 2) {
      arrival += 100 * kMs;  // after its feedback: late
    } else if (fate < 10) {
      arrival += next(3000);  // overtaken by a few
    }
    in_flight.push_back({arrival, seq});
    if (next(100) < 3) in_flight.push_back({arrival + next(2000), seq});  // duplicated
    std::sort(in_flight.begin(), in_flight.end());
    size_t delivered = 0;
    for (; delivered < in_flight.size() && in_flight[delivered].first <= now; ++delivered) {
      const auto [t, s] = in_flight[delivered];
      generator.OnPacketReceived(static_cast<uint16_t>(s), t);
      if (s > highest_reported && !arrived.contains(s)) arrived[s] = t;
    }
    in_flight.erase(in_flight.begin(), in_flight.begin() + static_cast<std::ptrdiff_t>(delivered));
    while (auto feedback = Build(generator, now)) {
      const auto parsed = RoundTrip(*feedback);
      ASSERT_TRUE(parsed.has_value());
      ASSERT_EQ(*parsed, *feedback);
      int64_t t = parsed->reference_time_micros();
      // Reported numbers continue from the last (none reported twice).
      int64_t s = highest_reported + 1;
      ASSERT_EQ(static_cast<uint16_t>(s), parsed->base_sequence);
      for (const auto& p : parsed->packets) {
        ASSERT_EQ(p.sequence_number, static_cast<uint16_t>(s));
        reported[s] = p.received;
        if (p.received) {
          t += p.delta_micros();
          ASSERT_TRUE(arrived.contains(s)) << s;
          EXPECT_LE(std::abs(arrived[s] - t), 125) << s;
        }
        ++s;
      }
      highest_reported = s - 1;
    }
  }
  // Every number up to the last reported one: received iff it arrived
  // before its feedback.
  for (const auto& [s, received] : reported) {
    EXPECT_EQ(received, arrived.contains(s)) << s;
  }
  EXPECT_GT(reported.size(), 19'000u);
  EXPECT_GT(generator.stats().duplicates, 0u);
  EXPECT_GT(generator.stats().late, 0u);
}

}  // namespace
}  // namespace konfero::bwe
