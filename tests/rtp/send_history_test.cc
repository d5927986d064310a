// Tests of rtp/send_history.h: the ring of sent packets.
#include "rtp/send_history.h"

#include <cstdint>
#include <optional>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "rtp/send_history_test_util.h"

namespace konfero::rtp {
namespace {

using ::konfero::rtp::testing::Copy;
using ::konfero::rtp::testing::MakePacket;
using ::testing::ElementsAreArray;
using ::testing::Optional;

constexpr int64_t kSecond = 1'000'000;

std::optional<std::vector<uint8_t>> FindCopy(RtpSendHistory& history, uint16_t seq,
                                             int64_t now_us) {
  auto found = history.Find(seq, now_us);
  if (!found) return std::nullopt;
  return Copy(*found);
}

TEST(RtpSendHistoryTest, FindsWhatWasStored) {
  RtpSendHistory history({.capacity = 16});
  for (uint16_t seq = 100; seq < 110; ++seq) {
    ASSERT_TRUE(history.Store(MakePacket(seq, 100 + seq), seq * 1000));
  }
  for (uint16_t seq = 100; seq < 110; ++seq) {
    auto found = history.Find(seq, 200'000);
    ASSERT_TRUE(found.has_value()) << seq;
    EXPECT_THAT(Copy(*found), ElementsAreArray(MakePacket(seq, 100 + seq)));
  }
  EXPECT_EQ(history.stats().stored, 10u);
  EXPECT_EQ(history.stats().found, 10u);
}

TEST(RtpSendHistoryTest, UnknownSequenceNumbersAreNotFound) {
  RtpSendHistory history({.capacity = 16});
  EXPECT_FALSE(history.Find(5, 0).has_value());  // empty slot
  ASSERT_TRUE(history.Store(MakePacket(5), 0));
  EXPECT_FALSE(history.Find(5 + 16, 0).has_value());  // same slot, not sent yet
  EXPECT_FALSE(history.Find(6, 0).has_value());
  EXPECT_EQ(history.stats().not_found_unknown, 3u);
  EXPECT_EQ(history.stats().not_found_overwritten, 0u);
  EXPECT_EQ(history.stats().found, 0u);
}

TEST(RtpSendHistoryTest, OverwrittenSlotsAreNotFound) {
  RtpSendHistory history({.capacity = 16});
  for (uint16_t seq = 0; seq < 32; ++seq) ASSERT_TRUE(history.Store(MakePacket(seq), 0));
  for (uint16_t seq = 0; seq < 16; ++seq) EXPECT_FALSE(history.Find(seq, 0).has_value());
  for (uint16_t seq = 16; seq < 32; ++seq) {
    auto found = history.Find(seq, 0);
    ASSERT_TRUE(found.has_value()) << seq;
    EXPECT_THAT(Copy(*found), ElementsAreArray(MakePacket(seq)));
  }
  EXPECT_EQ(history.stats().not_found_overwritten, 16u);
  EXPECT_EQ(history.stats().found, 16u);
}

TEST(RtpSendHistoryTest, ASmallerPacketReplacesALargerOneInItsSlot) {
  RtpSendHistory history({.capacity = 4});
  ASSERT_TRUE(history.Store(MakePacket(1, 1400), 0));
  ASSERT_TRUE(history.Store(MakePacket(5, 40), 0));
  auto found = history.Find(5, 0);
  ASSERT_TRUE(found.has_value());
  EXPECT_THAT(Copy(*found), ElementsAreArray(MakePacket(5, 40)));
}

TEST(RtpSendHistoryTest, SequenceNumbersWrapFrom65535To0) {
  RtpSendHistory history({.capacity = 16});
  uint16_t seq = 65530;
  for (int i = 0; i < 16; ++i) ASSERT_TRUE(history.Store(MakePacket(seq++), 0));
  EXPECT_EQ(seq, 10);
  // 65530..65535 and 0..9 are all held.
  for (uint16_t s : {65530, 65535, 0, 9}) {
    auto found = history.Find(s, 0);
    ASSERT_TRUE(found.has_value()) << s;
    EXPECT_THAT(Copy(*found), ElementsAreArray(MakePacket(s)));
  }
  // 10 takes the slot of 65530: the old one is overwritten across the wrap,
  // and a request for 26 (the slot's next occupant) is not yet known.
  ASSERT_TRUE(history.Store(MakePacket(10), 0));
  EXPECT_FALSE(history.Find(65530, 0).has_value());
  EXPECT_EQ(history.stats().not_found_overwritten, 1u);
  EXPECT_FALSE(history.Find(26, 0).has_value());
  EXPECT_EQ(history.stats().not_found_unknown, 1u);
  EXPECT_THAT(FindCopy(history, 10, 0), Optional(ElementsAreArray(MakePacket(10))));
}

TEST(RtpSendHistoryTest, PacketsOlderThanMaxAgeAreNotFound) {
  RtpSendHistory history({.capacity = 16, .max_age_us = kSecond});
  ASSERT_TRUE(history.Store(MakePacket(1), 5 * kSecond));
  ASSERT_TRUE(history.Store(MakePacket(2), 5 * kSecond));
  EXPECT_TRUE(history.Find(1, 6 * kSecond).has_value());  // exactly max age
  EXPECT_FALSE(history.Find(2, 6 * kSecond + 1).has_value());
  EXPECT_EQ(history.stats().not_found_too_old, 1u);
  // Storing the packet again (a new send) makes it young again.
  ASSERT_TRUE(history.Store(MakePacket(2), 6 * kSecond));
  EXPECT_TRUE(history.Find(2, 6 * kSecond + 1).has_value());
}

TEST(RtpSendHistoryTest, RetransmitsAPacketAtMostOncePerInterval) {
  RtpSendHistory history({.capacity = 16, .min_resend_interval_us = 30'000});
  ASSERT_TRUE(history.Store(MakePacket(7), 0));
  // The original send does not count: the first request is answered at once.
  EXPECT_TRUE(history.Find(7, 1).has_value());
  EXPECT_FALSE(history.Find(7, 1).has_value());
  EXPECT_FALSE(history.Find(7, 30'000).has_value());
  EXPECT_TRUE(history.Find(7, 30'001).has_value());
  EXPECT_FALSE(history.Find(7, 40'000).has_value());
  EXPECT_EQ(history.stats().rate_limited, 3u);
  EXPECT_EQ(history.stats().found, 2u);

  // The limit follows the RTT; 0 lets every request through.
  history.set_min_resend_interval_us(0);
  EXPECT_TRUE(history.Find(7, 40'000).has_value());
  EXPECT_TRUE(history.Find(7, 40'000).has_value());
}

TEST(RtpSendHistoryTest, RateLimitIsPerPacket) {
  RtpSendHistory history({.capacity = 16, .min_resend_interval_us = 30'000});
  ASSERT_TRUE(history.Store(MakePacket(1), 0));
  ASSERT_TRUE(history.Store(MakePacket(2), 0));
  EXPECT_TRUE(history.Find(1, 10).has_value());
  EXPECT_TRUE(history.Find(2, 10).has_value());
  EXPECT_FALSE(history.Find(1, 20).has_value());
  // A new packet in the slot starts with no retransmission behind it.
  ASSERT_TRUE(history.Store(MakePacket(17), 20));
  EXPECT_TRUE(history.Find(17, 30).has_value());
}

TEST(RtpSendHistoryTest, RejectsWhatIsNotAStorableRtpPacket) {
  RtpSendHistory history({.capacity = 16});
  std::vector<uint8_t> short_packet = MakePacket(1);
  short_packet.resize(11);
  EXPECT_FALSE(history.Store(short_packet, 0));
  std::vector<uint8_t> version_1 = MakePacket(1);
  version_1[0] = 0x40;
  EXPECT_FALSE(history.Store(version_1, 0));
  EXPECT_FALSE(history.Store(MakePacket(1, kMaxStoredPacketSize + 1), 0));
  EXPECT_EQ(history.stats().rejected, 3u);
  EXPECT_FALSE(history.Find(1, 0).has_value());

  ASSERT_TRUE(history.Store(MakePacket(1, kMaxStoredPacketSize), 0));
  EXPECT_THAT(FindCopy(history, 1, 0),
              Optional(ElementsAreArray(MakePacket(1, kMaxStoredPacketSize))));
}

TEST(RtpSendHistoryTest, CapacityIsAPowerOfTwoUpToHalfTheSequenceSpace) {
  EXPECT_EQ(RtpSendHistory({.capacity = 512}).capacity(), 512u);
  EXPECT_EQ(RtpSendHistory({.capacity = 500}).capacity(), 512u);
  EXPECT_EQ(RtpSendHistory({.capacity = 0}).capacity(), 1u);
  EXPECT_EQ(RtpSendHistory({.capacity = 100'000}).capacity(), RtpSendHistory::kMaxCapacity);
}

TEST(RtpSendHistoryTest, HalfTheSequenceSpaceIsHeld) {
  RtpSendHistory history({.capacity = RtpSendHistory::kMaxCapacity});
  uint16_t seq = 40'000;
  for (size_t i = 0; i < RtpSendHistory::kMaxCapacity; ++i) {
    ASSERT_TRUE(history.Store(MakePacket(seq++, 20), 0));
  }
  EXPECT_TRUE(history.Find(40'000, 0).has_value());
  EXPECT_TRUE(history.Find(static_cast<uint16_t>(seq - 1), 0).has_value());
  ASSERT_TRUE(history.Store(MakePacket(seq, 20), 0));  // replaces 40000
  EXPECT_FALSE(history.Find(40'000, 0).has_value());
  EXPECT_TRUE(history.Find(seq, 0).has_value());
}

}  // namespace
}  // namespace konfero::rtp
