// Tests of rtp/rtx.h (RFC 4588).
#include "rtp/rtx.h"

#include <array>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rtp/rtp_header_extensions.h"
#include "rtp/rtp_test_util.h"

namespace konfero::rtp {
namespace {

using ::konfero::rtp::testing::Bytes;
using ::testing::ElementsAreArray;

std::vector<uint8_t> Values(std::span<const uint8_t> s) { return {s.begin(), s.end()}; }

TEST(RtpRtxTest, WrapsAndUnwraps) {
  const std::array<uint32_t, 1> csrcs = {0x0C0C0C0C};
  std::array<uint8_t, 64> original_buffer{};
  RtpPacketWriter writer(original_buffer, {.marker = true,
                                           .payload_type = 96,
                                           .sequence_number = 0x0102,
                                           .timestamp = 0x03040506,
                                           .ssrc = 0x0A0A0A0A,
                                           .csrcs = csrcs});
  ASSERT_TRUE(AddExtension(writer, 4, TransportSequenceNumber{7}));
  ASSERT_TRUE(writer.SetPayload(Bytes({0xD0, 0xD1, 0xD2}), 3));
  auto original = RtpPacketView::Parse(writer.data());
  ASSERT_TRUE(original.has_value());

  std::array<uint8_t, 64> rtx_buffer{};
  auto rtx_size = WrapRtx(*original, {.payload_type = 97, .ssrc = 0x0B0B0B0B}, 0x7000,
                          rtx_buffer);
  ASSERT_TRUE(rtx_size.has_value());
  // Same header but PT, sequence number and SSRC; no padding; OSN first.
  std::vector<uint8_t> expected = Values(writer.data().first(original->header_size()));
  expected[0] &= ~0x20;
  expected[1] = 0x80 | 97;
  expected[2] = 0x70, expected[3] = 0x00;
  expected[8] = expected[9] = expected[10] = expected[11] = 0x0B;
  for (int b : {0x01, 0x02, 0xD0, 0xD1, 0xD2}) expected.push_back(static_cast<uint8_t>(b));
  EXPECT_THAT(Values(std::span(rtx_buffer).first(*rtx_size)), ElementsAreArray(expected));

  auto rtx = RtpPacketView::Parse(std::span(rtx_buffer).first(*rtx_size));
  ASSERT_TRUE(rtx.has_value());
  EXPECT_EQ(GetExtension<TransportSequenceNumber>(*rtx, 4)->value, 7);
  std::array<uint8_t, 64> restored_buffer{};
  auto restored_size =
      UnwrapRtx(*rtx, {.payload_type = 96, .ssrc = 0x0A0A0A0A}, restored_buffer);
  ASSERT_TRUE(restored_size.has_value());
  // The original without its padding.
  std::vector<uint8_t> unpadded = Values(writer.data().first(writer.size() - 3));
  unpadded[0] &= ~0x20;
  EXPECT_THAT(Values(std::span(restored_buffer).first(*restored_size)),
              ElementsAreArray(unpadded));
}

TEST(RtpRtxTest, RefusesShortBuffersAndPayloadsWithoutOsn) {
  auto bytes = Bytes({0x80, 0x61, 0, 1, 0, 0, 0, 2, 0, 0, 0, 3, 0x05});
  auto packet = RtpPacketView::Parse(bytes);
  ASSERT_TRUE(packet.has_value());
  std::array<uint8_t, 64> out{};
  EXPECT_FALSE(UnwrapRtx(*packet, {96, 1}, out).has_value());  // 1 byte: no OSN
  std::array<uint8_t, 14> small{};
  EXPECT_FALSE(WrapRtx(*packet, {97, 2}, 1, small).has_value());  // needs 15
  std::array<uint8_t, 15> exact{};
  EXPECT_EQ(WrapRtx(*packet, {97, 2}, 1, exact), 15u);
}

}  // namespace
}  // namespace konfero::rtp
