// Tests of audio/mix_kernels: the SIMD kernels are bit-exact with the scalar
// reference on every Highway target this CPU supports, for any stream count
// and any frame length; the limiter's curve has the promised shape.
#include "audio/mix_kernels.h"

#include <climits>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"
#include "hwy/targets.h"

namespace konfero::audio::kernels {
namespace {

std::vector<int16_t> RandomPcm(std::mt19937& rng, size_t n) {
  std::uniform_int_distribution<int> dist(-32768, 32767);
  std::vector<int16_t> v(n);
  for (auto& s : v) s = static_cast<int16_t>(dist(rng));
  return v;
}

// Runs `body` once per Highway target compiled in and supported here.
template <typename Body>
void ForEachTarget(Body body) {
  const std::vector<int64_t> targets = hwy::SupportedAndGeneratedTargets();
  ASSERT_FALSE(targets.empty());
  for (int64_t t : targets) {
    hwy::SetSupportedTargetsForTest(t);
    SCOPED_TRACE(hwy::TargetName(t));
    EXPECT_EQ(std::string(ActiveTarget()), hwy::TargetName(t));
    body();
  }
  hwy::SetSupportedTargetsForTest(0);
}

TEST(MixKernelsTest, MixMinusIsBitExactWithScalarForAnyCountAndLength) {
  std::mt19937 rng(1234);
  const size_t lengths[] = {1, 7, 15, 17, 31, 33, 481, 959, 960, 961, 1023};
  ForEachTarget([&] {
    for (size_t n : lengths) {
      for (int streams = 1; streams <= 64; ++streams) {
        std::vector<std::vector<int16_t>> in;
        for (int s = 0; s < streams; ++s) in.push_back(RandomPcm(rng, n));
        std::vector<int32_t> acc(n, 0), acc_ref(n, 0);
        for (const auto& v : in) {
          Accumulate(v.data(), acc.data(), n);
          scalar::Accumulate(v.data(), acc_ref.data(), n);
        }
        ASSERT_EQ(acc, acc_ref) << "n=" << n << " streams=" << streams;
        std::vector<const int16_t*> ptrs;
        for (const auto& v : in) ptrs.push_back(v.data());
        std::vector<int32_t> summed(n, -1), summed_ref(n, -1);
        SumFrames(ptrs.data(), ptrs.size(), summed.data(), n);
        scalar::SumFrames(ptrs.data(), ptrs.size(), summed_ref.data(), n);
        ASSERT_EQ(summed, acc_ref) << "n=" << n << " streams=" << streams;
        ASSERT_EQ(summed_ref, acc_ref) << "n=" << n << " streams=" << streams;
        std::vector<int16_t> out(n), out_ref(n);
        for (int s = 0; s < streams; s += 5) {
          SubtractAndLimit(acc.data(), in[s].data(), out.data(), n);
          scalar::SubtractAndLimit(acc_ref.data(), in[s].data(), out_ref.data(),
                                   n);
          ASSERT_EQ(out, out_ref) << "n=" << n << " streams=" << streams;
        }
        SubtractAndLimit(acc.data(), nullptr, out.data(), n);
        scalar::SubtractAndLimit(acc_ref.data(), nullptr, out_ref.data(), n);
        ASSERT_EQ(out, out_ref) << "n=" << n << " streams=" << streams;
      }
    }
  });
}

TEST(MixKernelsTest, WholeMixMinusIsBitExactWithScalarForAnyCountAndLength) {
  std::mt19937 rng(4321);
  const size_t lengths[] = {1, 7, 17, 33, 255, 256, 257, 481, 959, 960, 961, 1023};
  ForEachTarget([&] {
    for (size_t n : lengths) {
      for (int streams = 1; streams <= 64; ++streams) {
        std::vector<std::vector<int16_t>> in, out(streams), out_ref(streams);
        std::vector<const int16_t*> ptrs;
        std::vector<int16_t*> out_ptrs, ref_ptrs;
        for (int s = 0; s < streams; ++s) {
          in.push_back(RandomPcm(rng, n));
          out[s].assign(n, 7);
          out_ref[s].assign(n, -7);
        }
        for (int s = 0; s < streams; ++s) {
          ptrs.push_back(in[s].data());
          out_ptrs.push_back(out[s].data());
          ref_ptrs.push_back(out_ref[s].data());
        }
        std::vector<int32_t> acc(n);
        MixMinus(ptrs.data(), ptrs.size(), out_ptrs.data(), n);
        scalar::MixMinus(ptrs.data(), ptrs.size(), ref_ptrs.data(), n, acc.data());
        ASSERT_EQ(out, out_ref) << "n=" << n << " streams=" << streams;
      }
    }
  });
}

TEST(MixKernelsTest, WholeMixMinusIsBitExactForManyStreamsAndLongFrames) {
  // Many streams, and frames longer than the kernel's 1024-sample chunk.
  std::mt19937 rng(777);
  ForEachTarget([&] {
    for (auto [streams, n] : {std::pair<int, size_t>{600, 961}, {1100, 1023}, {200, 2500}}) {
      std::vector<std::vector<int16_t>> in, out(streams), out_ref(streams);
      std::vector<const int16_t*> ptrs;
      std::vector<int16_t*> out_ptrs, ref_ptrs;
      std::uniform_int_distribution<int> speech(-6000, 6000);
      for (int s = 0; s < streams; ++s) {
        std::vector<int16_t> v(n);
        for (auto& x : v) x = static_cast<int16_t>(speech(rng));
        in.push_back(std::move(v));
        out[s].assign(n, 7);
        out_ref[s].assign(n, -7);
      }
      for (int s = 0; s < streams; ++s) {
        ptrs.push_back(in[s].data());
        out_ptrs.push_back(out[s].data());
        ref_ptrs.push_back(out_ref[s].data());
      }
      std::vector<int32_t> acc(n);
      MixMinus(ptrs.data(), ptrs.size(), out_ptrs.data(), n);
      scalar::MixMinus(ptrs.data(), ptrs.size(), ref_ptrs.data(), n, acc.data());
      ASSERT_EQ(out, out_ref) << "n=" << n << " streams=" << streams;
    }
  });
}

// MixMinus works in 16-bit lanes from a split of the shared sum; these
// inputs put sum - self on every side of its edges: each stream's own
// sample runs through all 65536 int16 values against sums from far below
// -65536 to far above 65535, and many full-scale streams push the sum to
// tens of millions.
TEST(MixKernelsTest, WholeMixMinusIsBitExactAtTheEdgesOfTheSplitSum) {
  ForEachTarget([&] {
    const int16_t others[] = {-32768, -30000, -24576, -8193, -8192, -1, 0, 1,
                              8191, 8192, 16383, 24575, 32767};
    for (int16_t a : others) {
      for (int16_t b : others) {
        constexpr size_t n = 65536 + 7;  // several 1024-sample chunks + tail
        std::vector<std::vector<int16_t>> in(3, std::vector<int16_t>(n));
        for (size_t i = 0; i < n; ++i) {
          in[0][i] = static_cast<int16_t>(i - 32768);
          in[1][i] = a;
          in[2][i] = (i % 3 == 0) ? b : static_cast<int16_t>(-b - 1);
        }
        std::vector<std::vector<int16_t>> out(3, std::vector<int16_t>(n));
        auto out_ref = out;
        const int16_t* ptrs[] = {in[0].data(), in[1].data(), in[2].data()};
        int16_t* out_ptrs[] = {out[0].data(), out[1].data(), out[2].data()};
        int16_t* ref_ptrs[] = {out_ref[0].data(), out_ref[1].data(),
                               out_ref[2].data()};
        std::vector<int32_t> acc(n);
        MixMinus(ptrs, 3, out_ptrs, n);
        scalar::MixMinus(ptrs, 3, ref_ptrs, n, acc.data());
        ASSERT_EQ(out, out_ref) << "a=" << a << " b=" << b;
      }
    }
    // 2000 streams at full scale, positive, negative or mixed per column.
    constexpr size_t kStreams = 2000, n = 97;
    std::vector<std::vector<int16_t>> in(kStreams, std::vector<int16_t>(n));
    for (size_t k = 0; k < kStreams; ++k) {
      for (size_t i = 0; i < n; ++i) {
        const int16_t full = (i % 2 == 0) ? int16_t{32767} : int16_t{-32768};
        in[k][i] = (i % 3 == 0 && k % 2 == 1) ? static_cast<int16_t>(-full - 1)
                                              : full;
      }
    }
    std::vector<std::vector<int16_t>> out(kStreams, std::vector<int16_t>(n));
    auto out_ref = out;
    std::vector<const int16_t*> ptrs;
    std::vector<int16_t*> out_ptrs, ref_ptrs;
    for (size_t k = 0; k < kStreams; ++k) {
      ptrs.push_back(in[k].data());
      out_ptrs.push_back(out[k].data());
      ref_ptrs.push_back(out_ref[k].data());
    }
    std::vector<int32_t> acc(n);
    MixMinus(ptrs.data(), kStreams, out_ptrs.data(), n);
    scalar::MixMinus(ptrs.data(), kStreams, ref_ptrs.data(), n, acc.data());
    ASSERT_EQ(out, out_ref);
  });
}

TEST(MixKernelsTest, LimiterIsBitExactWithScalarOverTheWholeInt32Range) {
  // Every value near and inside the knee, then a sweep of the rest.
  std::vector<int32_t> sums;
  for (int32_t x = -(kKneeStart + 2 * kKneeRange + 64);
       x <= kKneeStart + 2 * kKneeRange + 64; ++x) {
    sums.push_back(x);
  }
  for (int64_t x = INT32_MIN + 32768; x < INT32_MAX - 32768; x += 65521) {
    sums.push_back(static_cast<int32_t>(x));
  }
  std::vector<int16_t> out(sums.size()), out_ref(sums.size());
  ForEachTarget([&] {
    SubtractAndLimit(sums.data(), nullptr, out.data(), sums.size());
    scalar::SubtractAndLimit(sums.data(), nullptr, out_ref.data(), sums.size());
    ASSERT_EQ(out, out_ref);
  });
}

TEST(MixKernelsTest, GainRampIsBitExactWithScalar) {
  std::mt19937 rng(99);
  std::uniform_int_distribution<int> gain(0, 32767);
  ForEachTarget([&] {
    for (size_t n : {1u, 3u, 9u, 17u, 63u, 960u, 961u, 1001u}) {
      for (int trial = 0; trial < 40; ++trial) {
        const int32_t g0 = gain(rng);
        const int32_t g1 = trial % 3 == 0 ? g0 : gain(rng);
        std::vector<int16_t> a = RandomPcm(rng, n);
        std::vector<int16_t> b = a;
        ApplyGainRamp(a.data(), g0, g1, n);
        scalar::ApplyGainRamp(b.data(), g0, g1, n);
        ASSERT_EQ(a, b) << "n=" << n << " g0=" << g0 << " g1=" << g1;
      }
    }
  });
}

TEST(MixKernelsTest, UnityGainKeepsSamplesAndZeroGainSilences) {
  std::mt19937 rng(5);
  std::vector<int16_t> a = RandomPcm(rng, 960);
  std::vector<int16_t> b = a;
  ApplyGainRamp(b.data(), kUnityGainQ14, kUnityGainQ14, b.size());
  EXPECT_EQ(a, b);
  ApplyGainRamp(b.data(), 0, 0, b.size());
  EXPECT_EQ(b, std::vector<int16_t>(960, 0));
}

TEST(MixKernelsTest, RampFadesFromStartGainTowardsEndGain) {
  std::vector<int16_t> pcm(960, 10000);
  ApplyGainRamp(pcm.data(), 0, kUnityGainQ14, pcm.size());
  EXPECT_EQ(pcm.front(), 0);
  EXPECT_GE(pcm.back(), 9980);
  for (size_t i = 1; i < pcm.size(); ++i) EXPECT_GE(pcm[i], pcm[i - 1]);
}

TEST(MixKernelsTest, LimiterIsIdentityBelowKneeAndSmoothAbove) {
  for (int32_t x = -kKneeStart; x <= kKneeStart; x += 7) {
    ASSERT_EQ(SoftKnee(x), x);
  }
  int32_t prev = SoftKnee(kKneeStart);
  int32_t prev_step = 1;
  for (int32_t x = kKneeStart + 1; x < 200000; ++x) {
    const int32_t y = SoftKnee(x);
    const int32_t step = y - prev;
    ASSERT_GE(step, 0) << x;        // monotonic
    ASSERT_LE(step, prev_step) << x;  // slope never rises: no corner
    ASSERT_LE(y, 32767);
    ASSERT_EQ(SoftKnee(-x), -y);  // symmetric
    prev = y;
    if (step > 0) prev_step = step;
  }
  EXPECT_EQ(SoftKnee(kKneeStart + 2 * kKneeRange), 32767);
  EXPECT_EQ(SoftKnee(1 << 24), 32767);
}

TEST(MixKernelsTest, MixMinusOfTwoIsTheOther) {
  std::mt19937 rng(7);
  std::vector<int16_t> a(960), b(960);
  std::uniform_int_distribution<int> small(-12000, 12000);
  for (size_t i = 0; i < 960; ++i) {
    a[i] = static_cast<int16_t>(small(rng));
    b[i] = static_cast<int16_t>(small(rng));
  }
  std::vector<int32_t> acc(960, 0);
  Accumulate(a.data(), acc.data(), 960);
  Accumulate(b.data(), acc.data(), 960);
  std::vector<int16_t> out(960);
  SubtractAndLimit(acc.data(), a.data(), out.data(), 960);
  EXPECT_EQ(out, b);
  SubtractAndLimit(acc.data(), b.data(), out.data(), 960);
  EXPECT_EQ(out, a);
}

}  // namespace
}  // namespace konfero::audio::kernels
