// Tests of sctp/sctp_association.h: two associations (DTLS client and
// server) in one process come up, open channels from either side with the
// right stream-id parity, and carry text, binary, empty and 256 KiB
// messages; two pairs in the same process do not see each other's traffic.
#include "sctp/sctp_association.h"

#include <cstdint>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "sctp/sctp_pair.h"

namespace konfero::sctp {
namespace {

using testing::SctpPair;

std::vector<uint8_t> Bytes(std::string_view s) { return {s.begin(), s.end()}; }

std::vector<uint8_t> Pattern(size_t size, uint32_t seed) {
  std::vector<uint8_t> out(size);
  uint32_t x = seed;
  for (uint8_t& b : out) {
    x = x * 1664525u + 1013904223u;
    b = static_cast<uint8_t>(x >> 24);
  }
  return out;
}

TEST(SctpAssociationTest, AssociationComesUpOnBothSides) {
  ManualClock clock;
  SctpPair pair(clock);
  EXPECT_FALSE(pair.client->is_up());
  ASSERT_TRUE(pair.ConnectAndWaitUp());
  EXPECT_TRUE(pair.client->is_up());
  EXPECT_TRUE(pair.server->is_up());
  EXPECT_FALSE(pair.client_events.down);
}

TEST(SctpAssociationTest, PeerThatConnectsFirstIsNotRefused) {
  ManualClock clock;
  SctpPair pair(clock);
  ASSERT_TRUE(pair.client->Connect().ok());
  // The client's INIT reaches the server before the server connects.
  for (const auto& packet : pair.client->TakeOutgoing()) {
    pair.server->HandleIncomingPacket(packet);
  }
  ASSERT_TRUE(pair.server->Connect().ok());
  EXPECT_TRUE(pair.RunUntil([&] { return pair.client_events.up && pair.server_events.up; }));
}

TEST(SctpAssociationTest, ConnectTwiceFails) {
  ManualClock clock;
  SctpPair pair(clock);
  ASSERT_TRUE(pair.client->Connect().ok());
  EXPECT_EQ(pair.client->Connect().code(), absl::StatusCode::kFailedPrecondition);
}

TEST(SctpAssociationTest, CreateRejectsSmallMaxMessageSize) {
  testing::RecordingListener events;
  SctpAssociation::Config config;
  config.max_message_size = 64 * 1024;
  EXPECT_EQ(SctpAssociation::Create(config, events).status().code(),
            absl::StatusCode::kInvalidArgument);
  config = {};
  config.rto_min = absl::Seconds(5);  // above rto_initial
  EXPECT_EQ(SctpAssociation::Create(config, events).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SctpAssociationTest, ClientOpensEvenChannelThatReachesServer) {
  ManualClock clock;
  SctpPair pair(clock);
  ASSERT_TRUE(pair.ConnectAndWaitUp());
  const absl::StatusOr<uint16_t> id = pair.client->OpenChannel("chat", "json-v1", {});
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(*id % 2, 0);
  ASSERT_TRUE(pair.RunUntil([&] {
    return !pair.server_events.opened.empty() && !pair.client_events.opened.empty();
  }));
  const DataChannelInfo& remote = pair.server_events.opened[0];
  EXPECT_EQ(remote.stream_id, *id);
  EXPECT_EQ(remote.label, "chat");
  EXPECT_EQ(remote.protocol, "json-v1");
  EXPECT_TRUE(remote.options.ordered);
  EXPECT_FALSE(remote.opened_locally);
  EXPECT_TRUE(pair.client_events.opened[0].opened_locally);
  EXPECT_EQ(pair.client_events.opened[0].stream_id, *id);
}

TEST(SctpAssociationTest, ServerOpensOddChannelThatReachesClient) {
  ManualClock clock;
  SctpPair pair(clock);
  ASSERT_TRUE(pair.ConnectAndWaitUp());
  DataChannelOptions options;
  options.ordered = false;
  options.max_packet_lifetime_ms = 500;
  const absl::StatusOr<uint16_t> first = pair.server->OpenChannel("a", "", options);
  const absl::StatusOr<uint16_t> second = pair.server->OpenChannel("b", "", {});
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ(*first % 2, 1);
  EXPECT_EQ(*second % 2, 1);
  EXPECT_NE(*first, *second);
  ASSERT_TRUE(pair.RunUntil([&] { return pair.client_events.opened.size() == 2; }));
  EXPECT_EQ(pair.client_events.opened[0].label, "a");
  EXPECT_EQ(pair.client_events.opened[0].options, options);
  EXPECT_EQ(pair.client_events.opened[1].label, "b");
}

TEST(SctpAssociationTest, ChannelOpenedBeforeTheAssociationIsUpWaits) {
  ManualClock clock;
  SctpPair pair(clock);
  const absl::StatusOr<uint16_t> id = pair.client->OpenChannel("early", "", {});
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(pair.client->Send(*id, Bytes("first"), MessageKind::kText).ok());
  pair.Connect();
  ASSERT_TRUE(pair.RunUntil([&] { return !pair.server_events.messages.empty(); }));
  ASSERT_EQ(pair.server_events.opened.size(), 1u);
  EXPECT_EQ(pair.server_events.opened[0].label, "early");
  EXPECT_EQ(pair.server_events.messages[0].text(), "first");
}

TEST(SctpAssociationTest, TextBinaryAndEmptyMessagesBothWays) {
  ManualClock clock;
  SctpPair pair(clock);
  ASSERT_TRUE(pair.ConnectAndWaitUp());
  const uint16_t id = pair.client->OpenChannel("data", "", {}).value();
  // Sent before the ACK: still delivered, after the OPEN.
  ASSERT_TRUE(pair.client->Send(id, Bytes("hello"), MessageKind::kText).ok());
  ASSERT_TRUE(pair.RunUntil([&] { return !pair.server_events.opened.empty(); }));
  ASSERT_TRUE(pair.client->Send(id, {0x00, 0xff, 0x10}, MessageKind::kBinary).ok());
  ASSERT_TRUE(pair.client->Send(id, {}, MessageKind::kText).ok());
  ASSERT_TRUE(pair.client->Send(id, {}, MessageKind::kBinary).ok());
  ASSERT_TRUE(pair.server->Send(id, Bytes("hi back"), MessageKind::kText).ok());
  ASSERT_TRUE(pair.server->Send(id, {1, 2, 3, 4}, MessageKind::kBinary).ok());
  ASSERT_TRUE(pair.RunUntil([&] {
    return pair.server_events.messages.size() == 4 && pair.client_events.messages.size() == 2;
  }));
  const auto& at_server = pair.server_events.messages;
  EXPECT_EQ(at_server[0].kind, MessageKind::kText);
  EXPECT_EQ(at_server[0].text(), "hello");
  EXPECT_EQ(at_server[1].kind, MessageKind::kBinary);
  EXPECT_EQ(at_server[1].data, (std::vector<uint8_t>{0x00, 0xff, 0x10}));
  EXPECT_EQ(at_server[2].kind, MessageKind::kText);
  EXPECT_TRUE(at_server[2].data.empty());
  EXPECT_EQ(at_server[3].kind, MessageKind::kBinary);
  EXPECT_TRUE(at_server[3].data.empty());
  const auto& at_client = pair.client_events.messages;
  EXPECT_EQ(at_client[0].text(), "hi back");
  EXPECT_EQ(at_client[0].stream_id, id);
  EXPECT_EQ(at_client[1].kind, MessageKind::kBinary);
  EXPECT_EQ(at_client[1].data, (std::vector<uint8_t>{1, 2, 3, 4}));
}

TEST(SctpAssociationTest, QuarterMebibyteMessageArrivesIntactBothWays) {
  ManualClock clock;
  SctpPair pair(clock);
  ASSERT_TRUE(pair.ConnectAndWaitUp());
  const uint16_t id = pair.server->OpenChannel("files", "", {}).value();
  ASSERT_TRUE(pair.RunUntil([&] { return !pair.client_events.opened.empty(); }));
  const std::vector<uint8_t> big = Pattern(256 * 1024, 7);
  const std::vector<uint8_t> big2 = Pattern(256 * 1024, 8);
  ASSERT_TRUE(pair.server->Send(id, big, MessageKind::kBinary).ok());
  ASSERT_TRUE(pair.server->Send(id, big2, MessageKind::kBinary).ok());
  ASSERT_TRUE(pair.client->Send(id, big2, MessageKind::kBinary).ok());
  ASSERT_TRUE(pair.RunUntil([&] {
    return pair.client_events.messages.size() == 2 && pair.server_events.messages.size() == 1;
  }));
  EXPECT_TRUE(pair.client_events.messages[0].data == big);
  EXPECT_TRUE(pair.client_events.messages[1].data == big2);
  EXPECT_TRUE(pair.server_events.messages[0].data == big2);
  EXPECT_EQ(pair.server->buffered_amount(), 0u);
}

TEST(SctpAssociationTest, SendRejectsUnknownChannelAndOversizedMessage) {
  ManualClock clock;
  SctpPair pair(clock);
  ASSERT_TRUE(pair.ConnectAndWaitUp());
  EXPECT_EQ(pair.client->Send(4, Bytes("x"), MessageKind::kText).code(),
            absl::StatusCode::kNotFound);
  const uint16_t id = pair.client->OpenChannel("c", "", {}).value();
  const std::vector<uint8_t> too_big(256 * 1024 + 1);
  EXPECT_EQ(pair.client->Send(id, too_big, MessageKind::kBinary).code(),
            absl::StatusCode::kInvalidArgument);
  DataChannelOptions both = DataChannelOptions::MaxRetransmits(1);
  both.max_packet_lifetime_ms = 1;
  EXPECT_EQ(pair.client->OpenChannel("x", "", both).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(SctpAssociationTest, SendRespectsThePeersSmallerMaxMessageSize) {
  testing::RecordingListener events;
  SctpAssociation::Config config;
  config.remote_max_message_size = 65536;  // SDP without a=max-message-size
  auto association = std::move(SctpAssociation::Create(config, events).value());
  EXPECT_EQ(association->max_send_message_size(), 65536u);
  const uint16_t id = association->OpenChannel("c", "", {}).value();
  EXPECT_TRUE(association->Send(id, std::vector<uint8_t>(65536), MessageKind::kBinary).ok());
  EXPECT_EQ(association->Send(id, std::vector<uint8_t>(65537), MessageKind::kBinary).code(),
            absl::StatusCode::kInvalidArgument);
  config.remote_max_message_size = 0;  // The peer has no limit: ours applies.
  config.max_message_size = 1 << 20;
  auto unlimited = std::move(SctpAssociation::Create(config, events).value());
  EXPECT_EQ(unlimited->max_send_message_size(), size_t{1} << 20);
}

TEST(SctpAssociationTest, TwoPairsInOneProcessDoNotCrossTalk) {
  ManualClock clock;
  SctpPair first(clock);
  SctpPair second(clock);
  first.Connect();
  second.Connect();
  auto both_up = [&] {
    return first.client_events.up && first.server_events.up && second.client_events.up &&
           second.server_events.up;
  };
  for (int i = 0; i < 1000 && !both_up(); ++i) {
    first.Shuttle();
    second.Shuttle();
    clock.Advance(absl::Milliseconds(10));
    first.client->HandleTimers(clock.Now());
  }
  ASSERT_TRUE(both_up());
  const uint16_t a = first.client->OpenChannel("first", "", {}).value();
  const uint16_t b = second.client->OpenChannel("second", "", {}).value();
  EXPECT_EQ(a, b);  // Same ports, same stream ids: only the pairing differs.
  ASSERT_TRUE(first.client->Send(a, Bytes("to first"), MessageKind::kText).ok());
  ASSERT_TRUE(second.client->Send(b, Bytes("to second"), MessageKind::kText).ok());
  ASSERT_TRUE(first.RunUntil([&] { return !first.server_events.messages.empty(); }));
  ASSERT_TRUE(second.RunUntil([&] { return !second.server_events.messages.empty(); }));
  ASSERT_EQ(first.server_events.messages.size(), 1u);
  ASSERT_EQ(second.server_events.messages.size(), 1u);
  EXPECT_EQ(first.server_events.messages[0].text(), "to first");
  EXPECT_EQ(second.server_events.messages[0].text(), "to second");
  EXPECT_EQ(first.server_events.opened[0].label, "first");
  EXPECT_EQ(second.server_events.opened[0].label, "second");
}

TEST(SctpAssociationTest, TimersRunOnlyInHandleTimers) {
  SystemClock clock;
  SctpPair pair(clock, SctpPair::FastRetransmitConfig());
  ASSERT_TRUE(pair.ConnectAndWaitUp());
  const uint16_t id = pair.client->OpenChannel("c", "", {}).value();
  ASSERT_TRUE(pair.RunUntil([&] { return !pair.server_events.opened.empty(); }));
  ASSERT_TRUE(pair.client->Send(id, Bytes("lost once"), MessageKind::kText).ok());
  ASSERT_FALSE(pair.client->TakeOutgoing().empty());  // The DATA, lost.
  // usrsctp_init_nothreads: no timer thread retransmits behind our back,
  // however many RTOs pass...
  absl::SleepFor(absl::Milliseconds(300));
  EXPECT_TRUE(pair.client->TakeOutgoing().empty());
  // ...until the owner runs the timers.
  pair.client->HandleTimers(clock.Now());
  const auto retransmitted = pair.client->TakeOutgoing();
  ASSERT_FALSE(retransmitted.empty());
  for (const auto& packet : retransmitted) pair.server->HandleIncomingPacket(packet);
  ASSERT_TRUE(pair.RunUntil([&] { return !pair.server_events.messages.empty(); }));
  EXPECT_EQ(pair.server_events.messages[0].text(), "lost once");
}

TEST(SctpAssociationTest, ShutdownIsReportedOnBothSidesWithTheirChannels) {
  ManualClock clock;
  SctpPair pair(clock);
  ASSERT_TRUE(pair.ConnectAndWaitUp());
  const uint16_t id = pair.client->OpenChannel("c", "", {}).value();
  ASSERT_TRUE(pair.RunUntil([&] { return !pair.server_events.opened.empty(); }));
  ASSERT_TRUE(pair.server->Shutdown().ok());
  ASSERT_TRUE(pair.RunUntil([&] { return pair.client_events.down && pair.server_events.down; }));
  EXPECT_EQ(pair.client_events.closed, std::vector<uint16_t>{id});
  EXPECT_EQ(pair.server_events.closed, std::vector<uint16_t>{id});
  EXPECT_FALSE(pair.client->is_up());
  EXPECT_EQ(pair.client->OpenChannel("late", "", {}).status().code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(SctpAssociationTest, UnreachablePeerTakesTheAssociationDown) {
  ManualClock clock;
  SctpPair pair(clock);
  ASSERT_TRUE(pair.ConnectAndWaitUp());
  const uint16_t id = pair.client->OpenChannel("c", "", {}).value();
  ASSERT_TRUE(pair.RunUntil([&] { return !pair.server_events.opened.empty(); }));
  pair.drop = [](bool, uint64_t) { return true; };
  ASSERT_TRUE(pair.client->Send(id, Bytes("into the void"), MessageKind::kText).ok());
  ASSERT_TRUE(pair.RunUntil([&] { return pair.client_events.down; }, absl::Minutes(20)));
  EXPECT_EQ(pair.client_events.down_reason.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(pair.client_events.closed, std::vector<uint16_t>{id});
}

TEST(SctpAssociationTest, OpenOnAFreeStreamOfOurParityIsAccepted) {
  // Both sides claim the DTLS client role, so both pick even stream ids, as
  // aiortc 1.4 does against RFC 8832 (it picks odd ids as DTLS client). The
  // receiver accepts an OPEN on any free stream, so the channel opens.
  ManualClock clock;
  testing::RecordingListener a_events;
  testing::RecordingListener b_events;
  SctpAssociation::Config config;
  config.role = DtlsRole::kClient;
  auto a = std::move(SctpAssociation::Create(config, a_events).value());
  auto b = std::move(SctpAssociation::Create(config, b_events).value());
  ASSERT_TRUE(a->Connect().ok());
  ASSERT_TRUE(b->Connect().ok());
  const auto shuttle = [&] {
    for (int i = 0; i < 100; ++i) {
      auto from_a = a->TakeOutgoing();
      auto from_b = b->TakeOutgoing();
      if (from_a.empty() && from_b.empty()) break;
      for (const auto& p : from_a) b->HandleIncomingPacket(p);
      for (const auto& p : from_b) a->HandleIncomingPacket(p);
    }
  };
  for (int i = 0; i < 500 && !(a_events.up && b_events.up); ++i) {
    shuttle();
    clock.Advance(absl::Milliseconds(10));
    a->HandleTimers(clock.Now());
  }
  ASSERT_TRUE(a_events.up && b_events.up);
  const uint16_t id = a->OpenChannel("wrong parity", "", {}).value();
  for (int i = 0; i < 500 && a_events.opened.empty(); ++i) {
    shuttle();
    clock.Advance(absl::Milliseconds(10));
    a->HandleTimers(clock.Now());
  }
  ASSERT_EQ(a_events.opened.size(), 1u);
  ASSERT_EQ(b_events.opened.size(), 1u);
  EXPECT_EQ(b_events.opened[0].stream_id, id);
  EXPECT_EQ(b_events.opened[0].label, "wrong parity");
  EXPECT_TRUE(a_events.closed.empty());
  EXPECT_TRUE(b_events.closed.empty());
}

}  // namespace
}  // namespace konfero::sctp
