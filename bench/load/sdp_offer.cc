// sdp_offer.cc: the client offer through sdp::BuildOffer with the load
// generator's codecs and extensions, and the answer read back.
#include "load/sdp_offer.h"

#include <algorithm>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "konfero/sdp/negotiation.h"

namespace konfero::load {
namespace {

// Host candidate priority (RFC 8445 §5.1.2.1: type preference 126).
constexpr uint32_t kHostPriority = (126u << 24) | (65535u << 8) | 255u;

std::vector<sdp::SupportedCodec> OfferedCodecs() {
  std::vector<sdp::SupportedCodec> codecs;
  for (sdp::SupportedCodec& c : sdp::DefaultCodecs()) {
    if (absl::EqualsIgnoreCase(c.name, "opus")) {
      c.feedback.clear();  // no transport-cc: we send no feedback
      codecs.push_back(std::move(c));
    } else if (absl::EqualsIgnoreCase(c.name, "VP8")) {
      c.feedback = {{"nack", ""}, {"nack", "pli"}, {"ccm", "fir"}};
      codecs.push_back(std::move(c));
    }
  }
  return codecs;
}

std::vector<sdp::SupportedExtension> OfferedExtensions() {
  return {{sdp::MediaKind::kAudio, std::string(sdp::kExtAudioLevel), 1},
          {sdp::MediaKind::kAudio, std::string(sdp::kExtMid), 4},
          {sdp::MediaKind::kVideo, std::string(sdp::kExtMid), 4}};
}

bool IsLoopback(const net::IpEndpoint& e) {
  const auto bytes = e.address_bytes();
  if (e.is_ipv4()) return bytes[0] == 127;
  return std::all_of(bytes.begin(), bytes.end() - 1, [](uint8_t b) { return b == 0; }) &&
         bytes.back() == 1;
}

uint8_t ExtensionId(const sdp::MediaDescription& m, std::string_view uri) {
  for (const sdp::Extmap& e : m.extmaps) {
    if (e.uri == uri && e.id >= 1 && e.id <= 255) return static_cast<uint8_t>(e.id);
  }
  return 0;
}

uint8_t PayloadTypeOf(const sdp::MediaDescription& m, std::string_view codec) {
  for (const sdp::Codec& c : m.codecs) {
    if (absl::EqualsIgnoreCase(c.name, Sv(codec))) return c.payload_type;
  }
  return 0;
}

uint32_t FirstSsrc(const sdp::MediaDescription& m) {
  return m.ssrcs.empty() ? 0 : m.ssrcs.front().ssrc;
}

}  // namespace

absl::StatusOr<std::string> BuildClientOffer(const OfferParams& params) {
  sdp::OfferOptions options;
  options.ice_ufrag = params.ice.ufrag;
  options.ice_pwd = params.ice.pwd;
  options.fingerprint = {"sha-256", params.fingerprint_sha256};
  options.candidates = {{params.candidate, kHostPriority}};
  options.codecs = OfferedCodecs();
  options.extensions = OfferedExtensions();
  options.data_channels = false;
  options.origin_session_id = std::to_string(params.audio_ssrc);
  options.setup = sdp::SetupRole::kActpass;

  const auto track = [&](std::string_view id, uint32_t ssrc) {
    return sdp::LocalTrack{"load", std::string(id), params.cname, ssrc, std::nullopt};
  };
  std::vector<sdp::OfferSection> sections = {
      {"0", sdp::MediaKind::kAudio, sdp::Direction::kSendRecv, false,
       track("load-audio", params.audio_ssrc)}};
  if (params.video_ssrc != 0) {
    sections.push_back({"1", sdp::MediaKind::kVideo, sdp::Direction::kSendOnly, false,
                        track("load-camera", params.video_ssrc)});
    for (int i = 0; i < params.video_tiles; ++i) {
      sections.push_back({std::to_string(2 + i), sdp::MediaKind::kVideo,
                          sdp::Direction::kRecvOnly, false, std::nullopt});
    }
  }
  absl::StatusOr<sdp::SessionDescription> offer = sdp::BuildOffer(sections, options);
  if (!offer.ok()) return offer.status();
  offer->ice_lite = false;  // BuildOffer writes the server's offers; we are a full agent
  return sdp::SerializeSdp(*offer);
}

absl::StatusOr<AnswerInfo> ReadAnswer(std::string_view text) {
  absl::StatusOr<sdp::SessionDescription> answer = sdp::ParseSdp(text);
  if (!answer.ok()) return answer.status();
  absl::StatusOr<sdp::TransportDescription> transport = sdp::GetBundleTransport(*answer);
  if (!transport.ok()) return transport.status();

  AnswerInfo info;
  info.server_ice = {transport->ice_ufrag, transport->ice_pwd};
  if (transport->fingerprints.empty()) {
    return absl::InvalidArgumentError("the answer has no a=fingerprint");
  }
  info.fingerprint_algorithm = transport->fingerprints.front().algorithm;
  info.fingerprint = transport->fingerprints.front().value;
  info.we_are_dtls_client = transport->setup != sdp::SetupRole::kActive;

  bool have_server = false;
  for (const sdp::Candidate& c : transport->candidates) {
    if (!absl::EqualsIgnoreCase(c.transport, "udp")) continue;
    std::optional<net::IpEndpoint> endpoint = net::IpEndpoint::Parse(c.address, c.port);
    if (endpoint && IsLoopback(*endpoint)) {
      info.server = *endpoint;
      have_server = true;
      break;
    }
  }
  if (!have_server) {
    return absl::InvalidArgumentError(
        "the answer has no UDP candidate on a loopback address (start the server with "
        "--media-address 127.0.0.1)");
  }

  for (const sdp::MediaDescription& m : answer->media) {
    if (m.is_rejected()) continue;
    if (m.kind() == sdp::MediaKind::kAudio && info.opus_payload_type == 0) {
      info.opus_payload_type = PayloadTypeOf(m, "opus");
      info.audio_level_id = ExtensionId(m, sdp::kExtAudioLevel);
      info.mix_ssrc = FirstSsrc(m);
    } else if (m.kind() == sdp::MediaKind::kVideo) {
      if (info.vp8_payload_type == 0) info.vp8_payload_type = PayloadTypeOf(m, "VP8");
      if (info.video_mid_id == 0) info.video_mid_id = ExtensionId(m, sdp::kExtMid);
      // Our sendonly camera is answered recvonly; the tiles sendonly.
      if (m.direction == sdp::Direction::kRecvOnly) {
        info.camera_mid = m.mid;
      } else if (const uint32_t ssrc = FirstSsrc(m); ssrc != 0) {
        info.tile_ssrcs.push_back(ssrc);
      }
    }
  }
  if (info.opus_payload_type == 0) {
    return absl::InvalidArgumentError("the answer accepts no Opus audio");
  }
  return info;
}

}  // namespace konfero::load
