// Tests of rtp/rtcp_feedback.h: generic NACK, PLI, FIR and REMB.
#include "rtp/rtcp_feedback.h"

#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rtp/rtcp_fixtures.h"
#include "rtp/rtcp_packet.h"
#include "rtp/rtp_test_util.h"

namespace konfero::rtp {
namespace {

using ::konfero::rtp::testing::Bytes;
using ::konfero::rtp::testing::NackFixture;
using ::testing::ElementsAre;
using ::testing::ElementsAreArray;

template <typename T>
std::vector<uint8_t> Serialize(const T& value) {
  std::vector<uint8_t> out(value.SerializedSize());
  out.resize(value.SerializeTo(out));
  return out;
}

template <typename T>
std::optional<T> ParseAs(const std::vector<uint8_t>& bytes) {
  auto compound = ParseRtcp(bytes);
  if (!compound || compound->packets.size() != 1) return std::nullopt;
  if (const T* value = std::get_if<T>(&compound->packets[0])) return *value;
  return std::nullopt;
}

// The FCI entries (PID, BLP) of a serialized NACK.
std::vector<std::pair<int, int>> NackEntries(const std::vector<uint8_t>& bytes) {
  std::vector<std::pair<int, int>> entries;
  for (size_t i = 12; i + 4 <= bytes.size(); i += 4) {
    entries.emplace_back((bytes[i] << 8) | bytes[i + 1], (bytes[i + 2] << 8) | bytes[i + 3]);
  }
  return entries;
}

TEST(RtcpNackTest, ExpandsPidAndBlpAndBuildsThemBack) {
  auto nack = ParseAs<Nack>(NackFixture());
  ASSERT_TRUE(nack.has_value());
  EXPECT_EQ(nack->sender_ssrc, 0x11223344u);
  EXPECT_EQ(nack->media_ssrc, 0x55667788u);
  EXPECT_THAT(nack->sequence_numbers, ElementsAre(100, 101, 103, 116));
  EXPECT_THAT(Serialize(*nack), ElementsAreArray(NackFixture()));
}

TEST(RtcpNackTest, BuildsEntriesAcrossGapsAndWraparound) {
  Nack nack{.sender_ssrc = 1, .media_ssrc = 2,
            .sequence_numbers = {65534, 65535, 0, 1, 16, 17, 40}};
  const auto bytes = Serialize(nack);
  // 65534 + {65535, 0, 1, 16}: offsets 1, 2, 3, 18 -> 16 is too far.
  EXPECT_THAT(NackEntries(bytes),
              ElementsAre(std::pair(65534, 0x0007), std::pair(16, 0x0001),
                          std::pair(40, 0x0000)));
  EXPECT_EQ(ParseAs<Nack>(bytes), nack);
  // Offset 16 is the last bit of BLP.
  Nack edge{.sequence_numbers = {10, 26}};
  EXPECT_THAT(NackEntries(Serialize(edge)), ElementsAre(std::pair(10, 0x8000)));
}

TEST(RtcpNackTest, UnsortedAndDuplicateListsSurviveTheRoundTrip) {
  for (std::vector<uint16_t> list : std::vector<std::vector<uint16_t>>{
           {}, {5}, {5, 5}, {10, 11, 11}, {20, 10, 15, 12}, {7, 8, 9, 8, 9, 7}}) {
    Nack nack{.sender_ssrc = 3, .media_ssrc = 4, .sequence_numbers = list};
    EXPECT_EQ(ParseAs<Nack>(Serialize(nack)), nack);
  }
}

TEST(RtcpPliTest, Fixture) {
  const auto bytes = Bytes({0x81, 0xCE, 0x00, 0x02,  // V=2 FMT=1 PT=206 length 2
                            0x00, 0x00, 0x00, 0x01,  // sender
                            0xAB, 0xCD, 0xEF, 0x01});
  auto pli = ParseAs<Pli>(bytes);
  ASSERT_TRUE(pli.has_value());
  EXPECT_EQ(*pli, (Pli{1, 0xABCDEF01}));
  EXPECT_THAT(Serialize(*pli), ElementsAreArray(bytes));
}

TEST(RtcpFirTest, Fixture) {
  const auto bytes = Bytes({
      0x84, 0xCE, 0x00, 0x06,  // V=2 FMT=4 PT=206 length 6 (28 bytes)
      0x00, 0x00, 0x00, 0x01,  // sender
      0x00, 0x00, 0x00, 0x00,  // media source: 0
      0x00, 0x00, 0x00, 0x0A,  // SSRC 10
      0x05, 0x00, 0x00, 0x00,  // seq nr 5 | reserved
      0x00, 0x00, 0x00, 0x0B,  // SSRC 11
      0xFF, 0x00, 0x00, 0x00,  // seq nr 255 | reserved
  });
  auto fir = ParseAs<Fir>(bytes);
  ASSERT_TRUE(fir.has_value());
  EXPECT_EQ(fir->sender_ssrc, 1u);
  EXPECT_THAT(fir->entries, ElementsAre(FirEntry{10, 5}, FirEntry{11, 255}));
  EXPECT_THAT(Serialize(*fir), ElementsAreArray(bytes));
}

TEST(RtcpRembTest, OneMegabitFixture) {
  const auto bytes = Bytes({
      0x8F, 0xCE, 0x00, 0x06,  // V=2 FMT=15 PT=206 length 6 (28 bytes)
      0x00, 0x00, 0x00, 0x01,  // sender
      0x00, 0x00, 0x00, 0x00,  // media source: 0
      'R',  'E',  'M',  'B',   //
      0x02, 0x0B, 0xD0, 0x90,  // 2 SSRCs | exp 2 | mantissa 250000
      0x00, 0x00, 0x00, 0x0A,  //
      0x00, 0x00, 0x00, 0x0B,  //
  });
  auto remb = ParseAs<Remb>(bytes);
  ASSERT_TRUE(remb.has_value());
  EXPECT_EQ(remb->bitrate_bps, 1'000'000u);
  EXPECT_THAT(remb->ssrcs, ElementsAre(10u, 11u));
  EXPECT_THAT(Serialize(*remb), ElementsAreArray(bytes));
}

TEST(RtcpRembTest, BitrateEncodings) {
  struct Case {
    uint64_t bitrate;
    uint64_t decoded;  // mantissa << exponent: rounded down to 18 bits
  };
  for (const Case& c : {Case{0, 0}, Case{0x3FFFF, 0x3FFFF}, Case{0x40000, 0x40000},
                        Case{0x40001, 0x40000}, Case{300'000'001, 299'999'232},
                        Case{~uint64_t{0}, uint64_t{0x3FFFF} << 46}}) {
    Remb remb{.sender_ssrc = 1, .bitrate_bps = c.bitrate, .ssrcs = {2}};
    auto parsed = ParseAs<Remb>(Serialize(remb));
    ASSERT_TRUE(parsed.has_value()) << c.bitrate;
    EXPECT_EQ(parsed->bitrate_bps, c.decoded) << c.bitrate;
  }
}

TEST(RtcpRembTest, RejectsOverflowAndOtherApplicationFeedback) {
  // Exponent 63, mantissa 2: 2^64 does not fit.
  const auto overflow = Bytes({0x8F, 0xCE, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 0,  //
                               'R', 'E', 'M', 'B', 0x00, 0xFC, 0x00, 0x02});
  auto compound = ParseRtcp(overflow);
  ASSERT_TRUE(compound.has_value());
  EXPECT_EQ(compound->skipped, 1u);
  // Exponent 63, mantissa 1: 2^63 does.
  auto fits = overflow;
  fits[19] = 0x01;
  auto remb = ParseAs<Remb>(fits);
  ASSERT_TRUE(remb.has_value());
  EXPECT_EQ(remb->bitrate_bps, uint64_t{1} << 63);
  // Not 'REMB', or an SSRC list longer than the packet.
  auto other = overflow;
  other[12] = 'X';
  EXPECT_EQ(ParseRtcp(other)->skipped, 1u);
  auto long_list = fits;
  long_list[16] = 1;
  EXPECT_EQ(ParseRtcp(long_list)->skipped, 1u);
}

}  // namespace
}  // namespace konfero::rtp
