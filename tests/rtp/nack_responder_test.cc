// Tests of rtp/nack_responder.h: NACKs answered with RTX or plain packets.
#include "rtp/nack_responder.h"

#include <array>
#include <cstdint>
#include <set>
#include <variant>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rtp/byte_io.h"
#include "rtp/rtcp_packet.h"
#include "rtp/rtp_test_util.h"
#include "rtp/send_history_test_util.h"

namespace konfero::rtp {
namespace {

using ::konfero::rtp::testing::Bytes;
using ::konfero::rtp::testing::Copy;
using ::konfero::rtp::testing::kMediaPayloadType;
using ::konfero::rtp::testing::kMediaSsrc;
using ::konfero::rtp::testing::MakePacket;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

constexpr uint32_t kRtxSsrc = 0x55667788;
constexpr uint8_t kRtxPayloadType = 97;
constexpr RtxStream kRtx = {.payload_type = kRtxPayloadType, .ssrc = kRtxSsrc};
constexpr RtxStream kOriginal = {.payload_type = kMediaPayloadType, .ssrc = kMediaSsrc};
constexpr int64_t kSecond = 1'000'000;

// The generic NACK a receiver sends, parsed from its wire form.
Nack ParseNack(uint16_t pid, uint16_t blp) {
  const std::vector<uint8_t> bytes = Bytes({
      0x81, 0xCD, 0x00, 0x03,  // V=2 FMT=1 PT=205 length 3
      0x0A, 0x0B, 0x0C, 0x0D,  // SSRC of packet sender
      0x11, 0x22, 0x33, 0x44,  // SSRC of media source: kMediaSsrc
      pid >> 8, pid & 0xFF, blp >> 8, blp & 0xFF,
  });
  auto rtcp = ParseRtcp(bytes);
  EXPECT_TRUE(rtcp.has_value());
  if (!rtcp || rtcp->packets.size() != 1) return {};
  const Nack* nack = std::get_if<Nack>(&rtcp->packets[0]);
  EXPECT_NE(nack, nullptr);
  return nack ? *nack : Nack{};
}

Nack MakeNack(std::vector<uint16_t> sequence_numbers, uint32_t media_ssrc = kMediaSsrc) {
  return {.sender_ssrc = 0x0A0B0C0D, .media_ssrc = media_ssrc,
          .sequence_numbers = std::move(sequence_numbers)};
}

std::vector<std::vector<uint8_t>> Respond(NackResponder& responder, const Nack& nack,
                                          int64_t now_us) {
  std::vector<std::vector<uint8_t>> sent;
  const size_t n = responder.Respond(nack, now_us, [&](std::span<const uint8_t> packet) {
    sent.push_back(Copy(packet));
  });
  EXPECT_EQ(n, sent.size());
  return sent;
}

TEST(NackResponderTest, AnswersA17PacketNackWithRtxOfWhatTheHistoryHolds) {
  NackResponder responder({.media_ssrc = kMediaSsrc,
                           .rtx = kRtx,
                           .first_rtx_sequence_number = 30'000,
                           .history = {.capacity = 64, .max_age_us = kSecond}});
  // 995..1020 sent; 1003 and 1010 never reached the history, 1016 went out
  // long before the others and is too old by now.
  const std::set<uint16_t> missing = {1003, 1010, 1016};
  for (uint16_t seq = 995; seq <= 1020; ++seq) {
    if (seq == 1003 || seq == 1010) continue;
    const int64_t sent_at = seq == 1016 ? 0 : 2 * kSecond;
    ASSERT_TRUE(responder.history().Store(MakePacket(seq, 60 + seq % 50), sent_at));
  }

  const Nack nack = ParseNack(1000, 0xFFFF);  // 1000 and the 16 after it
  ASSERT_EQ(nack.sequence_numbers.size(), 17u);
  const auto sent = Respond(responder, nack, 2 * kSecond + 500'000);
  ASSERT_EQ(sent.size(), 17u - missing.size());

  uint16_t expected_osn = 1000;
  for (size_t i = 0; i < sent.size(); ++i, ++expected_osn) {
    while (missing.count(expected_osn)) ++expected_osn;
    auto rtx = RtpPacketView::Parse(sent[i]);
    ASSERT_TRUE(rtx.has_value()) << i;
    EXPECT_EQ(rtx->ssrc(), kRtxSsrc);
    EXPECT_EQ(rtx->payload_type(), kRtxPayloadType);
    EXPECT_EQ(rtx->sequence_number(), 30'000 + i);  // one more per RTX packet
    ASSERT_GE(rtx->payload().size(), 2u);
    EXPECT_EQ(ReadU16(rtx->payload().data()), expected_osn);

    std::array<uint8_t, 1600> restored{};
    auto size = UnwrapRtx(*rtx, kOriginal, restored);
    ASSERT_TRUE(size.has_value()) << i;
    EXPECT_THAT(Copy(std::span(restored).first(*size)),
                ElementsAreArray(MakePacket(expected_osn, 60 + expected_osn % 50)))
        << "OSN " << expected_osn;
  }
  EXPECT_EQ(responder.next_rtx_sequence_number(), 30'000 + sent.size());

  const NackResponderStats& stats = responder.stats();
  EXPECT_EQ(stats.nacks, 1u);
  EXPECT_EQ(stats.requested, 17u);
  EXPECT_EQ(stats.rtx_sent, 14u);
  EXPECT_EQ(stats.plain_sent, 0u);
  EXPECT_EQ(stats.not_sent, 3u);
  EXPECT_EQ(responder.history().stats().not_found_unknown, 2u);
  EXPECT_EQ(responder.history().stats().not_found_too_old, 1u);
}

TEST(NackResponderTest, RtxSequenceNumbersContinueAcrossNacksAndWrap) {
  NackResponder responder({.media_ssrc = kMediaSsrc,
                           .rtx = kRtx,
                           .first_rtx_sequence_number = 65534});
  for (uint16_t seq = 1; seq <= 6; ++seq) {
    ASSERT_TRUE(responder.history().Store(MakePacket(seq), 0));
  }
  std::vector<uint16_t> rtx_sequence_numbers;
  for (const Nack& nack : {MakeNack({1, 2, 3}), MakeNack({5}), MakeNack({6})}) {
    for (const auto& packet : Respond(responder, nack, 1000)) {
      rtx_sequence_numbers.push_back(RtpPacketView::Parse(packet)->sequence_number());
    }
  }
  EXPECT_THAT(rtx_sequence_numbers, ElementsAre(65534, 65535, 0, 1, 2));
  EXPECT_EQ(responder.next_rtx_sequence_number(), 3);
}

TEST(NackResponderTest, RepeatedNacksWithinTheIntervalSendNothingMore) {
  NackResponder responder({.media_ssrc = kMediaSsrc,
                           .rtx = kRtx,
                           .first_rtx_sequence_number = 10,
                           .history = {.min_resend_interval_us = 20'000}});
  for (uint16_t seq = 1; seq <= 4; ++seq) {
    ASSERT_TRUE(responder.history().Store(MakePacket(seq), 0));
  }
  EXPECT_EQ(Respond(responder, MakeNack({1, 2, 3, 4}), 5'000).size(), 4u);
  // A storm of the same NACK: nothing, and no RTX sequence number used up.
  for (int i = 0; i < 100; ++i) {
    EXPECT_TRUE(Respond(responder, MakeNack({1, 2, 3, 4}), 6'000 + i * 100).size() == 0);
  }
  EXPECT_EQ(responder.next_rtx_sequence_number(), 14);
  EXPECT_EQ(responder.history().stats().rate_limited, 400u);
  // One interval later the receiver may really have lost them again.
  const auto again = Respond(responder, MakeNack({2, 3}), 25'000);
  ASSERT_EQ(again.size(), 2u);
  EXPECT_EQ(RtpPacketView::Parse(again[0])->sequence_number(), 14);
}

TEST(NackResponderTest, WithoutRtxResendsTheOriginalPackets) {
  NackResponder responder({.media_ssrc = kMediaSsrc, .rtx = std::nullopt});
  for (uint16_t seq = 65533; seq != 3; ++seq) {
    ASSERT_TRUE(responder.history().Store(MakePacket(seq, 300), 0));
  }
  const auto sent = Respond(responder, ParseNack(65534, 0x0005), 1000);  // 65534, 65535, 1
  ASSERT_EQ(sent.size(), 3u);
  EXPECT_THAT(sent[0], ElementsAreArray(MakePacket(65534, 300)));
  EXPECT_THAT(sent[1], ElementsAreArray(MakePacket(65535, 300)));
  EXPECT_THAT(sent[2], ElementsAreArray(MakePacket(1, 300)));
  EXPECT_EQ(responder.stats().plain_sent, 3u);
  EXPECT_EQ(responder.stats().rtx_sent, 0u);
}

TEST(NackResponderTest, KeepsCsrcsAndExtensionsAndDropsPadding) {
  NackResponder responder({.media_ssrc = kMediaSsrc, .rtx = kRtx});
  const std::array<uint32_t, 2> csrcs = {0xC1C1C1C1, 0xC2C2C2C2};
  std::array<uint8_t, 128> buffer{};
  RtpPacketWriter writer(buffer, {.payload_type = kMediaPayloadType,
                                  .sequence_number = 77,
                                  .timestamp = 1234,
                                  .ssrc = kMediaSsrc,
                                  .csrcs = csrcs});
  const std::vector<uint8_t> mid = Bytes({'a', 'b'});
  ASSERT_TRUE(writer.AddExtension(3, mid));
  ASSERT_TRUE(writer.SetPayload(Bytes({1, 2, 3, 4, 5}), 4));
  ASSERT_TRUE(responder.history().Store(writer.data(), 0));

  const auto sent = Respond(responder, MakeNack({77}), 0);
  ASSERT_EQ(sent.size(), 1u);
  auto rtx = RtpPacketView::Parse(sent[0]);
  ASSERT_TRUE(rtx.has_value());
  EXPECT_FALSE(rtx->has_padding());
  EXPECT_EQ(rtx->csrc_count(), 2u);
  EXPECT_THAT(Copy(*rtx->FindExtension(3)), ElementsAreArray(mid));
  std::array<uint8_t, 128> restored{};
  auto size = UnwrapRtx(*rtx, kOriginal, restored);
  ASSERT_TRUE(size.has_value());
  std::vector<uint8_t> unpadded = Copy(writer.data().first(writer.size() - 4));
  unpadded[0] &= static_cast<uint8_t>(~0x20);
  EXPECT_THAT(Copy(std::span(restored).first(*size)), ElementsAreArray(unpadded));
}

TEST(NackResponderTest, AFullSizePacketFitsItsRtxScratch) {
  NackResponder responder({.media_ssrc = kMediaSsrc, .rtx = kRtx});
  ASSERT_TRUE(responder.history().Store(MakePacket(9, kMaxStoredPacketSize), 0));
  const auto sent = Respond(responder, MakeNack({9}), 0);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].size(), kMaxStoredPacketSize + 2);
}

TEST(NackResponderTest, IgnoresNacksForOtherStreams) {
  NackResponder responder({.media_ssrc = kMediaSsrc, .rtx = kRtx});
  ASSERT_TRUE(responder.history().Store(MakePacket(1), 0));
  EXPECT_TRUE(Respond(responder, MakeNack({1}, kMediaSsrc + 1), 0).empty());
  EXPECT_EQ(responder.stats().nacks_other_ssrc, 1u);
  EXPECT_EQ(responder.stats().nacks, 0u);
  EXPECT_EQ(responder.history().stats().found, 0u);  // not marked as resent
  EXPECT_EQ(Respond(responder, MakeNack({1}), 0).size(), 1u);
}

TEST(NackResponderTest, CountsAStoredPacketThatDoesNotParse) {
  NackResponder responder({.media_ssrc = kMediaSsrc, .rtx = kRtx});
  // A valid fixed header claiming an extension block that is not there.
  std::vector<uint8_t> bad = MakePacket(4, 12);
  bad[0] |= 0x10;
  ASSERT_TRUE(responder.history().Store(bad, 0));
  EXPECT_TRUE(Respond(responder, MakeNack({4}), 0).empty());
  EXPECT_EQ(responder.stats().malformed, 1u);
  EXPECT_EQ(responder.next_rtx_sequence_number(), 0);
}

}  // namespace
}  // namespace konfero::rtp
