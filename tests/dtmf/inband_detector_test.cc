// Tests of dtmf/inband_detector.h: DTMF made by spandsp's dtmf_tx (with
// pauses, held, through G.711) is detected once per digit; tones, noise and
// silence give nothing.
#include "dtmf/inband_detector.h"

#include <gtest/gtest.h>
#include <spandsp.h>

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "audio/g711.h"

namespace konfero::dtmf {
namespace {

constexpr int kRate = 8000;

// `digits` as spandsp's generator plays them: `on_ms` of tone, `off_ms` of
// pause after each, at -10 dBm0 per tone; with `lead_ms` of silence before.
std::vector<int16_t> DtmfTones(const char* digits, int on_ms, int off_ms, int lead_ms = 200) {
  std::vector<int16_t> pcm(static_cast<size_t>(lead_ms * kRate / 1000), 0);
  dtmf_tx_state_t* tx = dtmf_tx_init(nullptr);
  dtmf_tx_set_level(tx, -10, 0);
  dtmf_tx_set_timing(tx, on_ms, off_ms);
  dtmf_tx_put(tx, digits, -1);
  int16_t block[160];
  int n;
  while ((n = dtmf_tx(tx, block, 160)) > 0) pcm.insert(pcm.end(), block, block + n);
  dtmf_tx_free(tx);
  pcm.resize(pcm.size() + kRate / 5, 0);  // 200 ms of silence after
  return pcm;
}

std::vector<int16_t> Sine(std::vector<double> freqs, double seconds, double amplitude) {
  std::vector<int16_t> pcm(static_cast<size_t>(seconds * kRate));
  for (size_t i = 0; i < pcm.size(); ++i) {
    double v = 0;
    for (double f : freqs) v += std::sin(2 * std::numbers::pi * f * static_cast<double>(i) / kRate);
    pcm[i] = static_cast<int16_t>(amplitude * v / static_cast<double>(freqs.size()));
  }
  return pcm;
}

std::string Detect(InbandDtmfDetector& detector, const std::vector<int16_t>& pcm,
                   size_t block = 160) {
  std::string digits;
  absl::Span<const int16_t> rest(pcm);
  while (!rest.empty()) {
    const size_t n = std::min(block, rest.size());
    detector.Process(rest.first(n), [&](char d) { digits.push_back(d); });
    rest.remove_prefix(n);
  }
  return digits;
}

std::string Detect(const std::vector<int16_t>& pcm, size_t block = 160) {
  auto detector = InbandDtmfDetector::Create();
  EXPECT_TRUE(detector.ok());
  return Detect(**detector, pcm, block);
}

TEST(InbandDtmfDetectorTest, DetectsEachDigitOnceWithPauses) {
  EXPECT_EQ(Detect(DtmfTones("1234#", 100, 100)), "1234#");
  EXPECT_EQ(Detect(DtmfTones("0123456789*#ABCD", 70, 80)), "0123456789*#ABCD");
}

TEST(InbandDtmfDetectorTest, RepeatedDigitWithPausesIsTwoDigits) {
  EXPECT_EQ(Detect(DtmfTones("1155", 80, 80)), "1155");
}

TEST(InbandDtmfDetectorTest, BlockSizeDoesNotMatter) {
  const std::vector<int16_t> pcm = DtmfTones("1234#", 100, 100);
  for (size_t block : {size_t{1}, size_t{7}, size_t{80}, size_t{160}, size_t{1001}, pcm.size()}) {
    EXPECT_EQ(Detect(pcm, block), "1234#") << "block " << block;
  }
}

TEST(InbandDtmfDetectorTest, ToneHeldOneSecondIsOneDigit) {
  EXPECT_EQ(Detect(DtmfTones("5", 1000, 100)), "5");
}

TEST(InbandDtmfDetectorTest, DetectsDigitsThroughMuLaw) {
  // What a phone's PCMU carries: the tones survive G.711 companding.
  std::vector<int16_t> pcm = DtmfTones("1234#", 100, 100);
  for (int16_t& s : pcm) s = audio::g711::DecodeMuLaw(audio::g711::EncodeMuLaw(s));
  EXPECT_EQ(Detect(pcm), "1234#");
}

TEST(InbandDtmfDetectorTest, ToneNoiseAndSilenceGiveNoDigit) {
  EXPECT_EQ(Detect(Sine({440}, 3.0, 16000)), "");
  EXPECT_EQ(Detect(Sine({350, 440}, 3.0, 16000)), "");  // dial tone
  EXPECT_EQ(Detect(Sine({697}, 3.0, 16000)), "");       // one DTMF row tone alone
  EXPECT_EQ(Detect(std::vector<int16_t>(3 * kRate, 0)), "");
  std::mt19937 rng(4733);
  std::uniform_int_distribution<int> uniform(-12000, 12000);
  std::vector<int16_t> noise(3 * kRate);
  for (int16_t& s : noise) s = static_cast<int16_t>(uniform(rng));
  EXPECT_EQ(Detect(noise), "");
}

TEST(InbandDtmfDetectorTest, ResetForgetsAndKeepsDetecting) {
  auto detector = InbandDtmfDetector::Create();
  ASSERT_TRUE(detector.ok());
  EXPECT_EQ(Detect(**detector, DtmfTones("12", 100, 100)), "12");
  (*detector)->Reset();
  EXPECT_EQ(Detect(**detector, DtmfTones("34", 100, 100)), "34");
  // Reset in the middle of a held tone: the rest, long enough, is a digit
  // again; without Reset the same tone is one digit.
  const std::vector<int16_t> held = Sine({770, 1336}, 0.5, 8000);  // '5'
  std::string digits = Detect(**detector, {held.begin(), held.begin() + 2000});
  (*detector)->Reset();
  digits += Detect(**detector, {held.begin() + 2000, held.end()});
  EXPECT_EQ(digits, "55");
}

}  // namespace
}  // namespace konfero::dtmf
