// rtp/rtcp_packet.h: compound and reduced-size RTCP (RFC 3550 6.1, RFC 5506).
//
// A compound packet is RTCP packets back to back, each with its common
// header (rtcp_header.h). Parsing accepts any sequence of them, so reduced-
// size RTCP (a single feedback packet, not led by an SR or RR) parses too.
// Known types become typed values; unknown types and formats (APP, SLI,
// RPSI, XR, ...) and known types whose body is malformed are skipped and
// counted. A framing error (version not 2, a length past the end, bad
// padding, trailing bytes) rejects the whole datagram: the packet
// boundaries cannot be trusted.
//
//   if (IsRtcp(datagram)) {
//     auto rtcp = ParseRtcp(datagram);
//     if (!rtcp) return;
//     for (const RtcpPacket& p : rtcp->packets) {
//       if (auto* nack = std::get_if<Nack>(&p)) Retransmit(*nack);
//     }
//   }
//   std::vector<RtcpPacket> out = {ReceiverReport{...}, Remb{...}};
//   size_t n = SerializeRtcpTo(out, buffer);   // 0: does not fit
//
// Allocation: parsing fills vectors and strings. RTCP is the control path
// (a few packets a second per stream), unlike RTP. What one datagram can
// make the parser allocate is bounded by its size, except transport-cc
// feedback, where runs of lost packets expand: its results are capped at
// 65535 per datagram (feedback packets beyond the cap are skipped).
//
// Thread contract: pure functions, safe from any thread.
#ifndef KONFERO_RTP_RTCP_PACKET_H_
#define KONFERO_RTP_RTCP_PACKET_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <variant>
#include <vector>

#include "rtp/rtcp_feedback.h"
#include "rtp/rtcp_header.h"
#include "rtp/rtcp_reports.h"
#include "rtp/rtcp_transport_feedback.h"

namespace konfero::rtp {

using RtcpPacket = std::variant<SenderReport, ReceiverReport, Sdes, Bye, Nack, Pli, Fir,
                                Remb, TransportFeedback>;

struct RtcpCompound {
  std::vector<RtcpPacket> packets = {};
  size_t skipped = 0;  // unknown or malformed packets left out of `packets`
};

std::optional<RtcpCompound> ParseRtcp(std::span<const uint8_t> bytes);

// One packet at the start of `bytes`: the typed value, or nullopt if the
// type is unknown or the body malformed; `size` gets the packet's length
// (0 on a framing error).
std::optional<RtcpPacket> ParseOneRtcp(std::span<const uint8_t> bytes, size_t& size);

size_t SerializedSize(const RtcpPacket& packet);
// Bytes written, or 0 if `out` is too small or a packet cannot be encoded.
size_t SerializeTo(const RtcpPacket& packet, std::span<uint8_t> out);

size_t SerializedSize(std::span<const RtcpPacket> packets);
size_t SerializeRtcpTo(std::span<const RtcpPacket> packets, std::span<uint8_t> out);
// Empty if a packet cannot be encoded.
std::vector<uint8_t> SerializeRtcp(std::span<const RtcpPacket> packets);

}  // namespace konfero::rtp

#endif  // KONFERO_RTP_RTCP_PACKET_H_
