// video_router_helpers.h: small lookups the VideoRouter's files share.
//
// Thread contract: pure functions.
#ifndef KONFERO_MEDIA_VIDEO_ROUTER_HELPERS_H_
#define KONFERO_MEDIA_VIDEO_ROUTER_HELPERS_H_

#include <string_view>
#include <vector>

#include "media/video_params.h"

namespace konfero::media {

// The subscriber's (or publisher's) negotiated parameters for `codec`.
inline const VideoCodecParams* CodecByKind(const std::vector<VideoCodecParams>& codecs,
                                           video::VideoCodec codec) {
  for (const VideoCodecParams& c : codecs) {
    if (c.codec == codec) return &c;
  }
  return nullptr;
}

}  // namespace konfero::media

#endif  // KONFERO_MEDIA_VIDEO_ROUTER_HELPERS_H_
