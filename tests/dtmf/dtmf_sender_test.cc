// Tests of dtmf/dtmf_sender.h: the packet schedule of one digit, its errors,
// and sender -> parser -> receiver round trips.
#include "dtmf/dtmf_sender.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "dtmf/dtmf_receiver.h"

namespace konfero::dtmf {
namespace {

std::vector<DtmfEventSender::Packet> Drain(DtmfEventSender& sender) {
  std::vector<DtmfEventSender::Packet> packets;
  while (auto p = sender.Next()) {
    packets.push_back(*p);
    if (packets.size() > 1000) break;
  }
  return packets;
}

TEST(DtmfEventSenderTest, HundredMillisecondDigitIsSevenPackets) {
  DtmfEventSender sender(8000, 20);
  EXPECT_FALSE(sender.active());
  ASSERT_TRUE(sender.Start('5', 100, 123456).ok());
  EXPECT_TRUE(sender.active());
  std::vector<DtmfEventSender::Packet> packets = Drain(sender);
  EXPECT_FALSE(sender.active());
  ASSERT_EQ(packets.size(), 7u);
  const std::vector<std::array<uint8_t, 4>> expected = {
      {0x05, 0x0A, 0x00, 0xA0}, {0x05, 0x0A, 0x01, 0x40}, {0x05, 0x0A, 0x01, 0xE0},
      {0x05, 0x0A, 0x02, 0x80}, {0x05, 0x8A, 0x03, 0x20}, {0x05, 0x8A, 0x03, 0x20},
      {0x05, 0x8A, 0x03, 0x20}};
  for (size_t i = 0; i < packets.size(); ++i) {
    EXPECT_EQ(packets[i].payload, expected[i]) << i;
    EXPECT_EQ(packets[i].marker, i == 0) << i;
    EXPECT_EQ(packets[i].timestamp, 123456u) << i;
  }
  EXPECT_FALSE(sender.Next().has_value());
}

TEST(DtmfEventSenderTest, DurationThatIsNotAMultipleOfThePacket) {
  DtmfEventSender sender(8000, 20);
  ASSERT_TRUE(sender.Start('#', 50, 0).ok());  // 400 units: 160, 320, 400E x3
  std::vector<DtmfEventSender::Packet> packets = Drain(sender);
  ASSERT_EQ(packets.size(), 5u);
  std::vector<uint16_t> durations;
  for (const auto& p : packets) {
    auto e = ParseTelephoneEvent(p.payload);
    ASSERT_TRUE(e.has_value());
    EXPECT_EQ(e->event, 11);
    EXPECT_EQ(e->end, durations.size() >= 2);
    durations.push_back(e->duration);
  }
  EXPECT_EQ(durations, (std::vector<uint16_t>{160, 320, 400, 400, 400}));
}

TEST(DtmfEventSenderTest, FortyEightKilohertzClock) {
  DtmfEventSender sender(48000, 20);
  ASSERT_TRUE(sender.Start('1', 40, 7).ok());
  std::vector<DtmfEventSender::Packet> packets = Drain(sender);
  ASSERT_EQ(packets.size(), 4u);  // 960, 1920E x3
  EXPECT_EQ(ParseTelephoneEvent(packets[0].payload)->duration, 960);
  EXPECT_EQ(ParseTelephoneEvent(packets[3].payload)->duration, 1920);
}

TEST(DtmfEventSenderTest, RejectsBadDigitsAndDurations) {
  DtmfEventSender sender;
  EXPECT_EQ(sender.Start('x', 100, 0).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(sender.Start('E', 100, 0).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(sender.Start('\0', 100, 0).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(sender.Start('1', 39, 0).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(sender.Start('1', 5001, 0).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(sender.Start('1', -100, 0).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(sender.active());
  EXPECT_TRUE(sender.Start('1', 40, 0).ok());
  DtmfEventSender at_8k;
  EXPECT_TRUE(at_8k.Start('d', 5000, 0).ok());
  // 2 s at 48 kHz is 96000 units: more than one 16-bit segment.
  DtmfEventSender at_48k(48000);
  EXPECT_EQ(at_48k.Start('1', 2000, 0).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(at_48k.Start('1', 1365, 0).ok());
}

TEST(DtmfEventSenderTest, OneDigitAtATime) {
  DtmfEventSender sender;
  ASSERT_TRUE(sender.Start('1', 100, 0).ok());
  EXPECT_EQ(sender.Start('2', 100, 800).code(), absl::StatusCode::kFailedPrecondition);
  Drain(sender);
  EXPECT_TRUE(sender.Start('2', 100, 800).ok());
}

// Sends `digits` one after the other with a 60 ms pause, as a phone would,
// through the wire format, into a receiver.
std::string RoundTrip(const std::string& digits, int clock_rate, uint32_t first_timestamp) {
  DtmfEventSender sender(clock_rate, 20);
  DtmfEventReceiver receiver(clock_rate);
  std::string got;
  uint32_t timestamp = first_timestamp;
  for (char c : digits) {
    EXPECT_TRUE(sender.Start(c, 120, timestamp).ok());
    while (auto p = sender.Next()) {
      auto e = ParseTelephoneEvent(p->payload);
      EXPECT_TRUE(e.has_value());
      if (auto d = receiver.OnPacket(p->timestamp, *e)) {
        EXPECT_EQ(d->duration_ms, 120);
        got.push_back(d->digit);
      }
    }
    timestamp += static_cast<uint32_t>((120 + 60) * clock_rate / 1000);
  }
  if (auto d = receiver.Flush()) got.push_back(d->digit);
  return got;
}

TEST(DtmfEventSenderTest, RoundTripThroughTheReceiver) {
  EXPECT_EQ(RoundTrip("1234#*ABCD", 8000, 0), "1234#*ABCD");
  EXPECT_EQ(RoundTrip("1234#*ABCD", 48000, 0xFFFFF000u), "1234#*ABCD");  // wraps
  EXPECT_EQ(RoundTrip("1122", 8000, 5), "1122");
}

TEST(DtmfEventSenderTest, RoundTripWithEveryEndPacketLost) {
  // 120 ms at 20 ms: five updates (160..800), then 960E three times. Each
  // digit is reported when the next one starts; the last at Flush.
  DtmfEventSender sender;
  DtmfEventReceiver receiver;
  std::string got;
  uint32_t timestamp = 0;
  for (char c : std::string("1234#*ABCD")) {
    ASSERT_TRUE(sender.Start(c, 120, timestamp).ok());
    while (auto p = sender.Next()) {
      auto e = ParseTelephoneEvent(p->payload);
      ASSERT_TRUE(e.has_value());
      if (e->end) continue;  // lost
      if (auto d = receiver.OnPacket(p->timestamp, *e)) {
        got.push_back(d->digit);
      }
    }
    timestamp += 1440;
  }
  if (auto d = receiver.Flush()) got.push_back(d->digit);
  EXPECT_EQ(got, "1234#*ABCD");
}

}  // namespace
}  // namespace konfero::dtmf
