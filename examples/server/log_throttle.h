// log_throttle.h: at most one log line per interval for an event that can
// repeat thousands of times a second (refused connections, accept errors),
// with the number of lines left out since the last one.
//
//   LogThrottle throttle(std::chrono::seconds(10));
//   if (std::optional<uint64_t> skipped = throttle.Allow(now)) {
//     log.Warn("connection_refused").Kv("suppressed", *skipped);
//   }
//
// Thread contract: one thread (the control thread).
#ifndef KONFERO_EXAMPLES_SERVER_LOG_THROTTLE_H_
#define KONFERO_EXAMPLES_SERVER_LOG_THROTTLE_H_

#include <chrono>
#include <cstdint>
#include <optional>

namespace konfero::server {

class LogThrottle {
 public:
  using Clock = std::chrono::steady_clock;
  explicit LogThrottle(Clock::duration interval) : interval_(interval) {}

  // A value (the occurrences left out since the last line) when a line may
  // be written now; nullopt when this occurrence is only counted.
  std::optional<uint64_t> Allow(Clock::time_point now) {
    if (logged_once_ && now - last_ < interval_) {
      ++suppressed_;
      return std::nullopt;
    }
    logged_once_ = true;
    last_ = now;
    const uint64_t skipped = suppressed_;
    suppressed_ = 0;
    return skipped;
  }

 private:
  Clock::duration interval_;
  Clock::time_point last_{};
  bool logged_once_ = false;
  uint64_t suppressed_ = 0;
};

}  // namespace konfero::server

#endif  // KONFERO_EXAMPLES_SERVER_LOG_THROTTLE_H_
