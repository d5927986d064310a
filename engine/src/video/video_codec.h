// video/video_codec.h: the video codecs whose RTP payloads konfero inspects.
//
// Names are the RTP encoding names of SDP (a=rtpmap:96 VP8/90000), matched
// case-insensitively as RFC 4855 requires.
//
//   auto codec = VideoCodecFromName("vp8");   // VideoCodec::kVp8
//   std::string_view name = ToString(*codec);  // "VP8"
//
// Thread contract: pure functions, safe from any thread.
#ifndef KONFERO_VIDEO_VIDEO_CODEC_H_
#define KONFERO_VIDEO_VIDEO_CODEC_H_

#include <cstdint>
#include <optional>
#include <string_view>

namespace konfero::video {

enum class VideoCodec : uint8_t { kVp8, kVp9, kH264, kAv1 };

// "VP8", "VP9", "H264" or "AV1" in any case; nullopt for anything else.
std::optional<VideoCodec> VideoCodecFromName(std::string_view name);

// The canonical upper-case encoding name.
std::string_view ToString(VideoCodec codec);

}  // namespace konfero::video

#endif  // KONFERO_VIDEO_VIDEO_CODEC_H_
