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

// acc[i] (+)= p[0][i] + ... + p[G - 1][i], for i < n: one pass over acc
// for G inputs. kFirst stores instead of adding (no zeroing pass).
template <size_t G, bool kFirst>
HWY_INLINE void AddRows(const int16_t* const* HWY_RESTRICT p,
                        int32_t* HWY_RESTRICT acc, size_t n) {
  const hn::ScalableTag<int32_t> d32;
  const hn::Rebind<int16_t, decltype(d32)> d16;
  const size_t lanes = hn::Lanes(d32);
  size_t i = 0;
  for (; i + lanes <= n; i += lanes) {
    auto s = hn::PromoteTo(d32, hn::LoadU(d16, p[0] + i));
    for (size_t g = 1; g < G; ++g) {
      s = hn::Add(s, hn::PromoteTo(d32, hn::LoadU(d16, p[g] + i)));
    }
    if constexpr (!kFirst) s = hn::Add(s, hn::LoadU(d32, acc + i));
    hn::StoreU(s, d32, acc + i);
  }
  for (; i < n; ++i) {
    int32_t s = kFirst ? 0 : acc[i];
    for (size_t g = 0; g < G; ++g) s += p[g][i];
    acc[i] = s;
  }
}

template <bool kFirst>
HWY_INLINE void AddRowsUpTo4(const int16_t* const* p, size_t count,
                             int32_t* acc, size_t n) {
  switch (count) {
    case 1: return AddRows<1, kFirst>(p, acc, n);
    case 2: return AddRows<2, kFirst>(p, acc, n);
    case 3: return AddRows<3, kFirst>(p, acc, n);
    default: return AddRows<4, kFirst>(p, acc, n);
  }
}

// acc[i] = sum over k of in[k][offset + i], for i < n, column by column:
// four vectors of partial sums stay in registers across all inputs.
void SumColumns(const int16_t* const* HWY_RESTRICT in, size_t count,
                 size_t offset, int32_t* HWY_RESTRICT acc, size_t n) {
  const hn::ScalableTag<int32_t> d32;
  const hn::Rebind<int16_t, decltype(d32)> d16;
  const size_t lanes = hn::Lanes(d32);
  size_t i = 0;
  for (; i + 4 * lanes <= n; i += 4 * lanes) {
    auto a0 = hn::Zero(d32), a1 = hn::Zero(d32);
    auto a2 = hn::Zero(d32), a3 = hn::Zero(d32);
    for (size_t k = 0; k < count; ++k) {
      const int16_t* p = in[k] + offset + i;
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
      a = hn::Add(a, hn::PromoteTo(d32, hn::LoadU(d16, in[k] + offset + i)));
    }
    hn::StoreU(a, d32, acc + i);
  }
  for (; i < n; ++i) {
    int32_t a = 0;
    for (size_t k = 0; k < count; ++k) a += in[k][offset + i];
    acc[i] = a;
  }
}

// The same sum, row by row: acc (at most 4 KiB, in L1) gathers up to four
// inputs per pass, each read front to back, the inputs last to first.
// count > 0.
void SumRows(const int16_t* const* HWY_RESTRICT in, size_t count,
             size_t offset, int32_t* HWY_RESTRICT acc, size_t n) {
  const int16_t* rows[4];
  size_t k = count;
  for (bool first = true; k > 0; first = false) {
    const size_t g = k < 4 ? k : 4;
    for (size_t j = 0; j < g; ++j) rows[j] = in[k - 1 - j] + offset;
    k -= g;
    if (first) {
      AddRowsUpTo4<true>(rows, g, acc, n);
    } else {
      AddRowsUpTo4<false>(rows, g, acc, n);
    }
  }
}

// Inputs larger than this come from L3 rather than L2 (2 MiB here, shared
// with the outputs MixMinus writes).
constexpr size_t kRowWiseFromBytes = size_t{1} << 20;

// acc[i] = sum over k of in[k][offset + i], for i < n. Small inputs (in L1
// or L2): by columns, the sums in registers. Large ones: by rows, where
// each input is one sequential stream the hardware prefetcher follows
// (by columns every input's lines are touched 15 times a frame), and last
// to first: MixMinus then writes the outputs first to last, so the inputs
// it reads again first are the ones summed last, still in L2. At N = 1000
// this took the sum from about 52 to 45 us (docs/performance.md).
void SumFramesAt(const int16_t* const* HWY_RESTRICT in, size_t count,
                 size_t offset, int32_t* HWY_RESTRICT acc, size_t n) {
  if (count == 0 || count * n * sizeof(int16_t) < kRowWiseFromBytes) {
    SumColumns(in, count, offset, acc, n);
  } else {
    SumRows(in, count, offset, acc, n);
  }
}

void SumFramesImpl(const int16_t* const* HWY_RESTRICT in, size_t count,
                   int32_t* HWY_RESTRICT acc, size_t n) {
  SumFramesAt(in, count, 0, acc, n);
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

// (This file is compiled once per target: decide afresh each time.)
#undef KONFERO_KNEE_IN_16_BIT_LANES
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL || \
    HWY_TARGET == HWY_AVX2 || HWY_TARGET == HWY_SSE4 || HWY_TARGET == HWY_SSSE3
#define KONFERO_KNEE_IN_16_BIT_LANES 1
// ReorderDemote2To packs two int32 vectors within each 128-bit block (the
// x86 pack instructions), interleaving them in 64-bit chunks; this puts the
// chunks back in order (one permute).
template <class V>
HWY_INLINE V InOrder(V v) {
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
  return V{_mm512_permutexvar_epi64(_mm512_setr_epi64(0, 2, 4, 6, 1, 3, 5, 7), v.raw)};
#elif HWY_TARGET == HWY_AVX2
  return V{_mm256_permute4x64_epi64(v.raw, _MM_SHUFFLE(3, 1, 2, 0))};
#else
  return v;  // one 128-bit block: already in order
#endif
}
#endif

// Branch-free: the knee is computed for every lane (a lane below it gets
// d = 0, hence y = a), so the cost does not depend on the signal and there
// is no mispredicted branch when loud and quiet vectors alternate.
void SubtractAndLimitImpl(const int32_t* HWY_RESTRICT sum,
                          const int16_t* HWY_RESTRICT self,
                          int16_t* HWY_RESTRICT out, size_t n) {
  const hn::ScalableTag<int32_t> d32;
  const hn::Rebind<int16_t, decltype(d32)> d16;
  const size_t lanes = hn::Lanes(d32);
  size_t i = 0;
#ifdef KONFERO_KNEE_IN_16_BIT_LANES
  {
    // Two int32 vectors at a time, the knee in 16-bit lanes (twice the
    // lanes per instruction). With a = |x| and m = min(a, T + 2R):
    // b = m - 8192 fits int16 exactly, and the signed saturating pack of
    // a - 8192 computes it (T + 2R - 8192 == 32767). Then
    // d = max(b - (T - 8192), 0) == clamp(a - T, 0, 2R), and
    // y = m - ((d * d) >> 15) == b + 8192 - MulHigh_u16(2d, d), exact
    // (2d <= 2^15 fits uint16; int16 adds wrap, and y <= 32767).
    const hn::Repartition<int16_t, decltype(d32)> dw;
    const hn::RebindToUnsigned<decltype(dw)> duw;
    const auto bias = hn::Set(d32, 8192);
    const auto bias16 = hn::Set(dw, 8192);
    const auto knee16 = hn::Set(dw, static_cast<int16_t>(kKneeStart - 8192));
    const auto zero16 = hn::Zero(dw);
    for (; i + 2 * lanes <= n; i += 2 * lanes) {
      auto x0 = hn::LoadU(d32, sum + i);
      auto x1 = hn::LoadU(d32, sum + i + lanes);
      if (self != nullptr) {
        x0 = hn::Sub(x0, hn::PromoteTo(d32, hn::LoadU(d16, self + i)));
        x1 = hn::Sub(x1, hn::PromoteTo(d32, hn::LoadU(d16, self + i + lanes)));
      }
      // Both packs interleave the same way; lanes are independent until the
      // store, which puts them back in order.
      const auto b = hn::ReorderDemote2To(dw, hn::Sub(hn::Abs(x0), bias),
                                          hn::Sub(hn::Abs(x1), bias));
      const auto sign = hn::ShiftRight<15>(hn::ReorderDemote2To(dw, x0, x1));
      const auto d = hn::Max(hn::Sub(b, knee16), zero16);
      const auto sq = hn::BitCast(
          dw, hn::MulHigh(hn::BitCast(duw, hn::Add(d, d)), hn::BitCast(duw, d)));
      const auto y = hn::Sub(hn::Add(b, bias16), sq);
      hn::StoreU(InOrder(hn::Sub(hn::Xor(y, sign), sign)), dw, out + i);
    }
  }
#endif
  const auto knee = hn::Set(d32, kKneeStart);
  const auto width = hn::Set(d32, 2 * kKneeRange);
  const auto top = hn::Set(d32, kKneeStart + 2 * kKneeRange);
  const auto zero = hn::Zero(d32);
  for (; i + lanes <= n; i += lanes) {
    auto x = hn::LoadU(d32, sum + i);
    if (self != nullptr) {
      x = hn::Sub(x, hn::PromoteTo(d32, hn::LoadU(d16, self + i)));
    }
    const auto a = hn::Abs(x);
    // min(a, T) + d == min(a, T + 2R) for d = clamp(a - T, 0, 2R).
    const auto d = hn::Min(hn::Max(hn::Sub(a, knee), zero), width);
#if HWY_TARGET == HWY_SCALAR
    const auto sq = hn::ShiftRight<15>(hn::Mul(d, d));
#else
    // d <= 2R = 2^14, so each 32-bit lane holds d in its low 16 bits and 0
    // in its high ones: a 16-bit unsigned MulHigh of 2d by d gives exactly
    // (2d * d) >> 16 == (d * d) >> 15 in the low half and 0 * 0 in the high
    // half. One cheap 16-bit multiply instead of a 32-bit MullLo.
    const hn::Repartition<uint16_t, decltype(d32)> du16;
    const auto sq = hn::BitCast(
        d32, hn::MulHigh(hn::BitCast(du16, hn::Add(d, d)), hn::BitCast(du16, d)));
#endif
    const auto y = hn::Sub(hn::Min(a, top), sq);
    const auto sign = hn::ShiftRight<31>(x);  // 0 or -1
    hn::StoreU(hn::DemoteTo(d16, hn::Sub(hn::Xor(y, sign), sign)), d16,
               out + i);
  }
  scalar::SubtractAndLimit(sum + i, self != nullptr ? self + i : nullptr,
                           out + i, n - i);
}

// The shared sum of one MixMinus block, split for a 16-bit output pass.
// With x = sum - self, the limiter needs min(|x|, T + 2R) and the sign of
// x. For t = sum - 8192 every output needs sat16(t - self), and
//   sat16(t - self) == sat16(sat16(hi - self) + lo)
// exactly for hi = sat16(t), lo = sat16(t - hi) and any int16 self (if t
// fits int16, lo = 0; if not, hi - self is exact whenever t - self can still
// be in range, and saturates the right way when it cannot). The same for
// -sum - 8192, with + self. So each output costs four saturating 16-bit
// operations instead of widening self, subtracting and packing in 32-bit
// lanes: half the vector instructions per sample (docs/performance.md).
// Checked exhaustively against SoftKnee for |sum| <= 140000 and every self.
template <size_t kLen>
struct SplitSum {
  HWY_ALIGN int16_t pos_hi[kLen];  // sat16(sum - 8192)
  HWY_ALIGN int16_t pos_lo[kLen];  // sat16(sum - 8192 - pos_hi)
  HWY_ALIGN int16_t neg_hi[kLen];  // sat16(-sum - 8192)
  HWY_ALIGN int16_t neg_lo[kLen];  // sat16(-sum - 8192 - neg_hi)
};

// Fills split[0, n) from sum (|sum| < 2^31 - 8192); n a multiple of the
// int32 lane count.
template <size_t kLen>
void SplitTheSum(const int32_t* HWY_RESTRICT sum, size_t n,
                 SplitSum<kLen>& split) {
  const hn::ScalableTag<int32_t> d32;
  const hn::Rebind<int16_t, decltype(d32)> d16;
  const size_t lanes = hn::Lanes(d32);
  const auto lo16 = hn::Set(d32, -32768);
  const auto hi16 = hn::Set(d32, 32767);
  const auto bias = hn::Set(d32, 8192);
  const auto minus_bias = hn::Set(d32, -8192);
  // hi = sat16(t), lo = sat16(t - hi) (DemoteTo saturates).
  const auto store = [&](auto t, int16_t* hi, int16_t* lo) {
    const auto h = hn::Min(hn::Max(t, lo16), hi16);
    hn::Store(hn::DemoteTo(d16, h), d16, hi);
    hn::Store(hn::DemoteTo(d16, hn::Sub(t, h)), d16, lo);
  };
  for (size_t i = 0; i < n; i += lanes) {
    const auto s = hn::LoadU(d32, sum + i);
    store(hn::Sub(s, bias), split.pos_hi + i, split.pos_lo + i);
    store(hn::Sub(minus_bias, s), split.neg_hi + i, split.neg_lo + i);
  }
}

// out[i] = SoftKnee(sum[i] - self[i]) for i < n (n a multiple of the int16
// lane count), from the split sum, all in 16-bit lanes and branch-free.
// While it works it prefetches the same offsets of the next output's input
// (to read) and output (to write): each frame is a new pair of streams the
// hardware prefetcher would only pick up after a few misses. That took the
// whole MixMinus from 197 to 183 us at N = 1000 and about 15 % off at N = 50
// and 200 (docs/performance.md).
template <size_t kLen>
void LimitFromSplit(const SplitSum<kLen>& split,
                    const int16_t* HWY_RESTRICT self,
                    int16_t* HWY_RESTRICT out, size_t n,
                    const int16_t* next_self, const int16_t* next_out) {
  const hn::ScalableTag<int16_t> d;
  const hn::RebindToUnsigned<decltype(d)> du;
  const size_t lanes = hn::Lanes(d);
  const auto bias = hn::Set(d, 8192);
  const auto knee = hn::Set(du, static_cast<uint16_t>(kKneeStart));
  for (size_t i = 0; i < n; i += lanes) {
    __builtin_prefetch(next_self + i, /*rw=*/0, /*locality=*/3);
    __builtin_prefetch(next_out + i, /*rw=*/1, /*locality=*/3);
    const auto s = hn::LoadU(d, self + i);
    // bp = sat16(x - 8192), bn = sat16(-x - 8192); the larger one is
    // min(|x|, T + 2R) - 8192, and bn > bp exactly when x < 0.
    const auto bp = hn::SaturatedAdd(
        hn::SaturatedSub(hn::Load(d, split.pos_hi + i), s),
        hn::Load(d, split.pos_lo + i));
    const auto bn = hn::SaturatedAdd(
        hn::SaturatedAdd(hn::Load(d, split.neg_hi + i), s),
        hn::Load(d, split.neg_lo + i));
    // m = min(|x|, T + 2R) <= 40959 as uint16; d = max(m - T, 0) <= 2R;
    // y = m - ((d * d) >> 15) == m - MulHigh(2d, d), <= 32767.
    const auto m = hn::BitCast(du, hn::Add(hn::Max(bp, bn), bias));
    const auto dk = hn::SaturatedSub(m, knee);
    const auto y = hn::BitCast(d, hn::Sub(m, hn::MulHigh(hn::Add(dk, dk), dk)));
#if HWY_TARGET == HWY_AVX3 || HWY_TARGET == HWY_AVX3_DL
    // One masked subtract negates the lanes where x < 0.
    const auto r = decltype(y){_mm512_mask_sub_epi16(
        y.raw, hn::Lt(bp, bn).raw, _mm512_setzero_si512(), y.raw)};
#elif HWY_TARGET == HWY_AVX2
    // psignw: -y where bp - bn < 0 (y == 0 where they are equal, x == 0).
    const auto r = decltype(y){
        _mm256_sign_epi16(y.raw, hn::SaturatedSub(bp, bn).raw)};
#elif HWY_TARGET == HWY_SSE4 || HWY_TARGET == HWY_SSSE3
    const auto r = decltype(y){
        _mm_sign_epi16(y.raw, hn::SaturatedSub(bp, bn).raw)};
#else
    const auto r = hn::IfThenElse(hn::Lt(bp, bn), hn::Neg(y), y);
#endif
    hn::StoreU(r, d, out + i);
  }
}

// One pass per frame (in chunks of kMaxBlock samples for longer inputs):
// sum all inputs (large ones last to first), split the sum once, then each
// output (first to last, so the inputs read again first are the ones summed
// last, prefetching the next one) in 16-bit lanes; the tail shorter than a
// vector by the reference.
// Cache-blocking over N (sum a block of 240 to 480 samples of all inputs,
// then write every output's block while its input is in L2) was measured
// and is slower here, also at N = 1000 where inputs and outputs (3.8 MB)
// exceed L2: the per-block loop overhead costs more than the second read of
// some inputs from L3 (docs/performance.md).
void MixMinusImpl(const int16_t* const* HWY_RESTRICT in, size_t count,
                  int16_t* const* HWY_RESTRICT out, size_t n) {
  constexpr size_t kMaxBlock = 1024;  // on the stack: 4 + 8 KiB
  HWY_ALIGN int32_t acc[kMaxBlock];
  SplitSum<kMaxBlock> split;
  const size_t lanes16 = hn::Lanes(hn::ScalableTag<int16_t>());
  for (size_t b = 0; b < n; b += kMaxBlock) {
    const size_t len = n - b < kMaxBlock ? n - b : kMaxBlock;
    const size_t body = len - len % lanes16;  // also a multiple of 32-bit lanes
    SumFramesAt(in, count, b, acc, len);
    SplitTheSum(acc, body, split);
    for (size_t k = 0; k < count; ++k) {
      const size_t next = k + 1 < count ? k + 1 : k;
      LimitFromSplit(split, in[k] + b, out[k] + b, body, in[next] + b,
                     out[next] + b);
      scalar::SubtractAndLimit(acc + body, in[k] + b + body,
                               out[k] + b + body, len - body);
    }
  }
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
HWY_EXPORT(MixMinusImpl);
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

void MixMinus(const int16_t* const* in, size_t count, int16_t* const* out,
              size_t n) {
  HWY_DYNAMIC_DISPATCH(MixMinusImpl)(in, count, out, n);
}

const char* ActiveTarget() { return HWY_DYNAMIC_DISPATCH(TargetNameImpl)(); }

}  // namespace konfero::audio::kernels
#endif  // HWY_ONCE
