// prompt_source.cc: prompts as encoded 20 ms frames.
#include "media/prompt_source.h"

#include <algorithm>
#include <utility>

namespace konfero::media {

absl::StatusOr<std::unique_ptr<PromptSource>> PromptSource::Create(audio::Codec codec) {
  audio::OpusSettings opus;
  opus.inband_fec = false;  // a prompt is not worth the extra bits
  absl::StatusOr<std::unique_ptr<audio::MixEncoder>> encoder = audio::MixEncoder::Create(opus);
  if (!encoder.ok()) return encoder.status();
  return std::unique_ptr<PromptSource>(new PromptSource(codec, *std::move(encoder)));
}

PromptSource::PromptSource(audio::Codec codec, std::unique_ptr<audio::MixEncoder> encoder)
    : codec_(codec), encoder_(std::move(encoder)) {}

void PromptSource::Enqueue(PromptId prompt, PromptLanguage language, bool interrupt) {
  if (interrupt) player_.Clear();
  player_.Enqueue(prompt, language);
  queued_ = true;
  ++enqueued_;
}

bool PromptSource::Next(audio::EncodedFrame* frame, bool silence_when_idle) {
  bool have = player_.NextFrame(absl::MakeSpan(pcm_));
  (void)player_.TakeFinished();
  if (queued_ && !player_.playing()) {
    queued_ = false;
    done_ = true;
  }
  if (!have) {
    if (!silence_when_idle) return false;
    std::fill(pcm_.begin(), pcm_.end(), int16_t{0});
  }
  const int size = encoder_->Encode(codec_, pcm_.data(), frame->payload.data());
  if (size <= 0) return false;
  frame->size = static_cast<uint16_t>(size);
  frame->codec = codec_;
  frame->marker = first_;
  frame->sequence = sequence_++;
  frame->timestamp = timestamp_;
  timestamp_ += audio::RtpSamplesPerFrame(codec_);
  first_ = false;
  return true;
}

bool PromptSource::TakeDone() {
  return std::exchange(done_, false);
}

}  // namespace konfero::media
