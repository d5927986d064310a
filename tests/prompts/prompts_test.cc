// Tests of prompts/prompts.h: every prompt exists in both languages with a
// sane length and level, sounds like speech, and the languages differ; the
// speech check itself rejects a tone and noise; language tags.
#include "prompts/prompts.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "prompts/speech_checks.h"

namespace konfero::prompts {
namespace {

using testing::LooksLikeSpeech;
using testing::Measure;
using testing::SpeechStats;

constexpr PromptId kAllIds[] = {
    PromptId::kEnterPin,         PromptId::kWrongPin,         PromptId::kReminder,
    PromptId::kGoodbye,          PromptId::kWaitForModerator, PromptId::kConferenceEnded,
    PromptId::kRemoved,          PromptId::kServiceUnavailable,
};
constexpr Language kAllLanguages[] = {Language::kEnglish, Language::kGerman};
static_assert(std::size(kAllIds) == kPromptCount);
static_assert(std::size(kAllLanguages) == kLanguageCount);

std::string Label(PromptId id, Language language) {
  return std::string(PromptName(id)) + (language == Language::kEnglish ? "/en" : "/de");
}

TEST(PromptsTest, EveryPromptLastsBetweenPointSevenAndEightSeconds) {
  for (Language language : kAllLanguages) {
    for (PromptId id : kAllIds) {
      const Prompt& p = GetPrompt(id, language);
      EXPECT_GE(p.duration_ms(), 700) << Label(id, language);
      EXPECT_LE(p.duration_ms(), 8000) << Label(id, language);
      EXPECT_EQ(p.duration_ms(), static_cast<int64_t>(p.samples_16k.size()) / 16);
      // The same object every time (static storage).
      EXPECT_EQ(&p, &GetPrompt(id, language));
    }
  }
}

TEST(PromptsTest, EveryPromptHas200MsOfSilenceAtBothEnds) {
  for (Language language : kAllLanguages) {
    for (PromptId id : kAllIds) {
      const absl::Span<const int16_t> s = GetPrompt(id, language).samples_16k;
      ASSERT_GT(s.size(), 6400u);
      int lead_nonzero = 0;
      int tail_nonzero = 0;
      for (size_t i = 0; i < 3200; ++i) {
        lead_nonzero += s[i] != 0;
        tail_nonzero += s[s.size() - 1 - i] != 0;
      }
      EXPECT_EQ(lead_nonzero, 0) << Label(id, language);
      EXPECT_EQ(tail_nonzero, 0) << Label(id, language);
      // ...and no more: speech starts within 20 ms of the pad (the trim).
      int speech_near_start = 0;
      for (size_t i = 3200; i < 3200 + 320; ++i) speech_near_start += s[i] != 0;
      EXPECT_GT(speech_near_start, 0) << Label(id, language);
    }
  }
}

TEST(PromptsTest, EveryPromptIsLevelledAndUnclipped) {
  for (Language language : kAllLanguages) {
    for (PromptId id : kAllIds) {
      const SpeechStats s = Measure(GetPrompt(id, language).samples_16k);
      // Normalised to -16 dBFS active speech, peaks held at -1 dBFS: so the
      // peak is between -1 and about -8 dBFS, never at full scale.
      EXPECT_LE(s.peak_dbfs, -0.9) << Label(id, language);
      EXPECT_GE(s.peak_dbfs, -8.0) << Label(id, language);
      EXPECT_GE(s.rms_dbfs, -30.0) << Label(id, language);
      EXPECT_LE(s.rms_dbfs, -14.0) << Label(id, language);
    }
  }
}

TEST(PromptsTest, EveryPromptSoundsLikeSpeech) {
  for (Language language : kAllLanguages) {
    for (PromptId id : kAllIds) {
      const SpeechStats s = Measure(GetPrompt(id, language).samples_16k);
      EXPECT_TRUE(LooksLikeSpeech(s))
          << Label(id, language) << ": active frames " << s.active_frames
          << ", level spread " << s.level_spread_db << " dB, zcr variation "
          << s.zcr_variation << ", dominant bands " << s.dominant_bands;
    }
  }
}

// The speech check can fail: a steady tone, a warbling tone and white noise
// (all 2 s at -16 dBFS, with the prompts' silent pads) do not pass.
TEST(PromptsTest, SpeechCheckRejectsTonesAndNoise) {
  auto padded = [](auto sample) {
    std::vector<int16_t> v(3200 + 32000 + 3200, 0);
    for (size_t i = 0; i < 32000; ++i) v[3200 + i] = sample(i);
    return v;
  };
  const double amplitude = 32768 * std::pow(10, -16 / 20.0) * std::sqrt(2.0);
  const auto tone = padded([&](size_t i) {
    return static_cast<int16_t>(amplitude * std::sin(2 * std::numbers::pi * 440 * i / 16000));
  });
  // 440 <-> 880 Hz every 250 ms: moves in frequency, steady in level.
  const auto warble = padded([&](size_t i) {
    const double f = (i / 4000) % 2 == 0 ? 440 : 880;
    return static_cast<int16_t>(amplitude * std::sin(2 * std::numbers::pi * f * i / 16000));
  });
  std::mt19937 rng(7);
  std::normal_distribution<double> gauss(0, amplitude / std::sqrt(2.0));
  const auto noise = padded([&](size_t) {
    return static_cast<int16_t>(std::clamp(gauss(rng), -32768.0, 32767.0));
  });
  EXPECT_FALSE(LooksLikeSpeech(Measure(tone)));
  EXPECT_FALSE(LooksLikeSpeech(Measure(warble)));
  EXPECT_FALSE(LooksLikeSpeech(Measure(noise)));
  EXPECT_LT(Measure(tone).dominant_bands, 3);
  EXPECT_LT(Measure(noise).zcr_variation, 0.25);
}

TEST(PromptsTest, AllSixteenPromptsDifferFromEachOther) {
  std::vector<std::pair<std::string, absl::Span<const int16_t>>> all;
  for (Language language : kAllLanguages) {
    for (PromptId id : kAllIds) all.emplace_back(Label(id, language), GetPrompt(id, language).samples_16k);
  }
  for (size_t a = 0; a < all.size(); ++a) {
    for (size_t b = a + 1; b < all.size(); ++b) {
      EXPECT_FALSE(all[a].second == all[b].second) << all[a].first << " vs " << all[b].first;
    }
  }
  // Different words, so English and German differ in length too.
  for (PromptId id : kAllIds) {
    EXPECT_NE(GetPrompt(id, Language::kEnglish).samples_16k.size(),
              GetPrompt(id, Language::kGerman).samples_16k.size())
        << PromptName(id);
  }
}

TEST(PromptsTest, TextsMatchTheirIds) {
  EXPECT_EQ(PromptText(PromptId::kEnterPin, Language::kEnglish),
            "Welcome. Please enter the conference PIN followed by the hash key.");
  EXPECT_EQ(PromptText(PromptId::kGoodbye, Language::kGerman), "Auf Wiederhören.");
  EXPECT_EQ(PromptText(PromptId::kWrongPin, Language::kGerman),
            "Diese PIN ist ungültig. Bitte versuchen Sie es noch einmal.");
  EXPECT_EQ(PromptText(PromptId::kServiceUnavailable, Language::kEnglish),
            "The service is not available right now. Please call again later.");
  EXPECT_EQ(PromptName(PromptId::kWaitForModerator), "kWaitForModerator");
  for (Language language : kAllLanguages) {
    for (PromptId id : kAllIds) EXPECT_FALSE(PromptText(id, language).empty());
  }
}

// Longer texts give longer audio: the table did not mix up the clips.
TEST(PromptsTest, AudioLengthFollowsTheText) {
  for (Language language : kAllLanguages) {
    EXPECT_LT(GetPrompt(PromptId::kGoodbye, language).duration_ms(),
              GetPrompt(PromptId::kConferenceEnded, language).duration_ms());
    EXPECT_LT(GetPrompt(PromptId::kReminder, language).duration_ms(),
              GetPrompt(PromptId::kEnterPin, language).duration_ms());
    EXPECT_LT(GetPrompt(PromptId::kWrongPin, language).duration_ms(),
              GetPrompt(PromptId::kWaitForModerator, language).duration_ms());
  }
}

TEST(ParseLanguageTest, AcceptsEnglishAndGermanTagsInAnyCase) {
  for (const char* tag : {"en", "EN", "en-US", "en-us", "En_GB", "en-GB-oxendict"}) {
    auto l = ParseLanguage(tag);
    ASSERT_TRUE(l.ok()) << tag << ": " << l.status();
    EXPECT_EQ(*l, Language::kEnglish) << tag;
  }
  for (const char* tag : {"de", "DE", "de-DE", "de-at", "de_CH"}) {
    auto l = ParseLanguage(tag);
    ASSERT_TRUE(l.ok()) << tag << ": " << l.status();
    EXPECT_EQ(*l, Language::kGerman) << tag;
  }
}

TEST(ParseLanguageTest, RejectsOtherTags) {
  for (const char* tag : {"", "fr", "fr-FR", "eng", "deu", "en-", "de_", "e", "en US",
                          "english", "-en", "de-DE!"}) {
    auto l = ParseLanguage(tag);
    EXPECT_EQ(l.status().code(), absl::StatusCode::kInvalidArgument) << "\"" << tag << "\"";
  }
  EXPECT_NE(std::string(ParseLanguage("fr").status().message()).find("fr"), std::string::npos);
}

}  // namespace
}  // namespace konfero::prompts
