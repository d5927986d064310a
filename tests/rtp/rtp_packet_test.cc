// Tests of rtp/rtp_packet.h and rtp/rtp_header_extensions.h.
#include "rtp/rtp_packet.h"

#include <array>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rtp/rtcp_header.h"
#include "rtp/rtp_header_extensions.h"
#include "rtp/rtp_test_util.h"

namespace konfero::rtp {
namespace {

using ::konfero::rtp::testing::AsBytes;
using ::konfero::rtp::testing::Bytes;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

constexpr uint8_t kAudioLevelId = 1;
constexpr uint8_t kMidId = 3;

// V=2, X=1, CC=2, M=1, PT=111, two CSRCs, a one-byte extension block with
// audio level (id 1: voice, -5 dBov) and mid (id 3: "a0"), 4 payload bytes.
std::vector<uint8_t> OneByteFixture() {
  return Bytes({
      0x92, 0xEF, 0x12, 0x34,  // V=2 P=0 X=1 CC=2 | M=1 PT=111 | seq 0x1234
      0xDE, 0xAD, 0xBE, 0xEF,  // timestamp
      0x11, 0x22, 0x33, 0x44,  // SSRC
      0xAA, 0xAA, 0xAA, 0xAA,  // CSRC 1
      0xBB, 0xBB, 0xBB, 0xBB,  // CSRC 2
      0xBE, 0xDE, 0x00, 0x02,  // one-byte profile, 2 words
      0x10, 0x85,              // id 1, L=0 (1 byte): V=1, level 5
      0x31, 'a', '0',          // id 3, L=1 (2 bytes): "a0"
      0x00, 0x00, 0x00,        // padding to 32 bits
      0x01, 0x02, 0x03, 0x04,  // payload
  });
}

// V=2, X=1, PT=96, a two-byte extension block (profile 0x1000): id 32 with
// no value, id 5 "abc", id 255 one byte; 1 payload byte.
std::vector<uint8_t> TwoByteFixture() {
  return Bytes({
      0x90, 0x60, 0x00, 0x01,  // seq 1
      0x00, 0x00, 0x00, 0x02,  // timestamp 2
      0x00, 0x00, 0x00, 0x03,  // SSRC 3
      0x10, 0x00, 0x00, 0x03,  // two-byte profile, 3 words
      0x20, 0x00,              // id 32, length 0
      0x05, 0x03, 'a', 'b', 'c',  // id 5, length 3
      0xFF, 0x01, 0x7F,        // id 255, length 1
      0x00, 0x00,              // padding
      0xFF,                    // payload
  });
}

std::vector<uint8_t> Values(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }

TEST(RtpPacketTest, ParsesCsrcsAndOneByteExtensions) {
  const auto bytes = OneByteFixture();
  auto packet = RtpPacketView::Parse(bytes);
  ASSERT_TRUE(packet.has_value());
  EXPECT_TRUE(packet->marker());
  EXPECT_EQ(packet->payload_type(), 111);
  EXPECT_EQ(packet->sequence_number(), 0x1234);
  EXPECT_EQ(packet->timestamp(), 0xDEADBEEFu);
  EXPECT_EQ(packet->ssrc(), 0x11223344u);
  ASSERT_EQ(packet->csrc_count(), 2u);
  EXPECT_EQ(packet->csrc(0), 0xAAAAAAAAu);
  EXPECT_EQ(packet->csrc(1), 0xBBBBBBBBu);
  EXPECT_EQ(packet->extension_form(), ExtensionForm::kOneByte);
  EXPECT_EQ(packet->header_size(), 32u);
  EXPECT_THAT(Values(packet->payload()), ElementsAre(1, 2, 3, 4));
  EXPECT_EQ(packet->padding_size(), 0u);

  auto level = GetExtension<AudioLevel>(*packet, kAudioLevelId);
  ASSERT_TRUE(level.has_value());
  EXPECT_TRUE(level->voice_activity);
  EXPECT_EQ(level->level, 5);
  auto mid = GetExtension<Mid>(*packet, kMidId);
  ASSERT_TRUE(mid.has_value());
  EXPECT_EQ(mid->value, "a0");
  EXPECT_FALSE(packet->FindExtension(2).has_value());

  size_t cursor = 0;
  HeaderExtension element;
  std::vector<int> ids;
  while (packet->NextExtension(cursor, element)) ids.push_back(element.id);
  EXPECT_THAT(ids, ElementsAre(1, 3));
}

TEST(RtpPacketTest, WriterBuildsTheOneByteFixtureExactly) {
  const std::array<uint32_t, 2> csrcs = {0xAAAAAAAA, 0xBBBBBBBB};
  std::array<uint8_t, 64> buffer{};
  RtpPacketWriter writer(buffer, {.marker = true,
                                  .payload_type = 111,
                                  .sequence_number = 0x1234,
                                  .timestamp = 0xDEADBEEF,
                                  .ssrc = 0x11223344,
                                  .csrcs = csrcs});
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE(AddExtension(writer, kAudioLevelId, AudioLevel{true, 5}));
  ASSERT_TRUE(AddExtension(writer, kMidId, Mid{"a0"}));
  ASSERT_TRUE(writer.SetPayload(Bytes({1, 2, 3, 4})));
  EXPECT_THAT(Values(writer.data()), ElementsAreArray(OneByteFixture()));
}

TEST(RtpPacketTest, ParsesTwoByteExtensions) {
  const auto bytes = TwoByteFixture();
  auto packet = RtpPacketView::Parse(bytes);
  ASSERT_TRUE(packet.has_value());
  EXPECT_EQ(packet->extension_form(), ExtensionForm::kTwoByte);
  auto empty = packet->FindExtension(32);
  ASSERT_TRUE(empty.has_value());
  EXPECT_TRUE(empty->empty());
  EXPECT_THAT(Values(*packet->FindExtension(5)), ElementsAre('a', 'b', 'c'));
  EXPECT_THAT(Values(*packet->FindExtension(255)), ElementsAre(0x7F));
  EXPECT_THAT(Values(packet->payload()), ElementsAre(0xFF));
}

TEST(RtpPacketTest, WriterBuildsTheTwoByteFixtureExactly) {
  std::array<uint8_t, 64> buffer{};
  RtpPacketWriter writer(buffer, {.payload_type = 96, .sequence_number = 1,
                                  .timestamp = 2, .ssrc = 3});
  ASSERT_TRUE(writer.AddExtension(32, {}));
  ASSERT_TRUE(writer.AddExtension(5, AsBytes("abc")));
  ASSERT_TRUE(writer.AddExtension(255, Bytes({0x7F})));
  ASSERT_TRUE(writer.SetPayload(Bytes({0xFF})));
  EXPECT_THAT(Values(writer.data()), ElementsAreArray(TwoByteFixture()));
}

TEST(RtpPacketTest, WriterSwitchesToTwoByteFormWhenAnElementNeedsIt) {
  std::array<uint8_t, 64> buffer{};
  RtpPacketWriter writer(buffer, {.payload_type = 96, .sequence_number = 1,
                                  .timestamp = 2, .ssrc = 3});
  ASSERT_TRUE(AddExtension(writer, 1, AudioLevel{false, 127}));
  ASSERT_TRUE(AddExtension(writer, 3, Mid{"a0"}));
  ASSERT_TRUE(AddExtension(writer, 20, TransportSequenceNumber{0xABCD}));
  ASSERT_TRUE(writer.SetPayload({}));
  EXPECT_THAT(Values(writer.data()),
              ElementsAreArray(Bytes({
                  0x90, 0x60, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x03,
                  0x10, 0x00, 0x00, 0x03,  // two-byte profile, 3 words
                  0x01, 0x01, 0x7F,        // id 1: level 127, no voice
                  0x03, 0x02, 'a', '0',    // id 3: "a0"
                  0x14, 0x02, 0xAB, 0xCD,  // id 20: 0xABCD
                  0x00,                    // padding
              })));
  auto packet = RtpPacketView::Parse(writer.data());
  ASSERT_TRUE(packet.has_value());
  EXPECT_EQ(GetExtension<TransportSequenceNumber>(*packet, 20)->value, 0xABCD);
  EXPECT_EQ(GetExtension<AudioLevel>(*packet, 1)->level, 127);
}

TEST(RtpPacketTest, WriterRefusesWhatDoesNotFit) {
  std::array<uint8_t, 11> tiny{};
  EXPECT_FALSE(RtpPacketWriter(tiny, {}).ok());
  std::array<uint8_t, 16> buffer{};
  EXPECT_FALSE(RtpPacketWriter(buffer, {.payload_type = 128}).ok());
  RtpPacketWriter writer(buffer, {.payload_type = 0});
  ASSERT_TRUE(writer.ok());
  EXPECT_FALSE(writer.AddExtension(1, Bytes({1})));  // needs 4 + 4 bytes, has 4
  EXPECT_FALSE(writer.AddExtension(0, Bytes({1})));  // id 0 is padding
  EXPECT_EQ(writer.size(), 12u);
  EXPECT_TRUE(writer.SetPayload(Bytes({1, 2, 3, 4})));
  EXPECT_FALSE(writer.SetPayload(Bytes({1, 2, 3, 4, 5})));
  EXPECT_TRUE(RtpPacketView::Parse(writer.data()).has_value());
}

TEST(RtpPacketTest, PaddingIsExcludedFromThePayload) {
  std::array<uint8_t, 32> buffer{};
  RtpPacketWriter writer(buffer, {.payload_type = 8});
  ASSERT_TRUE(writer.SetPayload(Bytes({9, 9}), 4));
  EXPECT_THAT(Values(writer.data().subspan(12)), ElementsAre(9, 9, 0, 0, 0, 4));
  auto packet = RtpPacketView::Parse(writer.data());
  ASSERT_TRUE(packet.has_value());
  EXPECT_TRUE(packet->has_padding());
  EXPECT_EQ(packet->padding_size(), 4u);
  EXPECT_THAT(Values(packet->payload()), ElementsAre(9, 9));
}

TEST(RtpPacketTest, RewritesHeaderFieldsAndExtensionsInPlace) {
  auto bytes = OneByteFixture();
  auto packet = MutableRtpPacket::Parse(bytes);
  ASSERT_TRUE(packet.has_value());
  packet->SetSequenceNumber(0xFFFF);
  packet->SetTimestamp(0x01020304);
  packet->SetSsrc(0xCAFEBABE);
  packet->SetPayloadType(96);
  packet->SetMarker(false);
  EXPECT_TRUE(SetExtension(*packet, kAudioLevelId, AudioLevel{false, 90}));
  EXPECT_FALSE(SetExtension(*packet, kMidId, Mid{"abc"}));  // size differs
  EXPECT_FALSE(SetExtension(*packet, 9, AudioLevel{}));     // absent

  auto expected = OneByteFixture();
  expected[1] = 96;
  expected[2] = 0xFF, expected[3] = 0xFF;
  expected[4] = 1, expected[5] = 2, expected[6] = 3, expected[7] = 4;
  expected[8] = 0xCA, expected[9] = 0xFE, expected[10] = 0xBA, expected[11] = 0xBE;
  expected[25] = 90;
  EXPECT_EQ(bytes, expected);
  const RtpPacketView& view = packet->view();
  EXPECT_EQ(view.sequence_number(), 0xFFFF);
  EXPECT_EQ(view.ssrc(), 0xCAFEBABEu);
  EXPECT_FALSE(view.marker());
}

TEST(RtpPacketTest, OneByteIdFifteenEndsTheList) {
  auto bytes = Bytes({0x90, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3,  //
                      0xBE, 0xDE, 0x00, 0x01,                    //
                      0x10, 0x33, 0xF0, 0x44});                  // id 1, then 15
  auto packet = RtpPacketView::Parse(bytes);
  ASSERT_TRUE(packet.has_value());
  EXPECT_THAT(Values(*packet->FindExtension(1)), ElementsAre(0x33));
  EXPECT_FALSE(packet->FindExtension(4).has_value());
}

TEST(RtpPacketTest, OtherExtensionProfilesAreOpaque) {
  auto bytes = Bytes({0x90, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3,  //
                      0x12, 0x34, 0x00, 0x01, 0x10, 0x33, 0xF0, 0x44, 0x55});
  auto packet = RtpPacketView::Parse(bytes);
  ASSERT_TRUE(packet.has_value());
  EXPECT_EQ(packet->extension_form(), ExtensionForm::kOther);
  EXPECT_EQ(packet->extension_profile(), 0x1234);
  EXPECT_EQ(packet->extension_data().size(), 4u);
  EXPECT_FALSE(packet->FindExtension(1).has_value());
  EXPECT_THAT(Values(packet->payload()), ElementsAre(0x55));
}

TEST(RtpPacketTest, RejectsMalformedPackets) {
  // Zero-length and truncated fixed header.
  EXPECT_FALSE(RtpPacketView::Parse({}).has_value());
  const auto fixture = OneByteFixture();
  for (size_t n = 0; n < 32; ++n) {  // every cut inside the header
    std::vector<uint8_t> cut(fixture.begin(), fixture.begin() + static_cast<long>(n));
    EXPECT_FALSE(RtpPacketView::Parse(cut).has_value()) << n;
  }
  // Version 1.
  auto v1 = Bytes({0x40, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3});
  EXPECT_FALSE(RtpPacketView::Parse(v1).has_value());
  // CSRC count past the end: CC=15, 2 CSRCs present.
  auto csrcs = Bytes({0x8F, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 1, 1, 1, 1, 2, 2, 2, 2});
  EXPECT_FALSE(RtpPacketView::Parse(csrcs).has_value());
  // Extension length past the end: 2 words announced, 1 present.
  auto ext_length = Bytes({0x90, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3,  //
                           0xBE, 0xDE, 0x00, 0x02, 0x10, 0x01, 0x00, 0x00});
  EXPECT_FALSE(RtpPacketView::Parse(ext_length).has_value());
  // One-byte element longer than the block: id 1 L=15 (16 bytes) in 4.
  auto one_byte = Bytes({0x90, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3,  //
                         0xBE, 0xDE, 0x00, 0x01, 0x1F, 0x01, 0x02, 0x03, 0xAA});
  EXPECT_FALSE(RtpPacketView::Parse(one_byte).has_value());
  // Two-byte element longer than the block, and one cut after its id.
  auto two_byte = Bytes({0x90, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3,  //
                         0x10, 0x00, 0x00, 0x01, 0x01, 0x05, 0x01, 0x02});
  EXPECT_FALSE(RtpPacketView::Parse(two_byte).has_value());
  auto two_byte_id = Bytes({0x90, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3,  //
                            0x10, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x07});
  EXPECT_FALSE(RtpPacketView::Parse(two_byte_id).has_value());
  // One-byte element with the reserved id 0 (only a zero byte is padding).
  auto id_zero = Bytes({0x90, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3,  //
                        0xBE, 0xDE, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00});
  EXPECT_FALSE(RtpPacketView::Parse(id_zero).has_value());
  // Padding larger than the payload, padding count 0, padding with no byte.
  auto padding = Bytes({0xA0, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xAA, 0x03});
  EXPECT_FALSE(RtpPacketView::Parse(padding).has_value());
  auto zero_padding = Bytes({0xA0, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0xAA, 0x00});
  EXPECT_FALSE(RtpPacketView::Parse(zero_padding).has_value());
  auto no_padding = Bytes({0xA0, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3});
  EXPECT_FALSE(RtpPacketView::Parse(no_padding).has_value());
  // Padding that takes the whole payload is fine.
  auto all_padding = Bytes({0xA0, 0x60, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0x00, 0x02});
  auto packet = RtpPacketView::Parse(all_padding);
  ASSERT_TRUE(packet.has_value());
  EXPECT_TRUE(packet->payload().empty());
}

TEST(RtpHeaderExtensionsTest, TypedValues) {
  std::array<uint8_t, 3> out{};
  AudioLevel{true, 127}.SerializeTo(out);
  EXPECT_EQ(out[0], 0xFF);
  EXPECT_EQ(AudioLevel::Parse(Bytes({0x7F})), (AudioLevel{false, 127}));
  EXPECT_FALSE(AudioLevel::Parse({}).has_value());

  EXPECT_EQ(AbsSendTime::FromMicros(1'000'000).value, 1u << 18);
  EXPECT_EQ(AbsSendTime::FromMicros(500'000).value, 1u << 17);
  EXPECT_EQ(AbsSendTime::FromMicros(64'000'000).value, 0u);  // wraps every 64 s
  EXPECT_EQ(AbsSendTime::FromMicros(-1'000'000).value, 63u << 18);
  AbsSendTime{0x123456}.SerializeTo(out);
  EXPECT_THAT(out, ElementsAre(0x12, 0x34, 0x56));
  EXPECT_EQ(AbsSendTime::Parse(out)->value, 0x123456u);
  EXPECT_FALSE(AbsSendTime::Parse(Bytes({1, 2})).has_value());

  EXPECT_EQ(TransportSequenceNumber::Parse(Bytes({0xAB, 0xCD}))->value, 0xABCD);
  EXPECT_FALSE(TransportSequenceNumber::Parse(Bytes({0xAB})).has_value());
  EXPECT_EQ(Mid::Parse(AsBytes("video0"))->value, "video0");
  EXPECT_FALSE(Mid::Parse({}).has_value());
}

TEST(RtpDemuxTest, ClassifiesByFirstAndSecondByte) {
  EXPECT_TRUE(IsRtp(OneByteFixture()));
  EXPECT_FALSE(IsRtcp(OneByteFixture()));
  auto rtcp = Bytes({0x81, 0xC9, 0x00, 0x01, 0, 0, 0, 1});  // RR
  EXPECT_TRUE(IsRtcp(rtcp));
  EXPECT_FALSE(IsRtp(rtcp));
  EXPECT_TRUE(IsRtcp(Bytes({0x8F, 223})));
  EXPECT_FALSE(IsRtcp(Bytes({0x80, 224})));  // PT 96 with marker: RTP
  EXPECT_TRUE(IsRtp(Bytes({0x80, 224})));
  EXPECT_FALSE(IsRtpOrRtcp(Bytes({0x00, 0x01})));  // STUN
  EXPECT_FALSE(IsRtpOrRtcp(Bytes({0x16, 0xFE})));  // DTLS
  EXPECT_FALSE(IsRtpOrRtcp(Bytes({0xC0, 0xC8})));  // 192: beyond 191
  EXPECT_FALSE(IsRtpOrRtcp({}));
  EXPECT_FALSE(IsRtcp(Bytes({0x80})));
  EXPECT_FALSE(IsRtp(Bytes({0x80})));
}

}  // namespace
}  // namespace konfero::rtp
