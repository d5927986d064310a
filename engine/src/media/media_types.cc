// media_types.cc: names of the public media enums (konfero/media_types.h).
#include "konfero/media_types.h"

namespace konfero {

std::string_view ToString(LegKind kind) {
  switch (kind) {
    case LegKind::kWebRtc: return "webrtc";
    case LegKind::kPlainRtp: return "plain_rtp";
  }
  return "unknown";
}

std::string_view ToString(PeerState s) {
  switch (s) {
    case PeerState::kConnecting: return "connecting";
    case PeerState::kConnected: return "connected";
    case PeerState::kDisconnected: return "disconnected";
    case PeerState::kFailed: return "failed";
    case PeerState::kClosed: return "closed";
  }
  return "unknown";
}

std::string_view ToString(VideoSource source) {
  return source == VideoSource::kScreen ? "screen" : "camera";
}

}  // namespace konfero
