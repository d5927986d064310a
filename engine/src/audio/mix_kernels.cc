// audio/mix_kernels.cc: the Highway SIMD mixing kernels, compiled once per
// target (foreach_target.h) and chosen at run time (HWY_DYNAMIC_DISPATCH).
// Loop tails shorter than a vector use the scalar reference, which computes
// the same integer formula, so results are bit-exact for any length.

#undef HWY_TARGET_INCLUDE
#define HWY_TARGET_INCLUDE "audio/mix_kernels.cc"
#include "hwy/foreach_target.h"  // IWYU pragma: keep
#include "hwy/highway.h"

#include "audio/mix_kernels.h"

HWY_BEFORE_NAMESPACE();
namespace konfero::audio::kernels {
namespace HWY_NAMESPACE {
namespace hn = hwy::HWY_NAMESPACE;

void AccumulateImpl(const int16_t* HWY_RESTRICT in, int32_t* HWY_RESTRICT acc,
                    size_t n) {
  const hn::ScalableTag<int32_t> d32;
  const hn::Rebind<int16_t, decltype(d32)> d16;
  const size_t lanes = hn::Lanes(d32);
  size_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    const auto x = hn::PromoteTo(d32, hn::LoadU(d16, in + i));
    hn::StoreU(hn::Add(hn::LoadU(d32, acc + i), x), d32, acc + i);
  }
  scalar::Accumulate(in + i, acc + i, n - i);
}

void SumFramesImpl(const int16_t* const* HWY_RESTRICT in, size_t count,
                   int32_t* HWY_RESTRICT acc, size_t n) {
  const hn::ScalableTag<int32_t> d32;
  const hn::Rebind<int16_t, decltype(d32)> d16;
  const size_t lanes = hn::Lanes(d32);
  size_t i = 0;
  // Four vectors of partial sums stay in registers across all inputs.
  for (; i + 4 * lanes <= n; i += 4 * lanes) {
    auto a0 = hn::Zero(d32), a1 = hn::Zero(d32);
    auto a2 = hn::Zero(d32), a3 = hn::Zero(d32);
    for (size_t k = 0; k < count; ++k) {
      const int16_t* p = in[k] + i;
      a0 = hn::Add(a0, hn::PromoteTo(d32, hn::LoadU(d16, p)));
      a1 = hn::Add(a1, hn::PromoteTo(d32, hn::LoadU(d16, p + lanes)));
      a2 = hn::Add(a2, hn::PromoteTo(d32, hn::LoadU(d16, p + 2 * lanes)));
      a3 = hn::Add(a3, hn::PromoteTo(d32, hn::LoadU(d16, p + 3 * lanes)));
    }
    hn::StoreU(a0, d32, acc + i);
    hn::StoreU(a1, d32, acc + i + lanes);
    hn::StoreU(a2, d32, acc + i + 2 * lanes);
    hn::StoreU(a3, d32, acc + i + 3 * lanes);
  }
  for (; i + lanes <= n; i += lanes) {
    auto a = hn::Zero(d32);
    for (size_t k = 0; k < count; ++k) {
      a = hn::Add(a, hn::PromoteTo(d32, hn::LoadU(d16, in[k] + i)));
    }
    hn::StoreU(a, d32, acc + i);
  }
  for (; i < n; ++i) {
    int32_t a = 0;
    for (size_t k = 0; k < count; ++k) a += in[k][i];
    acc[i] = a;
  }
}

void ApplyGainRampImpl(int16_t* HWY_RESTRICT pcm, int32_t g0, int32_t step,
                       size_t n) {
  const hn::ScalableTag<int32_t> d32;
  const hn::Rebind<int16_t, decltype(d32)> d16;
  const size_t lanes = hn::Lanes(d32);
  const auto vg0 = hn::Set(d32, g0);
  const auto vstep = hn::Set(d32, step);
  const auto round = hn::Set(d32, 8192);
  size_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    const auto idx = hn::Iota(d32, static_cast<int32_t>(i));
    const auto g = hn::Add(vg0, hn::ShiftRight<16>(hn::Mul(vstep, idx)));
    const auto x = hn::PromoteTo(d32, hn::LoadU(d16, pcm + i));
    const auto y = hn::ShiftRight<14>(hn::Add(hn::Mul(x, g), round));
    hn::StoreU(hn::DemoteTo(d16, y), d16, pcm + i);
  }
  for (; i < n; ++i) {  // tail: the reference formula with the same step
    const int32_t g = g0 + ((step * static_cast<int32_t>(i)) >> 16);
    const int32_t y = (pcm[i] * g + 8192) >> 14;
    pcm[i] = static_cast<int16_t>(y > 32767 ? 32767 : (y < -32768 ? -32768 : y));
  }
}

void SubtractAndLimitImpl(const int32_t* HWY_RESTRICT sum,
                          const int16_t* HWY_RESTRICT self,
                          int16_t* HWY_RESTRICT out, size_t n) {
  const hn::ScalableTag<int32_t> d32;
  const hn::Rebind<int16_t, decltype(d32)> d16;
  const size_t lanes = hn::Lanes(d32);
  const auto knee = hn::Set(d32, kKneeStart);
  const auto width = hn::Set(d32, 2 * kKneeRange);
  const auto top = hn::Set(d32, kKneeStart + 2 * kKneeRange);
  const auto zero = hn::Zero(d32);
  size_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    auto x = hn::LoadU(d32, sum + i);
    if (self != nullptr) {
      x = hn::Sub(x, hn::PromoteTo(d32, hn::LoadU(d16, self + i)));
    }
    const auto a = hn::Abs(x);
    if (hn::AllFalse(d32, hn::Gt(a, knee))) {
      // Common case: the whole vector is below the knee, the identity.
      hn::StoreU(hn::DemoteTo(d16, x), d16, out + i);
      continue;
    }
    // min(a, T) + d == min(a, T + 2R) for d = clamp(a - T, 0, 2R).
    const auto d = hn::Min(hn::Max(hn::Sub(a, knee), zero), width);
    const auto y =
        hn::Sub(hn::Min(a, top), hn::ShiftRight<15>(hn::Mul(d, d)));
    const auto sign = hn::ShiftRight<31>(x);  // 0 or -1
    hn::StoreU(hn::DemoteTo(d16, hn::Sub(hn::Xor(y, sign), sign)), d16,
               out + i);
  }
  scalar::SubtractAndLimit(sum + i, self != nullptr ? self + i : nullptr,
                           out + i, n - i);
}

const char* TargetNameImpl() { return hwy::TargetName(HWY_TARGET); }

}  // namespace HWY_NAMESPACE
}  // namespace konfero::audio::kernels
HWY_AFTER_NAMESPACE();

#if HWY_ONCE
namespace konfero::audio::kernels {

HWY_EXPORT(AccumulateImpl);
HWY_EXPORT(SumFramesImpl);
HWY_EXPORT(ApplyGainRampImpl);
HWY_EXPORT(SubtractAndLimitImpl);
HWY_EXPORT(TargetNameImpl);

void Accumulate(const int16_t* in, int32_t* acc, size_t n) {
  HWY_DYNAMIC_DISPATCH(AccumulateImpl)(in, acc, n);
}

void SumFrames(const int16_t* const* in, size_t count, int32_t* acc,
               size_t n) {
  HWY_DYNAMIC_DISPATCH(SumFramesImpl)(in, count, acc, n);
}

void ApplyGainRamp(int16_t* pcm, int32_t gain_start_q14, int32_t gain_end_q14,
                   size_t n) {
  HWY_DYNAMIC_DISPATCH(ApplyGainRampImpl)
  (pcm, gain_start_q14, GainRampStepQ16(gain_start_q14, gain_end_q14, n), n);
}

void SubtractAndLimit(const int32_t* sum, const int16_t* self, int16_t* out,
                      size_t n) {
  HWY_DYNAMIC_DISPATCH(SubtractAndLimitImpl)(sum, self, out, n);
}

const char* ActiveTarget() { return HWY_DYNAMIC_DISPATCH(TargetNameImpl)(); }

}  // namespace konfero::audio::kernels
#endif  // HWY_ONCE
