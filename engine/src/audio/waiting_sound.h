// audio/waiting_sound.h: the sound participants on hold hear, synthesised
// in code (no bundled file, nothing downloaded): a soft two-note chime,
// fading out before the loop point so the loop has no seam.
//
// Thread contract: pure function, any thread; allocates its result.
#ifndef KONFERO_AUDIO_WAITING_SOUND_H_
#define KONFERO_AUDIO_WAITING_SOUND_H_

#include <cstdint>
#include <vector>

namespace konfero::audio {

inline constexpr int kWaitingLoopFrames = 150;  // 3 s of 20 ms frames

// kWaitingLoopFrames * 960 samples at 48 kHz, peak about -16 dBFS.
std::vector<int16_t> SynthesizeWaitingLoop();

}  // namespace konfero::audio

#endif  // KONFERO_AUDIO_WAITING_SOUND_H_
