// plain_rtp/plain_rtp_sdp.cc: offer/answer for the plain-RTP leg on top of
// the sdp component's parser and serializer.
#include "plain_rtp/plain_rtp_sdp.h"

#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/absl_compat.h"
#include "plain_rtp/remote_media.h"
#include "sdp/negotiation_common.h"

namespace konfero::plain_rtp {
namespace {

using audio::Codec;

constexpr uint8_t kOpusPayloadType = 111;
constexpr uint8_t kTelephoneEvent8kPayloadType = 101;
constexpr uint8_t kTelephoneEvent48kPayloadType = 110;
// Offered codec lists can be long; an error message names this many.
constexpr size_t kMaxNamedCodecs = 16;

// The address of `endpoint` as c= and o= write it, and its address type.
std::pair<std::string, std::string> AddressText(const net::IpEndpoint& endpoint) {
  std::string text = endpoint.ToString();
  if (endpoint.is_ipv4()) return {"IP4", text.substr(0, text.rfind(':'))};
  return {"IP6", text.substr(1, text.rfind(']') - 1)};
}

sdp::SessionDescription Skeleton(const PlainRtpLocal& local) {
  auto [type, address] = AddressText(local.rtp);
  sdp::SessionDescription d;
  d.origin = {"-", std::to_string(local.session_id), local.session_version, "IN", type, address};
  d.session_name = "konfero";
  d.connection = sdp::Connection{"IN", type, address};
  d.timing = "0 0";
  return d;
}

sdp::Codec MakeCodec(Codec kind, uint8_t payload_type) {
  sdp::Codec c;
  c.payload_type = payload_type;
  c.name = std::string(SdpName(kind));
  c.clock_rate = static_cast<uint32_t>(audio::RtpClockHz(kind));
  if (kind == Codec::kOpus) c.channels = 2;  // RFC 7587: always opus/48000/2
  return c;
}

sdp::Codec MakeTelephoneEvent(uint8_t payload_type, uint32_t clock_rate) {
  sdp::Codec c;
  c.payload_type = payload_type;
  c.name = "telephone-event";
  c.clock_rate = clock_rate;
  c.fmtp = {sdp::Param{"", "0-15"}};  // DTMF digits, * # A-D
  return c;
}

sdp::MediaDescription AudioSection(const PlainRtpLocal& local, std::string protocol,
                                   sdp::Direction direction, bool rtcp_mux) {
  sdp::MediaDescription m;
  m.media = "audio";
  m.port = local.rtp.port();
  m.protocol = std::move(protocol);
  m.direction = direction;
  m.rtcp_mux = rtcp_mux;
  m.other_attributes.push_back({"ptime", "20"});
  return m;
}

std::string LocalCodecNames(const PlainRtpLocal& local) {
  std::vector<std::string> names;
  for (Codec c : local.codecs) names.push_back(DescribeCodec(MakeCodec(c, 0)));
  return absl::StrJoin(names, ", ");
}

// RFC 5761 section 4: with rtcp-mux, RTP payload types 64-95 would read as
// RTCP packet types; such a session keeps RTCP on its own port.
bool MuxAllowed(uint8_t payload_type, uint8_t telephone_event_pt) {
  auto clashes = [](uint8_t pt) { return pt >= 64 && pt <= 95; };
  return !clashes(payload_type) && (telephone_event_pt == 0 || !clashes(telephone_event_pt));
}

PlainRtpParams ParamsFrom(const RemoteMedia& remote, const PlainRtpLocal& local, Codec codec,
                          uint8_t payload_type, uint8_t telephone_event_pt, bool rtcp_mux) {
  PlainRtpParams p;
  p.codec = codec;
  p.payload_type = payload_type;
  p.telephone_event_pt = telephone_event_pt;
  p.ptime_ms = remote.ptime_ms;
  p.direction = sdp::Reverse(remote.direction);
  p.remote_rtp = remote.rtp;
  p.rtcp_mux = rtcp_mux;
  if (!rtcp_mux) p.remote_rtcp = remote.rtcp;
  p.local_ssrc = local.ssrc;
  return p;
}

}  // namespace

absl::StatusOr<PlainRtpNegotiated> NegotiatePlainRtpOffer(std::string_view offer_text,
                                                          const PlainRtpLocal& local) {
  absl::StatusOr<sdp::SessionDescription> offer = sdp::ParseSdp(offer_text);
  if (!offer.ok()) return offer.status();
  if (absl::Status s = ValidateLocal(local); !s.ok()) return s;

  sdp::SessionDescription answer = Skeleton(local);
  std::optional<PlainRtpParams> params;
  std::string secure_protocol;
  std::vector<std::string> unmatched;  // offered codecs of audio sections we could not take
  for (const sdp::MediaDescription& m : offer->media) {
    const bool candidate =
        !params && m.kind() == sdp::MediaKind::kAudio && m.port != 0 && m.is_rtp();
    if (candidate && !IsPlainRtpProfile(m.protocol)) {
      if (IsSecureProfile(m.protocol) && secure_protocol.empty()) secure_protocol = m.protocol;
    }
    std::optional<CodecChoice> choice;
    if (candidate && IsPlainRtpProfile(m.protocol)) {
      choice = ChooseCodec(m, local);
      for (size_t i = 0; !choice && i < m.codecs.size(); ++i) {
        if (unmatched.size() < kMaxNamedCodecs) unmatched.push_back(DescribeCodec(m.codecs[i]));
      }
    }
    if (!choice) {
      answer.media.push_back(sdp::RejectedSection(m));
      continue;
    }
    absl::StatusOr<RemoteMedia> remote = ReadRemoteMedia(*offer, m);
    if (!remote.ok()) return remote.status();
    const uint8_t te_pt = choice->telephone_event ? choice->telephone_event->payload_type : 0;
    params = ParamsFrom(*remote, local, choice->kind, choice->codec->payload_type, te_pt,
                        remote->rtcp_mux && local.accept_rtcp_mux &&
                            MuxAllowed(choice->codec->payload_type, te_pt));
    sdp::MediaDescription a = AudioSection(local, m.protocol, params->direction, params->rtcp_mux);
    a.mid = m.mid;
    a.codecs.push_back(MakeCodec(choice->kind, choice->codec->payload_type));
    if (choice->telephone_event) {
      a.codecs.push_back(MakeTelephoneEvent(te_pt, choice->telephone_event->clock_rate));
    }
    answer.media.push_back(std::move(a));
  }
  if (!params) {
    if (!secure_protocol.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "the offer's audio uses ", secure_protocol,
          " (SRTP keyed by SDES or DTLS), which a plain-RTP leg does not support: offer RTP/AVP"));
    }
    if (!unmatched.empty()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "no common audio codec: the offer has ", absl::StrJoin(unmatched, ", "),
          "; konfero takes ", LocalCodecNames(local)));
    }
    return absl::InvalidArgumentError(
        "the offer has no audio section konfero can answer (m=audio, port not 0, RTP/AVP)");
  }
  std::string text = sdp::SerializeSdp(answer);
  return PlainRtpNegotiated{*std::move(params), std::move(text)};
}

absl::StatusOr<PlainRtpOffer> BuildPlainRtpOffer(const PlainRtpLocal& local) {
  if (absl::Status s = ValidateLocal(local); !s.ok()) return s;
  sdp::SessionDescription d = Skeleton(local);
  sdp::MediaDescription m =
      AudioSection(local, "RTP/AVP", sdp::Direction::kSendRecv, local.accept_rtcp_mux);
  bool any_8k = false, any_opus = false;
  for (Codec c : local.codecs) {
    uint8_t pt = kOpusPayloadType;
    switch (c) {
      case Codec::kPcmu: pt = 0; break;
      case Codec::kPcma: pt = 8; break;
      case Codec::kG722: pt = 9; break;
      default: break;
    }
    sdp::Codec codec = MakeCodec(c, pt);
    if (c == Codec::kOpus) {
      codec.fmtp = {sdp::Param{"useinbandfec", "1"}};  // the mixer's jitter buffer uses FEC
      any_opus = true;
    } else {
      any_8k = true;
    }
    m.codecs.push_back(std::move(codec));
  }
  if (local.offer_telephone_event) {
    if (any_8k) m.codecs.push_back(MakeTelephoneEvent(kTelephoneEvent8kPayloadType, 8000));
    if (any_opus) m.codecs.push_back(MakeTelephoneEvent(kTelephoneEvent48kPayloadType, 48000));
  }
  d.media.push_back(std::move(m));
  std::string text = sdp::SerializeSdp(d);
  return PlainRtpOffer{std::move(d), std::move(text)};
}

absl::StatusOr<PlainRtpParams> ApplyPlainRtpAnswer(const PlainRtpOffer& offer,
                                                   std::string_view answer_text,
                                                   const PlainRtpLocal& local) {
  if (absl::Status s = ValidateLocal(local); !s.ok()) return s;
  absl::StatusOr<sdp::SessionDescription> answer = sdp::ParseSdp(answer_text);
  if (!answer.ok()) return answer.status();
  if (offer.description.media.empty()) {
    return absl::InvalidArgumentError("our offer has no m= section");
  }
  if (answer->media.size() != offer.description.media.size()) {
    return absl::InvalidArgumentError(
        absl::StrCat("the answer has ", answer->media.size(), " m= sections for the offer's ",
                     offer.description.media.size()));
  }
  const sdp::MediaDescription& ours = offer.description.media.front();
  const sdp::MediaDescription& m = answer->media.front();
  if (m.kind() != sdp::MediaKind::kAudio) {
    return absl::InvalidArgumentError(
        absl::StrCat("the answer's first m= section is ", m.media, ", not audio"));
  }
  if (m.port == 0) return absl::InvalidArgumentError("the answer rejected the audio section (port 0)");
  if (!IsPlainRtpProfile(m.protocol)) {
    return absl::InvalidArgumentError(
        absl::StrCat("the answer's audio uses ", m.protocol, "; we offered ", ours.protocol));
  }
  const sdp::Codec* chosen = nullptr;
  std::optional<Codec> kind;
  std::vector<std::string> answered;
  for (const sdp::Codec& c : m.codecs) {
    const sdp::Codec* offered = ours.FindCodec(c.payload_type);
    std::optional<Codec> k = IdentifyCodec(c);
    if (k && offered != nullptr && IdentifyCodec(*offered) == k) {
      chosen = &c;
      kind = k;
      break;
    }
    if (answered.size() < kMaxNamedCodecs) answered.push_back(DescribeCodec(c));
  }
  if (chosen == nullptr) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the answer has no codec we offered: it has ", absl::StrJoin(answered, ", ")));
  }
  const uint32_t clock = static_cast<uint32_t>(audio::RtpClockHz(*kind));
  uint8_t te_pt = 0;
  for (const sdp::Codec& c : m.codecs) {
    const sdp::Codec* offered = ours.FindCodec(c.payload_type);
    if (IsTelephoneEvent(c, clock) && offered != nullptr && IsTelephoneEvent(*offered, clock)) {
      te_pt = c.payload_type;
      break;
    }
  }
  absl::StatusOr<RemoteMedia> remote = ReadRemoteMedia(*answer, m);
  if (!remote.ok()) return remote.status();
  return ParamsFrom(*remote, local, *kind, chosen->payload_type, te_pt,
                    ours.rtcp_mux && remote->rtcp_mux && MuxAllowed(chosen->payload_type, te_pt));
}

}  // namespace konfero::plain_rtp
