#include "video/payload_info.h"

#include "video/av1_payload.h"
#include "video/h264_payload.h"
#include "video/vp9_descriptor.h"

namespace konfero::video {
namespace {

std::optional<PayloadInfo> InspectVp8(std::span<const uint8_t> payload) {
  auto d = ParseVp8Descriptor(payload);
  if (!d) return std::nullopt;
  PayloadInfo info;
  info.begins_frame = d->begins_frame();
  info.keyframe = d->keyframe;
  if (d->temporal_id) info.temporal_id = *d->temporal_id;
  info.width = d->width;
  info.height = d->height;
  info.vp8 = d;
  return info;
}

std::optional<PayloadInfo> InspectVp9(std::span<const uint8_t> payload) {
  auto d = ParseVp9Descriptor(payload);
  if (!d) return std::nullopt;
  PayloadInfo info;
  info.begins_frame = d->begins_frame;
  info.keyframe = d->begins_frame && !d->inter_picture_predicted &&
                  (!d->has_layer_indices || d->spatial_id == 0);
  if (d->has_layer_indices) info.temporal_id = d->temporal_id;
  const auto& ss = d->scalability;
  if (ss && ss->has_resolutions && d->spatial_id < ss->spatial_layers) {
    info.width = ss->width[d->spatial_id];
    info.height = ss->height[d->spatial_id];
  }
  return info;
}

}  // namespace

std::optional<PayloadInfo> InspectPayload(VideoCodec codec, std::span<const uint8_t> payload) {
  switch (codec) {
    case VideoCodec::kVp8:
      return InspectVp8(payload);
    case VideoCodec::kVp9:
      return InspectVp9(payload);
    case VideoCodec::kH264:
      return InspectH264Payload(payload);
    case VideoCodec::kAv1:
      return InspectAv1Payload(payload);
  }
  return std::nullopt;
}

}  // namespace konfero::video
