// prompts/speech_checks.h: measurements the prompt tests use to tell speech
// from a steady tone or noise, on 16 kHz mono int16.
#ifndef KONFERO_TESTS_PROMPTS_SPEECH_CHECKS_H_
#define KONFERO_TESTS_PROMPTS_SPEECH_CHECKS_H_

#include <cstdint>

#include "absl/types/span.h"

namespace konfero::prompts::testing {

struct SpeechStats {
  double rms_dbfs = -200;        // over the whole signal
  double peak_dbfs = -200;
  int active_frames = 0;         // 20 ms frames within 40 dB of the loudest
  // Over the active frames:
  double level_spread_db = 0;    // std. deviation of the frame level (syllables)
  double zcr_variation = 0;      // coefficient of variation of the zero-crossing rate
  int dominant_bands = 0;        // distinct 125 Hz bands holding a frame's strongest bin
};

SpeechStats Measure(absl::Span<const int16_t> samples_16k);

// Speech varies in level (syllables, pauses), in brightness (vowels against
// fricatives: the zero-crossing rate) and in pitch and formants (the
// strongest frequency moves). A tone fails all three, stationary noise the
// first two.
bool LooksLikeSpeech(const SpeechStats& s);


}  // namespace konfero::prompts::testing

#endif  // KONFERO_TESTS_PROMPTS_SPEECH_CHECKS_H_
