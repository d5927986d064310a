// prompts/prompt_player.cc: see prompt_player.h.
#include "prompts/prompt_player.h"

#include <algorithm>
#include <cstdlib>

#include "audio/resampler.h"

namespace konfero::prompts {
namespace {

constexpr int kQueueReserve = 16;
// speexdsp quality: 6 keeps the 16 -> 8 kHz anti-alias filter steep (the
// mixer's VoIP default is 4); a frame costs a few microseconds either way.
constexpr int kResamplerQuality = 6;

int ValidRate(int hz) {
  return hz >= 8000 && hz <= 48000 && hz % 50 == 0 ? hz : kPromptSampleRateHz;
}

}  // namespace

PromptPlayer::PromptPlayer(int sample_rate_hz)
    : sample_rate_hz_(ValidRate(sample_rate_hz)),
      frame_samples_(sample_rate_hz_ * kFrameMs / 1000) {
  if (sample_rate_hz_ != kPromptSampleRateHz) {
    auto resampler = audio::FrameResampler::Create(kPromptSampleRateHz, sample_rate_hz_,
                                                   kResamplerQuality);
    // Valid rates only fail when speexdsp cannot allocate its state.
    if (!resampler.ok()) std::abort();
    resampler_ = *std::move(resampler);
  }
  items_.reserve(kQueueReserve);
}

PromptPlayer::~PromptPlayer() = default;
PromptPlayer::PromptPlayer(PromptPlayer&&) noexcept = default;
PromptPlayer& PromptPlayer::operator=(PromptPlayer&&) noexcept = default;

void PromptPlayer::Push(const Item& item) {
  if (head_ == items_.size()) {
    items_.clear();
    head_ = 0;
  }
  items_.push_back(item);
}

void PromptPlayer::Enqueue(PromptId id, Language language) {
  const Prompt& p = GetPrompt(id, language);
  Push(Item{.samples = p.samples_16k.data(), .size = p.samples_16k.size(), .position = 0});
}

void PromptPlayer::EnqueueSilence(int ms) {
  if (ms <= 0) return;
  Push(Item{.samples = nullptr,
            .size = static_cast<size_t>(ms) * (kPromptSampleRateHz / 1000),
            .position = 0});
}

void PromptPlayer::Clear() {
  items_.clear();
  head_ = 0;
  restart_ = true;
}

bool PromptPlayer::NextFrame(absl::Span<int16_t> out) {
  if (out.size() != static_cast<size_t>(frame_samples_) || !playing()) return false;

  size_t filled = 0;
  while (filled < kFrame16k && head_ < items_.size()) {
    Item& item = items_[head_];
    const size_t n = std::min(kFrame16k - filled, item.size - item.position);
    if (item.samples != nullptr) {
      std::copy_n(item.samples + item.position, n, frame16k_.begin() + filled);
    } else {
      std::fill_n(frame16k_.begin() + filled, n, int16_t{0});
    }
    item.position += n;
    filled += n;
    if (item.position == item.size) {
      ++head_;
      ++finished_;
    }
  }
  std::fill(frame16k_.begin() + filled, frame16k_.end(), int16_t{0});
  if (head_ == items_.size()) {  // ran dry: keeps the capacity, frees nothing
    items_.clear();
    head_ = 0;
  }

  if (resampler_ == nullptr) {
    std::copy(frame16k_.begin(), frame16k_.end(), out.begin());
  } else {
    if (restart_) resampler_->Reset();
    resampler_->Process(frame16k_.data(), out.data());
  }
  restart_ = !playing();
  return true;
}

int PromptPlayer::TakeFinished() {
  const int n = finished_;
  finished_ = 0;
  return n;
}

}  // namespace konfero::prompts
