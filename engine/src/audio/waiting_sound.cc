// audio/waiting_sound.cc: see waiting_sound.h.
#include "audio/waiting_sound.h"

#include <algorithm>
#include <cmath>
#include <numbers>

#include "konfero/audio/audio_types.h"

namespace konfero::audio {

std::vector<int16_t> SynthesizeWaitingLoop() {
  const int total = kWaitingLoopFrames * kFrameSamples;
  std::vector<int16_t> out(static_cast<size_t>(total));
  // Two bell-like notes (a fifth apart, each with a soft octave partial),
  // struck at 0 s and 0.6 s, decaying with a 0.4 s time constant.
  struct Note { double start_s, freq; };
  const Note notes[] = {{0.0, 659.25}, {0.6, 987.77}};
  const double rate = kSampleRateHz;
  for (int i = 0; i < total; ++i) {
    const double t = i / rate;
    double v = 0;
    for (const Note& n : notes) {
      const double u = t - n.start_s;
      if (u < 0) continue;
      const double attack = std::min(1.0, u / 0.005);
      const double env = attack * std::exp(-u / 0.4);
      v += env * (std::sin(2 * std::numbers::pi * n.freq * u) +
                  0.3 * std::sin(2 * std::numbers::pi * 2 * n.freq * u));
    }
    // Fade the tail to exact silence over the last 200 ms.
    const double tail = (total - i) / (0.2 * rate);
    if (tail < 1.0) v *= tail;
    out[static_cast<size_t>(i)] = static_cast<int16_t>(std::lround(v * 4000.0));
  }
  return out;
}

}  // namespace konfero::audio
