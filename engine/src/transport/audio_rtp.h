// audio_rtp.h: between RTP packets and the mixer's audio frames.
//
// Thread contract: free functions, no state.
#ifndef KONFERO_TRANSPORT_AUDIO_RTP_H_
#define KONFERO_TRANSPORT_AUDIO_RTP_H_

#include <cstdint>
#include <optional>
#include <span>

#include "konfero/audio/audio_types.h"
#include "rtp/rtp_packet.h"

namespace konfero::transport {

// Where a peer's audio lives in its RTP: negotiated in the SDP.
struct AudioRtpParams {
  uint8_t payload_type = 111;    // Opus, as negotiated
  uint8_t audio_level_id = 0;    // RFC 6464 extmap id; 0 = not negotiated
  uint32_t send_ssrc = 0;        // ours, announced in the answer
};

// Fills `out` from an RTP packet carrying the peer's audio; false if the
// packet is not that (another payload type) or too large.
bool ToInputPacket(const rtp::RtpPacketView& packet,
                   const AudioRtpParams& params, int64_t arrival_us,
                   audio::InputPacket& out);

// Writes `frame` as an RTP packet into `buffer`; returns its size (0 if it
// does not fit).
size_t WriteAudioRtp(const audio::EncodedFrame& frame,
                     const AudioRtpParams& params, std::span<uint8_t> buffer);

}  // namespace konfero::transport

#endif  // KONFERO_TRANSPORT_AUDIO_RTP_H_
