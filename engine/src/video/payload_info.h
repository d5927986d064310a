// video/payload_info.h: what an SFU needs to know about one video RTP
// payload before forwarding it: does it start a frame, is that frame a key
// frame (a point where a subscriber can start or switch layers), which
// temporal layer it belongs to, and the frame size when the packet says.
//
//   auto info = InspectPayload(VideoCodec::kVp8, packet.payload());
//   if (!info) return;                        // malformed or truncated: drop
//   if (info->keyframe && info->begins_frame) SwitchLayerHere();
//
// Per codec:
//   VP8   RFC 7741. begins_frame: S=1 and PID=0; keyframe: also P=0.
//         `vp8` holds the descriptor, for rewriting (vp8_continuity.h).
//   VP9   RFC 9628. begins_frame: B; keyframe: B, not P, and spatial id 0
//         when layer indices are present. Size from the scalability
//         structure, for the packet's spatial layer.
//   H264  RFC 6184, non-interleaved mode (single NAL unit, STAP-A, FU-A;
//         the interleaved-mode packets STAP-B, MTAP and FU-B are rejected).
//         keyframe: an IDR slice (type 5) or SPS (type 7) starts in the
//         packet; begins_frame: single NAL, STAP-A, or FU-A start. That
//         treats every slice as a frame start: good enough to find a key
//         frame, not to delimit access units.
//   AV1   AV1 RTP payload format, aggregation header |Z|Y|W|N|: keyframe: N
//         (first packet of a coded video sequence); begins_frame: not Z.
//         Temporal id from the first OBU extension header in the packet.
//
// Thread contract: pure function, safe from any thread.
#ifndef KONFERO_VIDEO_PAYLOAD_INFO_H_
#define KONFERO_VIDEO_PAYLOAD_INFO_H_

#include <cstdint>
#include <optional>
#include <span>

#include "video/video_codec.h"
#include "video/vp8_descriptor.h"

namespace konfero::video {

struct PayloadInfo {
  bool keyframe = false;      // the packet starts (part of) a key frame
  bool begins_frame = false;  // first packet of a frame
  int temporal_id = -1;       // -1: not signalled
  // From a key frame header (VP8) or scalability structure (VP9) when the
  // packet has it.
  std::optional<uint16_t> width = std::nullopt;
  std::optional<uint16_t> height = std::nullopt;
  std::optional<Vp8Descriptor> vp8 = std::nullopt;  // VP8 only
};

// nullopt: the payload is malformed or truncated.
std::optional<PayloadInfo> InspectPayload(VideoCodec codec, std::span<const uint8_t> payload);

}  // namespace konfero::video

#endif  // KONFERO_VIDEO_PAYLOAD_INFO_H_
