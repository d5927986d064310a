// Tests of speaker selection: the loudest K win, a scripted conversation
// switches the set within a bounded number of ticks, and noise never makes
// the set flap. The last test runs the same script through the whole mixer.
#include "audio/speaker_selector.h"

#include <random>
#include <vector>

#include "gtest/gtest.h"
#include "mixer_harness.h"

namespace konfero::audio {
namespace {

using Input = SpeakerSelector::Input;

TEST(SpeakerSelectorTest, PicksTheKLoudest) {
  SpeakerSelector sel({.max_speakers = 3}, 8);
  // Levels in -dBov: lower is louder.
  const std::vector<Input> in = {{true, 30}, {true, 20}, {true, 45},
                                 {true, 25}, {true, 90}, {true, 35},
                                 {false, 10}, {true, 127}};
  for (int t = 0; t < 20; ++t) sel.Update(in);
  std::vector<int> sp(sel.speakers().begin(), sel.speakers().end());
  std::sort(sp.begin(), sp.end());
  EXPECT_EQ(sp, (std::vector<int>{0, 1, 3}));
  EXPECT_FALSE(sel.IsSpeaker(6));  // loud but not eligible (muted)
}

// A conversation: participant 0 talks for 3 s, pauses briefly mid-sentence,
// then participant 1 answers; everyone has background noise that wanders
// around -62 dBov with bursts to -55.
struct Script {
  static int Level(int who, int t, std::mt19937& rng) {
    std::uniform_int_distribution<int> noise(55, 70);
    const bool talks = (who == 0 && t < 150 && !(t >= 80 && t < 90)) ||
                       (who == 1 && t >= 160 && t < 300);
    if (!talks) return noise(rng);
    std::uniform_int_distribution<int> speech(18, 35);
    return speech(rng);
  }
};

TEST(SpeakerSelectorTest, ScriptedConversationSwitchesQuicklyWithoutFlapping) {
  for (int k : {1, 3}) {
    SCOPED_TRACE(k);
    SpeakerSelector sel({.max_speakers = k}, 6);
    std::mt19937 rng(11);
    std::vector<Input> in(6);
    int changes = 0, first_1 = -1, last_0 = -1;
    for (int t = 0; t < 300; ++t) {
      for (int p = 0; p < 6; ++p) in[p] = {true, Script::Level(p, t, rng)};
      changes += sel.Update(in);
      if (sel.IsSpeaker(0)) last_0 = t;
      if (sel.IsSpeaker(1) && first_1 < 0) first_1 = t;
      for (int p = 2; p < 6; ++p) ASSERT_FALSE(sel.IsSpeaker(p)) << t;
      if (t >= 5 && t < 150) {
        ASSERT_TRUE(sel.IsSpeaker(0)) << t;  // no drop in the pause
      }
    }
    EXPECT_LE(first_1, 160 + 5);       // joins within 5 ticks (100 ms)
    EXPECT_LE(last_0, 150 + 35);       // leaves after release + hang time
    EXPECT_EQ(changes, 3);             // 0 joins, 0 leaves, 1 joins: no flap
  }
}

TEST(SpeakerSelectorTest, ALouderNewcomerReplacesTheQuietestAfterItsDwell) {
  SpeakerSelector sel({.max_speakers = 2, .replace_margin_db = 6, .replace_ticks = 5}, 3);
  std::vector<Input> in = {{true, 30}, {true, 40}, {true, 127}};
  for (int t = 0; t < 10; ++t) sel.Update(in);
  ASSERT_TRUE(sel.IsSpeaker(0) && sel.IsSpeaker(1));
  in[2] = {true, 37};  // only 3 dB louder than participant 1: no change
  for (int t = 0; t < 50; ++t) sel.Update(in);
  EXPECT_FALSE(sel.IsSpeaker(2));
  in[2] = {true, 20};  // 20 dB louder
  int t = 0;
  while (!sel.IsSpeaker(2) && t < 50) {
    sel.Update(in);
    ++t;
  }
  EXPECT_LE(t, 8);
  EXPECT_TRUE(sel.IsSpeaker(0));
  EXPECT_FALSE(sel.IsSpeaker(1));
}

TEST(SpeakerSelectorTest, ScriptedConversationThroughTheMixer) {
  using testing::SimulatedRoom;
  SimulatedRoom room({.max_participants = 8});
  for (int i = 0; i < 5; ++i) {
    room.Add(Codec::kL16, 400.0 + 150 * i, 0, /*noise=*/30.0);  // about -64 dBov
  }
  auto talk = [&](int who, double amp) {
    room.member(static_cast<size_t>(who)).sine =
        std::make_unique<testing::Sine>(400.0 + 150 * who, amp);
  };
  talk(0, 6000);
  room.Run(100);
  EXPECT_TRUE(room.mixer().IsSpeaker(room.member(0).id));
  const uint64_t changes_before = room.mixer().GetMixerStats().speaker_changes;
  talk(0, 0);
  talk(1, 6000);
  int t = 0;
  while (!room.mixer().IsSpeaker(room.member(1).id) && t < 100) {
    room.Step();
    ++t;
  }
  EXPECT_LE(t, 8);  // jitter-buffer delay plus onset
  room.Run(100);
  EXPECT_FALSE(room.mixer().IsSpeaker(room.member(0).id));
  for (int p = 2; p < 5; ++p) {
    EXPECT_FALSE(room.mixer().IsSpeaker(room.member(static_cast<size_t>(p)).id));
  }
  // One join and one leave; the noise caused nothing.
  EXPECT_EQ(room.mixer().GetMixerStats().speaker_changes - changes_before, 2u);
}

}  // namespace
}  // namespace konfero::audio
