// The retransmission path makes no allocation: this binary replaces the
// global operator new/delete with counting versions and counts every
// allocation made inside RtpSendHistory::Store() and NackResponder::Respond()
// across many NACKs, with RTX and without, hits, misses, rate-limited
// repeats and sequence-number wraparound.
//
// Plain builds only: the sanitizers replace operator new themselves (CMake
// leaves the binary out; the test also skips itself).
#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include <gtest/gtest.h>

#include "rtp/nack_responder.h"
#include "rtp/send_history_test_util.h"

#include "testing/sanitizers.h"

#ifndef KONFERO_UNDER_SANITIZER
#include "testing/counting_new.h"

using ::konfero::test_support::allocations;
using ::konfero::test_support::counting_allocations;
#endif

namespace konfero::rtp {
namespace {

using ::konfero::rtp::testing::kMediaSsrc;
using ::konfero::rtp::testing::MakePacket;

TEST(NackResponderAllocationTest, StoreAndRespondMakeNoAllocation) {
#ifdef KONFERO_UNDER_SANITIZER
  GTEST_SKIP() << "the sanitizers replace operator new; plain builds only";
#else
  ASSERT_TRUE(::konfero::test_support::CountsAllocations());

  for (const bool with_rtx : {true, false}) {
    NackResponder responder(
        {.media_ssrc = kMediaSsrc,
         .rtx = with_rtx ? std::optional<RtxStream>(RtxStream{97, 0x55667788})
                         : std::nullopt,
         .first_rtx_sequence_number = 65000,
         .history = {.capacity = 512, .max_age_us = 1'000'000,
                     .min_resend_interval_us = 20'000}});
    // Everything that may allocate is made before counting: the packets,
    // the NACKs (parsing fills a vector), the callback's state.
    std::vector<std::vector<uint8_t>> packets;
    for (int i = 0; i < 64; ++i) {
      packets.push_back(MakePacket(static_cast<uint16_t>(i), 200 + 20 * i));
    }
    std::vector<Nack> nacks;
    for (int i = 0; i < 16; ++i) {
      Nack nack{.media_ssrc = kMediaSsrc};
      for (int k = 0; k < 17; ++k) nack.sequence_numbers.push_back(0);
      nacks.push_back(nack);
    }
    uint64_t sent = 0;
    uint64_t sent_bytes = 0;
    allocations = 0;

    uint16_t seq = 60'000;  // wraps during the run
    int64_t now_us = 0;
    for (int round = 0; round < 2000; ++round) {
      Nack& nack = nacks[static_cast<size_t>(round) % nacks.size()];
      // Ask for recent packets, some too old or never sent (a gap ahead),
      // and repeat some at once to hit the rate limit.
      for (size_t k = 0; k < nack.sequence_numbers.size(); ++k) {
        nack.sequence_numbers[k] = static_cast<uint16_t>(seq - 40 + 3 * k);
      }
      counting_allocations = true;
      for (int i = 0; i < 8; ++i) {
        std::vector<uint8_t>& p = packets[static_cast<size_t>(seq) % packets.size()];
        p[2] = static_cast<uint8_t>(seq >> 8);
        p[3] = static_cast<uint8_t>(seq);
        responder.history().Store(p, now_us);
        ++seq;
      }
      sent += responder.Respond(nack, now_us, [&](std::span<const uint8_t> packet) {
        sent_bytes += packet.size();
      });
      responder.Respond(nack, now_us + 1000, [&](std::span<const uint8_t> packet) {
        sent_bytes += packet.size();
      });
      counting_allocations = false;
      now_us += 10'000;
    }
    EXPECT_EQ(allocations.load(), 0u) << "allocations inside Store()/Respond()"
                                      << (with_rtx ? " with RTX" : " without RTX");
    EXPECT_GT(sent, 10'000u);
    EXPECT_GT(sent_bytes, 0u);
    EXPECT_GT(responder.history().stats().rate_limited, 10'000u);
    EXPECT_GT(responder.history().stats().not_found_unknown, 0u);
    EXPECT_EQ(with_rtx ? responder.stats().rtx_sent : responder.stats().plain_sent, sent);
  }
#endif
}

}  // namespace
}  // namespace konfero::rtp
