// sdp_offer.h: the simulated participant's side of offer/answer, built with
// the engine's SDP component (konfero/sdp): the offer a browser would send
// and what the load generator needs from the server's answer.
//
//   absl::StatusOr<std::string> offer = BuildClientOffer(params);
//   ... {"type":"offer","sdp":offer} ... {"type":"answer","sdp":answer}
//   absl::StatusOr<AnswerInfo> info = ReadAnswer(answer_text);
//
// The offer (full ICE, controlling; a=setup:actpass, so the ICE-lite server
// answers passive and we are the DTLS client): one audio section, sendrecv,
// Opus with the RFC 6464 audio-level and mid extensions; with video, one
// sendonly VP8 camera section with its SSRC and `video_tiles` recvonly VP8
// sections (the tiles the SFU fills). No data channel, no transport-cc:
// the load generator sends no bandwidth feedback.
//
// Thread contract: pure functions.
#ifndef KONFERO_BENCH_LOAD_SDP_OFFER_H_
#define KONFERO_BENCH_LOAD_SDP_OFFER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "konfero/net/ip_endpoint.h"
#include "stun/ice_lite.h"

namespace konfero::load {

inline constexpr uint8_t kOfferedOpusPayloadType = 111;
inline constexpr uint8_t kOfferedVp8PayloadType = 96;

struct OfferParams {
  stun::IceCredentials ice;
  std::string fingerprint_sha256;  // of our DTLS certificate, "AB:CD:..."
  net::IpEndpoint candidate;       // our UDP socket
  std::string cname;
  uint32_t audio_ssrc = 0;
  uint32_t video_ssrc = 0;  // 0: no camera section
  int video_tiles = 0;
};

absl::StatusOr<std::string> BuildClientOffer(const OfferParams& params);

struct AnswerInfo {
  stun::IceCredentials server_ice;
  std::string fingerprint_algorithm;  // "sha-256"
  std::string fingerprint;
  net::IpEndpoint server;  // the server's loopback host candidate
  bool we_are_dtls_client = true;
  uint8_t opus_payload_type = 0;
  uint8_t audio_level_id = 0;  // 0: not negotiated
  uint32_t mix_ssrc = 0;       // the server's audio SSRC, 0 if not announced
  uint8_t vp8_payload_type = 0;
  uint8_t video_mid_id = 0;
  std::string camera_mid;  // the mid of our camera section, "" without video
  std::vector<uint32_t> tile_ssrcs;
};

// InvalidArgument when the answer cannot be used: unparsable, audio
// rejected, no Opus, no ICE credentials or fingerprint, or no candidate on
// a loopback address (the generator talks to loopback only).
absl::StatusOr<AnswerInfo> ReadAnswer(std::string_view answer);

}  // namespace konfero::load

#endif  // KONFERO_BENCH_LOAD_SDP_OFFER_H_
