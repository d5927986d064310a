// rtp/rtx.h: RTP retransmission payload format (RFC 4588), SSRC-multiplexed.
//
// An RTX packet carries a lost packet again on its own SSRC, payload type
// and sequence-number space; its payload starts with the original sequence
// number (OSN), then the original payload. Timestamp, marker, CSRCs and
// header extensions are those of the original.
//
//    0                   1                   2                   3
//    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |                         RTP Header                            |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//   |            OSN                |                               |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+                               |
//   |                  Original RTP Packet Payload                  |
//   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
//
// RTP padding is not carried over either way. `out` must not overlap the
// input packet. Both return the size written, or nullopt if `out` is too
// small (or, for Unwrap, the payload has no OSN).
//
// Thread contract: pure functions, safe from any thread.
#ifndef KONFERO_RTP_RTX_H_
#define KONFERO_RTP_RTX_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>

#include "rtp/rtp_packet.h"

namespace konfero::rtp {

struct RtxStream {
  uint8_t payload_type = 0;
  uint32_t ssrc = 0;
};

std::optional<size_t> WrapRtx(const RtpPacketView& original, const RtxStream& rtx,
                              uint16_t rtx_sequence_number, std::span<uint8_t> out);

// `original` is the payload type and SSRC of the stream the RTX stream repairs
// (from SDP: a=fmtp:<rtx pt> apt=<pt> and a=ssrc-group:FID).
std::optional<size_t> UnwrapRtx(const RtpPacketView& rtx, const RtxStream& original,
                                std::span<uint8_t> out);

}  // namespace konfero::rtp

#endif  // KONFERO_RTP_RTX_H_
