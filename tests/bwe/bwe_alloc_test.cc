// The per-packet paths make no allocation: this binary replaces the global
// operator new/delete with counting versions and counts every allocation
// made inside BandwidthEstimator::OnPacketSent and OnTransportFeedback and
// TransportFeedbackGenerator::OnPacketReceived over a long run with loss,
// reordering and sequence-number wraparound. (Building a feedback fills a
// vector: that is once per 50 ms, not per packet, and is not counted.)
//
// Plain builds only: the sanitizers replace operator new themselves (CMake
// leaves the binary out; the test also skips itself).
#include <atomic>
#include <cstdint>
#include <vector>

#include <gtest/gtest.h>

#include "bwe/bandwidth_estimator.h"
#include "bwe/transport_feedback_generator.h"
#include "testing/sanitizers.h"

#ifndef KONFERO_UNDER_SANITIZER
#include "testing/counting_new.h"

using ::konfero::test_support::allocations;
using ::konfero::test_support::counting_allocations;
#endif

namespace konfero::bwe {
namespace {

TEST(BweAllocationTest, PerPacketPathsMakeNoAllocation) {
#ifdef KONFERO_UNDER_SANITIZER
  GTEST_SKIP() << "the sanitizers replace operator new; plain builds only";
#else
  ASSERT_TRUE(::konfero::test_support::CountsAllocations());

  BandwidthEstimator estimator;
  TransportFeedbackGenerator generator;
  std::vector<rtp::TransportFeedback> feedbacks;
  feedbacks.reserve(4096);
  uint16_t seq = 60'000;  // wraps during the run
  int64_t now_us = 0;
  int32_t held = -1;  // a packet held back, to reorder it (-1: none)
  for (int i = 0; i < 100'000; ++i) {
    now_us += 1'000;
    counting_allocations = true;
    estimator.OnPacketSent(seq, 1200, now_us);
    if (i % 17 != 0) {  // ~6 % lost
      if (i % 5 == 0) {
        held = seq;
      } else {
        generator.OnPacketReceived(seq, now_us + 20'000);
        if (held >= 0) generator.OnPacketReceived(static_cast<uint16_t>(held), now_us + 20'000);
        held = -1;
      }
    }
    counting_allocations = false;
    ++seq;
    if (auto feedback = generator.MaybeBuild(now_us + 20'000, 1, 2)) {
      counting_allocations = true;
      estimator.OnTransportFeedback(*feedback, now_us + 40'000);
      counting_allocations = false;
    }
  }
  EXPECT_GT(estimator.stats().feedbacks, 1'500u);
  EXPECT_GT(estimator.stats().loss_fraction, 0.0);
  EXPECT_EQ(allocations.load(), 0u);
#endif
}

}  // namespace
}  // namespace konfero::bwe
