// dtmf/dtmf_receiver.h: turns received RFC 4733 telephone-event packets into
// digits, each exactly once, despite the redundancy and losses of the
// format: every packet of an event repeats its timestamp, the duration grows,
// and the end packet is sent three times (RFC 4733 section 2.5.1.4).
//
//   DtmfEventReceiver receiver(8000);            // the telephone-event clock
//   // per RTP packet of the telephone-event payload type:
//   if (auto e = ParseTelephoneEvent(payload))
//     if (auto d = receiver.OnPacket(rtp_timestamp, *e)) OnDigit(d->digit);
//   // when no telephone-event packet came for a while (e.g. 500 ms):
//   if (auto d = receiver.Flush()) OnDigit(d->digit);
//
// Rules, in RFC 4733 terms:
//  - A digit is reported at the first end packet of its event; later packets
//    of an event already reported (end repeats, reordered updates,
//    retransmitted starts) count nothing.
//  - A packet with a newer timestamp (serial-number order, so across the
//    32-bit wrap) ends the current event: if its end was lost, it is reported
//    then. A packet older than the current event (reordered) is ignored,
//    unless it is so much older (2^20 units) that the sender's timestamps
//    must have jumped: then it starts a new event. A new SSRC (another
//    sender, or a restart) needs a new receiver.
//  - Zero-duration reports are ignored (reserved for states, 2.3.5).
//  - Non-DTMF events (codes 16-255) give no digit, but they end the event
//    before them like any other.
//  - A long event split into segments (2.5.1.3: same event, a new timestamp
//    at the end of a full 0xFFFF segment, no end bit before) is one digit.
//  - If a new event's first packet is already an end packet while the old
//    event still has to be reported, the old one is returned and the new one
//    at its next packet (its end repeats) or at Flush.
//
// Thread contract: one thread per object (the RTP leg's). No allocation.
#ifndef KONFERO_DTMF_DTMF_RECEIVER_H_
#define KONFERO_DTMF_DTMF_RECEIVER_H_

#include <cstdint>
#include <optional>

#include "dtmf/telephone_event.h"

namespace konfero::dtmf {

struct Digit {
  char digit = 0;
  int duration_ms = 0;

  friend bool operator==(const Digit&, const Digit&) = default;
};

class DtmfEventReceiver {
 public:
  // `clock_rate_hz`: the telephone-event RTP clock (8000, or 48000 next to
  // Opus); a value <= 0 is taken as 8000.
  explicit DtmfEventReceiver(int clock_rate_hz = 8000);

  // One received RFC 4733 packet: its RTP timestamp (all packets of one event
  // share it) and payload. Returns the digit exactly once per event: at its
  // first end packet (the repeats count nothing), or, when the end packets
  // were all lost, as soon as a packet of a new event (another timestamp)
  // shows the old one is over.
  std::optional<Digit> OnPacket(uint32_t rtp_timestamp, const TelephoneEvent& event);

  // No packet for a while (the caller's timer): returns a started event whose
  // end never came, once. Later packets of that event count nothing.
  std::optional<Digit> Flush();

 private:
  std::optional<Digit> Report();

  int clock_rate_hz_;
  bool has_event_ = false;  // a current event exists (reported or not)
  bool reported_ = false;   // its digit was returned (or it has none)
  bool ended_ = false;      // an end packet of it was seen
  uint8_t code_ = 0;
  uint32_t timestamp_ = 0;         // of the current segment
  uint16_t segment_duration_ = 0;  // largest duration seen in the segment
  int64_t earlier_segments_ = 0;   // timestamp units of finished segments
};

}  // namespace konfero::dtmf

#endif  // KONFERO_DTMF_DTMF_RECEIVER_H_
