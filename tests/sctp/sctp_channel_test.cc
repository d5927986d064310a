// Tests of data channel delivery and closing in sctp/sctp_association.h over
// a lossy in-memory shuttle: reliable channels deliver everything (in order
// when ordered), partially reliable ones may lose messages but never stall,
// and a close by either side is reported on both. The lossy tests run on the
// real clock with short RTOs: usrsctp retransmits on timeout only after an
// RTO of real time (sctp_association.h).
#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sctp/sctp_association.h"
#include "sctp/sctp_pair.h"

namespace konfero::sctp {
namespace {

using testing::SctpPair;

std::vector<uint8_t> Numbered(int n, size_t size) {
  std::string s = std::to_string(n);
  s.resize(std::max(size, s.size()), '.');
  return {s.begin(), s.end()};
}

int NumberOf(const testing::ReceivedMessage& m) {
  return std::stoi(m.text().substr(0, m.text().find('.')));
}

// Opens a channel from the client and waits until both sides know it.
uint16_t OpenFromClient(SctpPair& pair, const DataChannelOptions& options) {
  const uint16_t id = pair.client->OpenChannel("lossy", "", options).value();
  EXPECT_TRUE(pair.RunUntil([&] {
    return !pair.server_events.opened.empty() && !pair.client_events.opened.empty();
  }));
  return id;
}

TEST(SctpChannelTest, ReliableOrderedChannelDeliversEverythingInOrderDespiteLoss) {
  SystemClock clock;
  SctpPair pair(clock, SctpPair::FastRetransmitConfig());
  ASSERT_TRUE(pair.ConnectAndWaitUp());
  const uint16_t id = OpenFromClient(pair, {});
  // Lose every 4th packet one way and every 5th the other way.
  pair.drop = [](bool from_client, uint64_t n) {
    return from_client ? n % 4 == 3 : n % 5 == 4;
  };
  constexpr int kCount = 200;
  for (int i = 0; i < kCount; ++i) {
    ASSERT_TRUE(pair.client->Send(id, Numbered(i, 700), MessageKind::kText).ok());
    if (i % 20 == 19) pair.Shuttle();
  }
  ASSERT_TRUE(pair.RunUntil([&] { return pair.server_events.messages.size() == kCount; },
                            absl::Seconds(30)));
  for (int i = 0; i < kCount; ++i) {
    EXPECT_EQ(NumberOf(pair.server_events.messages[i]), i);
  }
}

TEST(SctpChannelTest, ReliableUnorderedChannelDeliversEverythingDespiteLoss) {
  SystemClock clock;
  SctpPair pair(clock, SctpPair::FastRetransmitConfig());
  ASSERT_TRUE(pair.ConnectAndWaitUp());
  const uint16_t id = OpenFromClient(pair, DataChannelOptions::Reliable(/*ordered=*/false));
  pair.drop = [](bool from_client, uint64_t n) { return from_client && n % 3 == 1; };
  constexpr int kCount = 100;
  for (int i = 0; i < kCount; ++i) {
    ASSERT_TRUE(pair.client->Send(id, Numbered(i, 500), MessageKind::kBinary).ok());
    pair.Shuttle();
  }
  ASSERT_TRUE(pair.RunUntil([&] { return pair.server_events.messages.size() == kCount; },
                            absl::Seconds(30)));
  std::set<int> seen;
  for (const auto& m : pair.server_events.messages) seen.insert(NumberOf(m));
  EXPECT_EQ(seen.size(), static_cast<size_t>(kCount));
}

TEST(SctpChannelTest, ChannelOpensWhenTheOpenItselfIsLost) {
  SystemClock clock;
  SctpPair pair(clock, SctpPair::FastRetransmitConfig());
  ASSERT_TRUE(pair.ConnectAndWaitUp());
  bool dropped = false;
  pair.drop = [&](bool from_client, uint64_t) {
    if (!from_client || dropped) return false;
    dropped = true;  // The packet carrying DATA_CHANNEL_OPEN.
    return true;
  };
  const uint16_t id = pair.client->OpenChannel("retry", "", {}).value();
  ASSERT_TRUE(pair.RunUntil([&] { return !pair.client_events.opened.empty(); },
                            absl::Seconds(30)));
  EXPECT_TRUE(dropped);
  ASSERT_EQ(pair.server_events.opened.size(), 1u);
  EXPECT_EQ(pair.server_events.opened[0].stream_id, id);
  EXPECT_EQ(pair.server_events.opened[0].label, "retry");
}

TEST(SctpChannelTest, QuarterMebibyteMessageSurvivesLoss) {
  SystemClock clock;
  SctpPair pair(clock, SctpPair::FastRetransmitConfig());
  ASSERT_TRUE(pair.ConnectAndWaitUp());
  const uint16_t id = OpenFromClient(pair, {});
  pair.drop = [](bool from_client, uint64_t n) {
    return from_client ? n % 7 == 2 : n % 4 == 1;
  };
  std::vector<uint8_t> big(256 * 1024);
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<uint8_t>(i * 131 + (i >> 9));
  ASSERT_TRUE(pair.client->Send(id, big, MessageKind::kBinary).ok());
  ASSERT_TRUE(pair.RunUntil([&] { return !pair.server_events.messages.empty(); },
                            absl::Seconds(30)));
  ASSERT_EQ(pair.server_events.messages.size(), 1u);
  EXPECT_TRUE(pair.server_events.messages[0].data == big);
}

void ExpectLossyButNeverBlocked(bool ordered) {
  SystemClock clock;
  SctpPair pair(clock, SctpPair::FastRetransmitConfig());
  ASSERT_TRUE(pair.ConnectAndWaitUp());
  const uint16_t id = OpenFromClient(pair, DataChannelOptions::MaxRetransmits(0, ordered));
  bool lossy = true;
  pair.drop = [&](bool from_client, uint64_t n) { return lossy && from_client && n % 3 == 0; };
  constexpr int kCount = 100;
  for (int i = 0; i < kCount; ++i) {
    ASSERT_TRUE(pair.client->Send(id, Numbered(i, 900), MessageKind::kBinary).ok());
    pair.Shuttle();
  }
  // Let retransmission timers expire: with max_retransmits 0 the lost
  // messages are abandoned (FORWARD-TSN) rather than resent.
  pair.RunUntil([] { return false; }, absl::Milliseconds(500));
  lossy = false;
  ASSERT_TRUE(pair.client->Send(id, Numbered(kCount, 900), MessageKind::kBinary).ok());
  ASSERT_TRUE(pair.RunUntil([&] {
    return !pair.server_events.messages.empty() &&
           NumberOf(pair.server_events.messages.back()) == kCount;
  }));
  const auto& got = pair.server_events.messages;
  EXPECT_LT(got.size(), static_cast<size_t>(kCount) + 1);  // Some were lost...
  EXPECT_GT(got.size(), static_cast<size_t>(kCount) / 3);  // ...most were not.
  if (ordered) {
    for (size_t i = 1; i < got.size(); ++i) {
      EXPECT_LT(NumberOf(got[i - 1]), NumberOf(got[i]));
    }
  }
}

TEST(SctpChannelTest, PartiallyReliableUnorderedChannelMayDropButNeverBlocks) {
  ExpectLossyButNeverBlocked(/*ordered=*/false);
}

TEST(SctpChannelTest, PartiallyReliableOrderedChannelMayDropButNeverBlocks) {
  ExpectLossyButNeverBlocked(/*ordered=*/true);
}

TEST(SctpChannelTest, CloseByClientIsReportedOnBothSides) {
  ManualClock clock;
  SctpPair pair(clock);
  ASSERT_TRUE(pair.ConnectAndWaitUp());
  const uint16_t id = OpenFromClient(pair, {});
  ASSERT_TRUE(pair.client->Send(id, {1, 2, 3}, MessageKind::kBinary).ok());
  ASSERT_TRUE(pair.client->CloseChannel(id).ok());
  EXPECT_EQ(pair.client->Send(id, {1}, MessageKind::kBinary).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(pair.client->CloseChannel(id).code(), absl::StatusCode::kNotFound);
  ASSERT_TRUE(pair.RunUntil([&] {
    return !pair.client_events.closed.empty() && !pair.server_events.closed.empty();
  }));
  EXPECT_EQ(pair.client_events.closed, std::vector<uint16_t>{id});
  EXPECT_EQ(pair.server_events.closed, std::vector<uint16_t>{id});
  // The message sent before the close still arrived.
  ASSERT_EQ(pair.server_events.messages.size(), 1u);
  EXPECT_EQ(pair.server->Send(id, {1}, MessageKind::kBinary).code(),
            absl::StatusCode::kNotFound);
  // The stream id is free again and a new channel on it works.
  const uint16_t again = pair.client->OpenChannel("again", "", {}).value();
  EXPECT_EQ(again, id);
  ASSERT_TRUE(pair.client->Send(again, {9}, MessageKind::kBinary).ok());
  ASSERT_TRUE(pair.RunUntil([&] { return pair.server_events.messages.size() == 2; }));
  EXPECT_EQ(pair.server_events.opened.back().label, "again");
}

TEST(SctpChannelTest, CloseByServerIsReportedOnBothSides) {
  ManualClock clock;
  SctpPair pair(clock);
  ASSERT_TRUE(pair.ConnectAndWaitUp());
  const uint16_t id = OpenFromClient(pair, {});
  const uint16_t other = pair.server->OpenChannel("other", "", {}).value();
  ASSERT_TRUE(pair.RunUntil([&] { return pair.client_events.opened.size() == 2; }));
  ASSERT_TRUE(pair.server->CloseChannel(id).ok());
  ASSERT_TRUE(pair.server->CloseChannel(other).ok());
  ASSERT_TRUE(pair.RunUntil([&] {
    return pair.client_events.closed.size() == 2 && pair.server_events.closed.size() == 2;
  }));
  std::vector<uint16_t> expected = {id, other};
  std::sort(expected.begin(), expected.end());
  for (auto* closed : {&pair.client_events.closed, &pair.server_events.closed}) {
    std::sort(closed->begin(), closed->end());
    EXPECT_EQ(*closed, expected);
  }
}

TEST(SctpChannelTest, SimultaneousCloseFromBothSidesIsReportedOnce) {
  ManualClock clock;
  SctpPair pair(clock);
  ASSERT_TRUE(pair.ConnectAndWaitUp());
  const uint16_t id = OpenFromClient(pair, {});
  ASSERT_TRUE(pair.client->CloseChannel(id).ok());
  ASSERT_TRUE(pair.server->CloseChannel(id).ok());
  ASSERT_TRUE(pair.RunUntil([&] {
    return !pair.client_events.closed.empty() && !pair.server_events.closed.empty();
  }));
  pair.RunUntil([] { return false; }, absl::Seconds(2));
  EXPECT_EQ(pair.client_events.closed, std::vector<uint16_t>{id});
  EXPECT_EQ(pair.server_events.closed, std::vector<uint16_t>{id});
}

}  // namespace
}  // namespace konfero::sctp
