// The media path makes no allocation: this binary replaces the global
// operator new/delete with counting versions and counts, on the mixer
// thread, every allocation made inside Tick() across many ticks of a busy
// room (Opus, G.711 and G.722, loss, duplicates, jitter, speaker changes,
// mute and hold, joins and leaves).
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
  // Talkers 0 to 3 (Opus, mu-law, A-law, G.722), then listeners of every
  // codec; 9 is a G.722 phone without RFC 6464 levels.
  constexpr Codec kCodecs[] = {Codec::kOpus, Codec::kPcmu, Codec::kPcma, Codec::kG722,
                               Codec::kOpus, Codec::kG722, Codec::kPcmu, Codec::kOpus,
                               Codec::kOpus, Codec::kG722};
  for (int i = 0; i < 10; ++i) {
    room.Add(kCodecs[i], 300.0 + 130 * i, i < 4 ? 7000.0 - 500 * i : 0.0);
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
  ASSERT_TRUE(room.mixer().AddParticipant(Codec::kG722).ok());
  // New talkers take over, a G.722 listener among them (its lent encoder
  // continues the shared G.722 stream): the speaker set changes.
  room.member(2).sine = std::make_unique<testing::Sine>(555.0, 0);
  room.member(7).sine = std::make_unique<testing::Sine>(777.0, 9000);
  room.member(5).sine = std::make_unique<testing::Sine>(888.0, 9500);
  room.Run(200);
  EXPECT_EQ(room.mixer().GetMixerStats().ticks, 520u);
  EXPECT_EQ(allocations.load(), 0u) << "allocations inside Mixer::Tick()";
  EXPECT_GT(room.mixer().GetMixerStats().speaker_changes, 3u);
}

}  // namespace
}  // namespace konfero::audio
