// sfu/layer_selector.h: which simulcast layer of one publication a
// subscriber gets, packet by packet, switching only where its decoder can
// follow: at a keyframe of the layer it switches to.
//
// The allocator (sfu/layer_allocator.h) sets the target layer; the selector
// forwards the current layer until the target's next keyframe begins, then
// forwards the target, upwards and downwards alike. Meanwhile NeedsKeyframe()
// tells the caller to ask the publisher for that keyframe (through
// sfu/keyframe_request_aggregator.h, which merges the requests of all
// subscribers). Layers are numbered 0 (the lowest) to 2; -1 means none.
//
//   LayerSelector selector;
//   selector.SetTarget(allocated_layer);                // when the allocation changes
//   if (selector.OnPacket(layer, keyframe, begins_frame) == LayerSelector::Decision::kForward) {
//     rewriter.Rewrite(...);                            // sfu/stream_rewriter.h
//   }
//   if (selector.NeedsKeyframe(now_us)) {
//     aggregator.Request(ssrc_of[selector.target_layer()], now_us);
//   }
//
// Thread contract: not thread-safe. One thread (the worker that forwards the
// subscriber's media) calls everything. Nothing allocates.
#ifndef KONFERO_SFU_LAYER_SELECTOR_H_
#define KONFERO_SFU_LAYER_SELECTOR_H_

#include <cstdint>

namespace konfero::sfu {

struct LayerSelectorConfig {
  // While a switch waits for its keyframe, the request is repeated this
  // often: the request or the keyframe may have been lost.
  int64_t keyframe_retry_interval_us = 1'000'000;
};

struct LayerSelectorStats {
  uint64_t switches = 0;             // the current layer changed at a keyframe
  uint64_t keyframes_requested = 0;  // NeedsKeyframe() returned true
};

class LayerSelector {
 public:
  enum class Decision { kForward, kDrop };
  static constexpr int kMaxLayers = 3;

  explicit LayerSelector(const LayerSelectorConfig& config = {});

  // The layer forwarded now, and the one wanted; -1: none.
  int current_layer() const { return current_; }
  int target_layer() const { return target_; }
  // True while the target differs from the current layer (and is not -1).
  bool switching() const { return target_ >= 0 && target_ != current_; }

  // -1 stops forwarding at once (nothing to wait for). Values beyond the
  // layer range are clamped to it.
  void SetTarget(int layer);

  // For each packet of the publication, of simulcast layer `layer`.
  Decision OnPacket(int layer, bool keyframe, bool begins_frame);

  // True when the caller should ask the publisher for a keyframe of the
  // target layer now: once when a switch starts, then again every
  // keyframe_retry_interval_us while it still waits. Each true is counted
  // as a request made at `now_us`.
  bool NeedsKeyframe(int64_t now_us);

  const LayerSelectorStats& stats() const { return stats_; }

 private:
  int64_t retry_interval_us_;
  int current_ = -1;
  int target_ = -1;
  bool requested_ = false;  // for the present switch
  int64_t requested_at_us_ = 0;
  LayerSelectorStats stats_;
};

}  // namespace konfero::sfu

#endif  // KONFERO_SFU_LAYER_SELECTOR_H_
