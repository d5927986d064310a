// dtmf/telephone_event.h: the RFC 4733 telephone-event payload (section 2.3),
// parsed from and written to bytes, and the DTMF digits of its event codes
// (section 3.2: 0-9, *, #, A-D are events 0-15).
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |     event     |E|R| volume    |          duration             |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// E marks the end of the event; R is reserved (sent as zero, ignored on
// receipt); volume is the tone's level in -dBm0 (0..63); duration is in RTP
// timestamp units since the event's timestamp. A payload may pack several
// consecutive events (section 2.5.1.5): ParseTelephoneEvent reads the first,
// which is the only one DtmfEventReceiver needs (the others are over).
//
//   if (auto e = dtmf::ParseTelephoneEvent(rtp.payload())) {
//     if (auto d = receiver.OnPacket(rtp.timestamp(), *e)) pin.push_back(d->digit);
//   }
//   std::array<uint8_t, dtmf::kTelephoneEventSize> buf;
//   dtmf::WriteTelephoneEvent({.event = *dtmf::DigitToEvent('5'), .duration = 160}, buf);
//
// Thread contract: pure functions, safe from any thread.
#ifndef KONFERO_DTMF_TELEPHONE_EVENT_H_
#define KONFERO_DTMF_TELEPHONE_EVENT_H_

#include <cstddef>
#include <cstdint>
#include <optional>

#include "absl/types/span.h"

namespace konfero::dtmf {

struct TelephoneEvent {
  uint8_t event = 0;
  bool end = false;
  uint8_t volume = 10;  // -dBm0, 0..63
  uint16_t duration = 0;

  friend bool operator==(const TelephoneEvent&, const TelephoneEvent&) = default;
};

inline constexpr size_t kTelephoneEventSize = 4;
// The largest volume the 6-bit field holds.
inline constexpr uint8_t kMaxVolume = 63;

// The first event of `payload`; nullopt if it is shorter than 4 bytes. Every
// 4-byte value is a well-formed event (the fields use all their bits); the R
// bit is ignored. A zero duration (reserved for states, section 2.3.5) is
// returned as is: DtmfEventReceiver ignores it for digits.
std::optional<TelephoneEvent> ParseTelephoneEvent(absl::Span<const uint8_t> payload);

// Writes `e` to the first 4 bytes of `out` (R = 0) and returns 4; returns 0
// and writes nothing if `out` is too small or e.volume > 63.
size_t WriteTelephoneEvent(const TelephoneEvent& e, absl::Span<uint8_t> out);

// 0-9 -> '0'..'9', 10 -> '*', 11 -> '#', 12-15 -> 'A'..'D'; nullopt for the
// other (non-DTMF) events.
std::optional<char> EventToDigit(uint8_t event);
// The reverse; accepts 'a'..'d' as 'A'..'D'; nullopt for any other char.
std::optional<uint8_t> DigitToEvent(char digit);

}  // namespace konfero::dtmf

#endif  // KONFERO_DTMF_TELEPHONE_EVENT_H_
