// sfu/layer_allocator.cc: a bandwidth estimate shared out as simulcast layers.
#include "sfu/layer_allocator.h"

#include <algorithm>

namespace konfero::sfu {
namespace {

using Priority = SubscriptionDemand::Priority;

constexpr std::array<Priority, 3> kPriorityOrder = {Priority::kScreenShare,
                                                    Priority::kActiveSpeaker, Priority::kOther};

int LayerCount(const SubscriptionDemand& demand) {
  return std::clamp(demand.layer_count, 0, kMaxSimulcastLayers);
}

bool IsActive(const SubscriptionDemand& demand, int layer) {
  return demand.layers[static_cast<size_t>(layer)].active;
}

int64_t Bitrate(const SubscriptionDemand& demand, int layer) {
  return std::max<int64_t>(demand.layers[static_cast<size_t>(layer)].bitrate_bps, 0);
}

bool CoversTile(const SubscriptionDemand& demand, const LayerInfo& layer) {
  return (demand.max_width <= 0 || layer.width >= demand.max_width) &&
         (demand.max_height <= 0 || layer.height >= demand.max_height);
}

// The highest layer worth sending for the tile: the smallest active one that
// covers it, or the largest active one. -1 if no layer is active.
int BestCandidate(const SubscriptionDemand& demand) {
  const bool limited = demand.max_width > 0 || demand.max_height > 0;
  int largest = -1;
  for (int layer = 0; layer < LayerCount(demand); ++layer) {
    if (!IsActive(demand, layer)) continue;
    largest = layer;
    if (limited && CoversTile(demand, demand.layers[static_cast<size_t>(layer)])) break;
  }
  return largest;
}

int LowestCandidate(const SubscriptionDemand& demand) {
  for (int layer = 0; layer < LayerCount(demand); ++layer) {
    if (IsActive(demand, layer)) return layer;
  }
  return -1;
}

// What the budget must hold for `demand` to have `layer`.
int64_t Need(const SubscriptionDemand& demand, int layer, const LayerAllocatorConfig& config) {
  const int64_t bitrate = Bitrate(demand, layer);
  return layer > demand.previous_target ? UpgradeNeed(bitrate, config.upgrade_margin_percent)
                                        : bitrate;
}

// Calls `visit(i)` for each subscription in priority order, stable by index.
template <typename Visit>
void InPriorityOrder(std::span<const SubscriptionDemand> demands, Visit visit) {
  for (const Priority priority : kPriorityOrder) {
    for (size_t i = 0; i < demands.size(); ++i) {
      if (demands[i].priority == priority) visit(i);
    }
  }
}

}  // namespace

int64_t AllocateLayers(int64_t available_bps, std::span<const SubscriptionDemand> demands,
                       std::span<int> targets, const LayerAllocatorConfig& config) {
  demands = demands.first(std::min(demands.size(), targets.size()));
  std::fill_n(targets.begin(), demands.size(), -1);
  int64_t left = available_bps;

  // Pass 1: the lowest candidate each, while the budget allows.
  InPriorityOrder(demands, [&](size_t i) {
    const SubscriptionDemand& demand = demands[i];
    const int lowest = LowestCandidate(demand);
    if (demand.paused || lowest < 0) return;
    if (Need(demand, lowest, config) <= left || demand.priority == Priority::kScreenShare) {
      targets[i] = lowest;
      left -= Bitrate(demand, lowest);
    }
  });

  // Pass 2: upgrades, each as far as the budget left allows.
  InPriorityOrder(demands, [&](size_t i) {
    const SubscriptionDemand& demand = demands[i];
    const int given = targets[i];
    if (given < 0) return;
    for (int layer = BestCandidate(demand); layer > given; --layer) {
      if (!IsActive(demand, layer)) continue;
      if (Need(demand, layer, config) - Bitrate(demand, given) <= left) {
        targets[i] = layer;
        left -= Bitrate(demand, layer) - Bitrate(demand, given);
        return;
      }
    }
  });

  return available_bps - left;
}

}  // namespace konfero::sfu
