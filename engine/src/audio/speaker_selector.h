// audio/speaker_selector.h: picks, each tick, the K loudest participants
// with hysteresis so the set does not flap.
//
// Each participant's loudness (127 - RFC 6464 level) is smoothed (fast
// attack, slow release). A participant joins a free place after being
// active for `onset_ticks`; leaves after `hang_ticks` of quiet (or at once
// when no longer eligible: muted, on hold, gone); and takes the place of the
// quietest speaker only if it is `replace_margin_db` louder for
// `replace_ticks` in a row. Noise below the activity level never joins.
//
//   SpeakerSelector sel(config, 64);
//   sel.Update(inputs);              // inputs[i] = {eligible, level}
//   for (int s : sel.speakers()) ...
//
// Thread contract: one thread (the mixer thread). The constructor
// allocates; Update() does not.
#ifndef KONFERO_AUDIO_SPEAKER_SELECTOR_H_
#define KONFERO_AUDIO_SPEAKER_SELECTOR_H_

#include <cstdint>
#include <vector>

#include "absl/types/span.h"
#include "konfero/audio/mixer.h"

namespace konfero::audio {

class SpeakerSelector {
 public:
  struct Input {
    bool eligible = false;  // has a stream, not muted, not on hold
    int level = 127;        // RFC 6464, this tick
  };

  SpeakerSelector(const SpeakerSelectionConfig& config, int max_participants);

  // `inputs` has one entry per participant slot. Returns the number of
  // joins plus leaves this tick.
  int Update(absl::Span<const Input> inputs);

  absl::Span<const int> speakers() const {
    return absl::MakeConstSpan(speakers_.data(), count_);
  }
  bool IsSpeaker(int i) const { return state_[i].speaker; }
  // Smoothed loudness, Q8 (0 = silence, 127 * 256 = full scale).
  int smoothed(int i) const { return state_[i].smooth_q8; }
  void Forget(int i);  // the slot was emptied or reused

 private:
  struct State {
    int smooth_q8 = 0;
    int active_run = 0;
    int quiet_run = 0;
    int challenge_run = 0;
    bool speaker = false;
  };
  void Remove(int i);

  SpeakerSelectionConfig config_;
  std::vector<State> state_;
  std::vector<int> speakers_;  // capacity max_speakers, first count_ used
  int count_ = 0;
};

}  // namespace konfero::audio

#endif  // KONFERO_AUDIO_SPEAKER_SELECTOR_H_
