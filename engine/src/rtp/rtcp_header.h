// rtp/rtcp_header.h: the common header of every RTCP packet (RFC 3550 6.4)
// and RTP/RTCP demultiplexing (RFC 5761 section 4, RFC 7983).
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |V=2|P| RC/FMT  |      PT       |   length (32-bit words - 1)   |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RC/FMT is a count (SR, RR, SDES, BYE) or a feedback message type (RTPFB,
// PSFB). With P set, the packet's last byte counts the padding bytes
// (itself included).
//
// Thread contract: pure functions, safe from any thread.
#ifndef KONFERO_RTP_RTCP_HEADER_H_
#define KONFERO_RTP_RTCP_HEADER_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "rtp/byte_io.h"

namespace konfero::rtp {

inline constexpr size_t kRtcpHeaderSize = 4;
inline constexpr size_t kRtcpMaxPacketSize = 4 * (size_t{0xFFFF} + 1);
inline constexpr uint8_t kRtcpMaxCount = 31;

enum RtcpPacketType : uint8_t {
  kRtcpSr = 200,
  kRtcpRr = 201,
  kRtcpSdes = 202,
  kRtcpBye = 203,
  kRtcpApp = 204,
  kRtcpRtpfb = 205,  // transport-layer feedback (RFC 4585)
  kRtcpPsfb = 206,   // payload-specific feedback (RFC 4585)
};

struct RtcpHeader {
  uint8_t count = 0;  // RC, SC or FMT: 5 bits
  uint8_t packet_type = 0;
  size_t packet_size = 0;          // whole packet, header and padding included
  std::span<const uint8_t> body = {};  // after the header, without padding
};

// Parses the header of the packet at the start of `bytes`; nullopt if the
// version is not 2, the length runs past `bytes` or the padding is invalid.
inline std::optional<RtcpHeader> ParseRtcpHeader(std::span<const uint8_t> bytes) {
  if (bytes.size() < kRtcpHeaderSize || (bytes[0] >> 6) != 2) return std::nullopt;
  RtcpHeader header;
  header.count = bytes[0] & 0x1F;
  header.packet_type = bytes[1];
  header.packet_size = 4 * (size_t{ReadU16(&bytes[2])} + 1);
  if (header.packet_size > bytes.size()) return std::nullopt;
  size_t body_size = header.packet_size - kRtcpHeaderSize;
  if ((bytes[0] & 0x20) != 0) {
    const size_t padding = bytes[header.packet_size - 1];
    if (padding == 0 || padding > body_size) return std::nullopt;
    body_size -= padding;
  }
  header.body = bytes.subspan(kRtcpHeaderSize, body_size);
  return header;
}

// Writes a header without padding for a packet of `size` bytes (a multiple
// of 4, at least 4, at most kRtcpMaxPacketSize).
inline void WriteRtcpHeader(uint8_t* out, uint8_t count, uint8_t packet_type,
                            size_t size) {
  out[0] = static_cast<uint8_t>(0x80 | (count & 0x1F));
  out[1] = packet_type;
  WriteU16(out + 2, static_cast<uint16_t>(size / 4 - 1));
}

// RFC 7983: a first byte in 128-191 is RTP or RTCP (not STUN, DTLS, ...).
inline bool IsRtpOrRtcp(std::span<const uint8_t> bytes) {
  return !bytes.empty() && bytes[0] >= 128 && bytes[0] <= 191;
}

// RFC 5761 section 4: RTCP packet types 192-223 would be RTP payload types
// 64-95 with the marker bit; those payload types must not be used for RTP.
inline bool IsRtcp(std::span<const uint8_t> bytes) {
  return IsRtpOrRtcp(bytes) && bytes.size() >= 2 && bytes[1] >= 192 && bytes[1] <= 223;
}

inline bool IsRtp(std::span<const uint8_t> bytes) {
  return IsRtpOrRtcp(bytes) && bytes.size() >= 2 && !IsRtcp(bytes);
}

}  // namespace konfero::rtp

#endif  // KONFERO_RTP_RTCP_HEADER_H_
