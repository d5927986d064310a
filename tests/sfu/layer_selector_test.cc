// Tests of sfu/layer_selector.h: layer switches happen only at a keyframe
// start of the target layer, and the caller is told to ask for it.
#include "sfu/layer_selector.h"

#include <gtest/gtest.h>

namespace konfero::sfu {
namespace {

using Decision = LayerSelector::Decision;

constexpr bool kKey = true;
constexpr bool kDelta = false;
constexpr bool kBegins = true;
constexpr bool kMiddle = false;

TEST(LayerSelectorTest, ForwardsNothingUntilTheTargetsFirstKeyframe) {
  LayerSelector selector;
  EXPECT_EQ(selector.current_layer(), -1);
  EXPECT_EQ(selector.target_layer(), -1);
  EXPECT_EQ(selector.OnPacket(0, kKey, kBegins), Decision::kDrop);  // no target

  selector.SetTarget(0);
  EXPECT_TRUE(selector.switching());
  EXPECT_EQ(selector.OnPacket(0, kDelta, kBegins), Decision::kDrop);
  EXPECT_EQ(selector.OnPacket(0, kKey, kMiddle), Decision::kDrop);
  EXPECT_EQ(selector.OnPacket(1, kKey, kBegins), Decision::kDrop);
  EXPECT_EQ(selector.current_layer(), -1);

  EXPECT_EQ(selector.OnPacket(0, kKey, kBegins), Decision::kForward);
  EXPECT_EQ(selector.current_layer(), 0);
  EXPECT_FALSE(selector.switching());
  EXPECT_EQ(selector.OnPacket(0, kKey, kMiddle), Decision::kForward);
  EXPECT_EQ(selector.OnPacket(0, kDelta, kBegins), Decision::kForward);
  EXPECT_EQ(selector.OnPacket(1, kDelta, kBegins), Decision::kDrop);
  EXPECT_EQ(selector.OnPacket(2, kKey, kBegins), Decision::kDrop);
}

// Brings a selector to forwarding `layer`.
void StartAt(LayerSelector& selector, int layer) {
  selector.SetTarget(layer);
  ASSERT_EQ(selector.OnPacket(layer, kKey, kBegins), Decision::kForward);
  ASSERT_EQ(selector.current_layer(), layer);
}

TEST(LayerSelectorTest, SwitchesUpOnlyAtAKeyframeOfTheTarget) {
  LayerSelector selector;
  StartAt(selector, 0);
  selector.SetTarget(2);
  // Until layer 2's keyframe starts, layer 0 goes on.
  EXPECT_EQ(selector.OnPacket(0, kDelta, kBegins), Decision::kForward);
  EXPECT_EQ(selector.OnPacket(2, kDelta, kBegins), Decision::kDrop);
  EXPECT_EQ(selector.OnPacket(2, kKey, kMiddle), Decision::kDrop);
  EXPECT_EQ(selector.OnPacket(1, kKey, kBegins), Decision::kDrop);  // not the target
  EXPECT_EQ(selector.OnPacket(0, kKey, kBegins), Decision::kForward);
  EXPECT_EQ(selector.current_layer(), 0);

  EXPECT_EQ(selector.OnPacket(2, kKey, kBegins), Decision::kForward);
  EXPECT_EQ(selector.current_layer(), 2);
  EXPECT_EQ(selector.OnPacket(0, kDelta, kBegins), Decision::kDrop);
  EXPECT_EQ(selector.OnPacket(2, kKey, kMiddle), Decision::kForward);
  EXPECT_EQ(selector.stats().switches, 2u);
}

TEST(LayerSelectorTest, SwitchesDownOnlyAtAKeyframeOfTheTarget) {
  LayerSelector selector;
  StartAt(selector, 2);
  selector.SetTarget(1);
  EXPECT_EQ(selector.OnPacket(1, kDelta, kBegins), Decision::kDrop);
  EXPECT_EQ(selector.OnPacket(2, kDelta, kBegins), Decision::kForward);
  EXPECT_EQ(selector.current_layer(), 2);
  EXPECT_EQ(selector.OnPacket(1, kKey, kBegins), Decision::kForward);
  EXPECT_EQ(selector.current_layer(), 1);
  EXPECT_EQ(selector.OnPacket(2, kKey, kBegins), Decision::kDrop);
}

TEST(LayerSelectorTest, TargetBackToCurrentCancelsTheSwitch) {
  LayerSelector selector;
  StartAt(selector, 1);
  selector.SetTarget(2);
  selector.SetTarget(1);
  EXPECT_FALSE(selector.switching());
  EXPECT_FALSE(selector.NeedsKeyframe(0));
  EXPECT_EQ(selector.OnPacket(2, kKey, kBegins), Decision::kDrop);
  EXPECT_EQ(selector.current_layer(), 1);
}

TEST(LayerSelectorTest, NoTargetStopsAtOnce) {
  LayerSelector selector;
  StartAt(selector, 1);
  selector.SetTarget(-1);
  EXPECT_EQ(selector.current_layer(), -1);
  EXPECT_FALSE(selector.switching());
  EXPECT_EQ(selector.OnPacket(1, kDelta, kBegins), Decision::kDrop);
  EXPECT_EQ(selector.OnPacket(1, kKey, kBegins), Decision::kDrop);
  EXPECT_FALSE(selector.NeedsKeyframe(0));

  // Back on: a keyframe again, even of the same layer.
  selector.SetTarget(1);
  EXPECT_EQ(selector.OnPacket(1, kDelta, kBegins), Decision::kDrop);
  EXPECT_EQ(selector.OnPacket(1, kKey, kBegins), Decision::kForward);
}

TEST(LayerSelectorTest, AsksForTheKeyframeOnceThenAgainAfterTheRetryInterval) {
  LayerSelector selector({.keyframe_retry_interval_us = 500'000});
  EXPECT_FALSE(selector.NeedsKeyframe(0));  // no target
  selector.SetTarget(0);
  EXPECT_TRUE(selector.NeedsKeyframe(1'000));
  EXPECT_FALSE(selector.NeedsKeyframe(1'001));
  EXPECT_FALSE(selector.NeedsKeyframe(500'999));
  EXPECT_TRUE(selector.NeedsKeyframe(501'000));  // the request or keyframe was lost
  EXPECT_FALSE(selector.NeedsKeyframe(501'000));
  ASSERT_EQ(selector.OnPacket(0, kKey, kBegins), Decision::kForward);
  EXPECT_FALSE(selector.NeedsKeyframe(2'000'000));

  // A new target asks at once, not after the interval.
  selector.SetTarget(2);
  EXPECT_TRUE(selector.NeedsKeyframe(2'000'001));
  selector.SetTarget(1);
  EXPECT_TRUE(selector.NeedsKeyframe(2'000'002));
  EXPECT_FALSE(selector.NeedsKeyframe(2'000'003));
  EXPECT_EQ(selector.stats().keyframes_requested, 4u);
}

TEST(LayerSelectorTest, LayersOutOfRange) {
  LayerSelector selector;
  selector.SetTarget(7);
  EXPECT_EQ(selector.target_layer(), LayerSelector::kMaxLayers - 1);
  selector.SetTarget(-5);
  EXPECT_EQ(selector.target_layer(), -1);
  StartAt(selector, 0);
  EXPECT_EQ(selector.OnPacket(-1, kKey, kBegins), Decision::kDrop);
  EXPECT_EQ(selector.OnPacket(3, kKey, kBegins), Decision::kDrop);
  EXPECT_EQ(selector.current_layer(), 0);
}

}  // namespace
}  // namespace konfero::sfu
