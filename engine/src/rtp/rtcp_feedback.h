// rtp/rtcp_feedback.h: RTCP feedback messages (RFC 4585, RFC 5104, REMB):
// generic NACK, PLI, FIR and REMB. Transport-wide cc feedback is in
// rtcp_transport_feedback.h.
//
// Common feedback layout (PT 205 RTPFB or 206 PSFB):
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |V=2|P|   FMT   |       PT      |          length               |
//   |                  SSRC of packet sender                        |
//   |                  SSRC of media source                         |
//   :            Feedback Control Information (FCI)                 :
//
// Generic NACK (RTPFB, FMT 1), FCI repeated: the packet PID is lost, and
// PID+i+1 too for every set bit i of BLP (bit 0 is the least significant):
//   |            PID                |             BLP               |
// PLI (PSFB, FMT 1): no FCI.
// FIR (PSFB, FMT 4, RFC 5104), media SSRC 0, FCI repeated:
//   |                              SSRC                             |
//   | Seq nr.       |    Reserved (0)                               |
// REMB (PSFB, FMT 15, draft-alvestrand-rmcat-remb), media SSRC 0:
//   |  Unique identifier 'R' 'E' 'M' 'B'                            |
//   |  Num SSRC     | BR Exp    |  BR Mantissa (18 bits)            |
//   |   SSRC feedback (Num SSRC times)                              |
//   bitrate = mantissa * 2^exp bits per second.
//
// Parse/SerializedSize/SerializeTo as in rtcp_reports.h.
//
// Thread contract: value types; pure functions.
#ifndef KONFERO_RTP_RTCP_FEEDBACK_H_
#define KONFERO_RTP_RTCP_FEEDBACK_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "rtp/rtcp_header.h"

namespace konfero::rtp {

struct Nack {
  static constexpr uint8_t kPacketType = kRtcpRtpfb;
  static constexpr uint8_t kFormat = 1;
  uint32_t sender_ssrc = 0;
  uint32_t media_ssrc = 0;
  // The lost sequence numbers, in the order the FCI lists them. Written
  // back greedily: each entry takes the following numbers that are 1-16
  // after its PID and increasing, so re-parsing gives the same list. Give
  // them in increasing (wrapping) order for the smallest packet.
  std::vector<uint16_t> sequence_numbers = {};

  static std::optional<Nack> Parse(const RtcpHeader& header,
                                   std::span<const uint8_t> body);
  size_t SerializedSize() const;
  size_t SerializeTo(std::span<uint8_t> out) const;
  bool operator==(const Nack&) const = default;
};

struct Pli {
  static constexpr uint8_t kPacketType = kRtcpPsfb;
  static constexpr uint8_t kFormat = 1;
  uint32_t sender_ssrc = 0;
  uint32_t media_ssrc = 0;

  static std::optional<Pli> Parse(const RtcpHeader& header,
                                  std::span<const uint8_t> body);
  size_t SerializedSize() const { return 12; }
  size_t SerializeTo(std::span<uint8_t> out) const;
  bool operator==(const Pli&) const = default;
};

struct FirEntry {
  uint32_t ssrc = 0;
  uint8_t sequence_number = 0;  // command sequence number, +1 per new request

  bool operator==(const FirEntry&) const = default;
};

struct Fir {
  static constexpr uint8_t kPacketType = kRtcpPsfb;
  static constexpr uint8_t kFormat = 4;
  uint32_t sender_ssrc = 0;
  std::vector<FirEntry> entries = {};

  static std::optional<Fir> Parse(const RtcpHeader& header,
                                  std::span<const uint8_t> body);
  size_t SerializedSize() const { return 12 + 8 * entries.size(); }
  size_t SerializeTo(std::span<uint8_t> out) const;
  bool operator==(const Fir&) const = default;
};

struct Remb {
  static constexpr uint8_t kPacketType = kRtcpPsfb;
  static constexpr uint8_t kFormat = 15;  // application layer feedback
  uint32_t sender_ssrc = 0;
  // Written as mantissa * 2^exp with the smallest exponent, rounded down;
  // a value that does not fit 64 bits makes Parse fail.
  uint64_t bitrate_bps = 0;
  std::vector<uint32_t> ssrcs = {};  // at most 255

  // Also nullopt for other application-layer feedback (not 'REMB').
  static std::optional<Remb> Parse(const RtcpHeader& header,
                                   std::span<const uint8_t> body);
  size_t SerializedSize() const { return 20 + 4 * ssrcs.size(); }
  size_t SerializeTo(std::span<uint8_t> out) const;
  bool operator==(const Remb&) const = default;
};

}  // namespace konfero::rtp

#endif  // KONFERO_RTP_RTCP_FEEDBACK_H_
