// sdp/negotiation_common.h: pieces shared by the answer and offer builders:
// codec matching, the server's transport attributes, local tracks.
//
// Thread contract: pure functions, safe from any thread.
#ifndef KONFERO_SDP_NEGOTIATION_COMMON_H_
#define KONFERO_SDP_NEGOTIATION_COMMON_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "konfero/sdp/negotiation.h"
#include "konfero/sdp/session_description.h"

namespace konfero::sdp {

bool IsRtx(const Codec& codec);

// Whether an offered codec is `ours`: name, clock, channels, and the fmtp
// parameters that select a different format (H264 packetization-mode and
// profile, VP9 profile-id, AV1 profile).
bool CodecMatches(const SupportedCodec& ours, MediaKind kind, const Codec& offered);

// The fmtp the server states for `ours` when the peer offered `offered`.
std::vector<Param> AnswerFmtp(const SupportedCodec& ours, const Codec& offered);

// `ours` as a codec of a server offer with `payload_type`.
Codec ToCodec(const SupportedCodec& ours, uint8_t payload_type);
Codec MakeRtx(uint8_t payload_type, uint8_t apt, uint32_t clock_rate);

// The feedback both sides support, in the offer's order.
std::vector<RtcpFeedback> IntersectFeedback(const std::vector<RtcpFeedback>& offered,
                                            const std::vector<RtcpFeedback>& ours);

// ICE credentials, fingerprint and candidates of the server.
absl::Status ValidateLocalParameters(const LocalParameters& local);

// Sets ICE/DTLS attributes, candidates and the m=/c= default address.
void ApplyLocalTransport(const LocalParameters& local, SetupRole setup, MediaDescription& m);

// Adds msid, SSRCs with CNAME and an FID group for the rtx SSRC.
void ApplyLocalTrack(const LocalTrack& track, MediaDescription& m);

// Whether `uri` is among `local`'s extensions for `kind`.
bool SupportsExtension(const LocalParameters& local, MediaKind kind, std::string_view uri);

// A hash function konfero's DTLS can check a certificate with.
bool IsSupportedHash(std::string_view algorithm);

// The ICE and DTLS attributes in effect for `m` (media level, then session).
TransportAttributes EffectiveTransport(const SessionDescription& sdp, const MediaDescription& m);

// Whether the protocol of an RTP section is one konfero serves (DTLS-SRTP
// with feedback over UDP).
bool IsSupportedRtpProtocol(std::string_view protocol);

// The m= section written for a rejected `source` section (port 0).
MediaDescription RejectedSection(const MediaDescription& source);

}  // namespace konfero::sdp

#endif  // KONFERO_SDP_NEGOTIATION_COMMON_H_
