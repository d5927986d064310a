// audio/mix_kernels_scalar.cc: the scalar reference of the mixing kernels.
// Kept simple on purpose: the SIMD paths are tested bit-exact against it.
#include <algorithm>

#include "audio/mix_kernels.h"

namespace konfero::audio::kernels::scalar {

void Accumulate(const int16_t* in, int32_t* acc, size_t n) {
  for (size_t i = 0; i < n; ++i) acc[i] += in[i];
}

void SumFrames(const int16_t* const* in, size_t count, int32_t* acc,
               size_t n) {
  for (size_t i = 0; i < n; ++i) acc[i] = 0;
  for (size_t k = 0; k < count; ++k) Accumulate(in[k], acc, n);
}

void ApplyGainRamp(int16_t* pcm, int32_t gain_start_q14, int32_t gain_end_q14,
                   size_t n) {
  const int32_t step = GainRampStepQ16(gain_start_q14, gain_end_q14, n);
  for (size_t i = 0; i < n; ++i) {
    const int32_t g = gain_start_q14 + ((step * static_cast<int32_t>(i)) >> 16);
    const int32_t y = (pcm[i] * g + 8192) >> 14;
    pcm[i] = static_cast<int16_t>(std::clamp(y, -32768, 32767));
  }
}

void SubtractAndLimit(const int32_t* sum, const int16_t* self, int16_t* out,
                      size_t n) {
  for (size_t i = 0; i < n; ++i) {
    out[i] = SoftKnee(sum[i] - (self != nullptr ? self[i] : 0));
  }
}

void MixMinus(const int16_t* const* in, size_t count, int16_t* const* out,
              size_t n, int32_t* acc) {
  SumFrames(in, count, acc, n);
  for (size_t k = 0; k < count; ++k) SubtractAndLimit(acc, in[k], out[k], n);
}

}  // namespace konfero::audio::kernels::scalar
