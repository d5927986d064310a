// prompts/prompt_player.h: plays a queue of prompts and silences as 20 ms
// frames of mono int16 at a phone leg's codec rate (8, 16 or 48 kHz), for
// the plain-RTP leg to send in place of the conference mix.
//
//   PromptPlayer player(8000);                       // PCMU leg
//   player.Enqueue(PromptId::kWrongPin, Language::kGerman);
//   player.EnqueueSilence(500);
//   player.Enqueue(PromptId::kReminder, Language::kGerman);
//   // every 20 ms:
//   std::array<int16_t, 160> frame;
//   if (player.NextFrame(frame)) Send(frame); else Send(mix);
//   for (int n = player.TakeFinished(); n > 0; --n) OnPromptFinished();
//
// The queue plays as one continuous stream: an item starts in the same frame
// the previous one ends in, and only the last frame before the queue runs dry
// is padded with zeros. So a queue lasts ceil(its 16 kHz samples / 320)
// frames. The prompts (16 kHz) are resampled to the leg's rate with speexdsp
// (audio::FrameResampler), whose filter low-passes before decimating. Its
// delay (about 3 ms up to 48 kHz, 6 ms down to 8 kHz) shifts the audio
// within the frames; the prompts' 200 ms silent pads absorb it, so nothing
// audible is cut. The filter starts afresh whenever playback starts from an
// empty queue, so a prompt always sounds the same.
//
// Thread contract: one thread per object (the leg's). The constructor and
// Enqueue*/Clear may allocate (the queue grows); NextFrame, playing and
// TakeFinished never do.
#ifndef KONFERO_PROMPTS_PROMPT_PLAYER_H_
#define KONFERO_PROMPTS_PROMPT_PLAYER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

#include "absl/types/span.h"
#include "prompts/prompts.h"

namespace konfero::audio {
class FrameResampler;
}

namespace konfero::prompts {

class PromptPlayer {
 public:
  static constexpr int kFrameMs = 20;

  // `sample_rate_hz`: the leg's codec rate, 8000, 16000 or 48000 (any
  // multiple of 50 Hz from 8000 to 48000 works); other values are taken as
  // 16000 (see sample_rate_hz()).
  explicit PromptPlayer(int sample_rate_hz);
  ~PromptPlayer();
  PromptPlayer(PromptPlayer&&) noexcept;
  PromptPlayer& operator=(PromptPlayer&&) noexcept;

  int sample_rate_hz() const { return sample_rate_hz_; }
  int frame_samples() const { return frame_samples_; }  // sample_rate_hz / 50

  // Appends a prompt, or `ms` of silence (ms <= 0 adds nothing), to the queue.
  void Enqueue(PromptId id, Language language);
  void EnqueueSilence(int ms);
  // Drops everything queued, the item playing included (a caller who typed a
  // digit interrupts the prompt). Dropped items do not count as finished.
  void Clear();

  // Whether anything is left to play.
  bool playing() const { return head_ < items_.size(); }

  // Writes the next 20 ms: frame_samples() samples, which must be out.size().
  // Returns false and writes nothing when the queue is empty (or out has the
  // wrong size).
  bool NextFrame(absl::Span<int16_t> out);

  // How many items (prompts and silences) played to their end since the last
  // call; an item counts in the frame that holds its last sample.
  int TakeFinished();

 private:
  static constexpr size_t kFrame16k = kPromptSampleRateHz / 1000 * kFrameMs;  // 320

  struct Item {
    const int16_t* samples = nullptr;  // nullptr: silence
    size_t size = 0;                   // in 16 kHz samples
    size_t position = 0;
  };

  void Push(const Item& item);

  int sample_rate_hz_;
  int frame_samples_;
  std::unique_ptr<audio::FrameResampler> resampler_;  // null at 16 kHz
  bool restart_ = true;  // reset the resampler before the next frame
  std::vector<Item> items_;
  size_t head_ = 0;      // items_[head_] is playing; all before it are done
  int finished_ = 0;
  std::array<int16_t, kFrame16k> frame16k_{};
};

}  // namespace konfero::prompts

#endif  // KONFERO_PROMPTS_PROMPT_PLAYER_H_
