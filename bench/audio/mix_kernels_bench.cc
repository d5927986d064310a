// Mix-minus for N participants who all talk (the kernel alone, no codecs):
// the O(N) SIMD kernel (kernels::MixMinus) against the same O(N) loop as a
// user would compile it (-O3, and -O3 -march=native: the baselines that
// count), the naive O(N^2) loop that sums the others for each output, the
// O(N) loop forced scalar (a footnote), and the memory floor (a plain copy
// of every frame).
// Each iteration produces N limited 20 ms output frames from N inputs.
//
// Arguments: n = participants, input = 0 for speech-level PCM (what a
// mixer sees: -20 dBFS voice-like tones with occasional peaks), 1 for the
// uniform random noise (+-3000) earlier runs used. The naive loop runs on
// speech only (it takes seconds per iteration at N = 1000).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <numbers>
#include <random>
#include <vector>

#include "audio/mix_kernels.h"
#include "benchmark/benchmark.h"
#include "konfero/audio/audio_types.h"
#include "mix_minus_plain.h"
#include "ratio_reporter.h"

namespace konfero::audio {
namespace {

constexpr size_t kN = kFrameSamples;

// One talker's 20 ms: a voice-like harmonic tone (random pitch 90..260 Hz,
// random phase, syllable-rate envelope) at -20 dBFS RMS, a -50 dBFS noise
// floor, and in one frame out of eight a 5 ms burst peaking near -3 dBFS.
void FillSpeech(std::mt19937& rng, std::vector<int16_t>& f) {
  std::uniform_real_distribution<double> u01(0, 1);
  const double f0 = 90 + 170 * u01(rng);
  const double phase = 2 * std::numbers::pi * u01(rng);
  const double env_phase = 2 * std::numbers::pi * u01(rng);
  const bool peak = u01(rng) < 0.125;
  const size_t peak_at = static_cast<size_t>(u01(rng) * (kN - 240));
  std::normal_distribution<double> noise(0, 104);  // -50 dBFS
  // Harmonics 1, 1/2, 1/4 have a power of 1.3125 / 2; scale to 3277 RMS.
  const double amp = 3277 / std::sqrt(1.3125 / 2);
  for (size_t i = 0; i < kN; ++i) {
    const double t = static_cast<double>(i) / kSampleRateHz;
    const double w = 2 * std::numbers::pi * f0 * t + phase;
    const double env = 0.75 + 0.25 * std::sin(2 * std::numbers::pi * 4 * t + env_phase);
    double s = amp * env * (std::sin(w) + 0.5 * std::sin(2 * w) + 0.25 * std::sin(3 * w));
    if (peak && i >= peak_at && i < peak_at + 240) s *= 1.6;
    s += noise(rng);
    f[i] = static_cast<int16_t>(std::lround(std::clamp(s, -32768.0, 32767.0)));
  }
}

struct Frames {
  Frames(int n, bool noise) : in(n, std::vector<int16_t>(kN)), out(in) {
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> dist(-3000, 3000);
    for (auto& f : in) {
      if (noise) {
        for (auto& s : f) s = static_cast<int16_t>(dist(rng));
      } else {
        FillSpeech(rng, f);
      }
      ptrs.push_back(f.data());
    }
    for (auto& f : out) out_ptrs.push_back(f.data());
  }
  explicit Frames(const benchmark::State& state)
      : Frames(static_cast<int>(state.range(0)), state.range(1) != 0) {}
  std::vector<std::vector<int16_t>> in;
  std::vector<std::vector<int16_t>> out;
  std::vector<int32_t> acc = std::vector<int32_t>(kN);
  std::vector<const int16_t*> ptrs;
  std::vector<int16_t*> out_ptrs;
};

void BM_MixMinusNaiveScalar(benchmark::State& state) {
  Frames f(state);
  const size_t n = f.in.size();
  for (auto _ : state) {
    for (size_t i = 0; i < n; ++i) {
      std::fill(f.acc.begin(), f.acc.end(), 0);
      for (size_t j = 0; j < n; ++j) {
        if (j != i) kernels::scalar::Accumulate(f.in[j].data(), f.acc.data(), kN);
      }
      kernels::scalar::SubtractAndLimit(f.acc.data(), nullptr, f.out[i].data(),
                                        kN);
    }
    benchmark::DoNotOptimize(f.out.back().data());
    benchmark::ClobberMemory();
  }
}

// The O(N) baselines: the plain loops compiled as a user would, -O3 and
// -O3 -march=native (mix_minus_plain.h); each checked bit-exact against
// the SIMD kernel first (a baseline that computed something else would
// prove nothing).
template <auto kPlain>
void BM_MixMinusPlain(benchmark::State& state) {
  Frames f(state);
  Frames reference(state);
  kernels::MixMinus(reference.ptrs.data(), reference.ptrs.size(), reference.out_ptrs.data(), kN);
  kPlain(f.ptrs.data(), f.ptrs.size(), f.out_ptrs.data(), kN, f.acc.data());
  if (f.out != reference.out) {
    state.SkipWithError("the plain loop's mix differs from kernels::MixMinus");
    return;
  }
  for (auto _ : state) {
    kPlain(f.ptrs.data(), f.ptrs.size(), f.out_ptrs.data(), kN, f.acc.data());
    benchmark::DoNotOptimize(f.out.back().data());
    benchmark::ClobberMemory();
  }
}
void BM_MixMinusPlainO3(benchmark::State& s) { BM_MixMinusPlain<plain::MixMinusO3>(s); }
void BM_MixMinusPlainNative(benchmark::State& s) { BM_MixMinusPlain<plain::MixMinusNative>(s); }

// Footnote: the same loops kept scalar (engine/src/audio/CMakeLists.txt
// switches vectorisation off for the reference), the naive loop's baseline.
void BM_MixMinusLinearScalar(benchmark::State& state) {
  Frames f(state);
  for (auto _ : state) {
    kernels::scalar::MixMinus(f.ptrs.data(), f.ptrs.size(), f.out_ptrs.data(),
                              kN, f.acc.data());
    benchmark::DoNotOptimize(f.out.back().data());
    benchmark::ClobberMemory();
  }
}

// SIMD: kernels::MixMinus (SumFrames, then SubtractAndLimit per output).
void BM_MixMinusLinearSimd(benchmark::State& state) {
  state.SetLabel(kernels::ActiveTarget());
  Frames f(state);
  for (auto _ : state) {
    kernels::MixMinus(f.ptrs.data(), f.ptrs.size(), f.out_ptrs.data(), kN);
    benchmark::DoNotOptimize(f.out.back().data());
    benchmark::ClobberMemory();
  }
}

// Not a mix: copies each input frame to its output (memcpy). The memory
// traffic floor of any O(N) mix-minus (read N frames, write N frames); at
// N = 1000 the 3.8 MB do not fit in L2 and this bounds the SIMD kernel.
void BM_CopyFloor(benchmark::State& state) {
  Frames f(state);
  for (auto _ : state) {
    for (size_t i = 0; i < f.in.size(); ++i) {
      std::memcpy(f.out[i].data(), f.in[i].data(), kN * sizeof(int16_t));
    }
    benchmark::DoNotOptimize(f.out.back().data());
    benchmark::ClobberMemory();
  }
}

// The first half of the SIMD kernel alone: the sum of every input
// (kernels::SumFrames), what remains once the outputs are taken away.
void BM_SumFramesSimd(benchmark::State& state) {
  Frames f(state);
  for (auto _ : state) {
    kernels::SumFrames(f.ptrs.data(), f.ptrs.size(), f.acc.data(), kN);
    benchmark::DoNotOptimize(f.acc.data());
    benchmark::ClobberMemory();
  }
}

template <bool kSimd>
void BM_GainRamp(benchmark::State& state) {
  std::vector<int16_t> pcm(kN, 1234);
  for (auto _ : state) {
    if constexpr (kSimd) {
      kernels::ApplyGainRamp(pcm.data(), 16000, 16384, kN);
    } else {
      kernels::scalar::ApplyGainRamp(pcm.data(), 16000, 16384, kN);
    }
    benchmark::DoNotOptimize(pcm.data());
  }
}
void BM_GainRampScalar(benchmark::State& s) { BM_GainRamp<false>(s); }
void BM_GainRampSimd(benchmark::State& s) { BM_GainRamp<true>(s); }

void MixSizes(benchmark::internal::Benchmark* b, bool with_noise) {
  b->ArgNames({"n", "input"})->Unit(benchmark::kMicrosecond);
  for (int input : {0, 1}) {
    if (input == 1 && !with_noise) continue;
    for (int n : {3, 10, 50, 200, 1000}) b->Args({n, input});
  }
}
BENCHMARK(BM_MixMinusNaiveScalar)->Apply([](auto* b) { MixSizes(b, false); });
BENCHMARK(BM_MixMinusLinearScalar)->Apply([](auto* b) { MixSizes(b, true); });
BENCHMARK(BM_MixMinusPlainO3)->Apply([](auto* b) { MixSizes(b, true); });
BENCHMARK(BM_MixMinusPlainNative)->Apply([](auto* b) { MixSizes(b, true); });
BENCHMARK(BM_MixMinusLinearSimd)->Apply([](auto* b) { MixSizes(b, true); });
BENCHMARK(BM_CopyFloor)->Apply([](auto* b) { MixSizes(b, false); });
BENCHMARK(BM_SumFramesSimd)->Apply([](auto* b) { MixSizes(b, false); });
BENCHMARK(BM_GainRampScalar);
BENCHMARK(BM_GainRampSimd);

}  // namespace
}  // namespace konfero::audio

int main(int argc, char** argv) {
  return konfero::bench::RunWithRatios(
      argc, argv,
      {{"BM_MixMinusPlainO3/", "BM_MixMinusLinearSimd/"},
       {"BM_MixMinusPlainNative/", "BM_MixMinusLinearSimd/"},
       {"BM_MixMinusNaiveScalar/", "BM_MixMinusLinearScalar/"},
       {"BM_MixMinusLinearScalar/", "BM_MixMinusLinearSimd/"},
       {"BM_MixMinusNaiveScalar/", "BM_MixMinusLinearSimd/"},
       {"BM_MixMinusLinearSimd/", "BM_CopyFloor/"},
       {"BM_GainRampScalar", "BM_GainRampSimd"}});
}
