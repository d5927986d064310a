// sfu/layer_allocator.h: shares one subscriber's bandwidth estimate among
// its subscriptions, choosing the simulcast layer each should get.
//
// Each subscription's candidates are its active layers no larger than its
// tile needs: up to the smallest layer that covers the tile (width and
// height both at least the tile's), or the largest one if none does.
// Subscriptions are served in priority order (screen share, then the active
// speaker, then the others; by index within a priority):
//  1. each gets its lowest candidate if the budget left allows it, and none
//     (-1) otherwise; except screen share, which gets its lowest candidate
//     even beyond the budget: it is what the meeting is looking at. A
//     paused subscription, or one without an active layer, gets none.
//  2. in the same order, each is upgraded to the highest candidate that the
//     budget left allows.
// Layers are assumed ordered by size, 0 the smallest, as simulcast sends them.
//
// Hysteresis: a subscription gets a layer above the one it was given last
// time (`previous_target`; -1 for none) only if the budget covers that
// layer's bitrate plus upgrade_margin_percent; keeping or lowering its layer
// needs the bitrate alone. So an estimate that wobbles around a layer's
// bitrate does not switch the layer up and down (each switch up costs a
// keyframe).
//
//   std::array<int, 8> targets;
//   AllocateLayers(bwe_bps, demands, targets);
//   for (size_t i = 0; i < demands.size(); ++i) selectors[i].SetTarget(targets[i]);
//
// Deterministic: the same input gives the same targets. A pure function;
// it does not allocate. Thread contract: safe from any thread.
#ifndef KONFERO_SFU_LAYER_ALLOCATOR_H_
#define KONFERO_SFU_LAYER_ALLOCATOR_H_

#include <array>
#include <cstdint>
#include <span>

namespace konfero::sfu {

inline constexpr int kMaxSimulcastLayers = 3;

struct LayerInfo {
  int width = 0;
  int height = 0;
  int64_t bitrate_bps = 0;  // measured (sfu/bitrate_meter.h) or expected
  bool active = false;      // packets arrived recently
};

struct SubscriptionDemand {
  enum class Priority { kScreenShare, kActiveSpeaker, kOther };

  Priority priority = Priority::kOther;
  bool paused = false;
  // The tile the subscriber shows it in; 0: no limit in that dimension.
  int max_width = 0;
  int max_height = 0;
  std::array<LayerInfo, kMaxSimulcastLayers> layers = {};
  int layer_count = 0;
  int previous_target = -1;  // the layer allocated last time, for hysteresis
};

struct LayerAllocatorConfig {
  int upgrade_margin_percent = 10;
};

// The budget a subscription needs to move up to a layer of `bitrate_bps`:
// the bitrate plus `margin_percent` of it.
constexpr int64_t UpgradeNeed(int64_t bitrate_bps, int margin_percent) {
  return bitrate_bps + bitrate_bps * margin_percent / 100;
}

// Writes the layer for demands[i] to targets[i] (-1: none), for the first
// min(demands.size(), targets.size()) subscriptions. Returns the bits per
// second allocated (which exceeds `available_bps` only for screen share).
int64_t AllocateLayers(int64_t available_bps, std::span<const SubscriptionDemand> demands,
                       std::span<int> targets, const LayerAllocatorConfig& config = {});

}  // namespace konfero::sfu

#endif  // KONFERO_SFU_LAYER_ALLOCATOR_H_
