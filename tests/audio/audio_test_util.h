// tests/audio/audio_test_util.h: signal helpers for the audio tests: sine
// generation and a radix-2 FFT to find which tones a signal holds.
#ifndef KONFERO_TESTS_AUDIO_AUDIO_TEST_UTIL_H_
#define KONFERO_TESTS_AUDIO_AUDIO_TEST_UTIL_H_

#include <cmath>
#include <complex>
#include <cstdint>
#include <numbers>
#include <vector>

namespace konfero::audio::testing {

// A sine of `freq` Hz and `amplitude`, continuing phase across frames.
class Sine {
 public:
  Sine(double freq, double amplitude, int rate = 48000)
      : step_(2 * std::numbers::pi * freq / rate), amplitude_(amplitude) {}
  void Fill(int16_t* out, int n) {
    for (int i = 0; i < n; ++i) {
      out[i] = static_cast<int16_t>(std::lround(amplitude_ * std::sin(phase_)));
      phase_ += step_;
    }
  }

 private:
  double step_;
  double amplitude_;
  double phase_ = 0;
};

// Magnitude spectrum (Hann window) of the first 2^k samples of `x`.
inline std::vector<double> Spectrum(const std::vector<int16_t>& x, int log2n) {
  const size_t n = size_t{1} << log2n;
  std::vector<std::complex<double>> a(n);
  for (size_t i = 0; i < n && i < x.size(); ++i) {
    const double w = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * i / (n - 1));
    a[i] = w * x[i];
  }
  for (size_t i = 1, j = 0; i < n; ++i) {  // bit reversal
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (size_t len = 2; len <= n; len <<= 1) {
    const std::complex<double> wl = std::polar(1.0, -2 * std::numbers::pi / len);
    for (size_t i = 0; i < n; i += len) {
      std::complex<double> w = 1;
      for (size_t k = 0; k < len / 2; ++k) {
        const auto u = a[i + k], v = a[i + k + len / 2] * w;
        a[i + k] = u + v;
        a[i + k + len / 2] = u - v;
        w *= wl;
      }
    }
  }
  std::vector<double> mag(n / 2);
  for (size_t i = 0; i < n / 2; ++i) mag[i] = std::abs(a[i]) / n;
  return mag;
}

// Peak magnitude within +-2 bins of `freq`.
inline double ToneMagnitude(const std::vector<double>& mag, double freq,
                            int rate = 48000) {
  const double bin_hz = rate / (2.0 * mag.size());
  const int c = static_cast<int>(std::lround(freq / bin_hz));
  double m = 0;
  for (int b = c - 2; b <= c + 2; ++b) {
    if (b >= 0 && b < static_cast<int>(mag.size())) m = std::max(m, mag[b]);
  }
  return m;
}

}  // namespace konfero::audio::testing

#endif  // KONFERO_TESTS_AUDIO_AUDIO_TEST_UTIL_H_
