// video_negotiation.cc: video slots and publications from SDP.
#include "control/video_negotiation.h"

#include <algorithm>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace konfero::control {
namespace {

bool PeerReceives(sdp::Direction offered) {
  return offered == sdp::Direction::kSendRecv || offered == sdp::Direction::kRecvOnly;
}
bool PeerSends(sdp::Direction offered) {
  return offered == sdp::Direction::kSendRecv || offered == sdp::Direction::kSendOnly;
}

uint8_t ExtensionId(const sdp::MediaDescription& m, std::string_view uri) {
  for (const sdp::Extmap& e : m.extmaps) {
    if (e.uri == uri && e.id >= 1 && e.id <= 255) return static_cast<uint8_t>(e.id);
  }
  return 0;
}

// The video codecs of an answered section with their RTX payload types.
std::vector<VideoCodecParams> Codecs(const sdp::MediaDescription& m, bool& transport_cc,
                                     bool& remb) {
  std::vector<VideoCodecParams> out;
  for (const sdp::Codec& c : m.codecs) {
    std::optional<video::VideoCodec> codec = video::VideoCodecFromName(c.name);
    if (!codec) continue;
    VideoCodecParams params;
    params.codec = *codec;
    params.payload_type = c.payload_type;
    params.clock_rate = c.clock_rate == 0 ? 90000 : c.clock_rate;
    for (const sdp::Codec& rtx : m.codecs) {
      if (rtx.RtxApt() == c.payload_type) params.rtx_payload_type = rtx.payload_type;
    }
    for (const sdp::RtcpFeedback& fb : c.feedback) {
      transport_cc = transport_cc || fb.type == "transport-cc";
      remb = remb || fb.type == "goog-remb";
    }
    out.push_back(params);
  }
  return out;
}

}  // namespace

void AddVideoSlotTracks(const sdp::SessionDescription& offer, const std::string& cname,
                        const std::vector<VideoSlotParams>& known,
                        absl::FunctionRef<uint32_t()> new_ssrc,
                        sdp::AnswerOptions& options) {
  for (const sdp::MediaDescription& m : offer.media) {
    if (m.kind() != sdp::MediaKind::kVideo || m.is_rejected() || !PeerReceives(m.direction)) {
      continue;
    }
    sdp::LocalTrack track;
    track.stream_id = absl::StrCat("konfero-slot-", m.mid);
    track.track_id = absl::StrCat("konfero-video-", m.mid);
    track.cname = cname;
    const auto same_mid = [&](const VideoSlotParams& k) { return k.mid == m.mid; };
    if (auto it = std::find_if(known.begin(), known.end(), same_mid); it != known.end()) {
      track.ssrc = it->ssrc;
      track.rtx_ssrc = it->rtx_ssrc != 0 ? it->rtx_ssrc : new_ssrc();
    } else {
      track.ssrc = new_ssrc();
      track.rtx_ssrc = new_ssrc();
    }
    options.send_tracks.push_back({m.mid, std::move(track)});
  }
}

VideoParams ExtractVideoParams(const sdp::SessionDescription& remote,
                               const sdp::SessionDescription& answer) {
  VideoParams params;
  int published = 0;
  bool extensions_read = false;
  for (const sdp::MediaDescription& a : answer.media) {
    if (a.kind() != sdp::MediaKind::kVideo || a.is_rejected()) continue;
    const sdp::MediaDescription* offered = remote.FindMedia(a.mid);
    if (offered == nullptr) continue;
    std::vector<VideoCodecParams> codecs = Codecs(a, params.transport_cc, params.remb);
    if (codecs.empty()) continue;
    if (!extensions_read) {
      params.extensions.mid = ExtensionId(a, sdp::kExtMid);
      params.extensions.rid = ExtensionId(a, sdp::kExtRid);
      params.extensions.repaired_rid = ExtensionId(a, sdp::kExtRepairedRid);
      params.extensions.abs_send_time = ExtensionId(a, sdp::kExtAbsSendTime);
      params.extensions.transport_cc = ExtensionId(a, sdp::kExtTransportCc);
      extensions_read = true;
    }
    if (PeerSends(offered->direction) && published < 2) {
      VideoPublicationParams pub;
      pub.mid = a.mid;
      pub.source = published == 0 ? VideoSource::kCamera : VideoSource::kScreen;
      pub.codecs = codecs;
      if (a.simulcast) {
        for (const auto& stream : a.simulcast->recv) {
          if (!stream.empty() && !stream.front().paused) pub.rids.push_back(stream.front().rid);
        }
      }
      if (pub.rids.empty()) {
        for (const sdp::Ssrc& s : offered->ssrcs) {
          bool is_rtx = false;
          for (const sdp::SsrcGroup& g : offered->ssrc_groups) {
            if (g.semantics == "FID" && g.ssrcs.size() == 2 && g.ssrcs[1] == s.ssrc) is_rtx = true;
          }
          if (is_rtx) continue;
          uint32_t rtx = 0;
          for (const sdp::SsrcGroup& g : offered->ssrc_groups) {
            if (g.semantics == "FID" && g.ssrcs.size() == 2 && g.ssrcs[0] == s.ssrc) rtx = g.ssrcs[1];
          }
          pub.ssrcs.emplace_back(s.ssrc, rtx);
        }
      }
      params.publications.push_back(std::move(pub));
      ++published;
    }
    if (PeerReceives(offered->direction)) {
      VideoSlotParams slot;
      slot.mid = a.mid;
      for (const sdp::SsrcGroup& g : a.ssrc_groups) {
        if (g.semantics == "FID" && g.ssrcs.size() == 2) {
          slot.ssrc = g.ssrcs[0];
          slot.rtx_ssrc = g.ssrcs[1];
        }
      }
      if (slot.ssrc == 0 && !a.ssrcs.empty()) slot.ssrc = a.ssrcs.front().ssrc;
      slot.codecs = std::move(codecs);
      if (slot.ssrc != 0) params.slots.push_back(std::move(slot));
    }
  }
  return params;
}

}  // namespace konfero::control
