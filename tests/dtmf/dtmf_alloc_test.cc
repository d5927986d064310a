// The per-packet and per-frame paths of konfero_dtmf make no allocation:
// this binary replaces the global operator new/delete with counting versions
// and counts every allocation made by ParseTelephoneEvent,
// WriteTelephoneEvent, DtmfEventReceiver, DtmfEventSender and
// InbandDtmfDetector::Process/Reset (after Create).
//
// Plain builds only: the sanitizers replace operator new themselves (CMake
// leaves the binary out; the test also skips itself).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <vector>

#include "dtmf/dtmf_receiver.h"
#include "dtmf/dtmf_sender.h"
#include "dtmf/inband_detector.h"
#include "dtmf/telephone_event.h"
#include "testing/sanitizers.h"

#ifndef KONFERO_UNDER_SANITIZER
#include "testing/counting_new.h"

using ::konfero::test_support::allocations;
using ::konfero::test_support::counting_allocations;
#endif

namespace konfero::dtmf {
namespace {

TEST(DtmfAllocationTest, PacketAndFramePathsMakeNoAllocation) {
#ifdef KONFERO_UNDER_SANITIZER
  GTEST_SKIP() << "the sanitizers replace operator new; plain builds only";
#else
  ASSERT_TRUE(::konfero::test_support::CountsAllocations());

  // Made before counting: the detector and 2 s of DTMF-like audio ('5').
  auto detector = InbandDtmfDetector::Create();
  ASSERT_TRUE(detector.ok());
  std::vector<int16_t> pcm(16000, 0);
  for (size_t i = 0; i < 4000; ++i) {
    const double t = static_cast<double>(i) / 8000;
    pcm[i] = static_cast<int16_t>(5000 * (std::sin(2 * std::numbers::pi * 770 * t) +
                                          std::sin(2 * std::numbers::pi * 1336 * t)));
  }
  DtmfEventSender sender;
  DtmfEventReceiver receiver;
  int digits = 0;
  int inband = 0;

  counting_allocations = true;
  uint32_t timestamp = 0;
  for (char c : {'1', '2', '3', '#'}) {
    if (!sender.Start(c, 100, timestamp).ok()) break;
    while (auto p = sender.Next()) {
      if (auto e = ParseTelephoneEvent(p->payload)) {
        std::array<uint8_t, kTelephoneEventSize> copy{};
        WriteTelephoneEvent(*e, absl::MakeSpan(copy));
        if (receiver.OnPacket(p->timestamp, *e)) ++digits;
      }
    }
    timestamp += 1600;
  }
  if (receiver.Flush()) ++digits;
  for (size_t at = 0; at < pcm.size(); at += 160) {
    (*detector)->Process(absl::MakeConstSpan(pcm.data() + at, 160), [&](char) { ++inband; });
  }
  (*detector)->Reset();
  counting_allocations = false;

  EXPECT_EQ(allocations.load(), 0u);
  EXPECT_EQ(digits, 4);
  EXPECT_EQ(inband, 1);
#endif
}

}  // namespace
}  // namespace konfero::dtmf
