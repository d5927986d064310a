// The per-packet path of the SFU makes no allocation: this binary replaces
// the global operator new/delete with counting versions and counts every
// allocation made inside StreamRewriter::Rewrite(), LayerSelector::OnPacket()
// and NeedsKeyframe(), the KeyframeRequestAggregator's Request(), callback
// Poll() and OnKeyframe() (for no more streams than it was sized for),
// BitrateMeter::Add() and Bps(), and AllocateLayers(), across layer
// switches, pauses and sequence-number wraparound.
//
// Plain builds only: the sanitizers replace operator new themselves (CMake
// leaves the binary out; the test also skips itself).
#include <array>
#include <cstdint>

#include <gtest/gtest.h>

#include "sfu/bitrate_meter.h"
#include "sfu/keyframe_request_aggregator.h"
#include "sfu/layer_allocator.h"
#include "sfu/layer_selector.h"
#include "sfu/stream_rewriter.h"

#include "testing/sanitizers.h"

#ifndef KONFERO_UNDER_SANITIZER
#include "testing/counting_new.h"

using ::konfero::test_support::allocations;
using ::konfero::test_support::counting_allocations;
#endif

namespace konfero::sfu {
namespace {

TEST(SfuPacketPathAllocationTest, ForwardingMakesNoAllocation) {
#ifdef KONFERO_UNDER_SANITIZER
  GTEST_SKIP() << "the sanitizers replace operator new; plain builds only";
#else
  ASSERT_TRUE(::konfero::test_support::CountsAllocations());

  StreamRewriter rewriter(90'000);
  LayerSelector selector;
  KeyframeRequestAggregator aggregator({.min_interval_us = 300'000, .expected_streams = 4});
  std::array<BitrateMeter, 3> meters;
  std::array<SubscriptionDemand, 4> demands{};
  std::array<int, 4> targets{};
  std::array<uint16_t, 3> seq = {65'000, 100, 30'000};
  std::array<uint32_t, 3> ts = {0xFFFF'0000u, 0, 1'000'000};
  uint64_t forwarded = 0;
  uint64_t plis = 0;

  counting_allocations = true;
  for (int frame = 0; frame < 5000; ++frame) {
    const int64_t now_us = frame * 33'333;
    if (frame % 97 == 0) selector.SetTarget(frame % 4 - 1);
    if (frame % 97 == 0 && selector.target_layer() < 0) rewriter.Pause();
    if (frame % 97 == 0 && selector.target_layer() >= 0) rewriter.Resume();
    for (int layer = 0; layer < 3; ++layer) {
      const auto l = static_cast<size_t>(layer);
      const bool keyframe = frame % 60 == layer;
      for (int i = 0; i < 3; ++i) {
        const SourcePacket packet = {.source_ssrc = 0x100u + static_cast<uint32_t>(layer),
                                     .sequence_number = seq[l]++,
                                     .timestamp = ts[l],
                                     .keyframe = keyframe,
                                     .begins_frame = i == 0,
                                     .arrival_us = now_us + i * 100};
        meters[l].Add(1200, packet.arrival_us);
        if (keyframe && i == 0) aggregator.OnKeyframe(packet.source_ssrc);
        if (selector.OnPacket(layer, packet.keyframe, packet.begins_frame) ==
                LayerSelector::Decision::kForward &&
            rewriter.Rewrite(packet)) {
          ++forwarded;
        }
      }
      ts[l] += 3000;
      demands[l].layers[l] = {.width = 320 << layer,
                              .height = 180 << layer,
                              .bitrate_bps = meters[l].Bps(now_us),
                              .active = true};
      demands[l].layer_count = 3;
    }
    if (selector.NeedsKeyframe(now_us) &&
        aggregator.Request(0x100u + static_cast<uint32_t>(selector.target_layer()), now_us)) {
      ++plis;
    }
    aggregator.Poll(now_us, [&](uint32_t) { ++plis; });
    AllocateLayers(2'000'000, demands, targets);
  }
  counting_allocations = false;

  EXPECT_EQ(allocations.load(), 0u) << "allocations on the per-packet path";
  EXPECT_GT(forwarded, 5000u);
  EXPECT_GT(rewriter.stats().switches, 10u);
  EXPECT_GT(plis, 10u);
#endif
}

}  // namespace
}  // namespace konfero::sfu
