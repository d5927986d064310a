// sdp/answer_builder.cc: BuildAnswer, the ICE-lite server's answer to a
// browser's offer (JSEP, RFC 8829 §5.3).
//
// Rules:
//  - Every offered m= section is answered, in order, with the same mid.
//    Kinds and protocols konfero does not serve (m=text, RTP/AVP, TCP
//    SCTP), sections outside the offer's first BUNDLE group (without one:
//    all but the first), a second data channel section, and sections with
//    no codec in common are rejected with port 0.
//  - Codecs: the offer's order intersected with ours, the offer's payload
//    types, rtx kept where its apt= codec is kept; rtcp-fb limited to ours.
//  - Header extensions: the offer's ids for the URIs we support.
//  - Transport: a=ice-lite at session level; in each accepted section our
//    ICE credentials, fingerprint, host candidates and end-of-candidates;
//    a=setup:passive when the offer is actpass or active (or absent),
//    active when it is passive (RFC 5763 §5, RFC 8842).
//  - BUNDLE: the accepted mids in the offer's group order, so the offer's
//    first accepted mid is the tag (RFC 8843 §7.3).
//  - Direction: sendrecv stays, sendonly <-> recvonly, inactive stays.
//  - Simulcast: a=simulcast:send with a=rid:X send becomes
//    a=simulcast:recv and a=rid:X recv (RFC 8853 §5.3), when the
//    rtp-stream-id extension is accepted.
//  - Data channels: UDP/DTLS/SCTP webrtc-datachannel with our sctp-port and
//    max-message-size; a legacy DTLS/SCTP offer gets the legacy sctpmap form.
// Errors (the offer cannot be answered): an accepted RTP section without
// a=rtcp-mux or without a=mid, the BUNDLE tag without ICE credentials or a
// usable fingerprint, a=setup:holdconn, or a mid used by two sections.
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "konfero/sdp/negotiation.h"
#include "sdp/negotiation_common.h"
#include "sdp/sdp_text.h"

namespace konfero::sdp {
namespace {

std::string Where(size_t index, const MediaDescription& m) {
  return absl::StrCat("offer m= section ", index, " (", m.media, ", mid '", m.mid, "')");
}

// Whether the server would take this section, before looking at codecs.
bool Acceptable(const SessionDescription& offer, size_t index, const AnswerOptions& options) {
  const MediaDescription& m = offer.media[index];
  if (m.is_rejected()) return false;
  switch (m.kind()) {
    case MediaKind::kAudio:
    case MediaKind::kVideo:
      if (!IsSupportedRtpProtocol(m.protocol)) return false;
      break;
    case MediaKind::kApplication:
      if (!options.data_channels) return false;
      if (m.protocol == "UDP/DTLS/SCTP") {
        bool datachannel = false;
        for (const std::string& f : m.formats) datachannel = datachannel || f == "webrtc-datachannel";
        if (!datachannel) return false;
      } else if (m.protocol != "DTLS/SCTP") {
        return false;
      }
      break;
    case MediaKind::kOther:
      return false;
  }
  if (const Group* bundle = offer.BundleGroup()) {
    for (const std::string& mid : bundle->mids) {
      if (!m.mid.empty() && mid == m.mid) return true;
    }
    return false;
  }
  for (size_t i = 0; i < index; ++i) {
    if (!offer.media[i].is_rejected()) return false;
  }
  return true;
}

Direction AnswerDirection(Direction offered) { return Reverse(offered); }

// Fills codecs of an RTP answer section; false when none is in common.
bool NegotiateCodecs(const MediaDescription& offered, const AnswerOptions& options,
                     MediaDescription& answer) {
  const MediaKind kind = offered.kind();
  std::vector<const SupportedCodec*> accepted_for(128, nullptr);
  bool any = false;
  for (const Codec& c : offered.codecs) {
    if (IsRtx(c)) continue;
    for (const SupportedCodec& ours : options.codecs) {
      if (CodecMatches(ours, kind, c)) {
        accepted_for[c.payload_type] = &ours;
        any = true;
        break;
      }
    }
  }
  if (!any) return false;
  for (const Codec& c : offered.codecs) {
    if (IsRtx(c)) {
      const std::optional<uint8_t> apt = c.RtxApt();
      if (!apt || accepted_for[*apt] == nullptr || !accepted_for[*apt]->rtx) continue;
      const Codec* primary = offered.FindCodec(*apt);
      if (primary == nullptr || primary->clock_rate != c.clock_rate) continue;
      Codec rtx = MakeRtx(c.payload_type, *apt, c.clock_rate);
      rtx.name = c.name;
      answer.codecs.push_back(std::move(rtx));
      continue;
    }
    const SupportedCodec* ours = accepted_for[c.payload_type];
    if (ours == nullptr) continue;
    Codec a;
    a.payload_type = c.payload_type;
    a.name = c.name;
    a.clock_rate = c.clock_rate;
    a.channels = c.channels;
    a.fmtp = AnswerFmtp(*ours, c);
    a.feedback = IntersectFeedback(c.feedback, ours->feedback);
    answer.codecs.push_back(std::move(a));
  }
  return true;
}

void NegotiateSimulcast(const MediaDescription& offered, MediaDescription& answer) {
  if (!offered.simulcast || offered.simulcast->send.empty()) return;
  bool rid_extension = false;
  for (const Extmap& e : answer.extmaps) rid_extension = rid_extension || e.uri == kExtRid;
  if (!rid_extension) return;
  Simulcast simulcast;
  for (const auto& stream : offered.simulcast->send) {
    std::vector<SimulcastStream> alternatives;
    for (const SimulcastStream& s : stream) {
      bool declared = false;
      for (const Rid& r : offered.rids) {
        declared = declared || (r.id == s.rid && r.direction == RidDirection::kSend);
      }
      bool duplicate = false;
      for (const Rid& r : answer.rids) duplicate = duplicate || r.id == s.rid;
      if (!declared || duplicate) continue;
      alternatives.push_back(s);
      answer.rids.push_back(Rid{s.rid, RidDirection::kRecv, {}});
    }
    if (!alternatives.empty()) simulcast.recv.push_back(std::move(alternatives));
  }
  if (!simulcast.recv.empty()) answer.simulcast = std::move(simulcast);
}

// Answers an accepted RTP section; nullopt when it must be rejected.
absl::StatusOr<std::optional<MediaDescription>> AnswerRtp(const MediaDescription& offered,
                                                         const AnswerOptions& options,
                                                         const std::string& where) {
  if (!offered.rtcp_mux) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": no a=rtcp-mux; konfero requires RTP/RTCP multiplexing"));
  }
  MediaDescription answer;
  answer.media = offered.media;
  answer.protocol = offered.protocol;
  if (!NegotiateCodecs(offered, options, answer)) return std::optional<MediaDescription>();
  answer.mid = offered.mid;
  answer.direction = AnswerDirection(offered.direction);
  for (const Extmap& e : offered.extmaps) {
    if (SupportsExtension(options, offered.kind(), e.uri)) {
      answer.extmaps.push_back(Extmap{e.id, std::nullopt, e.uri, ""});
    }
  }
  answer.extmap_allow_mixed = offered.extmap_allow_mixed;
  answer.rtcp_mux = true;
  answer.rtcp_rsize = offered.rtcp_rsize;
  NegotiateSimulcast(offered, answer);
  if (answer.direction == Direction::kSendRecv || answer.direction == Direction::kSendOnly) {
    for (const auto& [mid, track] : options.send_tracks) {
      if (mid == answer.mid) ApplyLocalTrack(track, answer);
    }
  }
  return std::optional<MediaDescription>(std::move(answer));
}

MediaDescription AnswerData(const MediaDescription& offered, const AnswerOptions& options) {
  MediaDescription answer;
  answer.media = offered.media;
  answer.protocol = offered.protocol;
  answer.mid = offered.mid;
  answer.direction = offered.direction;
  if (offered.protocol == "DTLS/SCTP") {
    // Legacy form (draft-ietf-mmusic-sctp-sdp-05), still sent by aiortc 1.4.
    answer.formats = {std::to_string(options.sctp_port)};
    answer.sctpmap = SctpMap{options.sctp_port, "webrtc-datachannel",
                             offered.sctpmap ? offered.sctpmap->streams : std::nullopt};
    if (!answer.sctpmap->streams) answer.sctpmap->streams = 65535;
  } else {
    answer.formats = {"webrtc-datachannel"};
    answer.sctp_port = options.sctp_port;
  }
  answer.max_message_size = options.max_message_size;
  return answer;
}

}  // namespace

absl::StatusOr<SessionDescription> BuildAnswer(const SessionDescription& offer,
                                               const AnswerOptions& options) {
  if (absl::Status s = ValidateLocalParameters(options); !s.ok()) return s;

  for (size_t i = 0; i < offer.media.size(); ++i) {
    for (size_t j = 0; j < i && !offer.media[i].mid.empty(); ++j) {
      if (offer.media[j].mid == offer.media[i].mid) {
        return absl::InvalidArgumentError(
            absl::StrCat(Where(i, offer.media[i]), ": mid used twice"));
      }
    }
  }
  std::vector<bool> acceptable(offer.media.size());
  bool any_acceptable = false;
  for (size_t i = 0; i < offer.media.size(); ++i) {
    acceptable[i] = Acceptable(offer, i, options);
    any_acceptable = any_acceptable || acceptable[i];
  }
  SetupRole setup = SetupRole::kPassive;
  if (any_acceptable) {
    absl::StatusOr<TransportDescription> remote = GetBundleTransport(offer);
    if (!remote.ok()) return remote.status();
    if (remote->setup == SetupRole::kHoldconn) {
      return absl::InvalidArgumentError("offer has a=setup:holdconn; DTLS cannot start");
    }
    if (remote->setup == SetupRole::kPassive) setup = SetupRole::kActive;
  }

  SessionDescription answer;
  answer.origin.session_id = options.origin_session_id;
  answer.origin.session_version = options.origin_session_version;
  answer.ice_lite = true;
  answer.extmap_allow_mixed = offer.extmap_allow_mixed;
  answer.msid_semantic = MsidSemantic{"WMS", {"*"}};

  bool data_taken = false;
  std::vector<std::string> accepted_mids;
  for (size_t i = 0; i < offer.media.size(); ++i) {
    const MediaDescription& offered = offer.media[i];
    const std::string where = Where(i, offered);
    std::optional<MediaDescription> section;
    if (acceptable[i]) {
      if (offered.mid.empty()) {
        return absl::InvalidArgumentError(absl::StrCat(where, ": no a=mid (JSEP requires one)"));
      }
      if (offered.kind() == MediaKind::kApplication) {
        if (!data_taken) section = AnswerData(offered, options);
        data_taken = true;
      } else {
        absl::StatusOr<std::optional<MediaDescription>> rtp = AnswerRtp(offered, options, where);
        if (!rtp.ok()) return rtp.status();
        section = std::move(*rtp);
      }
    }
    if (section) {
      ApplyLocalTransport(options, setup, *section);
      accepted_mids.push_back(section->mid);
      answer.media.push_back(std::move(*section));
    } else {
      answer.media.push_back(RejectedSection(offered));
    }
  }

  if (const Group* bundle = offer.BundleGroup(); bundle != nullptr && !accepted_mids.empty()) {
    Group group{"BUNDLE", {}};
    for (const std::string& mid : bundle->mids) {
      bool accepted = false, listed = false;
      for (const std::string& a : accepted_mids) accepted = accepted || a == mid;
      for (const std::string& g : group.mids) listed = listed || g == mid;
      if (accepted && !listed) group.mids.push_back(mid);
    }
    answer.groups.push_back(std::move(group));
  }
  return answer;
}

}  // namespace konfero::sdp
