// Tests of transport/audio_rtp.h: an RTP packet of the peer's audio to the
// mixer's InputPacket (with the RFC 6464 audio level when negotiated), and
// the mixer's EncodedFrame to an RTP packet.
#include "transport/audio_rtp.h"

#include <algorithm>
#include <cstdint>
#include <optional>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "rtp/rtp_header_extensions.h"
#include "rtp/rtp_packet.h"

namespace konfero::transport {
namespace {

using ::testing::ElementsAreArray;

constexpr uint8_t kOpusPt = 111;

struct Built {
  std::vector<uint8_t> bytes;
  rtp::RtpPacketView view() const { return *rtp::RtpPacketView::Parse(bytes); }
};

// An RTP packet with an optional audio level element.
Built Packet(uint8_t pt, uint16_t seq, uint32_t ts, const std::vector<uint8_t>& payload,
             std::optional<uint8_t> level_id = std::nullopt, rtp::AudioLevel level = {}) {
  Built b;
  b.bytes.resize(rtp::kRtpFixedHeaderSize + 32 + payload.size());
  rtp::RtpPacketWriter w(
      b.bytes, {.payload_type = pt, .sequence_number = seq, .timestamp = ts, .ssrc = 0xABCDEF01});
  if (level_id) {
    EXPECT_TRUE(rtp::AddExtension(w, *level_id, level));
  }
  EXPECT_TRUE(w.SetPayload(payload));
  b.bytes.resize(w.size());
  EXPECT_TRUE(rtp::RtpPacketView::Parse(b.bytes).has_value());
  return b;
}

TEST(ToInputPacketTest, CopiesThePayloadAndHeaderFields) {
  const std::vector<uint8_t> payload = {0xFC, 1, 2, 3, 4, 5, 6};
  const Built p = Packet(kOpusPt, 513, 96000, payload);
  audio::InputPacket out;
  ASSERT_TRUE(ToInputPacket(p.view(), {.payload_type = kOpusPt}, 123456, out));
  EXPECT_EQ(out.sequence, 513);
  EXPECT_EQ(out.timestamp, 96000u);
  EXPECT_EQ(out.arrival_us, 123456);
  EXPECT_EQ(out.audio_level, -1);
  EXPECT_FALSE(out.voice);
  ASSERT_EQ(out.size, payload.size());
  EXPECT_TRUE(std::equal(payload.begin(), payload.end(), out.payload.begin()));
}

TEST(ToInputPacketTest, AnotherPayloadTypeIsNotThePeersAudio) {
  const Built p = Packet(96, 1, 0, {1, 2, 3});
  audio::InputPacket out;
  out.sequence = 77;
  EXPECT_FALSE(ToInputPacket(p.view(), {.payload_type = kOpusPt}, 0, out));
  EXPECT_EQ(out.sequence, 77);  // untouched
}

TEST(ToInputPacketTest, ReadsTheNegotiatedAudioLevel) {
  const Built p =
      Packet(kOpusPt, 2, 960, {9, 9}, /*level_id=*/3, {.voice_activity = true, .level = 42});
  audio::InputPacket out;
  ASSERT_TRUE(ToInputPacket(p.view(), {.payload_type = kOpusPt, .audio_level_id = 3}, 0, out));
  EXPECT_EQ(out.audio_level, 42);
  EXPECT_TRUE(out.voice);
  // The payload is the payload, not the extension.
  EXPECT_EQ(out.size, 2);
  EXPECT_EQ(out.payload[0], 9);
}

TEST(ToInputPacketTest, IgnoresAnAudioLevelUnderAnotherIdOrNotNegotiated) {
  const Built p =
      Packet(kOpusPt, 2, 960, {9}, /*level_id=*/3, {.voice_activity = true, .level = 42});
  audio::InputPacket out;
  ASSERT_TRUE(ToInputPacket(p.view(), {.payload_type = kOpusPt, .audio_level_id = 4}, 0, out));
  EXPECT_EQ(out.audio_level, -1);
  EXPECT_FALSE(out.voice);
  ASSERT_TRUE(ToInputPacket(p.view(), {.payload_type = kOpusPt, .audio_level_id = 0}, 0, out));
  EXPECT_EQ(out.audio_level, -1);
}

TEST(ToInputPacketTest, AReusedPacketForgetsThePreviousLevel) {
  audio::InputPacket out;
  const AudioRtpParams params{.payload_type = kOpusPt, .audio_level_id = 1};
  ASSERT_TRUE(ToInputPacket(Packet(kOpusPt, 1, 0, {1}, 1, {true, 10}).view(), params, 0, out));
  EXPECT_EQ(out.audio_level, 10);
  ASSERT_TRUE(ToInputPacket(Packet(kOpusPt, 2, 960, {1}).view(), params, 0, out));
  EXPECT_EQ(out.audio_level, -1);
  EXPECT_FALSE(out.voice);
}

TEST(ToInputPacketTest, ReadsTheLevelInTheTwoByteForm) {
  // Id 20 does not fit the one-byte form (RFC 8285 4.3).
  const Built p =
      Packet(kOpusPt, 2, 960, {5}, /*level_id=*/20, {.voice_activity = false, .level = 127});
  EXPECT_EQ(p.view().extension_form(), rtp::ExtensionForm::kTwoByte);
  audio::InputPacket out;
  ASSERT_TRUE(ToInputPacket(p.view(), {.payload_type = kOpusPt, .audio_level_id = 20}, 0, out));
  EXPECT_EQ(out.audio_level, 127);
  EXPECT_FALSE(out.voice);
}

TEST(ToInputPacketTest, RefusesAPayloadLargerThanAFrame) {
  const std::vector<uint8_t> big(audio::kMaxPayloadBytes + 1, 0xAB);
  audio::InputPacket out;
  EXPECT_FALSE(ToInputPacket(Packet(kOpusPt, 1, 0, big).view(), {.payload_type = kOpusPt}, 0, out));
  const std::vector<uint8_t> largest(audio::kMaxPayloadBytes, 0xAB);
  ASSERT_TRUE(
      ToInputPacket(Packet(kOpusPt, 1, 0, largest).view(), {.payload_type = kOpusPt}, 0, out));
  EXPECT_EQ(out.size, audio::kMaxPayloadBytes);
}

audio::EncodedFrame Frame(std::initializer_list<uint8_t> payload) {
  audio::EncodedFrame f;
  f.sequence = 65535;
  f.timestamp = 0xFFFFFC40;
  f.marker = true;
  f.size = static_cast<uint16_t>(payload.size());
  std::copy(payload.begin(), payload.end(), f.payload.begin());
  return f;
}

TEST(WriteAudioRtpTest, WritesTheFrameWithOurSsrcAndPayloadType) {
  const audio::EncodedFrame frame = Frame({0xFC, 0xFF, 0xFE});
  std::vector<uint8_t> buffer(1500);
  const size_t n = WriteAudioRtp(frame, {.payload_type = 109, .send_ssrc = 0x01020304}, buffer);
  ASSERT_EQ(n, rtp::kRtpFixedHeaderSize + 3);
  std::optional<rtp::RtpPacketView> p =
      rtp::RtpPacketView::Parse(std::span<const uint8_t>(buffer.data(), n));
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->payload_type(), 109);
  EXPECT_EQ(p->ssrc(), 0x01020304u);
  EXPECT_EQ(p->sequence_number(), 65535);
  EXPECT_EQ(p->timestamp(), 0xFFFFFC40u);
  EXPECT_TRUE(p->marker());
  EXPECT_FALSE(p->has_extension());
  EXPECT_THAT(std::vector<uint8_t>(p->payload().begin(), p->payload().end()),
              ElementsAreArray({0xFC, 0xFF, 0xFE}));

  audio::EncodedFrame unmarked = frame;
  unmarked.marker = false;
  ASSERT_GT(WriteAudioRtp(unmarked, {.payload_type = 109}, buffer), 0u);
  EXPECT_FALSE(rtp::RtpPacketView::Parse(buffer)->marker());
}

TEST(WriteAudioRtpTest, ReturnsZeroWhenTheBufferIsTooSmall) {
  const audio::EncodedFrame frame = Frame({1, 2, 3, 4});
  std::vector<uint8_t> buffer(rtp::kRtpFixedHeaderSize + 3);
  EXPECT_EQ(WriteAudioRtp(frame, {}, buffer), 0u);
  std::vector<uint8_t> header_only(rtp::kRtpFixedHeaderSize - 1);
  EXPECT_EQ(WriteAudioRtp(frame, {}, header_only), 0u);
  std::vector<uint8_t> exact(rtp::kRtpFixedHeaderSize + 4);
  EXPECT_EQ(WriteAudioRtp(frame, {}, exact), exact.size());
}

TEST(AudioRtpTest, WhatWeWriteReadsBackAsTheSameAudio) {
  const AudioRtpParams params{.payload_type = kOpusPt, .audio_level_id = 1, .send_ssrc = 9};
  audio::EncodedFrame frame = Frame({});
  frame.size = 120;
  for (int i = 0; i < frame.size; ++i)
    frame.payload[static_cast<size_t>(i)] = static_cast<uint8_t>(i * 7);
  std::vector<uint8_t> buffer(1500);
  const size_t n = WriteAudioRtp(frame, params, buffer);
  ASSERT_GT(n, 0u);
  std::optional<rtp::RtpPacketView> p =
      rtp::RtpPacketView::Parse(std::span<const uint8_t>(buffer.data(), n));
  ASSERT_TRUE(p.has_value());
  audio::InputPacket in;
  ASSERT_TRUE(ToInputPacket(*p, params, 5, in));
  EXPECT_EQ(in.sequence, frame.sequence);
  EXPECT_EQ(in.timestamp, frame.timestamp);
  ASSERT_EQ(in.size, frame.size);
  EXPECT_TRUE(
      std::equal(frame.payload.begin(), frame.payload.begin() + frame.size, in.payload.begin()));
}

}  // namespace
}  // namespace konfero::transport
