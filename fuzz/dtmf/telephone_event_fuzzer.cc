// telephone_event_fuzzer: the DTMF component on arbitrary bytes, three ways.
//
//  1. As a sequence of received packets: each record is a control byte
//     (bits 0-2: payload length 0-7; bit 3: call Flush first; bits 4-5: a
//     timestamp step), a 16-bit signed timestamp step, then the payload.
//     ParseTelephoneEvent must accept exactly the payloads of 4 bytes or
//     more and write back their first 4 bytes (R bit cleared); every event
//     goes into a DtmfEventReceiver, whose digits must be DTMF characters
//     with a non-negative duration, never more digits than events started,
//     and whose Flush must not report twice in a row.
//  2. The first bytes choose a digit, a duration and a clock rate for
//     DtmfEventSender: an accepted digit's packets (bounded in number, the
//     first with the marker, the last three end packets) through a fresh
//     receiver give exactly that digit.
//  3. As 16-bit little-endian 8 kHz PCM, in blocks sized by the first byte,
//     through InbandDtmfDetector: every digit is a DTMF character.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <vector>

#include "dtmf/dtmf_receiver.h"
#include "dtmf/dtmf_sender.h"
#include "dtmf/inband_detector.h"
#include "dtmf/telephone_event.h"

namespace {

using namespace konfero::dtmf;  // NOLINT: a fuzz target's own file

#define FUZZ_CHECK(cond)                                                            \
  do {                                                                              \
    if (!(cond)) {                                                                  \
      std::fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); \
      std::abort();                                                                 \
    }                                                                               \
  } while (false)

bool IsDtmf(char c) { return DigitToEvent(c).has_value() && !(c >= 'a' && c <= 'd'); }

void CheckDigit(const Digit& d) {
  FUZZ_CHECK(IsDtmf(d.digit));
  FUZZ_CHECK(d.duration_ms >= 0);
}

void FuzzReceiver(const uint8_t* data, size_t size) {
  if (size == 0) return;
  static constexpr int kClockRates[] = {8000, 16000, 48000, 0};
  DtmfEventReceiver receiver(kClockRates[data[0] & 3]);
  ++data;
  --size;
  uint32_t timestamp = 0;
  size_t events = 0;  // packets that could start an event (a digit or not)
  size_t digits = 0;
  while (size >= 3) {
    const uint8_t control = data[0];
    const int16_t step = static_cast<int16_t>((data[1] << 8) | data[2]);
    data += 3;
    size -= 3;
    static constexpr int kScale[] = {0, 1, 160, 65535};
    timestamp += static_cast<uint32_t>(int32_t{step} * kScale[(control >> 4) & 3]);
    const size_t length = std::min<size_t>(control & 7, size);
    const absl::Span<const uint8_t> payload(data, length);
    data += length;
    size -= length;

    if (control & 8) {
      if (auto d = receiver.Flush()) {
        CheckDigit(*d);
        ++digits;
      }
      FUZZ_CHECK(!receiver.Flush().has_value());
    }
    auto event = ParseTelephoneEvent(payload);
    FUZZ_CHECK(event.has_value() == (length >= kTelephoneEventSize));
    if (!event) continue;
    FUZZ_CHECK(event->volume <= kMaxVolume);
    uint8_t out[kTelephoneEventSize + 1] = {};
    FUZZ_CHECK(WriteTelephoneEvent(*event, absl::MakeSpan(out)) == kTelephoneEventSize);
    FUZZ_CHECK(out[0] == payload[0] && out[1] == (payload[1] & 0xBF) && out[2] == payload[2] &&
               out[3] == payload[3] && out[4] == 0);
    FUZZ_CHECK(ParseTelephoneEvent(absl::MakeConstSpan(out, kTelephoneEventSize)) == event);
    if (event->duration != 0) ++events;
    if (auto d = receiver.OnPacket(timestamp, *event)) {
      CheckDigit(*d);
      ++digits;
    }
    FUZZ_CHECK(digits <= events);
  }
  if (auto d = receiver.Flush()) {
    CheckDigit(*d);
    ++digits;
  }
  FUZZ_CHECK(!receiver.Flush().has_value());
  FUZZ_CHECK(digits <= events);
}

void FuzzSender(const uint8_t* data, size_t size) {
  if (size < 8) return;
  static constexpr int kClockRates[] = {8000, 16000, 48000, -1};
  static constexpr int kPacketMs[] = {20, 10, 30, 0};
  const int clock_rate = kClockRates[data[0] & 3];
  const int packet_ms = kPacketMs[(data[0] >> 2) & 3];
  const char digit = static_cast<char>(data[1]);
  const int duration_ms = static_cast<int16_t>((data[2] << 8) | data[3]);
  uint32_t timestamp;
  std::memcpy(&timestamp, data + 4, 4);

  DtmfEventSender sender(clock_rate, packet_ms);
  const absl::Status started = sender.Start(digit, duration_ms, timestamp);
  FUZZ_CHECK(started.ok() == sender.active());
  if (!started.ok()) {
    FUZZ_CHECK(started.code() == absl::StatusCode::kInvalidArgument);
    FUZZ_CHECK(!sender.Next().has_value());
    return;
  }
  FUZZ_CHECK(DigitToEvent(digit).has_value());
  FUZZ_CHECK(sender.Start('1', 100, 0).code() == absl::StatusCode::kFailedPrecondition);
  DtmfEventReceiver receiver(clock_rate);
  std::vector<DtmfEventSender::Packet> packets;
  int reported = 0;
  while (auto p = sender.Next()) {
    FUZZ_CHECK(packets.size() < 600);  // 5 s at 10 ms, plus the end repeats
    FUZZ_CHECK(p->marker == packets.empty());
    FUZZ_CHECK(p->timestamp == timestamp);
    auto e = ParseTelephoneEvent(p->payload);
    FUZZ_CHECK(e.has_value() && e->event == *DigitToEvent(digit) && e->duration > 0);
    if (auto d = receiver.OnPacket(p->timestamp, *e)) {
      FUZZ_CHECK(d->digit == *EventToDigit(*DigitToEvent(digit)));
      ++reported;
    }
    packets.push_back(*p);
  }
  FUZZ_CHECK(!receiver.Flush().has_value());
  FUZZ_CHECK(reported == 1);
  FUZZ_CHECK(packets.size() >= 3);
  for (size_t i = 0; i < packets.size(); ++i) {
    FUZZ_CHECK(ParseTelephoneEvent(packets[i].payload)->end == (i + 3 >= packets.size()));
  }
}

void FuzzInband(const uint8_t* data, size_t size) {
  if (size < 2) return;
  const size_t block = size_t{data[0]} * 4 + 1;
  std::vector<int16_t> pcm((size - 1) / 2);
  for (size_t i = 0; i < pcm.size(); ++i) {
    pcm[i] = static_cast<int16_t>(data[1 + 2 * i] | (data[2 + 2 * i] << 8));
  }
  auto detector = InbandDtmfDetector::Create();
  FUZZ_CHECK(detector.ok());
  absl::Span<const int16_t> rest(pcm);
  while (!rest.empty()) {
    const size_t n = std::min(block, rest.size());
    (*detector)->Process(rest.first(n), [](char c) { FUZZ_CHECK(IsDtmf(c)); });
    rest.remove_prefix(n);
  }
  (*detector)->Reset();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  FuzzReceiver(data, size);
  FuzzSender(data, size);
  FuzzInband(data, size);
  return 0;
}
