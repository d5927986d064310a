// offer_answer.h: from a peer's SDP offer to our answer and the PeerSetup
// the worker needs (ICE credentials, DTLS role and fingerprint, audio
// payload type and extensions, data channels).
//
// Thread contract: free function, no state.
#ifndef KONFERO_MEDIA_OFFER_ANSWER_H_
#define KONFERO_MEDIA_OFFER_ANSWER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "konfero/net/ip_endpoint.h"
#include "media/peer_transport.h"

namespace konfero::media {

struct LocalParams {
  stun::IceCredentials ice;
  std::string fingerprint_sha256;  // "AB:CD:..."
  std::vector<net::IpEndpoint> candidates;
  uint32_t audio_ssrc = 0;
  std::string cname;
};

struct Negotiated {
  PeerSetup setup;  // participant and room left for the caller
  std::string answer;
};

// InvalidArgument, naming what is wrong, for an offer konfero cannot take
// (no ICE credentials or fingerprint, no rtcp-mux, no common codec...).
absl::StatusOr<Negotiated> NegotiateOffer(std::string_view offer,
                                          const LocalParams& local);

}  // namespace konfero::media

#endif  // KONFERO_MEDIA_OFFER_ANSWER_H_
