// offer_answer.h: from a peer's SDP offer to our answer and the PeerSetup
// the worker needs (ICE credentials, DTLS role and fingerprint, audio
// payload type and extensions, data channels), or from our offer and the
// peer's answer to the same.
//
// Thread contract: free function, no state.
#ifndef KONFERO_CONTROL_OFFER_ANSWER_H_
#define KONFERO_CONTROL_OFFER_ANSWER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "konfero/net/ip_endpoint.h"
#include "konfero/sdp/session_description.h"
#include "control/video_negotiation.h"
#include "media/peer_setup.h"

namespace konfero::control {

using media::PeerSetup;
using media::VideoSlotParams;

struct LocalParams {
  stun::IceCredentials ice;
  std::string fingerprint_sha256;  // "AB:CD:..."
  std::vector<net::IpEndpoint> candidates;
  uint32_t audio_ssrc = 0;
  std::string cname;
  // Our SSRC and RTX SSRC of video slots already negotiated, by mid: a
  // renegotiation or an ICE restart keeps them (the browser would otherwise
  // see new streams and drop the old ones).
  std::vector<VideoSlotParams> known_slots;
};

struct Negotiated {
  PeerSetup setup;  // participant and room left for the caller
  std::string answer;
};

// InvalidArgument, naming what is wrong, for an offer konfero cannot take
// (no ICE credentials or fingerprint, no rtcp-mux, no common codec...).
absl::StatusOr<Negotiated> NegotiateOffer(std::string_view offer,
                                          const LocalParams& local);

// The reverse: the server offers (audio sendrecv with the mix, a data
// channel section, a=setup:actpass) and the peer answers.
struct ServerOffer {
  sdp::SessionDescription description;
  std::string text;
};
absl::StatusOr<ServerOffer> BuildServerOffer(const LocalParams& local);
// Checks the peer's answer against `offer` and reads the PeerSetup
// (participant and room left for the caller).
absl::StatusOr<PeerSetup> ApplyAnswer(const ServerOffer& offer,
                                      std::string_view answer,
                                      const LocalParams& local);

}  // namespace konfero::control

#endif  // KONFERO_CONTROL_OFFER_ANSWER_H_
