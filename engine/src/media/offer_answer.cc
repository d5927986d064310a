// offer_answer.cc: negotiation for one peer on top of the sdp component.
#include "media/offer_answer.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "common/absl_compat.h"
#include "konfero/sdp/negotiation.h"
#include "konfero/sdp/session_description.h"
#include "openssl/rand.h"

namespace konfero::media {
namespace {

// Host candidate priority for a UDP host candidate (RFC 8445 5.1.2.1, type
// preference 126, local preference 65535, component 1).
constexpr uint32_t kHostPriority = (126u << 24) | (65535u << 8) | 255u;

std::string RandomSessionId() {
  uint64_t id = 0;
  RAND_bytes(reinterpret_cast<unsigned char*>(&id), sizeof(id));
  return std::to_string(id >> 1);  // < 2^63, as JSEP asks
}

const sdp::MediaDescription* FirstAccepted(const sdp::SessionDescription& d,
                                           sdp::MediaKind kind) {
  for (const sdp::MediaDescription& m : d.media) {
    if (m.kind() == kind && !m.is_rejected()) return &m;
  }
  return nullptr;
}

std::optional<sdp::SetupRole> SetupOf(const sdp::SessionDescription& d,
                                      const sdp::MediaDescription* m) {
  if (m && m->transport.setup) return m->transport.setup;
  return d.transport.setup;
}

}  // namespace

absl::StatusOr<Negotiated> NegotiateOffer(std::string_view offer_text,
                                          const LocalParams& local) {
  absl::StatusOr<sdp::SessionDescription> offer = sdp::ParseSdp(offer_text);
  if (!offer.ok()) return offer.status();
  absl::StatusOr<sdp::TransportDescription> remote = sdp::GetBundleTransport(*offer);
  if (!remote.ok()) return remote.status();

  sdp::AnswerOptions options;
  options.ice_ufrag = local.ice.ufrag;
  options.ice_pwd = local.ice.pwd;
  options.fingerprint = {"sha-256", local.fingerprint_sha256};
  for (const net::IpEndpoint& c : local.candidates) {
    options.candidates.push_back({c, kHostPriority});
  }
  options.origin_session_id = RandomSessionId();
  // The mix goes back on the first audio section the peer can receive on.
  for (const sdp::MediaDescription& m : offer->media) {
    if (m.kind() != sdp::MediaKind::kAudio || m.is_rejected()) continue;
    if (m.direction == sdp::Direction::kSendRecv ||
        m.direction == sdp::Direction::kRecvOnly) {
      options.send_tracks.push_back(
          {m.mid, sdp::LocalTrack{"konfero", "konfero-mix", local.cname,
                                  local.audio_ssrc, std::nullopt}});
    }
    break;
  }
  absl::StatusOr<sdp::SessionDescription> answer = sdp::BuildAnswer(*offer, options);
  if (!answer.ok()) return answer.status();

  Negotiated out;
  PeerSetup& setup = out.setup;
  setup.local_ice = local.ice;
  setup.remote_ice = {remote->ice_ufrag, remote->ice_pwd};

  // The peer's certificate fingerprint: SHA-256 if offered, else the first.
  if (remote->fingerprints.empty()) {
    return absl::InvalidArgumentError("the offer has no a=fingerprint");
  }
  const sdp::Fingerprint* fingerprint = &remote->fingerprints.front();
  for (const sdp::Fingerprint& f : remote->fingerprints) {
    if (f.algorithm == "sha-256") fingerprint = &f;
  }
  setup.dtls.remote_fingerprint_algorithm = fingerprint->algorithm;
  setup.dtls.remote_fingerprint = fingerprint->value;

  const sdp::MediaDescription* answer_audio =
      FirstAccepted(*answer, sdp::MediaKind::kAudio);
  const std::optional<sdp::SetupRole> our_setup =
      SetupOf(*answer, answer_audio ? answer_audio : FirstAccepted(*answer, sdp::MediaKind::kApplication));
  setup.dtls.role = our_setup == sdp::SetupRole::kActive ? dtls::DtlsRole::kClient
                                                         : dtls::DtlsRole::kServer;
  if (answer_audio) {
    for (const sdp::Codec& codec : answer_audio->codecs) {
      if (absl::EqualsIgnoreCase(codec.name, "opus")) {
        setup.has_audio = true;
        setup.audio.payload_type = codec.payload_type;
        break;
      }
    }
    for (const sdp::Extmap& e : answer_audio->extmaps) {
      if (e.uri == sdp::kExtAudioLevel && e.id >= 1 && e.id <= 255) {
        setup.audio.audio_level_id = static_cast<uint8_t>(e.id);
      }
    }
    setup.audio.send_ssrc = local.audio_ssrc;
  }
  if (const sdp::MediaDescription* app =
          FirstAccepted(*offer, sdp::MediaKind::kApplication)) {
    if (FirstAccepted(*answer, sdp::MediaKind::kApplication)) {
      setup.has_data_channels = true;
      if (app->sctp_port) {
        setup.sctp_remote_port = *app->sctp_port;
      } else if (app->sctpmap) {
        setup.sctp_remote_port = app->sctpmap->port;
      }
      if (app->max_message_size) {
        setup.sctp_remote_max_message_size =
            static_cast<size_t>(*app->max_message_size);
      }
    }
  }
  out.answer = sdp::SerializeSdp(*answer);
  return out;
}

}  // namespace konfero::media
