// sdp/negotiation_common.cc: codec matching, default capabilities and the
// server's transport attributes.
#include "sdp/negotiation_common.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "sdp/sdp_text.h"

namespace konfero::sdp {
namespace {

std::vector<RtcpFeedback> VideoFeedback() {
  return {{"goog-remb", ""}, {"transport-cc", ""}, {"ccm", "fir"}, {"nack", ""}, {"nack", "pli"}};
}

SupportedCodec Video(std::string name, std::vector<Param> fmtp, uint8_t pt, uint8_t rtx_pt) {
  SupportedCodec c;
  c.kind = MediaKind::kVideo;
  c.name = std::move(name);
  c.clock_rate = 90000;
  c.fmtp = std::move(fmtp);
  c.feedback = VideoFeedback();
  c.rtx = true;
  c.preferred_payload_type = pt;
  c.preferred_rtx_payload_type = rtx_pt;
  return c;
}

// The value of `key` in `codec`'s fmtp, or `fallback` (the RFC default).
std::string FmtpOr(const std::vector<Param>& fmtp, std::string_view key,
                   std::string_view fallback) {
  for (const Param& p : fmtp) {
    if (!p.key.empty() && EqualsIgnoreCase(p.key, key)) return ToLower(p.value);
  }
  return std::string(fallback);
}

}  // namespace

std::vector<SupportedCodec> DefaultAudioCodecs() {
  SupportedCodec opus;
  opus.kind = MediaKind::kAudio;
  opus.name = "opus";
  opus.clock_rate = 48000;
  opus.channels = 2;
  opus.fmtp = {{"minptime", "10"}, {"useinbandfec", "1"}};
  opus.feedback = {{"transport-cc", ""}};
  opus.preferred_payload_type = 111;
  SupportedCodec pcmu;
  pcmu.kind = MediaKind::kAudio;
  pcmu.name = "PCMU";
  pcmu.clock_rate = 8000;
  pcmu.preferred_payload_type = 0;
  SupportedCodec pcma = pcmu;
  pcma.name = "PCMA";
  pcma.preferred_payload_type = 8;
  return {opus, pcmu, pcma};
}

std::vector<SupportedCodec> DefaultVideoCodecs() {
  return {
      Video("VP8", {}, 96, 97),
      Video("VP9", {{"profile-id", "0"}}, 98, 99),
      Video("H264",
            {{"level-asymmetry-allowed", "1"}, {"packetization-mode", "1"},
             {"profile-level-id", "42e01f"}},
            102, 103),
      Video("H264",
            {{"level-asymmetry-allowed", "1"}, {"packetization-mode", "1"},
             {"profile-level-id", "42001f"}},
            104, 105),
      Video("AV1", {}, 45, 46),
  };
}

std::vector<SupportedCodec> DefaultCodecs() {
  std::vector<SupportedCodec> codecs = DefaultAudioCodecs();
  for (SupportedCodec& c : DefaultVideoCodecs()) codecs.push_back(std::move(c));
  return codecs;
}

std::vector<SupportedExtension> DefaultExtensions() {
  using K = MediaKind;
  return {
      {K::kAudio, std::string(kExtAudioLevel), 1}, {K::kAudio, std::string(kExtAbsSendTime), 2},
      {K::kAudio, std::string(kExtTransportCc), 3}, {K::kAudio, std::string(kExtMid), 4},
      {K::kVideo, std::string(kExtAbsSendTime), 2}, {K::kVideo, std::string(kExtTransportCc), 3},
      {K::kVideo, std::string(kExtMid), 4},         {K::kVideo, std::string(kExtRid), 10},
      {K::kVideo, std::string(kExtRepairedRid), 11},
  };
}

bool IsRtx(const Codec& codec) { return EqualsIgnoreCase(codec.name, "rtx"); }

bool CodecMatches(const SupportedCodec& ours, MediaKind kind, const Codec& offered) {
  if (ours.kind != kind || !EqualsIgnoreCase(ours.name, offered.name) ||
      ours.clock_rate != offered.clock_rate) {
    return false;
  }
  const uint16_t our_channels = ours.channels == 0 ? 1 : ours.channels;
  const uint16_t their_channels = offered.channels == 0 ? 1 : offered.channels;
  if (our_channels != their_channels) return false;
  if (EqualsIgnoreCase(ours.name, "H264")) {
    if (FmtpOr(ours.fmtp, "packetization-mode", "0") !=
        FmtpOr(offered.fmtp, "packetization-mode", "0")) {
      return false;
    }
    // profile_idc and profile-iop: the first four hex digits (RFC 6184 §8.1).
    const std::string a = FmtpOr(ours.fmtp, "profile-level-id", "42000a");
    const std::string b = FmtpOr(offered.fmtp, "profile-level-id", "42000a");
    return a.size() == 6 && b.size() == 6 && a.compare(0, 4, b, 0, 4) == 0;
  }
  if (EqualsIgnoreCase(ours.name, "VP9")) {
    return FmtpOr(ours.fmtp, "profile-id", "0") == FmtpOr(offered.fmtp, "profile-id", "0");
  }
  if (EqualsIgnoreCase(ours.name, "AV1")) {
    return FmtpOr(ours.fmtp, "profile", "0") == FmtpOr(offered.fmtp, "profile", "0");
  }
  return true;
}

std::vector<Param> AnswerFmtp(const SupportedCodec& ours, const Codec& offered) {
  if (EqualsIgnoreCase(ours.name, "H264")) return offered.fmtp;
  return ours.fmtp;
}

Codec ToCodec(const SupportedCodec& ours, uint8_t payload_type) {
  Codec c;
  c.payload_type = payload_type;
  c.name = ours.name;
  c.clock_rate = ours.clock_rate;
  c.channels = ours.channels;
  c.fmtp = ours.fmtp;
  c.feedback = ours.feedback;
  return c;
}

Codec MakeRtx(uint8_t payload_type, uint8_t apt, uint32_t clock_rate) {
  Codec c;
  c.payload_type = payload_type;
  c.name = "rtx";
  c.clock_rate = clock_rate;
  c.fmtp = {{"apt", std::to_string(apt)}};
  return c;
}

std::vector<RtcpFeedback> IntersectFeedback(const std::vector<RtcpFeedback>& offered,
                                            const std::vector<RtcpFeedback>& ours) {
  std::vector<RtcpFeedback> out;
  for (const RtcpFeedback& fb : offered) {
    for (const RtcpFeedback& mine : ours) {
      if (EqualsIgnoreCase(fb.type, mine.type) && EqualsIgnoreCase(fb.subtype, mine.subtype)) {
        bool duplicate = false;
        for (const RtcpFeedback& o : out) duplicate = duplicate || o == fb;
        if (!duplicate) out.push_back(fb);
        break;
      }
    }
  }
  return out;
}

bool IsSupportedHash(std::string_view algorithm) {
  return algorithm == "sha-1" || algorithm == "sha-224" || algorithm == "sha-256" ||
         algorithm == "sha-384" || algorithm == "sha-512";
}

absl::Status ValidateLocalParameters(const LocalParameters& local) {
  if (local.ice_ufrag.size() < 4 || local.ice_ufrag.size() > 256 ||
      !IsIceChars(local.ice_ufrag)) {
    return absl::InvalidArgumentError("local ICE ufrag must be 4-256 ice-chars");
  }
  if (local.ice_pwd.size() < 22 || local.ice_pwd.size() > 256 || !IsIceChars(local.ice_pwd)) {
    return absl::InvalidArgumentError("local ICE password must be 22-256 ice-chars");
  }
  if (!IsSupportedHash(local.fingerprint.algorithm) || local.fingerprint.value.empty()) {
    return absl::InvalidArgumentError("local DTLS fingerprint needs a hash (sha-256) and a value");
  }
  for (char c : local.fingerprint.value) {
    const bool ok = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F') || c == ':';
    if (!ok) return absl::InvalidArgumentError("local fingerprint must be upper-case hex pairs");
  }
  if (local.origin_session_id.empty() || local.origin_session_id.size() > 64 ||
      !IsDigits(local.origin_session_id)) {
    return absl::InvalidArgumentError("origin session id must be decimal digits");
  }
  if (local.max_message_size < 262144 && local.data_channels) {
    return absl::InvalidArgumentError("max-message-size must be at least 262144");
  }
  return absl::OkStatus();
}

void ApplyLocalTransport(const LocalParameters& local, SetupRole setup, MediaDescription& m) {
  m.transport = TransportAttributes{};
  m.transport.ice_ufrag = local.ice_ufrag;
  m.transport.ice_pwd = local.ice_pwd;
  m.transport.fingerprints = {local.fingerprint};
  m.transport.setup = setup;
  m.candidates.clear();
  for (size_t i = 0; i < local.candidates.size(); ++i) {
    const LocalCandidate& lc = local.candidates[i];
    // IpEndpoint::ToString is "a.b.c.d:port" or "[v6]:port".
    std::string address = lc.endpoint.ToString();
    address.resize(address.rfind(':'));
    if (!address.empty() && address.front() == '[') address = address.substr(1, address.size() - 2);
    Candidate c;
    c.foundation = std::to_string(i + 1);
    c.component = 1;
    c.transport = "udp";
    c.priority = lc.priority;
    c.address = address;
    c.port = lc.endpoint.port();
    c.type = "host";
    m.candidates.push_back(std::move(c));
  }
  m.end_of_candidates = true;
  if (!local.candidates.empty()) {
    const bool v4 = local.candidates.front().endpoint.is_ipv4();
    m.port = m.candidates.front().port;
    m.connection = Connection{"IN", v4 ? "IP4" : "IP6", m.candidates.front().address};
  } else {
    m.port = 9;
    m.connection = Connection{};
  }
}

void ApplyLocalTrack(const LocalTrack& track, MediaDescription& m) {
  m.msids = {Msid{track.stream_id, track.track_id}};
  m.ssrcs = {Ssrc{track.ssrc, track.cname, {}}};
  m.ssrc_groups.clear();
  if (track.rtx_ssrc) {
    m.ssrc_groups.push_back(SsrcGroup{"FID", {track.ssrc, *track.rtx_ssrc}});
    m.ssrcs.push_back(Ssrc{*track.rtx_ssrc, track.cname, {}});
  }
}

bool SupportsExtension(const LocalParameters& local, MediaKind kind, std::string_view uri) {
  for (const SupportedExtension& e : local.extensions) {
    if (e.kind == kind && e.uri == uri) return true;
  }
  return false;
}

TransportAttributes EffectiveTransport(const SessionDescription& sdp, const MediaDescription& m) {
  TransportAttributes t = m.transport;
  if (!t.ice_ufrag) t.ice_ufrag = sdp.transport.ice_ufrag;
  if (!t.ice_pwd) t.ice_pwd = sdp.transport.ice_pwd;
  if (t.ice_options.empty()) t.ice_options = sdp.transport.ice_options;
  if (t.fingerprints.empty()) t.fingerprints = sdp.transport.fingerprints;
  if (!t.setup) t.setup = sdp.transport.setup;
  return t;
}

bool IsSupportedRtpProtocol(std::string_view protocol) {
  return protocol == "UDP/TLS/RTP/SAVPF" || protocol == "RTP/SAVPF";
}

MediaDescription RejectedSection(const MediaDescription& source) {
  MediaDescription m;
  m.media = source.media;
  m.port = 0;
  m.protocol = source.protocol;
  if (source.is_rtp()) {
    if (!source.codecs.empty()) {
      const Codec& first = source.codecs.front();
      Codec c;
      c.payload_type = first.payload_type;
      c.name = first.name;
      c.clock_rate = first.clock_rate;
      c.channels = first.channels;
      m.codecs.push_back(std::move(c));
    }
  } else {
    m.formats = source.formats;
  }
  m.connection = Connection{};
  m.mid = source.mid;
  m.direction = Direction::kInactive;
  return m;
}

absl::StatusOr<TransportDescription> GetBundleTransport(const SessionDescription& sdp) {
  const MediaDescription* tag = nullptr;
  if (const Group* bundle = sdp.BundleGroup()) {
    for (const std::string& mid : bundle->mids) {
      const MediaDescription* m = sdp.FindMedia(mid);
      if (m != nullptr && !m->is_rejected() && !m->bundle_only) {
        tag = m;
        break;
      }
    }
  }
  for (size_t i = 0; tag == nullptr && i < sdp.media.size(); ++i) {
    if (!sdp.media[i].is_rejected() && !sdp.media[i].bundle_only) tag = &sdp.media[i];
  }
  if (tag == nullptr) return absl::FailedPreconditionError("no m= section carries a transport");
  const TransportAttributes t = EffectiveTransport(sdp, *tag);
  const std::string where = absl::StrCat("m= section mid '", tag->mid, "'");
  if (!t.ice_ufrag || !t.ice_pwd) {
    return absl::InvalidArgumentError(
        absl::StrCat(where, ": no a=ice-ufrag/a=ice-pwd at media or session level"));
  }
  if (t.ice_ufrag->size() < 4 || t.ice_pwd->size() < 22 || !IsIceChars(*t.ice_ufrag) ||
      !IsIceChars(*t.ice_pwd)) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": ICE ufrag must be >= 4 and password >= 22 ice-chars (RFC 8839)"));
  }
  bool hash_ok = false;
  for (const Fingerprint& fp : t.fingerprints) hash_ok = hash_ok || IsSupportedHash(fp.algorithm);
  if (!hash_ok) {
    return absl::InvalidArgumentError(absl::StrCat(
        where, ": no a=fingerprint with a supported hash (sha-256) at media or session level"));
  }
  TransportDescription out;
  out.mid = tag->mid;
  out.ice_ufrag = *t.ice_ufrag;
  out.ice_pwd = *t.ice_pwd;
  out.fingerprints = t.fingerprints;
  out.setup = t.setup;
  out.candidates = tag->candidates;
  out.ice_lite = sdp.ice_lite;
  return out;
}

}  // namespace konfero::sdp
