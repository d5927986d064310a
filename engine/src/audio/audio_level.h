// audio/audio_level.h: the RFC 6464 audio level of a PCM frame: its RMS in
// -dBov (0 = full scale, 127 = digital silence), the same scale browsers put
// in the ssrc-audio-level RTP header extension.
//
// Thread contract: pure functions, any thread.
#ifndef KONFERO_AUDIO_AUDIO_LEVEL_H_
#define KONFERO_AUDIO_AUDIO_LEVEL_H_

#include <cstddef>
#include <cstdint>

namespace konfero::audio {

inline constexpr int kSilentLevel = 127;

// 0..127: -20*log10(rms / 32767), rounded, clamped.
int AudioLevelOf(const int16_t* pcm, size_t n);

}  // namespace konfero::audio

#endif  // KONFERO_AUDIO_AUDIO_LEVEL_H_
