// konfero/clock.h: the time source the room domain runs on.
//
// The domain never reads the wall clock itself: rate limits, session expiry
// and chat timestamps all ask an injected Clock, so tests move time by hand.
//
//   konfero::ManualClock clock(absl::FromUnixSeconds(1'700'000'000));
//   clock.Advance(absl::Minutes(2));
//
// Media timers (ICE consent, DTLS, RTP timeouts) run on a MonotonicClock
// instead, which an NTP step or a change of the system time does not move:
//
//   konfero::ManualMonotonicClock media_clock;
//   media_clock.Advance(absl::Seconds(5));
//
// Thread contract: SystemClock and SteadyClock may be called from any
// thread. The manual clocks are safe to read from any thread; Advance/Set
// race only with each other.
#ifndef KONFERO_CLOCK_H_
#define KONFERO_CLOCK_H_

#include <atomic>
#include <chrono>
#include <cstdint>

#include "absl/time/clock.h"
#include "absl/time/time.h"

namespace konfero {

class Clock {
 public:
  virtual ~Clock() = default;
  virtual absl::Time Now() const = 0;
};

// The real clock (absl::Now()).
class SystemClock final : public Clock {
 public:
  absl::Time Now() const override { return absl::Now(); }
};

// A clock that moves only when told to; for tests and offline scripts.
class ManualClock final : public Clock {
 public:
  explicit ManualClock(absl::Time start = absl::FromUnixSeconds(1'700'000'000))
      : nanos_(absl::ToUnixNanos(start)) {}
  absl::Time Now() const override {
    return absl::FromUnixNanos(nanos_.load(std::memory_order_acquire));
  }
  void Advance(absl::Duration d) {
    nanos_.fetch_add(absl::ToInt64Nanoseconds(d), std::memory_order_acq_rel);
  }
  void Set(absl::Time t) {
    nanos_.store(absl::ToUnixNanos(t), std::memory_order_release);
  }

 private:
  std::atomic<int64_t> nanos_;
};

// Monotonic time in microseconds since an arbitrary origin.
class MonotonicClock {
 public:
  virtual ~MonotonicClock() = default;
  virtual int64_t NowMicros() const = 0;
};

// std::chrono::steady_clock (CLOCK_MONOTONIC).
class SteadyClock final : public MonotonicClock {
 public:
  int64_t NowMicros() const override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

// A monotonic clock that moves only when told to (forward only).
class ManualMonotonicClock final : public MonotonicClock {
 public:
  explicit ManualMonotonicClock(int64_t start_us = 1'000'000) : micros_(start_us) {}
  int64_t NowMicros() const override { return micros_.load(std::memory_order_acquire); }
  void Advance(absl::Duration d) {
    micros_.fetch_add(absl::ToInt64Microseconds(d), std::memory_order_acq_rel);
  }

 private:
  std::atomic<int64_t> micros_;
};

}  // namespace konfero

#endif  // KONFERO_CLOCK_H_
