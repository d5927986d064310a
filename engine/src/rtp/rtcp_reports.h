// rtp/rtcp_reports.h: RTCP sender and receiver reports, SDES and BYE
// (RFC 3550 section 6.4-6.6).
//
// Sender report (PT 200); a receiver report (PT 201) has the SSRC and the
// report blocks only:
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |V=2|P|    RC   |   PT=SR=200   |             length            |
//   |                         SSRC of sender                        |
//   |              NTP timestamp, most significant word             |
//   |             NTP timestamp, least significant word             |
//   |                         RTP timestamp                         |
//   |                     sender's packet count                     |
//   |                      sender's octet count                     |
//   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//   |                 SSRC_1 (SSRC of first source)                 |  report
//   | fraction lost |       cumulative number of packets lost       |  block,
//   |           extended highest sequence number received           |  RC
//   |                      interarrival jitter                      |  times
//   |                         last SR (LSR)                         |
//   |                   delay since last SR (DLSR)                  |
//   +=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+=+
//   |                  profile-specific extensions (ignored)        |
//
// SDES (PT 202): SC chunks of SSRC, then items (type 8 bits, length 8 bits,
// text), ended by a zero byte and zero-padded to 32 bits.
// BYE (PT 203): SC SSRCs, then optionally a length byte and a reason.
//
// Thread contract: value types; pure functions.
#ifndef KONFERO_RTP_RTCP_REPORTS_H_
#define KONFERO_RTP_RTCP_REPORTS_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "rtp/rtcp_header.h"

namespace konfero::rtp {

// Every RTCP type below has:
//   static std::optional<T> Parse(const RtcpHeader&, body): from the parsed
//       common header; nullopt if the body is malformed;
//   size_t SerializedSize(): the whole packet, header included;
//   size_t SerializeTo(out): bytes written, or 0 if `out` is too small or
//       the value cannot be encoded (too many entries, text too long).

struct ReportBlock {
  static constexpr size_t kSize = 24;
  uint32_t ssrc = 0;
  uint8_t fraction_lost = 0;      // fixed point, /256
  int32_t cumulative_lost = 0;    // 24-bit signed; saturated when written
  uint32_t extended_highest_sequence = 0;
  uint32_t jitter = 0;
  uint32_t last_sr = 0;               // middle 32 bits of the SR's NTP time
  uint32_t delay_since_last_sr = 0;   // in 1/65536 s

  bool operator==(const ReportBlock&) const = default;
};

struct SenderReport {
  static constexpr uint8_t kPacketType = kRtcpSr;
  uint32_t sender_ssrc = 0;
  uint64_t ntp_timestamp = 0;  // 32.32 fixed-point seconds since 1900
  uint32_t rtp_timestamp = 0;
  uint32_t packet_count = 0;
  uint32_t octet_count = 0;
  std::vector<ReportBlock> report_blocks = {};  // at most 31

  static std::optional<SenderReport> Parse(const RtcpHeader& header,
                                           std::span<const uint8_t> body);
  size_t SerializedSize() const;
  size_t SerializeTo(std::span<uint8_t> out) const;
  bool operator==(const SenderReport&) const = default;
};

struct ReceiverReport {
  static constexpr uint8_t kPacketType = kRtcpRr;
  uint32_t sender_ssrc = 0;
  std::vector<ReportBlock> report_blocks = {};  // at most 31

  static std::optional<ReceiverReport> Parse(const RtcpHeader& header,
                                             std::span<const uint8_t> body);
  size_t SerializedSize() const;
  size_t SerializeTo(std::span<uint8_t> out) const;
  bool operator==(const ReceiverReport&) const = default;
};

enum SdesType : uint8_t {
  kSdesCname = 1,
  kSdesName = 2,
  kSdesEmail = 3,
  kSdesPhone = 4,
  kSdesLoc = 5,
  kSdesTool = 6,
  kSdesNote = 7,
  kSdesPriv = 8,
};

struct SdesItem {
  uint8_t type = kSdesCname;  // 1-255
  std::string text = {};  // at most 255 bytes

  bool operator==(const SdesItem&) const = default;
};

struct SdesChunk {
  uint32_t ssrc = 0;
  std::vector<SdesItem> items = {};

  // The CNAME item's text, if any.
  const std::string* cname() const;
  bool operator==(const SdesChunk&) const = default;
};

struct Sdes {
  static constexpr uint8_t kPacketType = kRtcpSdes;
  std::vector<SdesChunk> chunks = {};  // at most 31

  static std::optional<Sdes> Parse(const RtcpHeader& header,
                                   std::span<const uint8_t> body);
  size_t SerializedSize() const;
  size_t SerializeTo(std::span<uint8_t> out) const;
  bool operator==(const Sdes&) const = default;
};

struct Bye {
  static constexpr uint8_t kPacketType = kRtcpBye;
  std::vector<uint32_t> ssrcs = {};  // at most 31
  std::string reason = {};  // at most 255 bytes; empty: none

  static std::optional<Bye> Parse(const RtcpHeader& header,
                                  std::span<const uint8_t> body);
  size_t SerializedSize() const;
  size_t SerializeTo(std::span<uint8_t> out) const;
  bool operator==(const Bye&) const = default;
};

}  // namespace konfero::rtp

#endif  // KONFERO_RTP_RTCP_REPORTS_H_
