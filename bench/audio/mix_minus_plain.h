// bench/audio/mix_minus_plain.h: the O(N) mix-minus as a user would write
// it (sum every input once, subtract each one's own, limit) and compile it:
// mix_minus_plain.cc is built twice, with -O3 (the compiler vectorises for
// the distribution's baseline ISA, SSE2 on x86-64) and with -O3
// -march=native (for the CPU at hand, AVX2 or AVX-512). These are the
// baselines the Highway kernel (kernels::MixMinus) must beat; the
// forced-scalar kernels::scalar::MixMinus is only a footnote.
//
// Same contract and bit-identical output as kernels::MixMinus (the soft
// knee is the header's constexpr SoftKnee), checked once at start-up.
//
// Thread contract: pure functions.
#ifndef KONFERO_BENCH_AUDIO_MIX_MINUS_PLAIN_H_
#define KONFERO_BENCH_AUDIO_MIX_MINUS_PLAIN_H_

#include <cstddef>
#include <cstdint>

namespace konfero::audio::plain {

// -O3.
void MixMinusO3(const int16_t* const* in, size_t count, int16_t* const* out, size_t n,
                int32_t* acc);
// -O3 -march=native.
void MixMinusNative(const int16_t* const* in, size_t count, int16_t* const* out, size_t n,
                    int32_t* acc);

}  // namespace konfero::audio::plain

#endif  // KONFERO_BENCH_AUDIO_MIX_MINUS_PLAIN_H_
