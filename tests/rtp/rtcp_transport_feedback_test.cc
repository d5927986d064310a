// Tests of rtp/rtcp_transport_feedback.h.
#include "rtp/rtcp_transport_feedback.h"

#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rtp/rtcp_fixtures.h"
#include "rtp/rtcp_packet.h"
#include "rtp/rtp_test_util.h"

namespace konfero::rtp {
namespace {

using ::konfero::rtp::testing::Bytes;
using ::konfero::rtp::testing::TransportFeedbackFixture;
using ::testing::ElementsAreArray;
using Result = TransportFeedback::PacketResult;

std::optional<TransportFeedback> ParseFeedback(std::span<const uint8_t> bytes) {
  auto compound = ParseRtcp(bytes);
  if (!compound || compound->packets.size() != 1) return std::nullopt;
  if (auto* value = std::get_if<TransportFeedback>(&compound->packets[0])) return *value;
  return std::nullopt;
}

std::vector<uint8_t> Serialize(const TransportFeedback& feedback) {
  std::vector<uint8_t> out(feedback.SerializedSize());
  out.resize(feedback.SerializeTo(out));
  return out;
}

// The fixture's packet list.
std::vector<Result> FixturePackets() {
  std::vector<Result> packets = {
      {100, true, 4}, {101, false, 0}, {102, true, -8}, {103, true, 255}, {104, true, 1000}};
  for (uint16_t seq = 105; seq <= 124; ++seq) packets.push_back({seq, false, 0});
  packets.push_back({125, true, 1});
  packets.push_back({126, true, 2});
  packets.push_back({127, true, 3});
  return packets;
}

TEST(RtcpTransportFeedbackTest, ParsesMixedChunksAndDeltas) {
  auto feedback = ParseFeedback(TransportFeedbackFixture());
  ASSERT_TRUE(feedback.has_value());
  EXPECT_EQ(feedback->sender_ssrc, 0x11223344u);
  EXPECT_EQ(feedback->media_ssrc, 0x55667788u);
  EXPECT_EQ(feedback->base_sequence, 100);
  EXPECT_EQ(feedback->reference_time, -2);
  EXPECT_EQ(feedback->reference_time_micros(), -128'000);
  EXPECT_EQ(feedback->feedback_count, 7);
  EXPECT_THAT(feedback->packets, ElementsAreArray(FixturePackets()));
  EXPECT_EQ(feedback->packets[2].delta_micros(), -2000);
}

TEST(RtcpTransportFeedbackTest, BuildsTheFixtureFromAList) {
  TransportFeedback feedback{.sender_ssrc = 0x11223344,
                             .media_ssrc = 0x55667788,
                             .base_sequence = 100,
                             .reference_time = -2,
                             .feedback_count = 7,
                             .packets = FixturePackets()};
  EXPECT_EQ(feedback.SerializedSize(), 36u);
  EXPECT_THAT(Serialize(feedback), ElementsAreArray(TransportFeedbackFixture()));
}

TEST(RtcpTransportFeedbackTest, LongRunsUseRunLengthChunks) {
  TransportFeedback feedback{.base_sequence = 65530, .reference_time = 0x7FFFFF};
  for (int i = 0; i < 20; ++i) {
    feedback.packets.push_back({static_cast<uint16_t>(65530 + i), true, 1});
  }
  for (int i = 20; i < 9000; ++i) {  // longer than one run-length chunk
    feedback.packets.push_back({static_cast<uint16_t>(65530 + i), false, 0});
  }
  feedback.packets.push_back({static_cast<uint16_t>(65530 + 9000), true, -32768});
  const auto bytes = Serialize(feedback);
  ASSERT_FALSE(bytes.empty());
  // 0x2014: run of 20 small deltas; 0x1FFF + 0x0399: 8980 not received.
  EXPECT_EQ(bytes[20], 0x20);
  EXPECT_EQ(bytes[21], 0x14);
  EXPECT_EQ(bytes[22], 0x1F);
  EXPECT_EQ(bytes[23], 0xFF);
  EXPECT_EQ(ParseFeedback(bytes), feedback);
}

TEST(RtcpTransportFeedbackTest, RoundTripsRandomLists) {
  uint32_t state = 12345;
  auto next = [&state] { return state = state * 1664525 + 1013904223; };
  for (int trial = 0; trial < 200; ++trial) {
    TransportFeedback feedback{.sender_ssrc = next(),
                               .base_sequence = static_cast<uint16_t>(next()),
                               .reference_time = static_cast<int32_t>(next() % 0x1000000) -
                                                 0x800000,
                               .feedback_count = static_cast<uint8_t>(trial)};
    const size_t n = 1 + next() % 300;
    for (size_t i = 0; i < n; ++i) {
      Result r{static_cast<uint16_t>(feedback.base_sequence + i), false, 0};
      switch (next() % 4) {
        case 0: break;
        case 1: r = {r.sequence_number, true, static_cast<int32_t>(next() % 256)}; break;
        case 2:
          r = {r.sequence_number, true, static_cast<int32_t>(next() % 65536) - 32768};
          break;
        default:  // a run
          for (size_t k = next() % 40; k > 0 && i + 1 < n; --k, ++i) {
            feedback.packets.push_back(r);
            r.sequence_number++;
          }
      }
      feedback.packets.push_back(r);
    }
    const auto bytes = Serialize(feedback);
    ASSERT_FALSE(bytes.empty());
    ASSERT_EQ(ParseFeedback(bytes), feedback) << trial;
  }
}

TEST(RtcpTransportFeedbackTest, ResultsPerDatagramAreCapped) {
  // 65535 lost packets take 8 run-length chunks: 40 bytes on the wire.
  TransportFeedback all_lost{.base_sequence = 0};
  for (uint32_t i = 0; i < 0xFFFF; ++i) {
    all_lost.packets.push_back({static_cast<uint16_t>(i), false, 0});
  }
  const auto one = Serialize(all_lost);
  ASSERT_EQ(one.size(), 40u);
  auto datagram = one;
  datagram.insert(datagram.end(), one.begin(), one.end());
  auto compound = ParseRtcp(datagram);
  ASSERT_TRUE(compound.has_value());
  ASSERT_EQ(compound->packets.size(), 1u);
  EXPECT_EQ(compound->skipped, 1u);
  EXPECT_EQ(std::get<TransportFeedback>(compound->packets[0]), all_lost);
}

TEST(RtcpTransportFeedbackTest, RefusesWhatCannotBeEncoded) {
  std::vector<uint8_t> out(1024);
  EXPECT_EQ(TransportFeedback{}.SerializeTo(out), 0u);  // no packets
  TransportFeedback gap{.base_sequence = 1, .packets = {{1, true, 0}, {3, true, 0}}};
  EXPECT_EQ(gap.SerializeTo(out), 0u);
  TransportFeedback huge{.base_sequence = 1, .packets = {{1, true, 40000}}};
  EXPECT_EQ(huge.SerializeTo(out), 0u);
  TransportFeedback far{.reference_time = 0x800000, .packets = {{0, true, 0}}};
  EXPECT_EQ(far.SerializeTo(out), 0u);
}

TEST(RtcpTransportFeedbackTest, RejectsMalformedBodies) {
  const auto fixture = TransportFeedbackFixture();
  auto with = [&fixture](std::initializer_list<std::pair<size_t, uint8_t>> edits) {
    auto bytes = fixture;
    for (auto [i, v] : edits) bytes[i] = v;
    return bytes;
  };
  auto skipped = [](const std::vector<uint8_t>& bytes) {
    auto compound = ParseRtcp(bytes);
    return compound.has_value() && compound->packets.empty() && compound->skipped == 1;
  };
  EXPECT_TRUE(skipped(with({{14, 0}, {15, 0}})));        // status count 0
  EXPECT_TRUE(skipped(with({{20, 0xD3}})));              // 2-bit symbol 11 (reserved)
  EXPECT_TRUE(skipped(with({{22, 0x60}, {23, 0x12}})));  // run of symbol 11
  EXPECT_TRUE(skipped(with({{15, 0xFF}})));              // more packets than chunks
  auto cut = with({{3, 0x07}, {0, 0x8F}});               // last deltas cut off
  cut.resize(32);
  EXPECT_TRUE(skipped(cut));
  // Body shorter than the fixed part.
  EXPECT_TRUE(skipped(Bytes({0x8F, 0xCD, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 0, 1, 0, 1})));
}

}  // namespace
}  // namespace konfero::rtp
