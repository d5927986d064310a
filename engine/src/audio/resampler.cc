// audio/resampler.cc: see resampler.h.
#include "audio/resampler.h"

#include <speex/speex_resampler.h>

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "konfero/audio/audio_types.h"

namespace konfero::audio {

absl::StatusOr<std::unique_ptr<FrameResampler>> FrameResampler::Create(
    int in_rate, int out_rate, int quality) {
  if (in_rate <= 0 || out_rate <= 0 || in_rate % 50 != 0 || out_rate % 50 != 0) {
    return absl::InvalidArgumentError("rates must be multiples of 50 Hz");
  }
  int err = RESAMPLER_ERR_SUCCESS;
  SpeexResamplerState* st = speex_resampler_init(
      1, static_cast<spx_uint32_t>(in_rate), static_cast<spx_uint32_t>(out_rate),
      std::clamp(quality, 0, 10), &err);
  if (st == nullptr || err != RESAMPLER_ERR_SUCCESS) {
    return absl::InternalError(
        absl::StrCat("speex_resampler_init: ", speex_resampler_strerror(err)));
  }
  speex_resampler_skip_zeros(st);
  return std::unique_ptr<FrameResampler>(new FrameResampler(
      st, in_rate * kFrameMs / 1000, out_rate * kFrameMs / 1000));
}

FrameResampler::~FrameResampler() { speex_resampler_destroy(st_); }

void FrameResampler::Process(const int16_t* in, int16_t* out) {
  spx_uint32_t in_len = static_cast<spx_uint32_t>(in_samples_);
  spx_uint32_t out_len = static_cast<spx_uint32_t>(out_samples_);
  speex_resampler_process_int(st_, 0, in, &in_len, out, &out_len);
  std::fill(out + out_len, out + out_samples_, int16_t{0});
}

void FrameResampler::Reset() {
  speex_resampler_reset_mem(st_);
  speex_resampler_skip_zeros(st_);
}

}  // namespace konfero::audio
