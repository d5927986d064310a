// audio/resampler.h: fixed-ratio resampling of 20 ms frames between the
// mixer's 48 kHz and G.711's 8 kHz, with the speexdsp resampler.
//
//   auto up = FrameResampler::Create(8000, 48000);
//   (*up)->Process(in160, out960);
//
// Thread contract: one thread at a time per object. Create() allocates;
// Process() and Reset() do not.
#ifndef KONFERO_AUDIO_RESAMPLER_H_
#define KONFERO_AUDIO_RESAMPLER_H_

#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"

struct SpeexResamplerState_;

namespace konfero::audio {

class FrameResampler {
 public:
  // Quality 0..10 (speexdsp); 4 is its VoIP default.
  static absl::StatusOr<std::unique_ptr<FrameResampler>> Create(
      int in_rate, int out_rate, int quality = 4);
  ~FrameResampler();
  FrameResampler(const FrameResampler&) = delete;
  FrameResampler& operator=(const FrameResampler&) = delete;

  int in_samples() const { return in_samples_; }    // per 20 ms frame
  int out_samples() const { return out_samples_; }  // per 20 ms frame

  // Reads in_samples(), writes out_samples() (zero-padded in the unlikely
  // case the resampler returns fewer).
  void Process(const int16_t* in, int16_t* out);
  void Reset();

 private:
  FrameResampler(SpeexResamplerState_* st, int in_samples, int out_samples)
      : st_(st), in_samples_(in_samples), out_samples_(out_samples) {}
  SpeexResamplerState_* st_;
  int in_samples_;
  int out_samples_;
};

}  // namespace konfero::audio

#endif  // KONFERO_AUDIO_RESAMPLER_H_
