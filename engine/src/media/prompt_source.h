// prompt_source.h: voice prompts for one plain-RTP leg, encoded in the
// leg's codec a 20 ms frame at a time.
//
// A phone call that is not yet in a room (the PIN prompt) hears only
// prompts and the silence between them; an admitted phone hears a prompt
// instead of the room's mix while one plays ("the conference has ended").
// The prompts are played at 48 kHz (prompts::PromptPlayer) and encoded
// with a MixEncoder of the leg's own, whose codec state follows this one
// stream.
//
// Thread contract: the worker thread that owns the leg. Create allocates;
// Next does not.
#ifndef KONFERO_MEDIA_PROMPT_SOURCE_H_
#define KONFERO_MEDIA_PROMPT_SOURCE_H_

#include <array>
#include <cstdint>
#include <memory>

#include "absl/status/statusor.h"
#include "audio/mix_encoder.h"
#include "konfero/audio/audio_types.h"
#include "konfero/prompts.h"
#include "prompts/prompt_player.h"

namespace konfero::media {

class PromptSource {
 public:
  static absl::StatusOr<std::unique_ptr<PromptSource>> Create(audio::Codec codec);

  // Queues a prompt; with `interrupt`, what was queued is dropped first.
  void Enqueue(PromptId prompt, PromptLanguage language, bool interrupt);
  bool playing() const { return player_.playing(); }
  // The next 20 ms: a prompt's, or silence when none plays and
  // `silence_when_idle`. False: nothing to send. The frame's sequence and
  // timestamp are this source's own (a call's stream); an admitted leg
  // overwrites them with the mix stream's.
  bool Next(audio::EncodedFrame* frame, bool silence_when_idle);
  // True once after the queue has played out.
  bool TakeDone();
  // How many prompts were enqueued so far.
  uint64_t enqueued() const { return enqueued_; }
  audio::Codec codec() const { return codec_; }

 private:
  PromptSource(audio::Codec codec, std::unique_ptr<audio::MixEncoder> encoder);

  const audio::Codec codec_;
  std::unique_ptr<audio::MixEncoder> encoder_;
  prompts::PromptPlayer player_{48000};
  std::array<int16_t, 960> pcm_{};
  uint32_t timestamp_ = 0;
  uint16_t sequence_ = 0;
  bool first_ = true;
  bool queued_ = false;  // something was queued and has not yet played out
  bool done_ = false;
  uint64_t enqueued_ = 0;
};

}  // namespace konfero::media

#endif  // KONFERO_MEDIA_PROMPT_SOURCE_H_
