// konfero/audio/spsc_ring.h: a bounded lock-free single-producer
// single-consumer ring of fixed-size values.
//
// It carries packets from a network thread to the mixer thread, encoded
// frames back, and commands from the control thread. Storage is allocated
// once in the constructor; Push and Pop never allocate, lock or make a
// system call. Push copies into the slot and Pop copies out (TryPush/TryPop
// work in place through a callback to avoid a second copy of big values).
//
//   konfero::audio::SpscRing<int> ring(64);
//   ring.Push(7);                 // producer thread
//   int v; if (ring.Pop(&v)) ...  // consumer thread
//
// Thread contract: exactly one thread pushes and exactly one thread pops at
// a time (they may be different threads, and may change over time if the
// hand-over is itself synchronised). Capacity() and the constructor are for
// any thread; SizeApprox() is a hint from any thread.
#ifndef KONFERO_AUDIO_SPSC_RING_H_
#define KONFERO_AUDIO_SPSC_RING_H_

#include <atomic>
#include <cstddef>
#include <memory>
#include <new>
#include <utility>

namespace konfero::audio {

template <typename T>
class SpscRing {
 public:
  // Holds up to `capacity` values (rounded up to a power of two, minimum 2).
  explicit SpscRing(size_t capacity)
      : mask_(RoundUp(capacity) - 1),
        slots_(std::make_unique<T[]>(mask_ + 1)) {}

  SpscRing(const SpscRing&) = delete;
  SpscRing& operator=(const SpscRing&) = delete;

  size_t Capacity() const { return mask_ + 1; }

  // Producer: false (and nothing stored) when full.
  bool Push(const T& value) {
    return PushWith([&value](T& slot) { slot = value; });
  }
  // Producer: `fill(T&)` writes the value in place; false when full.
  template <typename Fill>
  bool PushWith(Fill&& fill) {
    const size_t head = head_.load(std::memory_order_relaxed);
    if (head - cached_tail_ > mask_) {
      cached_tail_ = tail_.load(std::memory_order_acquire);
      if (head - cached_tail_ > mask_) return false;
    }
    std::forward<Fill>(fill)(slots_[head & mask_]);
    head_.store(head + 1, std::memory_order_release);
    return true;
  }

  // Consumer: false when empty.
  bool Pop(T* out) {
    return PopWith([out](const T& slot) { *out = slot; });
  }
  // Consumer: `take(const T&)` reads the value in place; false when empty.
  template <typename Take>
  bool PopWith(Take&& take) {
    const size_t tail = tail_.load(std::memory_order_relaxed);
    if (tail == cached_head_) {
      cached_head_ = head_.load(std::memory_order_acquire);
      if (tail == cached_head_) return false;
    }
    std::forward<Take>(take)(static_cast<const T&>(slots_[tail & mask_]));
    tail_.store(tail + 1, std::memory_order_release);
    return true;
  }

  // Any thread: a snapshot that may be stale by the time it is used.
  size_t SizeApprox() const {
    return head_.load(std::memory_order_acquire) -
           tail_.load(std::memory_order_acquire);
  }

 private:
  static size_t RoundUp(size_t n) {
    size_t p = 2;
    while (p < n) p <<= 1;
    return p;
  }

  // Producer and consumer indices on their own cache lines so the two
  // threads do not bounce one line between cores.
  static constexpr size_t kLine = 64;
  const size_t mask_;
  const std::unique_ptr<T[]> slots_;
  alignas(kLine) std::atomic<size_t> head_{0};
  size_t cached_tail_ = 0;  // producer's last view of tail_
  alignas(kLine) std::atomic<size_t> tail_{0};
  size_t cached_head_ = 0;  // consumer's last view of head_
};

}  // namespace konfero::audio

#endif  // KONFERO_AUDIO_SPSC_RING_H_
