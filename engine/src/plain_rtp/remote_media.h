// plain_rtp/remote_media.h: what the peer's m= section says about its plain
// RTP transport (address, RTCP port, direction, ptime) and which of its
// codecs a leg can use. Shared by answering an offer and reading an answer.
//
//   absl::StatusOr<RemoteMedia> remote = ReadRemoteMedia(offer, offer.media[0]);
//   std::optional<CodecChoice> choice = ChooseCodec(offer.media[0], local);
//
// Thread contract: pure functions over values, safe from any thread.
#ifndef KONFERO_PLAIN_RTP_REMOTE_MEDIA_H_
#define KONFERO_PLAIN_RTP_REMOTE_MEDIA_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/statusor.h"
#include "konfero/audio/audio_types.h"
#include "konfero/net/ip_endpoint.h"
#include "konfero/sdp/session_description.h"
#include "plain_rtp/plain_rtp_sdp.h"

namespace konfero::plain_rtp {

struct RemoteMedia {
  net::IpEndpoint rtp;                   // c= address, m= port
  std::optional<net::IpEndpoint> rtcp;   // a=rtcp, else RTP port + 1
  bool rtcp_mux = false;                 // a=rtcp-mux offered or answered
  // The peer's direction as it takes effect: its a=sendrecv/... (media
  // level, else session level), without "receive" when c= is 0.0.0.0 or ::
  // (RFC 2543 hold: nothing can be sent to it).
  sdp::Direction direction = sdp::Direction::kSendRecv;
  int ptime_ms = 20;                     // a=ptime (media, else session), else 20
};

// InvalidArgument when there is no c= line or its address is not an IP
// address (names are not resolved), or a=rtcp is malformed.
absl::StatusOr<RemoteMedia> ReadRemoteMedia(const sdp::SessionDescription& description,
                                            const sdp::MediaDescription& media);

// The codec an SDP payload type names, if a leg can carry it: PCMU/8000,
// PCMA/8000, G722/8000 (mono), opus/48000 (any channel count: RFC 7587
// says /2).
std::optional<audio::Codec> IdentifyCodec(const sdp::Codec& codec);
bool IsTelephoneEvent(const sdp::Codec& codec, uint32_t clock_rate);

struct CodecChoice {
  const sdp::Codec* codec = nullptr;            // in the m= section
  audio::Codec kind = audio::Codec::kPcmu;
  const sdp::Codec* telephone_event = nullptr;  // at the codec's clock, or null
};
// The offerer's first codec among `local.codecs`, passing over one without
// a DTMF path (Opus without telephone-event/48000) when a later one has it.
std::optional<CodecChoice> ChooseCodec(const sdp::MediaDescription& media,
                                       const PlainRtpLocal& local);

// "PCMU/8000", "opus/48000/2", "PT 34 (no a=rtpmap)": for error messages.
std::string DescribeCodec(const sdp::Codec& codec);
std::string_view SdpName(audio::Codec codec);  // "PCMU", "PCMA", "G722", "opus"

// Our codec list as RTP/AVP can carry it, no duplicates, and an RTP port.
absl::Status ValidateLocal(const PlainRtpLocal& local);

bool IsPlainRtpProfile(std::string_view protocol);  // RTP/AVP, RTP/AVPF
bool IsSecureProfile(std::string_view protocol);    // ...SAVP...

net::IpEndpoint WithPort(const net::IpEndpoint& endpoint, uint16_t port);
bool IsUnspecified(const net::IpEndpoint& endpoint);  // 0.0.0.0 or ::

}  // namespace konfero::plain_rtp

#endif  // KONFERO_PLAIN_RTP_REMOTE_MEDIA_H_
