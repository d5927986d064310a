// mix_minus_plain.cc: see mix_minus_plain.h. Compiled once per variant;
// KONFERO_PLAIN_MIX_MINUS names the function this object defines.
#include "mix_minus_plain.h"

#include "audio/mix_kernels.h"

namespace konfero::audio::plain {

void KONFERO_PLAIN_MIX_MINUS(const int16_t* const* in, size_t count, int16_t* const* out,
                             size_t n, int32_t* acc) {
  for (size_t i = 0; i < n; ++i) acc[i] = 0;
  for (size_t k = 0; k < count; ++k) {
    const int16_t* frame = in[k];
    for (size_t i = 0; i < n; ++i) acc[i] += frame[i];
  }
  for (size_t k = 0; k < count; ++k) {
    const int16_t* self = in[k];
    int16_t* mix = out[k];
    for (size_t i = 0; i < n; ++i) mix[i] = kernels::SoftKnee(acc[i] - self[i]);
  }
}

}  // namespace konfero::audio::plain
