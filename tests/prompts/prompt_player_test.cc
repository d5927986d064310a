// Tests of prompts/prompt_player.h at the three leg rates: frame sizes,
// durations, silences, Clear, the finished count, and that the audio is the
// prompt's (same level, same waveform, replay identical).
#include "prompts/prompt_player.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace konfero::prompts {
namespace {

// Plays everything queued; returns the concatenated frames.
std::vector<int16_t> PlayAll(PromptPlayer& player, int* frames = nullptr) {
  std::vector<int16_t> all;
  std::vector<int16_t> frame(player.frame_samples());
  int n = 0;
  while (player.NextFrame(absl::MakeSpan(frame))) {
    all.insert(all.end(), frame.begin(), frame.end());
    ++n;
    if (n > 100000) break;  // never: the queue is finite
  }
  if (frames != nullptr) *frames = n;
  return all;
}

double RmsDb(absl::Span<const int16_t> x) {
  double p = 0;
  for (int16_t v : x) p += static_cast<double>(v) * v;
  return 10 * std::log10(std::max(p / std::max<size_t>(x.size(), 1), 1e-10));
}

class PromptPlayerTest : public ::testing::TestWithParam<int> {};

INSTANTIATE_TEST_SUITE_P(Rates, PromptPlayerTest, ::testing::Values(8000, 16000, 48000),
                         [](const auto& rate) { return std::to_string(rate.param); });

TEST_P(PromptPlayerTest, FramesAreTwentyMillisecondsAtTheLegRate) {
  PromptPlayer player(GetParam());
  EXPECT_EQ(player.sample_rate_hz(), GetParam());
  EXPECT_EQ(player.frame_samples(), GetParam() / 50);
  EXPECT_FALSE(player.playing());
  std::vector<int16_t> frame(player.frame_samples(), 1234);
  EXPECT_FALSE(player.NextFrame(absl::MakeSpan(frame)));  // nothing queued
  EXPECT_EQ(frame[0], 1234);                              // nothing written

  player.Enqueue(PromptId::kGoodbye, Language::kEnglish);
  EXPECT_TRUE(player.playing());
  std::vector<int16_t> wrong(player.frame_samples() + 1);
  EXPECT_FALSE(player.NextFrame(absl::MakeSpan(wrong)));
  std::vector<int16_t> short_frame(player.frame_samples() - 1);
  EXPECT_FALSE(player.NextFrame(absl::MakeSpan(short_frame)));
  EXPECT_TRUE(player.NextFrame(absl::MakeSpan(frame)));
}

TEST_P(PromptPlayerTest, PlaysEachPromptForItsDuration) {
  for (Language language : {Language::kEnglish, Language::kGerman}) {
    for (PromptId id : {PromptId::kGoodbye, PromptId::kEnterPin, PromptId::kServiceUnavailable}) {
      PromptPlayer player(GetParam());
      player.Enqueue(id, language);
      int frames = 0;
      const std::vector<int16_t> out = PlayAll(player, &frames);
      const int64_t duration = GetPrompt(id, language).duration_ms();
      EXPECT_LE(std::abs(frames * 20 - duration), 20) << PromptName(id);
      EXPECT_GE(frames * 20, duration);
      EXPECT_EQ(out.size(), static_cast<size_t>(frames) * player.frame_samples());
      EXPECT_FALSE(player.playing());
      EXPECT_EQ(player.TakeFinished(), 1);
      // Same level as the 16 kHz original (the band above 4 kHz that the
      // 8 kHz leg loses holds little of speech's energy).
      EXPECT_NEAR(RmsDb(out), RmsDb(GetPrompt(id, language).samples_16k), 1.5)
          << PromptName(id);
    }
  }
}

// At 16 kHz the frames are the clip itself. At 8 and 48 kHz they are the
// clip resampled, late by the filter's half length (3 ms up, 6 ms down,
// inside the clip's silent pad): sample for sample, the output at the
// instant of each 16 kHz sample correlates almost perfectly with it.
TEST_P(PromptPlayerTest, FramesCarryTheClipResampled) {
  const absl::Span<const int16_t> clip = GetPrompt(PromptId::kWrongPin, Language::kEnglish).samples_16k;
  PromptPlayer player(GetParam());
  player.Enqueue(PromptId::kWrongPin, Language::kEnglish);
  const std::vector<int16_t> out = PlayAll(player);
  if (GetParam() == 16000) {
    ASSERT_GE(out.size(), clip.size());
    EXPECT_TRUE(std::equal(clip.begin(), clip.end(), out.begin()));
    return;
  }
  const int rate = GetParam();
  double best = -1;
  int best_lag = -1;
  for (int lag = 0; lag <= rate / 100; ++lag) {  // up to 10 ms
    double cross = 0;
    double clip_energy = 0;
    double out_energy = 0;
    for (size_t i = 0; i < clip.size(); i += 16000 / std::min(rate, 16000)) {
      const size_t j = i * rate / 16000 + lag;
      if (j >= out.size()) break;
      cross += static_cast<double>(clip[i]) * out[j];
      clip_energy += static_cast<double>(clip[i]) * clip[i];
      out_energy += static_cast<double>(out[j]) * out[j];
    }
    const double correlation = cross / std::sqrt(clip_energy * out_energy);
    if (correlation > best) {
      best = correlation;
      best_lag = lag;
    }
  }
  EXPECT_GT(best, 0.98);
  EXPECT_LE(best_lag * 1000 / rate, 8) << "ms";
}

TEST_P(PromptPlayerTest, SilenceIsZeroAndLastsAsLongAsAsked) {
  PromptPlayer player(GetParam());
  player.EnqueueSilence(100);
  player.EnqueueSilence(0);    // adds nothing
  player.EnqueueSilence(-5);   // adds nothing
  int frames = 0;
  const std::vector<int16_t> out = PlayAll(player, &frames);
  EXPECT_EQ(frames, 5);
  for (int16_t v : out) ASSERT_EQ(v, 0);
  EXPECT_EQ(player.TakeFinished(), 1);

  // Between prompts too (their own pads end in digital silence).
  player.Enqueue(PromptId::kGoodbye, Language::kGerman);
  player.EnqueueSilence(500);
  player.Enqueue(PromptId::kGoodbye, Language::kGerman);
  const size_t total_16k = 2 * GetPrompt(PromptId::kGoodbye, Language::kGerman).samples_16k.size() + 8000;
  const std::vector<int16_t> seq = PlayAll(player, &frames);
  EXPECT_EQ(static_cast<size_t>(frames), (total_16k + 319) / 320);
  EXPECT_EQ(player.TakeFinished(), 3);
  // The middle 300 ms of the 500 ms pause (plus the prompts' 200 ms pads)
  // are exact zeros at any rate.
  const size_t first_end =
      GetPrompt(PromptId::kGoodbye, Language::kGerman).samples_16k.size() * GetParam() / 16000;
  const size_t rate_ms = GetParam() / 1000;
  for (size_t i = first_end - 100 * rate_ms; i < first_end + 600 * rate_ms; ++i) {
    ASSERT_EQ(seq[i], 0) << "sample " << i;
  }
}

TEST_P(PromptPlayerTest, ClearStopsAtOnceAndCountsNothing) {
  PromptPlayer player(GetParam());
  player.Enqueue(PromptId::kEnterPin, Language::kEnglish);
  player.Enqueue(PromptId::kReminder, Language::kEnglish);
  std::vector<int16_t> frame(player.frame_samples());
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(player.NextFrame(absl::MakeSpan(frame)));
  player.Clear();
  EXPECT_FALSE(player.playing());
  EXPECT_FALSE(player.NextFrame(absl::MakeSpan(frame)));
  EXPECT_EQ(player.TakeFinished(), 0);

  // Playable again afterwards, from the start of the new item.
  player.Enqueue(PromptId::kGoodbye, Language::kEnglish);
  int frames = 0;
  PlayAll(player, &frames);
  EXPECT_EQ(frames, static_cast<int>((GetPrompt(PromptId::kGoodbye, Language::kEnglish)
                                          .samples_16k.size() + 319) / 320));
  EXPECT_EQ(player.TakeFinished(), 1);
}

TEST_P(PromptPlayerTest, TakeFinishedCountsEachItemOnceInTheFrameItEnds) {
  PromptPlayer player(GetParam());
  const size_t a = GetPrompt(PromptId::kWrongPin, Language::kGerman).samples_16k.size();
  player.Enqueue(PromptId::kWrongPin, Language::kGerman);
  player.EnqueueSilence(40);
  player.Enqueue(PromptId::kReminder, Language::kGerman);
  std::vector<int16_t> frame(player.frame_samples());
  std::vector<int> finished_at;  // frame index at which each item finished
  int index = 0;
  while (player.NextFrame(absl::MakeSpan(frame))) {
    for (int n = player.TakeFinished(); n > 0; --n) finished_at.push_back(index);
    ++index;
  }
  EXPECT_EQ(player.TakeFinished(), 0);
  ASSERT_EQ(finished_at.size(), 3u);
  EXPECT_EQ(finished_at[0], static_cast<int>((a + 319) / 320) - 1);
  EXPECT_EQ(finished_at[1], static_cast<int>((a + 640 + 319) / 320) - 1);
  EXPECT_EQ(finished_at[2], index - 1);
}

TEST_P(PromptPlayerTest, ReplayAfterTheQueueRanDryIsIdentical) {
  PromptPlayer player(GetParam());
  player.Enqueue(PromptId::kRemoved, Language::kGerman);
  const std::vector<int16_t> first = PlayAll(player);
  player.Enqueue(PromptId::kRemoved, Language::kGerman);
  const std::vector<int16_t> second = PlayAll(player);
  EXPECT_EQ(first, second);
  // And after a Clear mid-prompt.
  player.Enqueue(PromptId::kGoodbye, Language::kEnglish);
  std::vector<int16_t> frame(player.frame_samples());
  for (int i = 0; i < 20; ++i) player.NextFrame(absl::MakeSpan(frame));
  player.Clear();
  player.Enqueue(PromptId::kRemoved, Language::kGerman);
  EXPECT_EQ(PlayAll(player), first);
}

TEST(PromptPlayerRateTest, MovedPlayerContinuesWhereItWas) {
  PromptPlayer a(8000);
  a.Enqueue(PromptId::kGoodbye, Language::kEnglish);
  PromptPlayer reference(8000);
  reference.Enqueue(PromptId::kGoodbye, Language::kEnglish);
  std::vector<int16_t> frame(160);
  std::vector<int16_t> expected(160);
  for (int i = 0; i < 15; ++i) {
    ASSERT_TRUE(a.NextFrame(absl::MakeSpan(frame)));
    ASSERT_TRUE(reference.NextFrame(absl::MakeSpan(expected)));
  }
  PromptPlayer b(std::move(a));
  while (reference.NextFrame(absl::MakeSpan(expected))) {
    ASSERT_TRUE(b.NextFrame(absl::MakeSpan(frame)));
    EXPECT_EQ(frame, expected);
  }
  EXPECT_FALSE(b.playing());
  EXPECT_EQ(b.TakeFinished(), 1);
}

TEST(PromptPlayerRateTest, UnsupportedRatesFallBackToSixteenKilohertz) {
  for (int rate : {0, -8000, 7999, 44101, 96000}) {
    PromptPlayer player(rate);
    EXPECT_EQ(player.sample_rate_hz(), 16000) << rate;
    EXPECT_EQ(player.frame_samples(), 320) << rate;
  }
  EXPECT_EQ(PromptPlayer(32000).frame_samples(), 640);
}

}  // namespace
}  // namespace konfero::prompts
