// Tests of the codec pieces: G.711 companding, the speexdsp resampler
// between 8 and 48 kHz, Opus encode/decode with PLC and FEC, audio levels.
#include <cmath>
#include <cstdlib>
#include <vector>

#include "audio/audio_level.h"
#include "audio/g711.h"
#include "audio/opus_codec.h"
#include "audio/resampler.h"
#include "audio_test_util.h"
#include "gtest/gtest.h"
#include "konfero/audio/audio_types.h"

namespace konfero::audio {
namespace {

using testing::Sine;
using testing::Spectrum;
using testing::ToneMagnitude;

TEST(G711Test, MuLawRoundTripStaysWithinItsQuantisationStep) {
  for (int x = -32768; x <= 32767; x += 3) {
    const int y = g711::DecodeMuLaw(g711::EncodeMuLaw(static_cast<int16_t>(x)));
    const int tolerance = std::max(8, std::abs(x) / 16);
    ASSERT_LE(std::abs(x - y), tolerance) << x;
  }
  EXPECT_EQ(g711::EncodeMuLaw(0), g711::kMuLawSilence);
  EXPECT_EQ(g711::DecodeMuLaw(g711::kMuLawSilence), 0);
}

TEST(G711Test, ALawRoundTripStaysWithinItsQuantisationStep) {
  for (int x = -32768; x <= 32767; x += 3) {
    const int y = g711::DecodeALaw(g711::EncodeALaw(static_cast<int16_t>(x)));
    const int tolerance = std::max(16, std::abs(x) / 16);
    ASSERT_LE(std::abs(x - y), tolerance) << x;
  }
  EXPECT_EQ(std::abs(g711::DecodeALaw(g711::kALawSilence)), 8);
}

TEST(G711Test, EveryCodeDecodesAndReencodesToItself) {
  for (int c = 0; c < 256; ++c) {
    const auto code = static_cast<uint8_t>(c);
    if (code == 0x7F) continue;  // mu-law negative zero encodes as 0xFF
    EXPECT_EQ(g711::EncodeMuLaw(g711::DecodeMuLaw(code)), code) << c;
    EXPECT_EQ(g711::EncodeALaw(g711::DecodeALaw(code)), code) << c;
  }
}

TEST(ResamplerTest, UpAndDownKeepATone) {
  auto up = FrameResampler::Create(8000, 48000);
  auto down = FrameResampler::Create(48000, 8000);
  ASSERT_TRUE(up.ok() && down.ok());
  EXPECT_EQ((*up)->in_samples(), 160);
  EXPECT_EQ((*up)->out_samples(), 960);
  Sine sine(1000, 8000, 8000);
  std::vector<int16_t> wide, narrow;
  int16_t in[160], mid[960], out[160];
  for (int f = 0; f < 30; ++f) {
    sine.Fill(in, 160);
    (*up)->Process(in, mid);
    (*down)->Process(mid, out);
    if (f >= 4) {
      wide.insert(wide.end(), mid, mid + 960);
      narrow.insert(narrow.end(), out, out + 160);
    }
  }
  const auto w = Spectrum(wide, 14);
  EXPECT_GT(ToneMagnitude(w, 1000), 1000);
  EXPECT_LT(ToneMagnitude(w, 7000), 20);  // no image above 4 kHz
  const auto n = Spectrum(narrow, 12);
  EXPECT_GT(ToneMagnitude(n, 1000, 8000), 1000);
}

TEST(OpusTest, EncodesAndDecodesATone) {
  auto enc = OpusFrameEncoder::Create({});
  auto dec = OpusFrameDecoder::Create();
  ASSERT_TRUE(enc.ok() && dec.ok());
  Sine sine(440, 6000);
  std::vector<int16_t> decoded;
  int16_t pcm[kFrameSamples];
  uint8_t bytes[kMaxPayloadBytes];
  for (int f = 0; f < 40; ++f) {
    sine.Fill(pcm, kFrameSamples);
    const int n = (*enc)->Encode(pcm, bytes, sizeof(bytes));
    ASSERT_GT(n, 0);
    ASSERT_TRUE((*dec)->Decode(bytes, n, pcm));
    if (f >= 10) decoded.insert(decoded.end(), pcm, pcm + kFrameSamples);
  }
  const auto mag = Spectrum(decoded, 14);
  EXPECT_GT(ToneMagnitude(mag, 440), 1000);
  EXPECT_LT(ToneMagnitude(mag, 1500), 50);
}

TEST(OpusTest, FecAndPlcFillALostFrame) {
  auto enc = OpusFrameEncoder::Create({.bitrate = 32000, .inband_fec = true});
  auto dec = OpusFrameDecoder::Create();
  ASSERT_TRUE(enc.ok() && dec.ok());
  Sine sine(300, 6000);
  int16_t pcm[kFrameSamples];
  uint8_t bytes[20][kMaxPayloadBytes];
  int sizes[20];
  for (int f = 0; f < 20; ++f) {
    sine.Fill(pcm, kFrameSamples);
    sizes[f] = (*enc)->Encode(pcm, bytes[f], kMaxPayloadBytes);
  }
  for (int f = 0; f < 20; ++f) {
    if (f == 12) {
      ASSERT_TRUE((*dec)->DecodeFec(bytes[13], sizes[13], pcm));
    } else if (f == 16) {
      (*dec)->Conceal(pcm);
    } else {
      ASSERT_TRUE((*dec)->Decode(bytes[f], sizes[f], pcm));
    }
    if (f == 12 || f == 16) {
      EXPECT_LT(AudioLevelOf(pcm, kFrameSamples), 30) << f;
    }
  }
}

TEST(AudioLevelTest, FollowsRfc6464Scale) {
  int16_t pcm[kFrameSamples] = {};
  EXPECT_EQ(AudioLevelOf(pcm, kFrameSamples), 127);
  Sine(1000, 32767).Fill(pcm, kFrameSamples);
  EXPECT_EQ(AudioLevelOf(pcm, kFrameSamples), 3);  // full-scale sine: -3 dBov
  Sine(1000, 32767 / 100.0).Fill(pcm, kFrameSamples);
  EXPECT_EQ(AudioLevelOf(pcm, kFrameSamples), 43);
}

}  // namespace
}  // namespace konfero::audio
