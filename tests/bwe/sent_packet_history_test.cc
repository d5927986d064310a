// Tests of bwe/sent_packet_history.h.
#include "bwe/sent_packet_history.h"

#include <cstdint>

#include <gtest/gtest.h>

namespace konfero::bwe {
namespace {

TEST(SentPacketHistoryTest, CapacityIsAPowerOfTwoWithinBounds) {
  EXPECT_EQ(SentPacketHistory().capacity(), size_t{1} << 15);
  EXPECT_EQ(SentPacketHistory(100).capacity(), 128u);
  EXPECT_EQ(SentPacketHistory(1).capacity(), 16u);
  EXPECT_EQ(SentPacketHistory(size_t{1} << 20).capacity(), size_t{1} << 15);
}

TEST(SentPacketHistoryTest, FindsWhatWasSent) {
  SentPacketHistory history(64);
  for (uint16_t seq = 10; seq < 20; ++seq) {
    ASSERT_TRUE(history.OnPacketSent(seq, 1000 + seq, seq * 1000));
  }
  for (uint16_t seq = 10; seq < 20; ++seq) {
    const auto sent = history.Find(seq);
    ASSERT_TRUE(sent.has_value()) << seq;
    EXPECT_EQ(sent->sequence_number, seq);
    EXPECT_EQ(sent->send_time_us, seq * 1000);
    EXPECT_EQ(sent->size, 1000u + seq);
  }
  EXPECT_EQ(history.newest(), 19);
}

TEST(SentPacketHistoryTest, UnsentNumbersAreNotFound) {
  SentPacketHistory history(64);
  EXPECT_FALSE(history.Find(0).has_value());  // nothing sent
  for (uint16_t seq = 0; seq < 10; ++seq) history.OnPacketSent(seq, 100, 0);
  history.OnPacketSent(13, 100, 0);  // 10-12 skipped
  EXPECT_TRUE(history.Find(9).has_value());
  EXPECT_FALSE(history.Find(10).has_value());
  EXPECT_FALSE(history.Find(12).has_value());
  EXPECT_TRUE(history.Find(13).has_value());
  EXPECT_FALSE(history.Find(14).has_value());  // not yet
  EXPECT_FALSE(history.OnReceived(11).has_value());
  EXPECT_FALSE(history.OnLost(11).has_value());
}

TEST(SentPacketHistoryTest, NumbersNotNewerAreRejected) {
  SentPacketHistory history(64);
  ASSERT_TRUE(history.OnPacketSent(5, 100, 1));
  EXPECT_FALSE(history.OnPacketSent(5, 200, 2));
  EXPECT_FALSE(history.OnPacketSent(4, 200, 2));
  EXPECT_EQ(history.Find(5)->size, 100u);
  EXPECT_FALSE(history.Find(4).has_value());
}

TEST(SentPacketHistoryTest, OldPacketsLeaveTheRing) {
  SentPacketHistory history(16);
  for (uint16_t seq = 0; seq < 40; ++seq) history.OnPacketSent(seq, 100, seq);
  for (uint16_t seq = 0; seq < 24; ++seq) EXPECT_FALSE(history.Find(seq).has_value()) << seq;
  for (uint16_t seq = 24; seq < 40; ++seq) EXPECT_TRUE(history.Find(seq).has_value()) << seq;
}

TEST(SentPacketHistoryTest, AJumpForgetsEverythingBefore) {
  SentPacketHistory history(16);
  for (uint16_t seq = 0; seq < 16; ++seq) history.OnPacketSent(seq, 100, seq);
  ASSERT_TRUE(history.OnPacketSent(30000, 100, 16));
  for (uint16_t seq = 0; seq < 16; ++seq) EXPECT_FALSE(history.Find(seq).has_value()) << seq;
  EXPECT_TRUE(history.Find(30000).has_value());
}

TEST(SentPacketHistoryTest, AnArrivalIsReportedOnce) {
  SentPacketHistory history(64);
  history.OnPacketSent(7, 500, 70);
  const auto first = history.OnReceived(7);
  ASSERT_TRUE(first.has_value());
  EXPECT_EQ(first->send_time_us, 70);
  EXPECT_EQ(first->size, 500u);
  EXPECT_FALSE(history.OnReceived(7).has_value());
  EXPECT_FALSE(history.OnLost(7).has_value());  // arrived: not lost after all
  EXPECT_TRUE(history.Find(7).has_value());     // still held
}

TEST(SentPacketHistoryTest, ALossIsReportedOnceAndALateArrivalStillCounts) {
  SentPacketHistory history(64);
  history.OnPacketSent(7, 500, 70);
  EXPECT_TRUE(history.OnLost(7).has_value());
  EXPECT_FALSE(history.OnLost(7).has_value());
  EXPECT_TRUE(history.OnReceived(7).has_value());
  EXPECT_FALSE(history.OnReceived(7).has_value());
}

TEST(SentPacketHistoryTest, WrapsAt65535) {
  SentPacketHistory history(64);
  uint16_t seq = 65530;
  for (int i = 0; i < 12; ++i) history.OnPacketSent(seq++, 100, i);
  EXPECT_EQ(history.newest(), 65541);
  EXPECT_EQ(history.Find(65535)->sequence_number, 65535);
  EXPECT_EQ(history.Find(0)->sequence_number, 65536);
  EXPECT_EQ(history.Find(5)->sequence_number, 65541);
  EXPECT_EQ(history.Find(0)->send_time_us, 6);
  EXPECT_FALSE(history.Find(6).has_value());
  EXPECT_TRUE(history.OnReceived(65533).has_value());
  EXPECT_TRUE(history.OnReceived(2).has_value());
}

TEST(SentPacketHistoryTest, KeepsMatchingOverManyLaps) {
  SentPacketHistory history(1024);
  uint16_t seq = 0;
  for (int64_t i = 0; i < 200'000; ++i) {
    history.OnPacketSent(seq, 1200, i);
    if (i >= 100) {
      const auto sent = history.OnReceived(static_cast<uint16_t>(seq - 100));
      ASSERT_TRUE(sent.has_value()) << i;
      ASSERT_EQ(sent->send_time_us, i - 100);
    }
    ++seq;
  }
}

}  // namespace
}  // namespace konfero::bwe
