// konfero/clock.h: the time source the room domain runs on.
//
// The domain never reads the wall clock itself: rate limits, session expiry
// and chat timestamps all ask an injected Clock, so tests move time by hand.
//
//   konfero::ManualClock clock(absl::FromUnixSeconds(1'700'000'000));
//   clock.Advance(absl::Minutes(2));
//
// Thread contract: SystemClock may be called from any thread. ManualClock is
// safe to read from any thread; Advance/Set race only with each other.
#ifndef KONFERO_CLOCK_H_
#define KONFERO_CLOCK_H_

#include <atomic>
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

}  // namespace konfero

#endif  // KONFERO_CLOCK_H_
