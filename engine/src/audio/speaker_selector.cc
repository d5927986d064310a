// audio/speaker_selector.cc: see speaker_selector.h.
#include "audio/speaker_selector.h"

#include <algorithm>

namespace konfero::audio {

SpeakerSelector::SpeakerSelector(const SpeakerSelectionConfig& config,
                                 int max_participants)
    : config_(config),
      state_(static_cast<size_t>(max_participants)),
      speakers_(static_cast<size_t>(std::max(config.max_speakers, 1))) {}

void SpeakerSelector::Forget(int i) {
  if (state_[i].speaker) Remove(i);
  state_[i] = State{};
}

void SpeakerSelector::Remove(int i) {
  state_[i].speaker = false;
  state_[i].challenge_run = 0;
  auto* end = speakers_.data() + count_;
  auto* it = std::find(speakers_.data(), end, i);
  if (it != end) {
    std::copy(it + 1, end, it);
    --count_;
  }
}

int SpeakerSelector::Update(absl::Span<const Input> inputs) {
  const int active_q8 = (127 - config_.activity_level) * 256;
  const int n = static_cast<int>(std::min(inputs.size(), state_.size()));
  int changes = 0;

  // Smooth and count runs; find the best candidate that is not a speaker.
  int best = -1;
  for (int i = 0; i < n; ++i) {
    State& s = state_[i];
    const int loud_q8 = inputs[i].eligible ? (127 - inputs[i].level) * 256 : 0;
    // Attack over about 2 ticks, release over about 8.
    s.smooth_q8 += (loud_q8 - s.smooth_q8) / (loud_q8 > s.smooth_q8 ? 2 : 8);
    const bool active = inputs[i].eligible && s.smooth_q8 >= active_q8;
    s.active_run = active ? s.active_run + 1 : 0;
    s.quiet_run = active ? 0 : s.quiet_run + 1;
    if (s.speaker) {
      if (!inputs[i].eligible || s.quiet_run >= config_.hang_ticks) {
        Remove(i);
        ++changes;
      }
      continue;
    }
    if (s.active_run >= config_.onset_ticks &&
        (best < 0 || s.smooth_q8 > state_[best].smooth_q8)) {
      best = i;
    }
  }
  if (best < 0) return changes;

  const int k = std::max(config_.max_speakers, 1);
  if (count_ < k) {
    state_[best].speaker = true;
    speakers_[count_++] = best;
    return changes + 1;
  }
  // Full: the best newcomer must beat the quietest speaker clearly, for a
  // while. Other would-be challengers start over.
  int weakest = speakers_[0];
  for (int j = 1; j < count_; ++j) {
    if (state_[speakers_[j]].smooth_q8 < state_[weakest].smooth_q8) {
      weakest = speakers_[j];
    }
  }
  State& b = state_[best];
  if (b.smooth_q8 > state_[weakest].smooth_q8 + config_.replace_margin_db * 256) {
    ++b.challenge_run;
  } else {
    b.challenge_run = 0;
  }
  for (int i = 0; i < n; ++i) {
    if (i != best) state_[i].challenge_run = 0;
  }
  if (b.challenge_run >= config_.replace_ticks) {
    Remove(weakest);
    b.speaker = true;
    b.challenge_run = 0;
    speakers_[count_++] = best;
    changes += 2;
  }
  return changes;
}

}  // namespace konfero::audio
