// The media path makes no allocation: this binary replaces the global
// operator new/delete with counting versions and counts, on the mixer
// thread, every allocation made inside Tick() across many ticks of a busy
// room (Opus and G.711, loss, duplicates, jitter, speaker changes, mute and
// hold, joins and leaves).
#include "gtest/gtest.h"
#include "konfero/audio/mixer.h"
#include "mixer_harness.h"
#include "testing/counting_new.h"

namespace konfero::audio {
namespace {

using ::konfero::test_support::allocations;
using ::konfero::test_support::counting_allocations;

TEST(MixerAllocationTest, TicksMakeNoAllocation) {
  // Sanity: the counter sees allocations at all.
  // (A direct call: a new-expression may legally be optimised away.)
  counting_allocations = true;
  void* probe = ::operator new(16);
  counting_allocations = false;
  ::operator delete(probe);
  ASSERT_EQ(allocations.load(), 1u);
  allocations = 0;

  testing::SimulatedRoom room(
      {.max_participants = 16},
      testing::Impairment{.loss = 0.1, .duplicate = 0.05, .jitter_ms = 60}, 3);
  for (int i = 0; i < 10; ++i) {
    const Codec c = i % 4 == 1 ? Codec::kPcmu : (i % 4 == 2 ? Codec::kPcma : Codec::kOpus);
    room.Add(c, 300.0 + 130 * i, i < 4 ? 7000.0 - 500 * i : 0.0);
  }
  room.member(9).send_level = false;  // its level must come from decoding
  room.Run(20);  // warm-up outside the count (first dispatch, first packets)

  room.tick = [](Mixer& m) {
    counting_allocations = true;
    m.Tick();
    counting_allocations = false;
  };
  room.Run(200);
  ASSERT_TRUE(room.mixer().SetMuted(room.member(0).id, true).ok());
  ASSERT_TRUE(room.mixer().SetOnHold(room.member(5).id, true).ok());
  room.Run(100);
  ASSERT_TRUE(room.mixer().SetMuted(room.member(0).id, false).ok());
  ASSERT_TRUE(room.mixer().SetOnHold(room.member(5).id, false).ok());
  ASSERT_TRUE(room.mixer().RemoveParticipant(room.member(3).id).ok());
  ASSERT_TRUE(room.mixer().AddParticipant(Codec::kPcmu).ok());
  // A new talker takes over: the speaker set changes.
  room.member(2).sine = std::make_unique<testing::Sine>(555.0, 0);
  room.member(7).sine = std::make_unique<testing::Sine>(777.0, 9000);
  room.Run(200);
  EXPECT_EQ(room.mixer().GetMixerStats().ticks, 520u);
  EXPECT_EQ(allocations.load(), 0u) << "allocations inside Mixer::Tick()";
  EXPECT_GT(room.mixer().GetMixerStats().speaker_changes, 3u);
}

}  // namespace
}  // namespace konfero::audio
