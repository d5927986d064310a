// Mix-minus for N participants who all talk (the kernel alone, no codecs):
// the naive O(N^2) loop that sums the others for each output, the O(N)
// scalar reference (sum once, subtract self) and the O(N) SIMD kernels.
// Each iteration produces N limited 20 ms output frames from N inputs.
#include <cstdint>
#include <random>
#include <vector>

#include "audio/mix_kernels.h"
#include "benchmark/benchmark.h"
#include "konfero/audio/audio_types.h"
#include "ratio_reporter.h"

namespace konfero::audio {
namespace {

constexpr size_t kN = kFrameSamples;

struct Frames {
  explicit Frames(int n) : in(n, std::vector<int16_t>(kN)), out(in) {
    std::mt19937 rng(42);
    std::uniform_int_distribution<int> dist(-3000, 3000);
    for (auto& f : in) {
      for (auto& s : f) s = static_cast<int16_t>(dist(rng));
      ptrs.push_back(f.data());
    }
  }
  std::vector<std::vector<int16_t>> in;
  std::vector<std::vector<int16_t>> out;
  std::vector<int32_t> acc = std::vector<int32_t>(kN);
  std::vector<const int16_t*> ptrs;
};

void BM_MixMinusNaiveScalar(benchmark::State& state) {
  Frames f(static_cast<int>(state.range(0)));
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

template <bool kSimd>
void BM_MixMinusLinear(benchmark::State& state) {
  Frames f(static_cast<int>(state.range(0)));
  for (auto _ : state) {
    if constexpr (kSimd) {
      kernels::SumFrames(f.ptrs.data(), f.ptrs.size(), f.acc.data(), kN);
    } else {
      kernels::scalar::SumFrames(f.ptrs.data(), f.ptrs.size(), f.acc.data(), kN);
    }
    for (size_t i = 0; i < f.in.size(); ++i) {
      if constexpr (kSimd) {
        kernels::SubtractAndLimit(f.acc.data(), f.in[i].data(), f.out[i].data(),
                                  kN);
      } else {
        kernels::scalar::SubtractAndLimit(f.acc.data(), f.in[i].data(),
                                          f.out[i].data(), kN);
      }
    }
    benchmark::DoNotOptimize(f.out.back().data());
    benchmark::ClobberMemory();
  }
}
void BM_MixMinusLinearScalar(benchmark::State& s) { BM_MixMinusLinear<false>(s); }
void BM_MixMinusLinearSimd(benchmark::State& s) {
  s.SetLabel(kernels::ActiveTarget());
  BM_MixMinusLinear<true>(s);
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

#define KONFERO_MIX_SIZES ->Arg(3)->Arg(10)->Arg(50)->Arg(200)->Arg(1000)
BENCHMARK(BM_MixMinusNaiveScalar) KONFERO_MIX_SIZES->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MixMinusLinearScalar) KONFERO_MIX_SIZES->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_MixMinusLinearSimd) KONFERO_MIX_SIZES->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_GainRampScalar);
BENCHMARK(BM_GainRampSimd);

}  // namespace
}  // namespace konfero::audio

int main(int argc, char** argv) {
  return konfero::bench::RunWithRatios(
      argc, argv,
      {{"BM_MixMinusNaiveScalar/", "BM_MixMinusLinearScalar/"},
       {"BM_MixMinusLinearScalar/", "BM_MixMinusLinearSimd/"},
       {"BM_MixMinusNaiveScalar/", "BM_MixMinusLinearSimd/"},
       {"BM_GainRampScalar", "BM_GainRampSimd"}});
}
