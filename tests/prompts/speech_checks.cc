// prompts/speech_checks.cc: see speech_checks.h.
#include "prompts/speech_checks.h"

#include <algorithm>
#include <cmath>
#include <complex>
#include <numbers>
#include <set>
#include <utility>
#include <vector>

namespace konfero::prompts::testing {
namespace {

constexpr size_t kFrame = 320;  // 20 ms at 16 kHz
constexpr size_t kFft = 512;    // 32 ms window for the spectrum

double Db(double amplitude) { return 20 * std::log10(std::max(amplitude, 1e-10)); }

// In-place radix-2 FFT (size a power of two).
void Fft(std::vector<std::complex<double>>& a) {
  const size_t n = a.size();
  for (size_t i = 1, j = 0; i < n; ++i) {
    size_t bit = n >> 1;
    for (; j & bit; bit >>= 1) j ^= bit;
    j ^= bit;
    if (i < j) std::swap(a[i], a[j]);
  }
  for (size_t len = 2; len <= n; len <<= 1) {
    const std::complex<double> w = std::polar(1.0, -2 * std::numbers::pi / len);
    for (size_t i = 0; i < n; i += len) {
      std::complex<double> wk = 1;
      for (size_t k = 0; k < len / 2; ++k) {
        const std::complex<double> u = a[i + k];
        const std::complex<double> v = a[i + k + len / 2] * wk;
        a[i + k] = u + v;
        a[i + k + len / 2] = u - v;
        wk *= w;
      }
    }
  }
}

std::vector<std::complex<double>> Spectrum(absl::Span<const int16_t> block) {
  std::vector<std::complex<double>> x(kFft, 0.0);
  for (size_t i = 0; i < std::min(kFft, block.size()); ++i) {
    const double w = 0.5 - 0.5 * std::cos(2 * std::numbers::pi * i / (kFft - 1));
    x[i] = block[i] * w;
  }
  Fft(x);
  return x;
}

// Index of the strongest DFT bin (1..kFft/2) of a Hann-windowed block.
int StrongestBin(absl::Span<const int16_t> block) {
  const std::vector<std::complex<double>> x = Spectrum(block);
  int best = 1;
  for (size_t k = 1; k <= kFft / 2; ++k) {
    if (std::norm(x[k]) > std::norm(x[best])) best = static_cast<int>(k);
  }
  return best;
}

double MeanOf(const std::vector<double>& v) {
  double s = 0;
  for (double x : v) s += x;
  return v.empty() ? 0 : s / v.size();
}

double StdDevOf(const std::vector<double>& v) {
  const double m = MeanOf(v);
  double s = 0;
  for (double x : v) s += (x - m) * (x - m);
  return v.empty() ? 0 : std::sqrt(s / v.size());
}

}  // namespace

SpeechStats Measure(absl::Span<const int16_t> x) {
  SpeechStats s;
  if (x.empty()) return s;
  double power = 0;
  int peak = 0;
  for (int16_t v : x) {
    power += static_cast<double>(v) * v;
    peak = std::max(peak, std::abs(static_cast<int>(v)));
  }
  s.rms_dbfs = Db(std::sqrt(power / x.size()) / 32768);
  s.peak_dbfs = Db(peak / 32768.0);

  std::vector<double> levels;
  std::vector<double> zcrs;
  std::vector<size_t> starts;
  for (size_t at = 0; at + kFrame <= x.size(); at += kFrame) {
    double p = 0;
    int crossings = 0;
    for (size_t i = at; i < at + kFrame; ++i) {
      p += static_cast<double>(x[i]) * x[i];
      if (i > at && (x[i] >= 0) != (x[i - 1] >= 0)) ++crossings;
    }
    levels.push_back(Db(std::sqrt(p / kFrame) / 32768));
    zcrs.push_back(crossings);
    starts.push_back(at);
  }
  if (levels.empty()) return s;
  const double loudest = *std::max_element(levels.begin(), levels.end());
  std::vector<double> active_levels;
  std::vector<double> active_zcrs;
  std::set<int> bands;
  for (size_t f = 0; f < levels.size(); ++f) {
    if (levels[f] < loudest - 40) continue;
    active_levels.push_back(levels[f]);
    active_zcrs.push_back(zcrs[f]);
    const int bin = StrongestBin(x.subspan(starts[f], kFft));
    bands.insert(bin * 16000 / static_cast<int>(kFft) / 125);
  }
  s.active_frames = static_cast<int>(active_levels.size());
  s.level_spread_db = StdDevOf(active_levels);
  const double mean_zcr = MeanOf(active_zcrs);
  s.zcr_variation = mean_zcr > 0 ? StdDevOf(active_zcrs) / mean_zcr : 0;
  s.dominant_bands = static_cast<int>(bands.size());
  return s;
}

bool LooksLikeSpeech(const SpeechStats& s) {
  return s.active_frames >= 20 && s.level_spread_db >= 4.0 && s.zcr_variation >= 0.25 &&
         s.dominant_bands >= 4;
}

}  // namespace konfero::prompts::testing
