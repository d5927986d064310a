// Tests of sfu/layer_allocator.h: priorities, tile limits, small budgets and
// hysteresis of the per-subscriber layer allocation.
#include "sfu/layer_allocator.h"

#include <array>
#include <cstdint>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace konfero::sfu {
namespace {

using Priority = SubscriptionDemand::Priority;
using ::testing::ElementsAre;

constexpr int64_t kLowBps = 150'000;     // 320x180
constexpr int64_t kMidBps = 500'000;     // 640x360
constexpr int64_t kHighBps = 1'500'000;  // 1280x720
constexpr int64_t kAllThree = kLowBps + kMidBps + kHighBps;

SubscriptionDemand Camera(Priority priority = Priority::kOther) {
  return {.priority = priority,
          .layers = {LayerInfo{320, 180, kLowBps, true}, LayerInfo{640, 360, kMidBps, true},
                     LayerInfo{1280, 720, kHighBps, true}},
          .layer_count = 3};
}

SubscriptionDemand Tile(SubscriptionDemand demand, int width, int height) {
  demand.max_width = width;
  demand.max_height = height;
  return demand;
}

std::vector<int> Allocate(int64_t available_bps, const std::vector<SubscriptionDemand>& demands,
                          int64_t* allocated = nullptr) {
  std::vector<int> targets(demands.size(), 99);
  const int64_t total = AllocateLayers(available_bps, demands, targets);
  if (allocated != nullptr) *allocated = total;
  return targets;
}

TEST(LayerAllocatorTest, AmpleBudgetGivesEveryoneTheTopLayer) {
  int64_t allocated = 0;
  EXPECT_THAT(Allocate(10'000'000, {Camera(), Camera(Priority::kActiveSpeaker)}, &allocated),
              ElementsAre(2, 2));
  EXPECT_EQ(allocated, 2 * kHighBps);
}

TEST(LayerAllocatorTest, PausedAndInactiveGetNone) {
  SubscriptionDemand paused = Camera();
  paused.paused = true;
  SubscriptionDemand silent = Camera();
  for (LayerInfo& layer : silent.layers) layer.active = false;
  SubscriptionDemand no_layers = Camera();
  no_layers.layer_count = 0;
  EXPECT_THAT(Allocate(10'000'000, {paused, silent, no_layers, Camera()}),
              ElementsAre(-1, -1, -1, 2));
}

TEST(LayerAllocatorTest, TileLimitsTheLayer) {
  EXPECT_THAT(Allocate(10'000'000,
                       {
                           Tile(Camera(), 640, 360),    // exactly the middle layer
                           Tile(Camera(), 400, 200),    // the smallest that covers it
                           Tile(Camera(), 160, 90),     // a thumbnail
                           Tile(Camera(), 1920, 1080),  // larger than any: the largest
                           Tile(Camera(), 0, 200),      // height limit only
                           Tile(Camera(), 700, 0),      // width limit only
                           Tile(Camera(), 360, 640),    // portrait tile: must cover both
                       }),
              ElementsAre(1, 1, 0, 2, 1, 2, 2));
}

TEST(LayerAllocatorTest, InactiveLayersAreNoCandidates) {
  SubscriptionDemand no_mid = Tile(Camera(), 640, 360);
  no_mid.layers[1].active = false;  // the publisher stopped sending it
  SubscriptionDemand no_low = Camera();
  no_low.layers[0].active = false;
  no_low.layers[2].active = false;
  int64_t allocated = 0;
  // The tile wants the middle layer; without it the next that covers is the top.
  EXPECT_THAT(Allocate(10'000'000, {no_mid, no_low}, &allocated), ElementsAre(2, 1));
  EXPECT_EQ(allocated, kHighBps + kMidBps);
  // On a tight budget the lowest candidate of `no_low` is its middle layer.
  EXPECT_THAT(Allocate(kLowBps + kMidBps + 50'000, {no_mid, no_low}), ElementsAre(0, 1));
}

TEST(LayerAllocatorTest, ScreenShareIsServedFirst) {
  // Three low layers, then enough for one upgrade to the top. The screen
  // share, listed last, gets it.
  const std::vector<SubscriptionDemand> demands = {Camera(Priority::kActiveSpeaker), Camera(),
                                                   Camera(Priority::kScreenShare)};
  EXPECT_THAT(Allocate(3 * kLowBps + UpgradeNeed(kHighBps, 10) - kLowBps + 100'000, demands),
              ElementsAre(0, 0, 2));
  // Two low layers only (each needs 10% more than its bitrate to start):
  // the screen share and the active speaker get them.
  EXPECT_THAT(Allocate(400'000, demands), ElementsAre(0, -1, 0));
}

TEST(LayerAllocatorTest, ActiveSpeakerIsUpgradedBeforeOthers) {
  // Three low layers and one upgrade to the middle.
  const int64_t budget = 3 * kLowBps + (kMidBps - kLowBps) + 100'000;
  EXPECT_THAT(Allocate(budget, {Camera(), Camera(), Camera(Priority::kActiveSpeaker)}),
              ElementsAre(0, 0, 1));
}

TEST(LayerAllocatorTest, WithinAPriorityTheOrderIsByIndex) {
  const int64_t budget = 3 * kLowBps + (kMidBps - kLowBps) + 100'000;
  EXPECT_THAT(Allocate(budget, {Camera(), Camera(), Camera()}), ElementsAre(1, 0, 0));
  // Everyone gets a low layer before anyone is upgraded.
  EXPECT_THAT(Allocate(3 * kLowBps + 200'000, {Camera(), Camera(), Camera()}),
              ElementsAre(0, 0, 0));
}

TEST(LayerAllocatorTest, UpgradesAsFarAsTheBudgetAllows) {
  // The first cannot reach the top, so it takes the middle; what is left
  // upgrades the second to the middle as well.
  const int64_t budget = 2 * kMidBps + 200'000;
  EXPECT_THAT(Allocate(budget, {Camera(), Camera()}), ElementsAre(1, 1));
}

TEST(LayerAllocatorTest, BudgetTooSmallForTheLowestLayer) {
  int64_t allocated = -1;
  EXPECT_THAT(Allocate(100'000, {Camera(Priority::kActiveSpeaker), Camera()}, &allocated),
              ElementsAre(-1, -1));
  EXPECT_EQ(allocated, 0);

  // Screen share still gets its lowest layer, beyond the budget; the others
  // get nothing.
  EXPECT_THAT(Allocate(100'000, {Camera(), Camera(Priority::kScreenShare)}, &allocated),
              ElementsAre(-1, 0));
  EXPECT_EQ(allocated, kLowBps);
  EXPECT_THAT(Allocate(0, {Camera(Priority::kScreenShare)}), ElementsAre(0));
}

TEST(LayerAllocatorTest, CheaperSubscriptionStillFitsAfterOneThatDidNot) {
  SubscriptionDemand cheap = Camera();
  cheap.layers[0].bitrate_bps = 80'000;
  EXPECT_THAT(Allocate(120'000, {Camera(Priority::kActiveSpeaker), cheap}), ElementsAre(-1, 0));
}

TEST(LayerAllocatorTest, UpgradeNeedsTheMargin) {
  EXPECT_EQ(UpgradeNeed(1'000'000, 10), 1'100'000);
  EXPECT_EQ(UpgradeNeed(1'000'000, 0), 1'000'000);
}

// The estimate wobbles around what the top layer needs: with hysteresis the
// layer changes once each way, not with every wobble.
TEST(LayerAllocatorTest, HysteresisKeepsAWobblingEstimateFromFlapping) {
  SubscriptionDemand demand = Camera();
  const int64_t top = kHighBps;
  const std::array<int64_t, 10> estimates = {
      top - 20'000,  top + 30'000, top - 10'000, top + 60'000, top + 200'000,
      top + 100'000, top + 20'000, top - 10'000, top + 50'000, top + 100'000};
  std::vector<int> layers;
  for (const int64_t estimate : estimates) {
    std::vector<int> targets = Allocate(estimate, {demand});
    demand.previous_target = targets[0];
    layers.push_back(targets[0]);
  }
  // Up only when the estimate covers the top layer plus 10%; down below it.
  EXPECT_THAT(layers, ElementsAre(1, 1, 1, 1, 2, 2, 2, 1, 1, 1));

  // Without the margin the same estimates switch six times.
  demand.previous_target = -1;
  std::vector<int> flapping;
  for (const int64_t estimate : estimates) {
    std::vector<int> targets(1);
    AllocateLayers(estimate, std::vector<SubscriptionDemand>{demand}, targets,
                   {.upgrade_margin_percent = 0});
    demand.previous_target = targets[0];
    flapping.push_back(targets[0]);
  }
  EXPECT_THAT(flapping, ElementsAre(1, 2, 1, 2, 2, 2, 2, 1, 2, 2));
}

TEST(LayerAllocatorTest, HysteresisAppliesToTurningVideoOn) {
  SubscriptionDemand demand = Camera();
  demand.previous_target = -1;
  EXPECT_THAT(Allocate(kLowBps + 10'000, {demand}), ElementsAre(-1));
  EXPECT_THAT(Allocate(kLowBps + 15'000, {demand}), ElementsAre(0));
  demand.previous_target = 0;
  EXPECT_THAT(Allocate(kLowBps, {demand}), ElementsAre(0));
}

TEST(LayerAllocatorTest, OnlyAsManyTargetsAsGiven) {
  const std::vector<SubscriptionDemand> demands = {Camera(), Camera(), Camera()};
  std::array<int, 2> targets = {7, 7};
  const int64_t allocated = AllocateLayers(10 * kAllThree, demands, targets);
  EXPECT_THAT(targets, ElementsAre(2, 2));
  EXPECT_EQ(allocated, 2 * kHighBps);
}

TEST(LayerAllocatorTest, SameInputSameOutput) {
  std::vector<SubscriptionDemand> demands;
  for (int i = 0; i < 12; ++i) {
    demands.push_back(Tile(Camera(static_cast<Priority>(i % 3)), 160 * (i % 5), 90 * (i % 5)));
    demands.back().layers[static_cast<size_t>(i % 3)].bitrate_bps += 1000 * i;
  }
  const std::vector<int> first = Allocate(3 * kAllThree, demands);
  for (int run = 0; run < 5; ++run) EXPECT_EQ(Allocate(3 * kAllThree, demands), first);
}

}  // namespace
}  // namespace konfero::sfu
