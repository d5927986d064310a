// Tests of rtp/rtcp_packet.h and rtp/rtcp_reports.h: compound parsing,
// reports, SDES, BYE and framing errors.
#include "rtp/rtcp_packet.h"

#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rtp/rtcp_fixtures.h"
#include "rtp/rtp_test_util.h"

namespace konfero::rtp {
namespace {

using ::konfero::rtp::testing::Bytes;
using ::konfero::rtp::testing::Concat;
using ::konfero::rtp::testing::NackFixture;
using ::konfero::rtp::testing::SdesFixture;
using ::konfero::rtp::testing::SenderReportFixture;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

// Parses `bytes` as one packet of type T, re-serializes it and checks that
// the bytes are the same.
template <typename T>
T ParseSingleAndCheckBytes(const std::vector<uint8_t>& bytes) {
  auto compound = ParseRtcp(bytes);
  EXPECT_TRUE(compound.has_value());
  if (!compound) return T{};
  EXPECT_EQ(compound->skipped, 0u);
  EXPECT_EQ(compound->packets.size(), 1u);
  if (compound->packets.size() != 1) return T{};
  const T* value = std::get_if<T>(&compound->packets[0]);
  EXPECT_NE(value, nullptr);
  if (value == nullptr) return T{};
  EXPECT_EQ(value->SerializedSize(), bytes.size());
  EXPECT_THAT(SerializeRtcp(compound->packets), ElementsAreArray(bytes));
  return *value;
}

// Serializes `packet`, parses it back and expects the same value.
void ExpectRoundTrip(const RtcpPacket& packet) {
  const std::vector<RtcpPacket> packets = {packet};
  const auto bytes = SerializeRtcp(packets);
  ASSERT_FALSE(bytes.empty());
  EXPECT_EQ(bytes.size() % 4, 0u);
  auto parsed = ParseRtcp(bytes);
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(parsed->skipped, 0u);
  ASSERT_EQ(parsed->packets.size(), 1u);
  EXPECT_TRUE(parsed->packets[0] == packet);
}

TEST(RtcpReportsTest, SenderReportFixture) {
  const auto sr = ParseSingleAndCheckBytes<SenderReport>(SenderReportFixture());
  EXPECT_EQ(sr.sender_ssrc, 0x11223344u);
  EXPECT_EQ(sr.ntp_timestamp, 0xE54F000080000000u);
  EXPECT_EQ(sr.rtp_timestamp, 123456u);
  EXPECT_EQ(sr.packet_count, 100u);
  EXPECT_EQ(sr.octet_count, 16000u);
  ASSERT_EQ(sr.report_blocks.size(), 1u);
  const ReportBlock& block = sr.report_blocks[0];
  EXPECT_EQ(block.ssrc, 0x55667788u);
  EXPECT_EQ(block.fraction_lost, 25);
  EXPECT_EQ(block.cumulative_lost, -2);
  EXPECT_EQ(block.extended_highest_sequence, 0x00011234u);
  EXPECT_EQ(block.jitter, 42u);
  EXPECT_EQ(block.last_sr, 0xABCDu);
  EXPECT_EQ(block.delay_since_last_sr, 65536u);
}

TEST(RtcpReportsTest, SenderReportIgnoresProfileExtensions) {
  auto bytes = SenderReportFixture();
  bytes[3] = 0x0D;  // one more word
  for (int b : {0xAB, 0xCD, 0xEF, 0x01}) bytes.push_back(static_cast<uint8_t>(b));
  auto compound = ParseRtcp(bytes);
  ASSERT_TRUE(compound.has_value());
  ASSERT_EQ(compound->packets.size(), 1u);
  EXPECT_EQ(std::get<SenderReport>(compound->packets[0]).report_blocks.size(), 1u);
}

TEST(RtcpReportsTest, ReceiverReportRoundTrip) {
  ReceiverReport rr{.sender_ssrc = 7};
  rr.report_blocks.push_back({.ssrc = 1, .fraction_lost = 255, .cumulative_lost = 0x7FFFFF,
                              .extended_highest_sequence = 0xFFFFFFFF});
  rr.report_blocks.push_back({.ssrc = 2, .cumulative_lost = -0x800000, .jitter = 9,
                              .last_sr = 3, .delay_since_last_sr = 4});
  ExpectRoundTrip(rr);
  ExpectRoundTrip(ReceiverReport{.sender_ssrc = 8});  // no blocks
  // A cumulative loss beyond 24 bits is saturated.
  ReceiverReport big{.sender_ssrc = 1, .report_blocks = {{.cumulative_lost = -10'000'000}}};
  auto parsed = ParseRtcp(SerializeRtcp(std::vector<RtcpPacket>{big}));
  ASSERT_TRUE(parsed.has_value());
  EXPECT_EQ(std::get<ReceiverReport>(parsed->packets[0]).report_blocks[0].cumulative_lost,
            -0x800000);
}

TEST(RtcpReportsTest, TooManyReportBlocksCannotBeWritten) {
  SenderReport sr;
  sr.report_blocks.resize(32);
  std::vector<uint8_t> out(sr.SerializedSize());
  EXPECT_EQ(sr.SerializeTo(out), 0u);
  sr.report_blocks.resize(31);
  out.resize(sr.SerializedSize());
  EXPECT_EQ(sr.SerializeTo(out), out.size());
  EXPECT_EQ(sr.SerializeTo(std::span(out).first(out.size() - 1)), 0u);
}

TEST(RtcpReportsTest, SdesFixtureAndRoundTrips) {
  const auto sdes = ParseSingleAndCheckBytes<Sdes>(SdesFixture());
  ASSERT_EQ(sdes.chunks.size(), 1u);
  EXPECT_EQ(sdes.chunks[0].ssrc, 0x11223344u);
  ASSERT_NE(sdes.chunks[0].cname(), nullptr);
  EXPECT_EQ(*sdes.chunks[0].cname(), "user@host1");

  Sdes several;
  several.chunks.push_back({1, {{kSdesCname, "ab"}, {kSdesTool, "konfero"}}});
  several.chunks.push_back({2, {}});
  several.chunks.push_back({3, {{kSdesCname, ""}, {kSdesNote, std::string(255, 'x')}}});
  ExpectRoundTrip(several);
  Sdes too_long{.chunks = {{1, {{kSdesCname, std::string(256, 'x')}}}}};
  std::vector<uint8_t> out(too_long.SerializedSize());
  EXPECT_EQ(too_long.SerializeTo(out), 0u);
}

TEST(RtcpReportsTest, ByeWithReason) {
  const auto bytes = Bytes({
      0x82, 0xCB, 0x00, 0x04,  // V=2 SC=2 PT=203 length 4 (20 bytes)
      0x00, 0x00, 0x00, 0x01,  // SSRC 1
      0x00, 0x00, 0x00, 0x02,  // SSRC 2
      0x04, 'g',  'o',  'n',   // reason "gone"
      'e',  0x00, 0x00, 0x00,  // padding
  });
  const auto bye = ParseSingleAndCheckBytes<Bye>(bytes);
  EXPECT_THAT(bye.ssrcs, ElementsAre(1u, 2u));
  EXPECT_EQ(bye.reason, "gone");
  ExpectRoundTrip(Bye{.ssrcs = {5}});
  ExpectRoundTrip(Bye{.ssrcs = {}, .reason = "abc"});
}

TEST(RtcpCompoundTest, SenderReportSdesAndNack) {
  const auto bytes = Concat({SenderReportFixture(), SdesFixture(), NackFixture()});
  auto compound = ParseRtcp(bytes);
  ASSERT_TRUE(compound.has_value());
  EXPECT_EQ(compound->skipped, 0u);
  ASSERT_EQ(compound->packets.size(), 3u);
  EXPECT_TRUE(std::holds_alternative<SenderReport>(compound->packets[0]));
  EXPECT_TRUE(std::holds_alternative<Sdes>(compound->packets[1]));
  const auto& nack = std::get<Nack>(compound->packets[2]);
  EXPECT_THAT(nack.sequence_numbers, ElementsAre(100, 101, 103, 116));
  EXPECT_EQ(SerializedSize(compound->packets), bytes.size());
  EXPECT_THAT(SerializeRtcp(compound->packets), ElementsAreArray(bytes));
  std::vector<uint8_t> small(bytes.size() - 1);
  EXPECT_EQ(SerializeRtcpTo(compound->packets, small), 0u);
}

TEST(RtcpCompoundTest, ReducedSizeFeedbackAlone) {
  // RFC 5506: a PLI without a leading SR/RR.
  auto compound = ParseRtcp(Bytes({0x81, 0xCE, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 2}));
  ASSERT_TRUE(compound.has_value());
  ASSERT_EQ(compound->packets.size(), 1u);
  EXPECT_EQ(std::get<Pli>(compound->packets[0]), (Pli{1, 2}));
}

TEST(RtcpCompoundTest, SkipsUnknownAndMalformedPackets) {
  const auto app = Bytes({0x80, 0xCC, 0x00, 0x02, 0, 0, 0, 1, 'n', 'a', 'm', 'e'});
  const auto sli = Bytes({0x82, 0xCE, 0x00, 0x03, 0, 0, 0, 1, 0, 0, 0, 2, 1, 2, 3, 4});
  const auto xr = Bytes({0x80, 0xCF, 0x00, 0x01, 0, 0, 0, 1});
  const auto short_rr = Bytes({0x80, 0xC9, 0x00, 0x00});  // no SSRC
  const auto sr_missing_block = Bytes({0x82, 0xC8, 0x00, 0x06, 0, 0, 0, 1, 0, 0, 0, 0, 0,
                                       0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0});
  const auto bytes = Concat({app, SdesFixture(), sli, xr, short_rr, sr_missing_block});
  auto compound = ParseRtcp(bytes);
  ASSERT_TRUE(compound.has_value());
  EXPECT_EQ(compound->skipped, 5u);
  ASSERT_EQ(compound->packets.size(), 1u);
  EXPECT_TRUE(std::holds_alternative<Sdes>(compound->packets[0]));
}

TEST(RtcpCompoundTest, RejectsFramingErrors) {
  EXPECT_FALSE(ParseRtcp({}).has_value());  // zero-length
  auto sr = SenderReportFixture();
  // Length field past the end.
  EXPECT_FALSE(ParseRtcp(std::span(sr).first(sr.size() - 4)).has_value());
  for (size_t n = 1; n < sr.size(); ++n) {
    std::vector<uint8_t> cut(sr.begin(), sr.begin() + static_cast<long>(n));
    EXPECT_FALSE(ParseRtcp(cut).has_value()) << n;
  }
  // Trailing bytes after the last packet.
  auto trailing = Concat({sr, Bytes({0x80, 0xC9})});
  EXPECT_FALSE(ParseRtcp(trailing).has_value());
  // Version 1.
  EXPECT_FALSE(ParseRtcp(Bytes({0x40, 0xC9, 0x00, 0x01, 0, 0, 0, 1})).has_value());
  // Padding larger than the packet, and a padding count of 0.
  EXPECT_FALSE(ParseRtcp(Bytes({0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 9})).has_value());
  EXPECT_FALSE(ParseRtcp(Bytes({0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 0})).has_value());
  // Padding in a packet that is not the last (as libwebrtc sends) is removed.
  const auto padded_rr = Bytes({0xA0, 0xC9, 0x00, 0x02, 0, 0, 0, 7, 0, 0, 0, 4});
  auto compound = ParseRtcp(Concat({padded_rr, NackFixture()}));
  ASSERT_TRUE(compound.has_value());
  ASSERT_EQ(compound->packets.size(), 2u);
  EXPECT_EQ(std::get<ReceiverReport>(compound->packets[0]).sender_ssrc, 7u);
}

}  // namespace
}  // namespace konfero::rtp
