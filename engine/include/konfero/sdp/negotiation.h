// konfero/sdp/negotiation.h: offer/answer (JSEP, RFC 8829) for konfero's
// ICE-lite server, sans-I/O: values in, values out.
//
// A browser (or aiortc) offers; the server answers with BuildAnswer:
//
//   konfero::sdp::AnswerOptions options;
//   options.ice_ufrag = agent_ufrag;   options.ice_pwd = agent_pwd;
//   options.fingerprint = {"sha-256", "AB:CD:..."};
//   options.candidates = {{endpoint, 2130706431}};
//   auto offer = konfero::sdp::ParseSdp(text);
//   auto answer = konfero::sdp::BuildAnswer(*offer, options);
//   auto remote = konfero::sdp::GetBundleTransport(*offer);  // for ICE/DTLS
//   send(konfero::sdp::SerializeSdp(*answer));
//
// Later the server renegotiates (a participant's track arrives or leaves)
// with BuildOffer, keeping the mids and order of the current local
// description, then checks the client's answer with ValidateAnswer.
//
// The server has one transport: every accepted m= section is BUNDLEd on the
// offer's first BUNDLE group. Sections outside that group (or, without a
// BUNDLE group, all but the first) are rejected with port 0. The server is
// always the DTLS server when it can be (a=setup:passive), and ICE-lite.
//
// Thread contract: pure functions over values, safe from any thread.
#ifndef KONFERO_SDP_NEGOTIATION_H_
#define KONFERO_SDP_NEGOTIATION_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "konfero/net/ip_endpoint.h"
#include "konfero/sdp/session_description.h"

namespace konfero::sdp {

// Header extension URIs konfero negotiates.
inline constexpr std::string_view kExtMid = "urn:ietf:params:rtp-hdrext:sdes:mid";
inline constexpr std::string_view kExtAudioLevel = "urn:ietf:params:rtp-hdrext:ssrc-audio-level";
inline constexpr std::string_view kExtAbsSendTime =
    "http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time";
inline constexpr std::string_view kExtTransportCc =
    "http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01";
inline constexpr std::string_view kExtRid = "urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id";
inline constexpr std::string_view kExtRepairedRid =
    "urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id";

// A codec the server can receive and send.
struct SupportedCodec {
  MediaKind kind = MediaKind::kAudio;
  std::string name;  // compared without case
  uint32_t clock_rate = 0;
  uint16_t channels = 0;  // 0 or 1: mono; the offer must match when > 1
  // What the answer states for this codec. For H264 the answer echoes the
  // offered fmtp instead (packetization-mode and profile must match ours,
  // the level is the offer's); for VP9 and AV1 the profile must match.
  std::vector<Param> fmtp;
  std::vector<RtcpFeedback> feedback;  // those we accept, if offered
  bool rtx = false;                    // accept an rtx with apt= this codec
  uint8_t preferred_payload_type = 0;  // for server offers of a new kind
  uint8_t preferred_rtx_payload_type = 0;
};

// opus/48000/2 (minptime=10;useinbandfec=1, transport-cc), PCMU, PCMA.
std::vector<SupportedCodec> DefaultAudioCodecs();
// VP8, VP9 (profile 0), H264 packetization-mode=1 constrained baseline
// (42e0xx) and baseline (4200xx), AV1 (profile 0); all with rtx and
// nack, nack pli, ccm fir, goog-remb, transport-cc.
std::vector<SupportedCodec> DefaultVideoCodecs();
// DefaultAudioCodecs() then DefaultVideoCodecs().
std::vector<SupportedCodec> DefaultCodecs();

struct SupportedExtension {
  MediaKind kind = MediaKind::kAudio;
  std::string uri;
  uint16_t preferred_id = 0;  // for server offers
};
// mid, ssrc-audio-level, abs-send-time, transport-wide-cc for audio; mid,
// abs-send-time, transport-wide-cc, rtp-stream-id, repaired-rtp-stream-id
// for video.
std::vector<SupportedExtension> DefaultExtensions();

// A host candidate of the server (component 1, UDP).
struct LocalCandidate {
  net::IpEndpoint endpoint;
  uint32_t priority = 0;
};

// What the server sends in one m= section: msid, SSRC (with its rtx in a
// FID group) and CNAME.
struct LocalTrack {
  std::string stream_id;
  std::string track_id;
  std::string cname;
  uint32_t ssrc = 0;
  std::optional<uint32_t> rtx_ssrc;
};

// The server's transport and capabilities, shared by answers and offers.
struct LocalParameters {
  std::string ice_ufrag;  // 4-256 ice-chars
  std::string ice_pwd;    // 22-256 ice-chars
  Fingerprint fingerprint;  // of the DTLS certificate, e.g. {"sha-256", "AB:..."}
  std::vector<LocalCandidate> candidates;
  std::vector<SupportedCodec> codecs = DefaultCodecs();
  std::vector<SupportedExtension> extensions = DefaultExtensions();
  bool data_channels = true;
  uint16_t sctp_port = 5000;
  uint64_t max_message_size = 262144;
  std::string origin_session_id = "1";  // decimal digits; random per peer
  uint64_t origin_session_version = 1;
};

struct AnswerOptions : LocalParameters {
  // Tracks the server sends from the start, by mid, for sections whose
  // answer direction includes sending.
  std::vector<std::pair<std::string, LocalTrack>> send_tracks;
};

// Answers `offer` as the ICE-lite server (JSEP §5.3):
//  - every m= section answered in order with its mid; unsupported kinds or
//    protocols, sections outside the first BUNDLE group, a second data
//    section and sections without a common codec get port 0;
//  - codecs in the offer's order and payload types, intersected with
//    `codecs`, each kept codec's rtx kept (same PT, apt=), rtcp-fb limited
//    to the codec's `feedback`; extmaps with the offer's ids, for
//    `extensions`;
//  - a=ice-lite; our ICE credentials, fingerprint and host candidates in
//    every accepted section; a=setup:passive (active if the offer is
//    passive); BUNDLE of the accepted mids in the offer's order;
//  - sendrecv stays, sendonly <-> recvonly; a=simulcast:send + a=rid send
//    become a=simulcast:recv + a=rid recv;
//  - data: UDP/DTLS/SCTP webrtc-datachannel + sctp-port + max-message-size
//    (a legacy DTLS/SCTP offer gets the sctpmap form).
// Errors: InvalidArgument when the offer cannot be answered at all (an
// accepted section without rtcp-mux or without a=mid, the BUNDLE tag
// without ICE credentials or a usable fingerprint, a=setup:holdconn, two
// sections with one mid) or when `options` are malformed.
absl::StatusOr<SessionDescription> BuildAnswer(const SessionDescription& offer,
                                               const AnswerOptions& options);

// One m= section of a server offer.
struct OfferSection {
  std::string mid;
  MediaKind kind = MediaKind::kVideo;
  Direction direction = Direction::kSendOnly;
  // Port 0: the section stays, rejected. A removed section of `current`
  // may have kind kOther (e.g. an m=text the server rejected).
  bool removed = false;
  std::optional<LocalTrack> track;
};

struct OfferOptions : LocalParameters {
  // actpass for a first offer; once DTLS runs, the negotiated role (the
  // server answered passive, so passive) per RFC 8842 §5.
  SetupRole setup = SetupRole::kActpass;
};

// Builds a server offer with `sections`, in order. With `current` (the
// current local description: the server's last answer or accepted offer),
// every section of `current` must appear at the same index with the same mid
// and kind (FailedPrecondition otherwise); new sections come after them.
// Sections already negotiated keep their codecs, payload types, extmap ids
// and simulcast (rids); new ones copy those of a negotiated section of the same kind, or use
// the preferred payload types and ids. The origin version is `current`'s
// plus one.
absl::StatusOr<SessionDescription> BuildOffer(absl::Span<const OfferSection> sections,
                                              const OfferOptions& options,
                                              const SessionDescription* current = nullptr);

// Checks the client's answer to a server offer: same sections and mids,
// codecs and extmaps taken from the offer, compatible directions, rtcp-mux,
// ICE credentials and fingerprint present, a=setup active or passive and
// consistent with the offer, BUNDLE mids offered. InvalidArgument naming
// the section otherwise.
absl::Status ValidateAnswer(const SessionDescription& offer, const SessionDescription& answer);

// The remote transport of a description: the ICE and DTLS attributes of the
// BUNDLE-tag section (the first mid of the first BUNDLE group, else the
// first section not rejected), media level first then session level.
struct TransportDescription {
  std::string mid;
  std::string ice_ufrag;
  std::string ice_pwd;
  std::vector<Fingerprint> fingerprints;
  std::optional<SetupRole> setup;
  std::vector<Candidate> candidates;
  bool ice_lite = false;
};
absl::StatusOr<TransportDescription> GetBundleTransport(const SessionDescription& description);

}  // namespace konfero::sdp

#endif  // KONFERO_SDP_NEGOTIATION_H_
