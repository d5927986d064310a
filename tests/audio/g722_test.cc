// Tests of audio/g722.h: spandsp's G.722 at 64 kbit/s keeps a wideband
// tone (6 kHz, which G.711's 8 kHz sampling cannot carry), its sizes follow
// RFC 3551 (160 bytes per 20 ms), Reset() restarts a stream, the 8 kHz
// decoder output keeps the low band, and the decoder matches spandsp's bit
// for bit except where spandsp's own receive filter wraps around.
#include "audio/g722.h"

#include <spandsp/telephony.h>
#include <spandsp/g722.h>

#include <algorithm>
#include <cstdlib>
#include <random>
#include <vector>

#include "audio/g711.h"
#include "audio/resampler.h"
#include "audio_test_util.h"
#include "gtest/gtest.h"
#include "konfero/audio/audio_types.h"

namespace konfero::audio {
namespace {

using testing::Sine;
using testing::Spectrum;
using testing::ToneMagnitude;

constexpr int kRate = 16000;
constexpr int kFrame16k = 320;  // 20 ms
constexpr int kFrameBytes = 160;

// `frames` 20 ms frames of a 16 kHz tone through a fresh encoder and
// decoder; returns the decoded samples after the first five frames.
std::vector<int16_t> RoundTrip(double freq, double amplitude, int frames,
                               G722Decoder::Output output = G722Decoder::Output::k16kHz) {
  auto enc = G722Encoder::Create();
  auto dec = G722Decoder::Create(output);
  EXPECT_TRUE(enc.ok() && dec.ok());
  Sine sine(freq, amplitude, kRate);
  std::vector<int16_t> out;
  int16_t pcm[kFrame16k], decoded[kFrame16k];
  uint8_t bytes[kFrameBytes];
  for (int f = 0; f < frames; ++f) {
    sine.Fill(pcm, kFrame16k);
    EXPECT_EQ((*enc)->Encode(pcm, kFrame16k, bytes), kFrameBytes);
    const int n = (*dec)->Decode(bytes, kFrameBytes, decoded);
    EXPECT_EQ(n, output == G722Decoder::Output::k16kHz ? kFrame16k : kFrameBytes);
    if (f >= 5) out.insert(out.end(), decoded, decoded + n);
  }
  return out;
}

int PeakOf(const std::vector<int16_t>& x) {
  int peak = 0;
  for (const int16_t s : x) peak = std::max(peak, std::abs(int{s}));
  return peak;
}

TEST(G722Test, FrameSizesFollowRfc3551) {
  EXPECT_EQ(RtpClockHz(Codec::kG722), 8000);
  EXPECT_EQ(RtpSamplesPerFrame(Codec::kG722), 160u);
  EXPECT_EQ(CodecName(Codec::kG722), "g722");
  EXPECT_EQ(CodecFromName("g722"), Codec::kG722);
}

TEST(G722Test, RoundTripKeepsA1kHzTone) {
  const auto out = RoundTrip(1000, 8000, 60);
  const auto mag = Spectrum(out, 14);
  // A Hann-windowed sine of amplitude A shows a peak of about A / 4.
  EXPECT_GT(ToneMagnitude(mag, 1000, kRate), 1500);
  EXPECT_LT(ToneMagnitude(mag, 3000, kRate), 40);
  EXPECT_LT(ToneMagnitude(mag, 6000, kRate), 40);
}

TEST(G722Test, RoundTripKeepsA6kHzToneThatG711CannotCarry) {
  const auto out = RoundTrip(6000, 8000, 60);
  const auto mag = Spectrum(out, 14);
  EXPECT_GT(ToneMagnitude(mag, 6000, kRate), 1500);
  EXPECT_LT(ToneMagnitude(mag, 2000, kRate), 40);  // no alias in the low band

  // The same tone through G.711's path (48 -> 8 kHz, mu-law, 8 -> 48 kHz)
  // is gone: 6 kHz is above its 4 kHz Nyquist limit.
  auto down = FrameResampler::Create(kSampleRateHz, 8000);
  auto up = FrameResampler::Create(8000, kSampleRateHz);
  ASSERT_TRUE(down.ok() && up.ok());
  Sine sine(6000, 8000);
  std::vector<int16_t> g711;
  int16_t wide[kFrameSamples], narrow[160];
  uint8_t bytes[160];
  for (int f = 0; f < 30; ++f) {
    sine.Fill(wide, kFrameSamples);
    (*down)->Process(wide, narrow);
    g711::EncodeMuLaw(narrow, bytes, 160);
    g711::DecodeMuLaw(bytes, narrow, 160);
    (*up)->Process(narrow, wide);
    if (f >= 5) g711.insert(g711.end(), wide, wide + kFrameSamples);
  }
  EXPECT_LT(ToneMagnitude(Spectrum(g711, 14), 6000), 40);
}

// Largest jump between neighbouring samples: a wrapped sample jumps by
// tens of thousands; a 1 kHz sine of 32767 at 16 kHz moves by at most 12800
// (plus the codec's noise).
int MaxStep(const std::vector<int16_t>& x) {
  int max_step = 0;
  for (size_t i = 1; i < x.size(); ++i) {
    max_step = std::max(max_step, std::abs(x[i] - x[i - 1]));
  }
  return max_step;
}

// The same bytes through spandsp's own 16 kHz decoder.
std::vector<int16_t> SpandspDecode(const std::vector<uint8_t>& bytes) {
  g722_decode_state_t* s = g722_decode_init(nullptr, 64000, 0);
  std::vector<int16_t> out(2 * bytes.size());
  out.resize(static_cast<size_t>(
      g722_decode(s, out.data(), bytes.data(), static_cast<int>(bytes.size()))));
  g722_decode_free(s);
  return out;
}

std::vector<uint8_t> Encode(const std::vector<int16_t>& pcm) {
  auto enc = G722Encoder::Create();
  EXPECT_TRUE(enc.ok());
  std::vector<uint8_t> bytes(pcm.size() / 2);
  EXPECT_EQ((*enc)->Encode(pcm.data(), static_cast<int>(pcm.size()), bytes.data()),
            static_cast<int>(bytes.size()));
  return bytes;
}

std::vector<int16_t> Decode(const std::vector<uint8_t>& bytes) {
  auto dec = G722Decoder::Create();
  EXPECT_TRUE(dec.ok());
  std::vector<int16_t> out(2 * bytes.size());
  // In 20 ms frames, as the mixer does: the filter state carries over.
  for (size_t i = 0; i < bytes.size(); i += kFrameBytes) {
    const int n = static_cast<int>(std::min<size_t>(kFrameBytes, bytes.size() - i));
    EXPECT_EQ((*dec)->Decode(bytes.data() + i, n, out.data() + 2 * i), 2 * n);
  }
  return out;
}

TEST(G722Test, DecoderMatchesSpandspBitForBitBelowFullScale) {
  // Speech-like: two tones and noise, well below full scale.
  std::mt19937 rng(7);
  std::uniform_int_distribution<int> noise(-1500, 1500);
  std::vector<int16_t> pcm(kFrame16k * 50);
  Sine a(220, 6000, kRate), b(3100, 3000, kRate);
  std::vector<int16_t> ta(pcm.size()), tb(pcm.size());
  a.Fill(ta.data(), static_cast<int>(ta.size()));
  b.Fill(tb.data(), static_cast<int>(tb.size()));
  for (size_t i = 0; i < pcm.size(); ++i) {
    pcm[i] = static_cast<int16_t>(ta[i] + tb[i] + noise(rng));
  }
  const auto bytes = Encode(pcm);
  EXPECT_EQ(Decode(bytes), SpandspDecode(bytes));
}

TEST(G722Test, FullScaleToneDoesNotWrapAroundAsSpandspsOwnDecoderDoes) {
  std::vector<int16_t> pcm(kFrame16k * 40);
  Sine(1000, 32767, kRate).Fill(pcm.data(), static_cast<int>(pcm.size()));
  const auto bytes = Encode(pcm);
  const auto ours = Decode(bytes);
  EXPECT_LT(MaxStep(ours), 20000);
  EXPECT_GT(ToneMagnitude(Spectrum(ours, 14), 1000, kRate), 7000);
  // Why the decoder does its own receive filter: spandsp 0.0.6 wraps.
  EXPECT_GT(MaxStep(SpandspDecode(bytes)), 40000);
}

TEST(G722Test, EightKilohertzOutputKeepsTheLowBandOnly) {
  const auto low = RoundTrip(1000, 8000, 60, G722Decoder::Output::k8kHz);
  EXPECT_GT(ToneMagnitude(Spectrum(low, 13), 1000, 8000), 1000);
  // 6 kHz lives in the upper sub-band, which the 8 kHz output leaves out.
  const auto high = RoundTrip(6000, 8000, 60, G722Decoder::Output::k8kHz);
  EXPECT_LT(PeakOf(high), 400);
}

TEST(G722Test, ResetRestartsTheStream) {
  auto enc = G722Encoder::Create();
  auto fresh = G722Encoder::Create();
  auto dec = G722Decoder::Create();
  auto fresh_dec = G722Decoder::Create();
  ASSERT_TRUE(enc.ok() && fresh.ok() && dec.ok() && fresh_dec.ok());
  Sine sine(700, 9000, kRate);
  int16_t pcm[kFrame16k], a[kFrame16k], b[kFrame16k];
  uint8_t x[kFrameBytes], y[kFrameBytes];
  for (int f = 0; f < 10; ++f) {
    sine.Fill(pcm, kFrame16k);
    (*enc)->Encode(pcm, kFrame16k, x);
    (*dec)->Decode(x, kFrameBytes, a);
  }
  (*enc)->Reset();
  (*dec)->Reset();
  sine.Fill(pcm, kFrame16k);
  ASSERT_EQ((*enc)->Encode(pcm, kFrame16k, x), kFrameBytes);
  ASSERT_EQ((*fresh)->Encode(pcm, kFrame16k, y), kFrameBytes);
  EXPECT_TRUE(std::equal(x, x + kFrameBytes, y));
  ASSERT_EQ((*dec)->Decode(x, kFrameBytes, a), kFrame16k);
  ASSERT_EQ((*fresh_dec)->Decode(x, kFrameBytes, b), kFrame16k);
  EXPECT_TRUE(std::equal(a, a + kFrame16k, b));
}

TEST(G722Test, OddOrEmptyInputIsSafe) {
  auto enc = G722Encoder::Create();
  auto dec = G722Decoder::Create();
  ASSERT_TRUE(enc.ok() && dec.ok());
  int16_t pcm[3] = {100, 200, 300};
  uint8_t bytes[2] = {0xAA, 0xAA};
  EXPECT_EQ((*enc)->Encode(pcm, 3, bytes), 1);
  EXPECT_EQ(bytes[1], 0xAA);
  EXPECT_EQ((*enc)->Encode(pcm, 0, bytes), 0);
  EXPECT_EQ((*dec)->Decode(bytes, 0, pcm), 0);
}

}  // namespace
}  // namespace konfero::audio
