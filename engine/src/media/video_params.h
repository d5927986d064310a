// video_params.h: what the SDP negotiated for a peer's video: the sections
// it publishes on (camera, screen share; simulcast rids or SSRCs), the
// sections it receives on (the server's "video slots", each with our SSRC
// and RTX SSRC), the codecs with their payload types, and the header
// extension ids.
//
// The model: a client offers one video section per track it sends (the
// first is its camera, the second its screen share) and one per tile it
// wants to show; every section the client can receive on becomes a slot
// the SFU fills with another participant's camera or screen share, with
// no renegotiation when participants come and go. The engine tells the
// client which participant is in which slot on the "control" data channel.
//
// Thread contract: plain values.
#ifndef KONFERO_MEDIA_VIDEO_PARAMS_H_
#define KONFERO_MEDIA_VIDEO_PARAMS_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "konfero/media_types.h"
#include "video/video_codec.h"

namespace konfero::media {

struct VideoCodecParams {
  video::VideoCodec codec = video::VideoCodec::kVp8;
  uint8_t payload_type = 0;
  std::optional<uint8_t> rtx_payload_type;
  uint32_t clock_rate = 90000;
};

// Header extension ids (0: not negotiated). With BUNDLE a URI has one id
// across sections.
struct VideoExtensionIds {
  uint8_t mid = 0;
  uint8_t rid = 0;
  uint8_t repaired_rid = 0;
  uint8_t abs_send_time = 0;
  uint8_t transport_cc = 0;
};

// A section the peer sends video on.
struct VideoPublicationParams {
  std::string mid;
  VideoSource source = VideoSource::kCamera;
  std::vector<VideoCodecParams> codecs;
  // Simulcast: the rids in the order of a=simulcast:send (empty without).
  std::vector<std::string> rids;
  // Without rids: the media SSRCs the peer announced (a=ssrc), and their
  // RTX SSRCs by FID group (0 when none).
  std::vector<std::pair<uint32_t, uint32_t>> ssrcs;
};

// A section the server sends video on.
struct VideoSlotParams {
  std::string mid;
  uint32_t ssrc = 0;
  uint32_t rtx_ssrc = 0;
  std::vector<VideoCodecParams> codecs;  // the peer's payload types
};

struct VideoParams {
  std::vector<VideoPublicationParams> publications;
  std::vector<VideoSlotParams> slots;
  VideoExtensionIds extensions;
  bool transport_cc = false;  // rtcp-fb transport-cc negotiated
  bool remb = false;          // rtcp-fb goog-remb negotiated
};

}  // namespace konfero::media

#endif  // KONFERO_MEDIA_VIDEO_PARAMS_H_
