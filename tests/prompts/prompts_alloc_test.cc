// PromptPlayer::NextFrame (and playing, TakeFinished, and Enqueue within the
// capacity already reached) make no heap allocation: this binary replaces the
// global operator new/delete with counting versions.
//
// Plain builds only: the sanitizers replace operator new themselves (CMake
// leaves the binary out; the test also skips itself).
#include <gtest/gtest.h>

#include <cstdint>
#include <vector>

#include "prompts/prompt_player.h"
#include "testing/sanitizers.h"

#ifndef KONFERO_UNDER_SANITIZER
#include "testing/counting_new.h"

using ::konfero::test_support::allocations;
using ::konfero::test_support::counting_allocations;
#endif

namespace konfero::prompts {
namespace {

TEST(PromptsAllocationTest, FramePathMakesNoAllocation) {
#ifdef KONFERO_UNDER_SANITIZER
  GTEST_SKIP() << "the sanitizers replace operator new; plain builds only";
#else
  ASSERT_TRUE(::konfero::test_support::CountsAllocations());
  for (int rate : {8000, 16000, 48000}) {
    PromptPlayer player(rate);                            // allocates
    std::vector<int16_t> frame(player.frame_samples());  // allocates
    int frames = 0;
    int finished = 0;
    counting_allocations = true;
    for (int round = 0; round < 2; ++round) {  // the second round reuses the queue
      player.Enqueue(PromptId::kGoodbye, Language::kEnglish);
      player.EnqueueSilence(100);
      player.Enqueue(PromptId::kGoodbye, Language::kGerman);
      while (player.playing() && player.NextFrame(absl::MakeSpan(frame))) {
        ++frames;
        finished += player.TakeFinished();
      }
    }
    player.Enqueue(PromptId::kRemoved, Language::kGerman);
    player.NextFrame(absl::MakeSpan(frame));
    player.Clear();
    counting_allocations = false;
    EXPECT_EQ(allocations.load(), 0u) << rate;
    EXPECT_GT(frames, 100) << rate;
    EXPECT_EQ(finished, 6) << rate;
  }
#endif
}

}  // namespace
}  // namespace konfero::prompts
