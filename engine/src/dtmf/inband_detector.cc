// dtmf/inband_detector.cc: a thin owner of spandsp's dtmf_rx state. dtmf_rx
// queues each confirmed digit in its own buffer (no callback is set); Process
// feeds it short chunks and drains the buffer after each, so the buffer
// (MAX_DTMF_DIGITS) cannot overflow whatever the block size.
#include "dtmf/inband_detector.h"

#include <algorithm>
#include <utility>

extern "C" {
#include <spandsp.h>
}

namespace konfero::dtmf {
namespace {

// 100 ms: a DTMF digit with its pause lasts at least 80 ms, so a chunk holds
// at most two digits.
constexpr size_t kChunk = 800;

}  // namespace

struct InbandDtmfDetector::State {
  struct Free {
    void operator()(dtmf_rx_state_t* s) const { dtmf_rx_free(s); }
  };
  std::unique_ptr<dtmf_rx_state_t, Free> rx;
};

absl::StatusOr<std::unique_ptr<InbandDtmfDetector>> InbandDtmfDetector::Create() {
  auto state = std::make_unique<State>();
  state->rx.reset(dtmf_rx_init(nullptr, nullptr, nullptr));
  if (!state->rx) return absl::InternalError("spandsp dtmf_rx_init failed");
  return std::unique_ptr<InbandDtmfDetector>(new InbandDtmfDetector(std::move(state)));
}

InbandDtmfDetector::InbandDtmfDetector(std::unique_ptr<State> state) : state_(std::move(state)) {}
InbandDtmfDetector::~InbandDtmfDetector() = default;

void InbandDtmfDetector::Process(absl::Span<const int16_t> pcm_8k,
                                 absl::FunctionRef<void(char)> on_digit) {
  dtmf_rx_state_t* rx = state_->rx.get();
  char digits[8];
  while (!pcm_8k.empty()) {
    const size_t n = std::min(pcm_8k.size(), kChunk);
    dtmf_rx(rx, pcm_8k.data(), static_cast<int>(n));
    pcm_8k.remove_prefix(n);
    size_t got;
    while ((got = dtmf_rx_get(rx, digits, static_cast<int>(sizeof(digits) - 1))) > 0) {
      for (size_t i = 0; i < got; ++i) on_digit(digits[i]);
    }
  }
}

void InbandDtmfDetector::Reset() {
  // Re-initialising in place keeps the allocation.
  dtmf_rx_init(state_->rx.get(), nullptr, nullptr);
}

}  // namespace konfero::dtmf
