// rtp/rtcp_transport_feedback.h: transport-wide congestion control feedback
// (draft-holmer-rmcat-transport-wide-cc-extensions-01, RTPFB FMT 15).
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |V=2|P|  FMT=15 |    PT=205     |           length              |
//   |                     SSRC of packet sender                     |
//   |                      SSRC of media source                     |
//   |      base sequence number     |      packet status count      |
//   |                 reference time                | fb pkt. count |
//   |          packet chunk         |         packet chunk          |
//   .                                                               .
//   |         packet chunk          |  recv delta   |  recv delta   |
//   .                                                               .
//   |           recv delta          |  recv delta   | zero padding  |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// Packet status symbols: 00 not received, 01 received with a small delta
// (1 byte, unsigned), 10 received with a large or negative delta (2 bytes,
// signed), 11 reserved. Chunks:
//   run length:    |0| S (2) |   run length (13)   |
//   status vector: |1|0| 14 one-bit symbols (0 not received, 1 small) |
//                  |1|1| 7 two-bit symbols                            |
// Deltas are in 250 us ticks, each from the previous received packet's
// arrival, the first from the reference time (24-bit signed, 64 ms ticks).
// As libwebrtc does, the writer pads to 32 bits with RTCP padding (P set).
//
// Thread contract: value type; pure functions.
#ifndef KONFERO_RTP_RTCP_TRANSPORT_FEEDBACK_H_
#define KONFERO_RTP_RTCP_TRANSPORT_FEEDBACK_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "rtp/rtcp_header.h"

namespace konfero::rtp {

struct TransportFeedback {
  static constexpr uint8_t kPacketType = kRtcpRtpfb;
  static constexpr uint8_t kFormat = 15;
  static constexpr int64_t kDeltaTickMicros = 250;
  static constexpr int64_t kReferenceTickMicros = 64'000;

  struct PacketResult {
    uint16_t sequence_number = 0;  // transport-wide
    bool received = false;
    // Arrival delta in 250 us ticks (0 when not received); written with
    // one byte if 0-255, else two (-32768 to 32767; beyond is not encodable).
    int32_t delta_ticks = 0;

    int64_t delta_micros() const { return delta_ticks * kDeltaTickMicros; }
    bool operator==(const PacketResult&) const = default;
  };

  uint32_t sender_ssrc = 0;
  uint32_t media_ssrc = 0;
  uint16_t base_sequence = 0;
  int32_t reference_time = 0;  // 24-bit signed, 64 ms ticks
  uint8_t feedback_count = 0;  // feedback packet sequence number
  // One entry per reported packet, consecutive from base_sequence (wrapping
  // at 2^16): packets[i].sequence_number == base_sequence + i. 1-65535 of
  // them.
  std::vector<PacketResult> packets = {};

  int64_t reference_time_micros() const { return reference_time * kReferenceTickMicros; }

  // See rtcp_reports.h for the contract of these three.
  static std::optional<TransportFeedback> Parse(const RtcpHeader& header,
                                                std::span<const uint8_t> body);
  size_t SerializedSize() const;
  size_t SerializeTo(std::span<uint8_t> out) const;
  bool operator==(const TransportFeedback&) const = default;
};

}  // namespace konfero::rtp

#endif  // KONFERO_RTP_RTCP_TRANSPORT_FEEDBACK_H_
