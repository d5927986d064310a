#include "video/h264_payload.h"

#include <cstddef>

namespace konfero::video {
namespace {

constexpr uint8_t kNalTypeMask = 0x1F;
constexpr uint8_t kIdrSlice = 5;
constexpr uint8_t kSps = 7;
constexpr uint8_t kStapA = 24;
constexpr uint8_t kFuA = 28;
constexpr uint8_t kFuStartBit = 0x80;

constexpr size_t kStapSizeBytes = 2;
constexpr size_t kFuHeadersSize = 2;  // FU indicator, FU header

bool IsKeyframeNal(uint8_t type) { return type == kIdrSlice || type == kSps; }
bool IsSingleNal(uint8_t type) { return type >= 1 && type <= 23; }

std::optional<PayloadInfo> InspectStapA(std::span<const uint8_t> payload) {
  PayloadInfo info;
  info.begins_frame = true;
  size_t pos = 1;  // after the STAP-A header
  if (pos == payload.size()) return std::nullopt;
  while (pos < payload.size()) {
    if (payload.size() - pos < kStapSizeBytes) return std::nullopt;
    const size_t nal_size = static_cast<size_t>((payload[pos] << 8) | payload[pos + 1]);
    pos += kStapSizeBytes;
    if (nal_size == 0 || payload.size() - pos < nal_size) return std::nullopt;
    if (IsKeyframeNal(payload[pos] & kNalTypeMask)) info.keyframe = true;
    pos += nal_size;
  }
  return info;
}

std::optional<PayloadInfo> InspectFuA(std::span<const uint8_t> payload) {
  if (payload.size() <= kFuHeadersSize) return std::nullopt;
  const uint8_t fu_header = payload[1];
  const uint8_t type = fu_header & kNalTypeMask;
  if (!IsSingleNal(type)) return std::nullopt;
  PayloadInfo info;
  info.begins_frame = (fu_header & kFuStartBit) != 0;
  info.keyframe = info.begins_frame && IsKeyframeNal(type);
  return info;
}

}  // namespace

std::optional<PayloadInfo> InspectH264Payload(std::span<const uint8_t> payload) {
  if (payload.empty()) return std::nullopt;
  const uint8_t type = payload[0] & kNalTypeMask;
  if (IsSingleNal(type)) {
    PayloadInfo info;
    info.begins_frame = true;
    info.keyframe = IsKeyframeNal(type);
    return info;
  }
  if (type == kStapA) return InspectStapA(payload);
  if (type == kFuA) return InspectFuA(payload);
  return std::nullopt;
}

}  // namespace konfero::video
