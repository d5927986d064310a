// audio/audio_level.cc: see audio_level.h.
#include "audio/audio_level.h"

#include <cmath>

namespace konfero::audio {

int AudioLevelOf(const int16_t* pcm, size_t n) {
  if (n == 0) return kSilentLevel;
  int64_t energy = 0;
  for (size_t i = 0; i < n; ++i) energy += int64_t{pcm[i]} * pcm[i];
  if (energy == 0) return kSilentLevel;
  const double mean = static_cast<double>(energy) / static_cast<double>(n);
  const double dbov = 10.0 * std::log10(mean / (32767.0 * 32767.0));
  const long level = std::lround(-dbov);
  return level < 0 ? 0 : (level > kSilentLevel ? kSilentLevel : static_cast<int>(level));
}

}  // namespace konfero::audio
