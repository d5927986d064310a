// offer_answer.cc: negotiation for one peer on top of the sdp component.
#include "control/offer_answer.h"

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "common/absl_compat.h"
#include "konfero/sdp/negotiation.h"
#include "control/video_negotiation.h"
#include "openssl/rand.h"

namespace konfero::control {
namespace {

// Host candidate priority for a UDP host candidate (RFC 8445 5.1.2.1, type
// preference 126, local preference 65535, component 1).
constexpr uint32_t kHostPriority = (126u << 24) | (65535u << 8) | 255u;

uint32_t RandomSsrc() {
  uint32_t ssrc = 0;
  while (ssrc == 0) RAND_bytes(reinterpret_cast<unsigned char*>(&ssrc), sizeof(ssrc));
  return ssrc;
}

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

void FillLocalParameters(const LocalParams& local, sdp::LocalParameters& p) {
  p.ice_ufrag = local.ice.ufrag;
  p.ice_pwd = local.ice.pwd;
  p.fingerprint = {"sha-256", local.fingerprint_sha256};
  for (const net::IpEndpoint& c : local.candidates) {
    p.candidates.push_back({c, kHostPriority});
  }
  p.origin_session_id = RandomSessionId();
}

sdp::LocalTrack MixTrack(const LocalParams& local) {
  return sdp::LocalTrack{"konfero", "konfero-mix", local.cname, local.audio_ssrc,
                         std::nullopt};
}

// Reads a negotiated session into a PeerSetup. `remote` is the peer's
// description (offer or answer), `answer` the one that fixed the codecs
// (ours or theirs); `we_are_dtls_client` follows from a=setup.
absl::StatusOr<PeerSetup> ExtractSetup(const sdp::SessionDescription& remote,
                                       const sdp::SessionDescription& answer,
                                       bool we_are_dtls_client,
                                       const LocalParams& local) {
  absl::StatusOr<sdp::TransportDescription> transport = sdp::GetBundleTransport(remote);
  if (!transport.ok()) return transport.status();
  PeerSetup setup;
  setup.local_ice = local.ice;
  setup.remote_ice = {transport->ice_ufrag, transport->ice_pwd};
  if (transport->fingerprints.empty()) {
    return absl::InvalidArgumentError("the peer's description has no a=fingerprint");
  }
  // The peer's certificate fingerprint: SHA-256 if given, else the first.
  const sdp::Fingerprint* fingerprint = &transport->fingerprints.front();
  for (const sdp::Fingerprint& f : transport->fingerprints) {
    if (f.algorithm == "sha-256") fingerprint = &f;
  }
  setup.dtls.remote_fingerprint_algorithm = fingerprint->algorithm;
  setup.dtls.remote_fingerprint = fingerprint->value;
  setup.dtls.role = we_are_dtls_client ? dtls::DtlsRole::kClient : dtls::DtlsRole::kServer;

  if (const sdp::MediaDescription* audio = FirstAccepted(answer, sdp::MediaKind::kAudio)) {
    for (const sdp::Codec& codec : audio->codecs) {
      if (absl::EqualsIgnoreCase(codec.name, "opus")) {
        setup.has_audio = true;
        setup.audio.payload_type = codec.payload_type;
        break;
      }
    }
    for (const sdp::Extmap& e : audio->extmaps) {
      if (e.uri == sdp::kExtAudioLevel && e.id >= 1 && e.id <= 255) {
        setup.audio.audio_level_id = static_cast<uint8_t>(e.id);
      }
    }
    setup.audio.send_ssrc = local.audio_ssrc;
  }
  const sdp::MediaDescription* app = FirstAccepted(remote, sdp::MediaKind::kApplication);
  if (app && FirstAccepted(answer, sdp::MediaKind::kApplication)) {
    setup.has_data_channels = true;
    if (app->sctp_port) {
      setup.sctp_remote_port = *app->sctp_port;
    } else if (app->sctpmap) {
      setup.sctp_remote_port = app->sctpmap->port;
    }
    if (app->max_message_size) {
      setup.sctp_remote_max_message_size = static_cast<size_t>(*app->max_message_size);
    }
  }
  return setup;
}

std::optional<sdp::SetupRole> SetupOf(const sdp::SessionDescription& d) {
  for (const sdp::MediaDescription& m : d.media) {
    if (!m.is_rejected() && m.transport.setup) return m.transport.setup;
  }
  return d.transport.setup;
}

}  // namespace

absl::StatusOr<Negotiated> NegotiateOffer(std::string_view offer_text,
                                          const LocalParams& local) {
  absl::StatusOr<sdp::SessionDescription> offer = sdp::ParseSdp(offer_text);
  if (!offer.ok()) return offer.status();

  sdp::AnswerOptions options;
  FillLocalParameters(local, options);
  // The mix goes back on the first audio section the peer can receive on.
  for (const sdp::MediaDescription& m : offer->media) {
    if (m.kind() != sdp::MediaKind::kAudio || m.is_rejected()) continue;
    if (m.direction == sdp::Direction::kSendRecv ||
        m.direction == sdp::Direction::kRecvOnly) {
      options.send_tracks.push_back({m.mid, MixTrack(local)});
    }
    break;
  }
  AddVideoSlotTracks(*offer, local.cname, local.known_slots, RandomSsrc, options);
  absl::StatusOr<sdp::SessionDescription> answer = sdp::BuildAnswer(*offer, options);
  if (!answer.ok()) return answer.status();
  absl::StatusOr<PeerSetup> setup = ExtractSetup(
      *offer, *answer, SetupOf(*answer) == sdp::SetupRole::kActive, local);
  if (!setup.ok()) return setup.status();
  setup->video = ExtractVideoParams(*offer, *answer);
  return Negotiated{*std::move(setup), sdp::SerializeSdp(*answer)};
}

absl::StatusOr<ServerOffer> BuildServerOffer(const LocalParams& local) {
  sdp::OfferOptions options;
  FillLocalParameters(local, options);
  const std::vector<sdp::OfferSection> sections = {
      {"0", sdp::MediaKind::kAudio, sdp::Direction::kSendRecv, false, MixTrack(local)},
      {"1", sdp::MediaKind::kApplication, sdp::Direction::kSendRecv, false, std::nullopt},
  };
  absl::StatusOr<sdp::SessionDescription> offer = sdp::BuildOffer(sections, options);
  if (!offer.ok()) return offer.status();
  std::string text = sdp::SerializeSdp(*offer);
  return ServerOffer{*std::move(offer), std::move(text)};
}

absl::StatusOr<PeerSetup> ApplyAnswer(const ServerOffer& offer,
                                      std::string_view answer_text,
                                      const LocalParams& local) {
  absl::StatusOr<sdp::SessionDescription> answer = sdp::ParseSdp(answer_text);
  if (!answer.ok()) return answer.status();
  if (absl::Status s = sdp::ValidateAnswer(offer.description, *answer); !s.ok()) return s;
  // We offered actpass: an active peer makes us the DTLS server.
  return ExtractSetup(*answer, *answer,
                      SetupOf(*answer) == sdp::SetupRole::kPassive, local);
}

}  // namespace konfero::control
