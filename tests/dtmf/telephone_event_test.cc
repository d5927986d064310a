// Tests of dtmf/telephone_event.h: RFC 4733 section 2.3 payloads byte by
// byte, round trips, and payloads that are too short.
#include "dtmf/telephone_event.h"

#include <gtest/gtest.h>

#include <array>
#include <cstdint>
#include <vector>

namespace konfero::dtmf {
namespace {

TEST(TelephoneEventTest, ParsesDigitFiveStartPacket) {
  // Event 5, E=0, R=0, volume 10 (-10 dBm0), duration 160 (20 ms at 8 kHz).
  const std::array<uint8_t, 4> bytes = {0x05, 0x0A, 0x00, 0xA0};
  auto e = ParseTelephoneEvent(bytes);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->event, 5);
  EXPECT_FALSE(e->end);
  EXPECT_EQ(e->volume, 10);
  EXPECT_EQ(e->duration, 160);
}

TEST(TelephoneEventTest, ParsesEndPacketWithLargeDuration) {
  // Event 11 (#), E=1, volume 63, duration 0xFFFF.
  const std::array<uint8_t, 4> bytes = {0x0B, 0xBF, 0xFF, 0xFF};
  auto e = ParseTelephoneEvent(bytes);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(*e, (TelephoneEvent{.event = 11, .end = true, .volume = 63, .duration = 0xFFFF}));
}

TEST(TelephoneEventTest, IgnoresTheReservedBit) {
  const std::array<uint8_t, 4> with_r = {0x01, 0xC7, 0x03, 0x20};  // E=1, R=1, volume 7
  auto e = ParseTelephoneEvent(with_r);
  ASSERT_TRUE(e.has_value());
  EXPECT_TRUE(e->end);
  EXPECT_EQ(e->volume, 7);
  EXPECT_EQ(e->duration, 800);
  // ...and never writes it.
  std::array<uint8_t, 4> out{};
  ASSERT_EQ(WriteTelephoneEvent(*e, absl::MakeSpan(out)), 4u);
  EXPECT_EQ(out, (std::array<uint8_t, 4>{0x01, 0x87, 0x03, 0x20}));
}

TEST(TelephoneEventTest, ReadsTheFirstOfSeveralPackedEvents) {
  // Section 2.5.1.5: consecutive events in one payload; the first is read.
  const std::array<uint8_t, 8> bytes = {0x01, 0x8A, 0x03, 0x20, 0x02, 0x0A, 0x00, 0xA0};
  auto e = ParseTelephoneEvent(bytes);
  ASSERT_TRUE(e.has_value());
  EXPECT_EQ(e->event, 1);
  EXPECT_TRUE(e->end);
}

TEST(TelephoneEventTest, RejectsShortPayloads) {
  const std::array<uint8_t, 3> three = {0x01, 0x0A, 0x00};
  EXPECT_FALSE(ParseTelephoneEvent(three).has_value());
  EXPECT_FALSE(ParseTelephoneEvent({}).has_value());
}

TEST(TelephoneEventTest, WritesRfcBytes) {
  std::array<uint8_t, 4> out{};
  ASSERT_EQ(WriteTelephoneEvent({.event = 9, .end = true, .volume = 10, .duration = 1200},
                                absl::MakeSpan(out)),
            4u);
  EXPECT_EQ(out, (std::array<uint8_t, 4>{0x09, 0x8A, 0x04, 0xB0}));
}

TEST(TelephoneEventTest, WriteRefusesSmallBufferAndOutOfRangeVolume) {
  std::array<uint8_t, 3> small = {0xEE, 0xEE, 0xEE};
  EXPECT_EQ(WriteTelephoneEvent({.event = 1, .duration = 160}, absl::MakeSpan(small)), 0u);
  EXPECT_EQ(small, (std::array<uint8_t, 3>{0xEE, 0xEE, 0xEE}));
  std::array<uint8_t, 4> out = {0xEE, 0xEE, 0xEE, 0xEE};
  EXPECT_EQ(WriteTelephoneEvent({.event = 1, .volume = 64, .duration = 160}, absl::MakeSpan(out)),
            0u);
  EXPECT_EQ(out, (std::array<uint8_t, 4>{0xEE, 0xEE, 0xEE, 0xEE}));
}

TEST(TelephoneEventTest, EveryFourByteValueRoundTrips) {
  // All events, both E values, all volumes, a spread of durations.
  std::array<uint8_t, 4> out{};
  for (int event = 0; event < 256; ++event) {
    for (int second = 0; second < 256; ++second) {
      if (second & 0x40) continue;  // R set: not what a writer produces
      for (int duration : {0, 1, 160, 0x1234, 0xFFFF}) {
        const std::array<uint8_t, 4> in = {
            static_cast<uint8_t>(event), static_cast<uint8_t>(second),
            static_cast<uint8_t>(duration >> 8), static_cast<uint8_t>(duration)};
        auto e = ParseTelephoneEvent(in);
        ASSERT_TRUE(e.has_value());
        ASSERT_EQ(WriteTelephoneEvent(*e, absl::MakeSpan(out)), 4u);
        ASSERT_EQ(out, in);
      }
    }
  }
}

TEST(TelephoneEventTest, MapsDigitsAndEvents) {
  const char* digits = "0123456789*#ABCD";
  for (uint8_t event = 0; event < 16; ++event) {
    EXPECT_EQ(EventToDigit(event), digits[event]);
    EXPECT_EQ(DigitToEvent(digits[event]), event);
  }
  EXPECT_EQ(DigitToEvent('a'), 12);
  EXPECT_EQ(DigitToEvent('d'), 15);
  for (int event = 16; event < 256; ++event) {
    EXPECT_FALSE(EventToDigit(static_cast<uint8_t>(event)).has_value()) << event;
  }
  for (char c : {'e', 'E', ' ', '+', 'x', '\0', '/', ':'}) {
    EXPECT_FALSE(DigitToEvent(c).has_value()) << static_cast<int>(c);
  }
}

}  // namespace
}  // namespace konfero::dtmf
