// sdp/session_description.cc: accessors of the SDP value types.
#include "konfero/sdp/session_description.h"

#include "sdp/sdp_text.h"

namespace konfero::sdp {

std::string_view ToString(MediaKind kind) {
  switch (kind) {
    case MediaKind::kAudio: return "audio";
    case MediaKind::kVideo: return "video";
    case MediaKind::kApplication: return "application";
    case MediaKind::kOther: break;
  }
  return "";
}

std::string_view ToString(Direction direction) {
  switch (direction) {
    case Direction::kSendRecv: return "sendrecv";
    case Direction::kSendOnly: return "sendonly";
    case Direction::kRecvOnly: return "recvonly";
    case Direction::kInactive: return "inactive";
  }
  return "inactive";
}

std::string_view ToString(SetupRole role) {
  switch (role) {
    case SetupRole::kActpass: return "actpass";
    case SetupRole::kActive: return "active";
    case SetupRole::kPassive: return "passive";
    case SetupRole::kHoldconn: return "holdconn";
  }
  return "holdconn";
}

Direction Reverse(Direction direction) {
  switch (direction) {
    case Direction::kSendOnly: return Direction::kRecvOnly;
    case Direction::kRecvOnly: return Direction::kSendOnly;
    case Direction::kSendRecv:
    case Direction::kInactive: break;
  }
  return direction;
}

std::optional<std::string_view> Codec::FmtpValue(std::string_view key) const {
  for (const Param& p : fmtp) {
    if (!p.key.empty() && EqualsIgnoreCase(p.key, key)) return std::string_view(p.value);
  }
  return std::nullopt;
}

std::optional<uint8_t> Codec::RtxApt() const {
  if (!EqualsIgnoreCase(name, "rtx")) return std::nullopt;
  auto apt = FmtpValue("apt");
  if (!apt) return std::nullopt;
  auto value = ParseUint(*apt, 127);
  if (!value) return std::nullopt;
  return static_cast<uint8_t>(*value);
}

MediaKind MediaDescription::kind() const {
  if (media == "audio") return MediaKind::kAudio;
  if (media == "video") return MediaKind::kVideo;
  if (media == "application") return MediaKind::kApplication;
  return MediaKind::kOther;
}

bool MediaDescription::is_rtp() const {
  return protocol.find("RTP/") != std::string::npos;
}

const Codec* MediaDescription::FindCodec(uint8_t payload_type) const {
  for (const Codec& codec : codecs) {
    if (codec.payload_type == payload_type) return &codec;
  }
  return nullptr;
}

const Ssrc* MediaDescription::FindSsrc(uint32_t ssrc) const {
  for (const Ssrc& s : ssrcs) {
    if (s.ssrc == ssrc) return &s;
  }
  return nullptr;
}

const MediaDescription* SessionDescription::FindMedia(std::string_view mid) const {
  for (const MediaDescription& m : media) {
    if (!m.mid.empty() && m.mid == mid) return &m;
  }
  return nullptr;
}

const Group* SessionDescription::BundleGroup() const {
  for (const Group& g : groups) {
    if (g.semantics == "BUNDLE") return &g;
  }
  return nullptr;
}

}  // namespace konfero::sdp
