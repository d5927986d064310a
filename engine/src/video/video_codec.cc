#include "video/video_codec.h"

#include <array>
#include <utility>

#include "absl/strings/match.h"
#include "common/absl_compat.h"

namespace konfero::video {
namespace {

constexpr std::array<std::pair<VideoCodec, std::string_view>, 4> kNames = {{
    {VideoCodec::kVp8, "VP8"},
    {VideoCodec::kVp9, "VP9"},
    {VideoCodec::kH264, "H264"},
    {VideoCodec::kAv1, "AV1"},
}};

}  // namespace

std::optional<VideoCodec> VideoCodecFromName(std::string_view name) {
  for (const auto& [codec, codec_name] : kNames) {
    if (absl::EqualsIgnoreCase(Sv(name), Sv(codec_name))) return codec;
  }
  return std::nullopt;
}

std::string_view ToString(VideoCodec codec) {
  for (const auto& [known, name] : kNames) {
    if (known == codec) return name;
  }
  return "unknown";
}

}  // namespace konfero::video
