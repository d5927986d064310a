// dtmf/dtmf_sender.h: sends one DTMF digit as RFC 4733 telephone-event
// packets (section 2.5.1): a packet per packet_ms with the event's timestamp
// and a growing duration, the first with the RTP marker bit, and the end
// packet three times with the final duration. The caller owns the RTP header
// (SSRC, sequence numbers, payload type), the clock and the socket.
//
//   DtmfEventSender sender(8000, 20);
//   if (absl::Status s = sender.Start('5', 160, rtp_timestamp_now); !s.ok()) return s;
//   // every 20 ms, in place of an audio packet:
//   if (auto p = sender.Next()) SendRtp(kTelephoneEventPt, p->marker, p->timestamp, p->payload);
//
// Next() call k (from 0) stands for the instant (k + 1) * packet_ms after the
// event began: its duration is min((k + 1) * packet, total), and the first
// packet whose duration reaches the total is the first of the three end
// packets. A 100 ms digit at 20 ms is 160, 320, 480, 640, 800E, 800E, 800E.
//
// Thread contract: one thread per object. No allocation.
#ifndef KONFERO_DTMF_DTMF_SENDER_H_
#define KONFERO_DTMF_DTMF_SENDER_H_

#include <array>
#include <cstdint>
#include <optional>

#include "absl/status/status.h"
#include "dtmf/telephone_event.h"

namespace konfero::dtmf {

class DtmfEventSender {
 public:
  static constexpr int kMinDurationMs = 40;
  static constexpr int kMaxDurationMs = 5000;
  static constexpr int kEndRepeats = 3;
  static constexpr uint8_t kVolume = 10;  // -10 dBm0

  // `clock_rate_hz` (the telephone-event RTP clock) and `packet_ms` (the
  // packet interval); values <= 0 are taken as 8000 and 20.
  explicit DtmfEventSender(int clock_rate_hz = 8000, int packet_ms = 20);

  // Begins sending `digit` ('0'-'9', '*', '#', 'A'-'D' or 'a'-'d') for
  // `duration_ms` (40..5000) with the event timestamp `rtp_timestamp`.
  // InvalidArgument for a char that is not a DTMF digit, a bad duration, or
  // a duration the 16-bit field cannot hold at this clock rate (above
  // 65535 / clock_rate s: 1365 ms at 48 kHz; no segmenting);
  // FailedPrecondition while a digit is being sent.
  [[nodiscard]] absl::Status Start(char digit, int duration_ms, uint32_t rtp_timestamp);

  bool active() const { return active_; }

  struct Packet {
    std::array<uint8_t, kTelephoneEventSize> payload{};
    bool marker = false;
    uint32_t timestamp = 0;
  };
  // One packet per packet_ms while active: the first carries the marker,
  // durations grow, and the end packet goes out three times (same duration);
  // then active() turns false. nullopt when not active.
  std::optional<Packet> Next();

 private:
  int clock_rate_hz_;
  int packet_samples_;
  bool active_ = false;
  uint8_t event_ = 0;
  uint32_t timestamp_ = 0;
  uint32_t total_ = 0;   // timestamp units
  uint32_t sent_ = 0;    // duration of the last packet
  int packets_ = 0;      // packets sent for this digit
  int end_packets_ = 0;  // end packets sent
};

}  // namespace konfero::dtmf

#endif  // KONFERO_DTMF_DTMF_SENDER_H_
