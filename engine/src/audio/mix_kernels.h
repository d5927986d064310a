// audio/mix_kernels.h: the sample loops of the mixer: accumulate, gain (with
// a linear ramp), subtract-self and the soft-knee output limiter.
//
// All arithmetic is integer (int16 PCM, int32 accumulators, Q14 gains), so
// the Highway SIMD versions (runtime dispatch: SSE4, AVX2, AVX-512, NEON...)
// and the scalar reference in kernels::scalar give bit-identical results for
// any length; tests check that on every target the CPU supports.
//
//   std::array<int32_t, 960> acc{};
//   for (const int16_t* s : speakers) kernels::Accumulate(s, acc.data(), 960);
//   kernels::SubtractAndLimit(acc.data(), self, out, 960);  // mix-minus
//   kernels::SubtractAndLimit(acc.data(), nullptr, out, 960);  // full mix
//
// Thread contract: pure functions, callable from any thread. They never
// allocate. Buffers need no alignment and must not overlap unless stated.
#ifndef KONFERO_AUDIO_MIX_KERNELS_H_
#define KONFERO_AUDIO_MIX_KERNELS_H_

#include <cstddef>
#include <cstdint>

namespace konfero::audio::kernels {

// Q14 gain: 16384 is unity, 0 is silence, 32767 is just under 2.0.
inline constexpr int32_t kUnityGainQ14 = 1 << 14;

// The limiter is the identity up to kKneeStart (about -2.5 dBFS), then bends
// with a quadratic knee of width 2 * kKneeRange whose slope falls from 1 to 0
// and reaches full scale (32767) exactly; louder sums stay at full scale.
// The curve and its first derivative are continuous: no hard corner.
inline constexpr int32_t kKneeStart = 24575;
inline constexpr int32_t kKneeRange = 8192;  // 4 * range == 1 << 15

// The limiter's transfer function for one sample (the definition both paths
// implement).
constexpr int16_t SoftKnee(int32_t x) {
  const int32_t a = x < 0 ? -x : x;
  int32_t d = a - kKneeStart;
  d = d < 0 ? 0 : (d > 2 * kKneeRange ? 2 * kKneeRange : d);
  const int32_t m = a < kKneeStart ? a : kKneeStart;
  const int32_t y = m + d - ((d * d) >> 15);
  return static_cast<int16_t>(x < 0 ? -y : y);
}

// acc[i] += in[i]. Exact while fewer than 65536 inputs are summed.
void Accumulate(const int16_t* in, int32_t* acc, size_t n);

// acc[i] = sum over k < count of in[k][i] (overwrites acc; zeros if count is
// 0). Same result as zeroing acc and calling Accumulate per input, but the
// SIMD path keeps the partial sums in registers: one read of each input and
// one write of acc. Fewer than 65536 inputs.
void SumFrames(const int16_t* const* in, size_t count, int32_t* acc, size_t n);

// pcm[i] = sat16((pcm[i] * g(i) + 8192) >> 14), the gain moving linearly
// from gain_start (at i = 0) towards gain_end (reached at i = n); a constant
// gain when both are equal. Gains are Q14 in [0, 32767]. In place.
void ApplyGainRamp(int16_t* pcm, int32_t gain_start_q14, int32_t gain_end_q14,
                   size_t n);

// out[i] = SoftKnee(sum[i] - self[i]); self may be null (full mix).
void SubtractAndLimit(const int32_t* sum, const int16_t* self, int16_t* out,
                      size_t n);

// out[k][i] = SoftKnee(sum over j of in[j][i] - in[k][i]) for every k <
// count: the whole O(N) mix-minus of `count` talkers (all of them hear the
// others). Same result as SumFrames then SubtractAndLimit per input (one
// dispatch for the whole job). Fewer than 65536 inputs; out[k] must not
// overlap any input.
void MixMinus(const int16_t* const* in, size_t count, int16_t* const* out,
              size_t n);

// The Highway target the dispatched functions run on ("AVX2", "AVX3"...).
const char* ActiveTarget();

// The reference implementation, plain C++ loops; same contracts.
namespace scalar {
void Accumulate(const int16_t* in, int32_t* acc, size_t n);
void SumFrames(const int16_t* const* in, size_t count, int32_t* acc, size_t n);
void ApplyGainRamp(int16_t* pcm, int32_t gain_start_q14, int32_t gain_end_q14,
                   size_t n);
void SubtractAndLimit(const int32_t* sum, const int16_t* self, int16_t* out,
                      size_t n);
// Unblocked: SumFrames into `acc` (n values), then SubtractAndLimit per
// input. The straightforward O(N) loop, the baseline of the benchmarks.
void MixMinus(const int16_t* const* in, size_t count, int16_t* const* out,
              size_t n, int32_t* acc);
}  // namespace scalar

// Shared by both paths: the per-sample Q16 step of a gain ramp.
constexpr int32_t GainRampStepQ16(int32_t gain_start_q14, int32_t gain_end_q14,
                                  size_t n) {
  if (n == 0) return 0;
  return static_cast<int32_t>(
      (static_cast<int64_t>(gain_end_q14 - gain_start_q14) * 65536) /
      static_cast<int64_t>(n));
}

}  // namespace konfero::audio::kernels

#endif  // KONFERO_AUDIO_MIX_KERNELS_H_
