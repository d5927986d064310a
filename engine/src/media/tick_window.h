// tick_window.h: the 99th percentile of a worker's media ticks over a
// window of the last kSize ticks (10 s), published for /metrics.
//
//   TickWindow window;
//   window.Add(tick_ns);              // worker thread, after each tick
//   uint64_t p99 = window.p99_ns();   // any thread; 0 until a window is full
//
// Once per kSize ticks, Add selects the window's p99 (nth_element over 500
// values, in arrays it owns: no allocation) and publishes it.
//
// Thread contract: Add on one thread (the worker's); p99_ns from any.
#ifndef KONFERO_MEDIA_TICK_WINDOW_H_
#define KONFERO_MEDIA_TICK_WINDOW_H_

#include <algorithm>
#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>

namespace konfero::media {

class TickWindow {
 public:
  static constexpr size_t kSize = 500;

  void Add(uint64_t ns) {
    values_[fill_++] = static_cast<uint32_t>(std::min<uint64_t>(ns, UINT32_MAX));
    if (fill_ < kSize) return;
    fill_ = 0;
    scratch_ = values_;
    constexpr size_t kRank = (kSize * 99 + 99) / 100 - 1;  // nearest rank
    std::nth_element(scratch_.begin(), scratch_.begin() + kRank, scratch_.end());
    p99_ns_.store(scratch_[kRank], std::memory_order_relaxed);
  }

  uint64_t p99_ns() const { return p99_ns_.load(std::memory_order_relaxed); }

 private:
  std::array<uint32_t, kSize> values_{};
  std::array<uint32_t, kSize> scratch_{};
  size_t fill_ = 0;
  std::atomic<uint64_t> p99_ns_{0};
};

}  // namespace konfero::media

#endif  // KONFERO_MEDIA_TICK_WINDOW_H_
