// sfu/layer_selector.cc: layer switches at keyframes of the target layer.
#include "sfu/layer_selector.h"

#include <algorithm>

namespace konfero::sfu {

LayerSelector::LayerSelector(const LayerSelectorConfig& config)
    : retry_interval_us_(config.keyframe_retry_interval_us) {}

void LayerSelector::SetTarget(int layer) {
  layer = std::clamp(layer, -1, kMaxLayers - 1);
  if (layer == target_) return;
  target_ = layer;
  requested_ = false;
  if (target_ < 0) current_ = -1;
}

LayerSelector::Decision LayerSelector::OnPacket(int layer, bool keyframe, bool begins_frame) {
  if (layer < 0 || layer >= kMaxLayers) return Decision::kDrop;
  if (switching() && layer == target_ && keyframe && begins_frame) {
    current_ = target_;
    requested_ = false;
    ++stats_.switches;
    return Decision::kForward;
  }
  return layer == current_ ? Decision::kForward : Decision::kDrop;
}

bool LayerSelector::NeedsKeyframe(int64_t now_us) {
  if (!switching()) return false;
  if (requested_ && now_us - requested_at_us_ < retry_interval_us_) return false;
  requested_ = true;
  requested_at_us_ = now_us;
  ++stats_.keyframes_requested;
  return true;
}

}  // namespace konfero::sfu
