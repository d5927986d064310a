// Tests of dtmf/dtmf_receiver.h: each RFC 4733 event is one digit, whatever
// the repeats, losses and reordering of its packets.
#include "dtmf/dtmf_receiver.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

namespace konfero::dtmf {
namespace {

struct Packet {
  uint32_t timestamp;
  TelephoneEvent event;
};

TelephoneEvent Update(char digit, uint16_t duration) {
  return {.event = *DigitToEvent(digit), .end = false, .volume = 10, .duration = duration};
}
TelephoneEvent End(char digit, uint16_t duration) {
  return {.event = *DigitToEvent(digit), .end = true, .volume = 10, .duration = duration};
}

// The packets of one 100 ms event at 20 ms packets and 8 kHz, as a phone
// sends them: four updates, then the end packet three times.
std::vector<Packet> Event(char digit, uint32_t timestamp) {
  std::vector<Packet> p;
  for (uint16_t d = 160; d <= 640; d += 160) p.push_back({timestamp, Update(digit, d)});
  for (int i = 0; i < 3; ++i) p.push_back({timestamp, End(digit, 800)});
  return p;
}

// Feeds `packets` and returns the digits, in order, with the index of the
// packet that gave each.
struct Fed {
  std::string digits;
  std::vector<size_t> at;
  std::vector<Digit> all;
};
Fed Feed(DtmfEventReceiver& receiver, const std::vector<Packet>& packets) {
  Fed fed;
  for (size_t i = 0; i < packets.size(); ++i) {
    if (auto d = receiver.OnPacket(packets[i].timestamp, packets[i].event)) {
      fed.digits.push_back(d->digit);
      fed.at.push_back(i);
      fed.all.push_back(*d);
    }
  }
  return fed;
}

std::vector<Packet> Concat(std::vector<std::vector<Packet>> parts) {
  std::vector<Packet> all;
  for (auto& p : parts) all.insert(all.end(), p.begin(), p.end());
  return all;
}

TEST(DtmfEventReceiverTest, ThreeEndPacketsCountOnce) {
  DtmfEventReceiver receiver;
  Fed fed = Feed(receiver, Event('5', 1000));
  EXPECT_EQ(fed.digits, "5");
  EXPECT_EQ(fed.at, (std::vector<size_t>{4}));  // at the first end packet
  EXPECT_EQ(fed.all[0], (Digit{'5', 100}));
  EXPECT_FALSE(receiver.Flush().has_value());
}

TEST(DtmfEventReceiverTest, LostEndPacketsAreReportedWhenTheNextEventStarts) {
  std::vector<Packet> first = Event('1', 1000);
  first.resize(4);  // the three end packets are lost
  DtmfEventReceiver receiver;
  Fed fed = Feed(receiver, Concat({first, Event('2', 2600)}));
  EXPECT_EQ(fed.digits, "12");
  EXPECT_EQ(fed.at, (std::vector<size_t>{4, 8}));
  EXPECT_EQ(fed.all[0], (Digit{'1', 80}));  // the longest duration seen
}

TEST(DtmfEventReceiverTest, FlushReportsAnEventWhoseEndNeverCameOnce) {
  std::vector<Packet> event = Event('7', 1000);
  event.resize(3);
  DtmfEventReceiver receiver;
  EXPECT_EQ(Feed(receiver, event).digits, "");
  EXPECT_EQ(receiver.Flush(), (Digit{'7', 60}));
  EXPECT_FALSE(receiver.Flush().has_value());
  // The rest of the event arriving late counts nothing.
  std::vector<Packet> rest = Event('7', 1000);
  EXPECT_EQ(Feed(receiver, {rest.begin() + 3, rest.end()}).digits, "");
  EXPECT_FALSE(receiver.Flush().has_value());
}

TEST(DtmfEventReceiverTest, FlushWithNothingStartedReportsNothing) {
  DtmfEventReceiver receiver;
  EXPECT_FALSE(receiver.Flush().has_value());
}

TEST(DtmfEventReceiverTest, RetransmittedStartPacketCountsNothing) {
  std::vector<Packet> event = Event('3', 1000);
  event.insert(event.begin() + 2, event[0]);  // the start again, mid-event
  event.push_back(event[0]);                  // and after the end
  DtmfEventReceiver receiver;
  Fed fed = Feed(receiver, event);
  EXPECT_EQ(fed.digits, "3");
  EXPECT_EQ(fed.all[0].duration_ms, 100);
  EXPECT_FALSE(receiver.Flush().has_value());
}

TEST(DtmfEventReceiverTest, EventsAcrossTheTimestampWrap) {
  DtmfEventReceiver receiver;
  Fed fed = Feed(receiver, Concat({Event('9', 0xFFFFFC00u),
                                   Event('8', 0x00000300u),
                                   // a reordered end repeat of the '9' (before the wrap)
                                   {{0xFFFFFC00u, End('9', 800)}},
                                   Event('7', 0x00001000u)}));
  EXPECT_EQ(fed.digits, "987");
}

TEST(DtmfEventReceiverTest, EventStartingBeforeAndEndingAfterTheWrap) {
  std::vector<Packet> event = Event('4', 0xFFFFFF00u);
  event.resize(2);
  DtmfEventReceiver receiver;
  Fed fed = Feed(receiver, Concat({event, Event('6', 0x00000200u)}));
  EXPECT_EQ(fed.digits, "46");
}

TEST(DtmfEventReceiverTest, TimestampsJumpingFarBackStartNewEvents) {
  // A sender whose timestamps jumped back by more than any reordering.
  DtmfEventReceiver receiver;
  EXPECT_EQ(Feed(receiver, Concat({Event('1', 50'000'000), Event('2', 1000)})).digits, "12");
}

TEST(DtmfEventReceiverTest, TwoIdenticalDigitsInARowAreTwoDigits) {
  DtmfEventReceiver receiver;
  EXPECT_EQ(Feed(receiver, Concat({Event('1', 1000), Event('1', 2600)})).digits, "11");
}

TEST(DtmfEventReceiverTest, TwoIdenticalDigitsWithTheFirstEndLost) {
  std::vector<Packet> first = Event('1', 1000);
  first.resize(4);
  DtmfEventReceiver receiver;
  EXPECT_EQ(Feed(receiver, Concat({first, Event('1', 2600)})).digits, "11");
}

TEST(DtmfEventReceiverTest, ReorderedPacketOfAnEarlierEventIsIgnored) {
  std::vector<Packet> first = Event('1', 1000);
  std::vector<Packet> second = Event('2', 2600);
  // The second event's start overtakes the first event's end packets.
  std::vector<Packet> packets = {first[0],  first[1],  first[2],  first[3],  second[0],
                                 first[4],  first[5],  first[6],  second[1], second[2],
                                 second[3], second[4], second[5], second[6]};
  DtmfEventReceiver receiver;
  Fed fed = Feed(receiver, packets);
  EXPECT_EQ(fed.digits, "12");
  EXPECT_EQ(fed.at, (std::vector<size_t>{4, 11}));
}

TEST(DtmfEventReceiverTest, OnlyEndPacketsOfAnEvent) {
  // A very short event, or one whose updates were all lost.
  DtmfEventReceiver receiver;
  Fed fed = Feed(receiver, {{500, End('0', 400)}, {500, End('0', 400)}, {500, End('0', 400)}});
  EXPECT_EQ(fed.digits, "0");
  EXPECT_EQ(fed.all[0], (Digit{'0', 50}));
}

TEST(DtmfEventReceiverTest, NewEventThatAlreadyEndedWhileTheOldOneIsUnreported) {
  // '1' lost its end packets; '2' lost its updates: its first packet is an
  // end. One call can return one digit: '1' now, '2' at its end repeat.
  std::vector<Packet> first = Event('1', 1000);
  first.resize(2);
  DtmfEventReceiver receiver;
  Fed fed = Feed(receiver, Concat({first, {{2600, End('2', 800)}, {2600, End('2', 800)}}}));
  EXPECT_EQ(fed.digits, "12");
  EXPECT_EQ(fed.at, (std::vector<size_t>{2, 3}));
  // ...or at Flush if the repeats were lost too.
  DtmfEventReceiver other;
  EXPECT_EQ(Feed(other, Concat({first, {{2600, End('2', 800)}}})).digits, "1");
  EXPECT_EQ(other.Flush(), (Digit{'2', 100}));
}

TEST(DtmfEventReceiverTest, ZeroDurationReportsAreIgnored) {
  DtmfEventReceiver receiver;
  EXPECT_EQ(Feed(receiver, {{700, Update('5', 0)}, {700, End('5', 0)}}).digits, "");
  EXPECT_FALSE(receiver.Flush().has_value());
}

TEST(DtmfEventReceiverTest, NonDtmfEventsGiveNoDigitButEndThePreviousEvent) {
  std::vector<Packet> first = Event('5', 1000);
  first.resize(2);
  const TelephoneEvent flash = {.event = 16, .end = false, .volume = 0, .duration = 160};
  const TelephoneEvent flash_end = {.event = 16, .end = true, .volume = 0, .duration = 320};
  DtmfEventReceiver receiver;
  EXPECT_EQ(Feed(receiver, Concat({first, {{2000, flash}, {2000, flash_end}}})).digits, "5");
  EXPECT_FALSE(receiver.Flush().has_value());
}

TEST(DtmfEventReceiverTest, DurationUsesTheClockRate) {
  DtmfEventReceiver receiver(48000);
  EXPECT_EQ(receiver.OnPacket(1, End('#', 4800)), (Digit{'#', 100}));
}

TEST(DtmfEventReceiverTest, LongEventSplitIntoSegmentsIsOneDigit) {
  // RFC 4733 2.5.1.3: an event longer than 0xFFFF units goes on in a new
  // segment with the timestamp where the full one ended (no end bit
  // before, no marker).
  DtmfEventReceiver receiver;
  std::vector<Packet> packets;
  packets.push_back({10000, Update('0', 160)});
  packets.push_back({10000, Update('0', 0xFFFF)});
  packets.push_back({10000 + 0xFFFF, Update('0', 160)});
  packets.push_back({10000 + 0xFFFF, End('0', 8000)});
  packets.push_back({10000 + 0xFFFF, End('0', 8000)});
  Fed fed = Feed(receiver, packets);
  EXPECT_EQ(fed.digits, "0");
  EXPECT_EQ(fed.all[0].duration_ms, (0xFFFF + 8000) / 8);
}

}  // namespace
}  // namespace konfero::dtmf
