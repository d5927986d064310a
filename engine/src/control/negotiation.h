// negotiation.h: what a participant's new offer means for its WebRTC leg.
//
// A browser sends a new offer for three reasons, and each needs different
// work on the worker:
//   - kRenegotiation: the same transport (same DTLS fingerprint and ICE
//     credentials) adds or removes sections (a screen share, a tile): only
//     the video changes;
//   - kIceRestart: the same DTLS endpoint with new ICE credentials (its
//     network changed): DTLS, SRTP, the mixer slot and streams stay;
//   - kNewTransport: anything else (a reload, another room or worker): the
//     old leg is replaced.
//
// Thread contract: pure functions.
#ifndef KONFERO_CONTROL_NEGOTIATION_H_
#define KONFERO_CONTROL_NEGOTIATION_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "konfero/room_types.h"
#include "media/video_params.h"
#include "stun/ice_lite.h"

namespace konfero::control {

// What the control plane keeps of a WebRTC leg's last negotiation: our
// side (kept across renegotiations and ICE restarts) and how to recognise
// the same remote endpoint.
struct WebRtcNegotiation {
  uint32_t audio_ssrc = 0;
  stun::IceCredentials local_ice;
  std::string remote_ufrag;
  std::string remote_fingerprint;
  media::VideoParams video;
};

enum class OfferCase { kNewTransport, kRenegotiation, kIceRestart };
std::string_view ToString(OfferCase c);

// `existing`: the leg's last negotiation on (existing_room, existing_worker),
// or null for a participant without a WebRTC leg.
OfferCase ClassifyOffer(const WebRtcNegotiation* existing, RoomId existing_room,
                        size_t existing_worker, RoomId room, size_t worker,
                        std::string_view remote_fingerprint, std::string_view remote_ufrag);

}  // namespace konfero::control

#endif  // KONFERO_CONTROL_NEGOTIATION_H_
