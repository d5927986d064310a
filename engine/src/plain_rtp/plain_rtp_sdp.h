// plain_rtp/plain_rtp_sdp.h: SDP offer/answer (RFC 3264) for a plain-RTP
// audio leg (RTP/AVP, RFC 3551): a phone behind SIP, or ffmpeg. No ICE, no
// DTLS, no SRTP; one audio stream with PCMU, PCMA, G.722 or Opus and
// RFC 4733 telephone-event.
//
//   PlainRtpLocal local{.rtp = *net::IpEndpoint::Parse("192.0.2.10", 30000),
//                       .ssrc = 0x1234, .session_id = 42};
//   auto negotiated = NegotiatePlainRtpOffer(invite_sdp, local);
//   if (!negotiated.ok()) return Reply488(negotiated.status());
//   Reply200(negotiated->answer);
//   auto leg = PlainRtpLeg::Create(negotiated->params, {}, owner, now_us);
//
// What an offer may hold, as the peers of shared/peers send it:
// - RTP/AVP or RTP/AVPF; RTP/SAVP(F) and UDP/TLS/RTP/SAVPF are refused
//   (InvalidArgument): this leg has neither SDES nor DTLS. An a=crypto line
//   on an RTP/AVP section (best-effort SRTP) is ignored and not answered,
//   which tells the offerer to send plain RTP. (ffmpeg's srtp:// output
//   writes exactly that, but encrypts anyway: it does not fall back.)
// - The first audio section with a codec we take is answered; every other
//   section gets port 0.
// - Codec: the offerer's first one we take (RFC 3264 section 6.1), with one
//   exception so that a PIN can always be typed: a codec with no DTMF path
//   (Opus without a telephone-event/48000) is passed over for a later one
//   that has one (a telephone-event at its clock, or G.711/G.722 for in-band
//   tones). baresip offers Opus first with only telephone-event/8000.
// - Static payload types (PCMU 0, PCMA 8, G722 9) need no a=rtpmap; G.722
//   is "G722/8000" though its audio is 16 kHz; Opus is "opus/48000/2".
// - telephone-event at the chosen codec's RTP clock (8000 for G.711/G.722,
//   48000 for Opus); others are ignored. We answer fmtp 0-15.
// - Direction at media or session level; c=0.0.0.0 (RFC 2543 hold) means
//   the peer cannot be sent to. Ours is the reverse (RFC 3264 section 6.1).
// - a=ptime is read (we always send and answer 20 ms); a=rtcp (RFC 3605)
//   sets the RTCP port; a=rtcp-mux (RFC 5761) is answered if accepted and
//   no chosen payload type is in 64-95 (those would read as RTCP).
// Sizes are bounded by the SDP parser's limits (kMaxSdpBytes and friends).
//
// Thread contract: pure functions over values, safe from any thread.
#ifndef KONFERO_PLAIN_RTP_PLAIN_RTP_SDP_H_
#define KONFERO_PLAIN_RTP_PLAIN_RTP_SDP_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "konfero/audio/audio_types.h"
#include "konfero/net/ip_endpoint.h"
#include "konfero/sdp/session_description.h"

namespace konfero::plain_rtp {

// The two sockets of a leg without rtcp-mux: RTP on the port of the SDP,
// RTCP on that port + 1 (or the one a=rtcp names).
enum class Socket { kRtp, kRtcp };

// What was negotiated, from our side.
struct PlainRtpParams {
  audio::Codec codec = audio::Codec::kPcmu;
  uint8_t payload_type = 0;
  uint8_t telephone_event_pt = 0;  // 0: RFC 4733 not negotiated
  int ptime_ms = 20;               // what the remote asked for (we always send 20 ms)
  // OURS, as our SDP states it: kSendRecv normally; kRecvOnly when the remote
  // holds us (it said sendonly, or sendrecv with c=0.0.0.0); kSendOnly when
  // the remote does not send (it said recvonly, or we hold it); kInactive.
  sdp::Direction direction = sdp::Direction::kSendRecv;
  net::IpEndpoint remote_rtp;      // from c= and m= (0.0.0.0: hold, RFC 2543 style)
  std::optional<net::IpEndpoint> remote_rtcp;  // a=rtcp (RFC 3605) or port+1; none with rtcp-mux
  bool rtcp_mux = false;
  uint32_t local_ssrc = 0;
  friend bool operator==(const PlainRtpParams&, const PlainRtpParams&) = default;
};

// Our side.
struct PlainRtpLocal {
  net::IpEndpoint rtp;  // our address and RTP port (RTCP on port+1 unless mux)
  uint32_t ssrc = 0;
  // What we accept (answering) and offer, in our preference (offering).
  std::vector<audio::Codec> codecs = {audio::Codec::kOpus, audio::Codec::kG722,
                                      audio::Codec::kPcmu, audio::Codec::kPcma};
  bool offer_telephone_event = true;
  bool accept_rtcp_mux = true;
  uint64_t session_id = 0, session_version = 0;
};

struct PlainRtpNegotiated {
  PlainRtpParams params;
  std::string answer;  // CRLF lines
};

// Answers `offer`. InvalidArgument naming what is wrong (SRTP, no audio
// section, no common codec: the error lists the offered ones, a c= that is
// not an IP address); the parser's InvalidArgument/ResourceExhausted for
// malformed or oversized SDP.
absl::StatusOr<PlainRtpNegotiated> NegotiatePlainRtpOffer(std::string_view offer,
                                                          const PlainRtpLocal& local);

// Our offer, when the peer sent none (an INVITE without SDP: we offer in
// the 200). Payload types: PCMU 0, PCMA 8, G722 9, opus 111,
// telephone-event/8000 101 and telephone-event/48000 110.
struct PlainRtpOffer {
  sdp::SessionDescription description;
  std::string text;
};
absl::StatusOr<PlainRtpOffer> BuildPlainRtpOffer(const PlainRtpLocal& local);

// Reads the peer's answer to `offer`. InvalidArgument if it rejects the audio
// section, answers a codec or profile we did not offer, or is malformed.
absl::StatusOr<PlainRtpParams> ApplyPlainRtpAnswer(const PlainRtpOffer& offer,
                                                   std::string_view answer,
                                                   const PlainRtpLocal& local);

}  // namespace konfero::plain_rtp

#endif  // KONFERO_PLAIN_RTP_PLAIN_RTP_SDP_H_
