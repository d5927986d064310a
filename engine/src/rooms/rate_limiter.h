// rate_limiter.h: counts failures per key and locks a key out.
//
// After `max_failures` failures within `window`, Check(key) returns
// ResourceExhausted until `lockout` has passed since the last counted
// failure. Used for wrong passwords (per login, per source) and wrong PINs or
// URL tokens (per source, per caller id, per room, and globally). Whether a
// locked key refuses or only slows is the caller's choice: the RoomService
// refuses a locked source or caller id, and slows the answers of a locked
// room or the global key (room_service.h, TryJoinAsPhoneGuest).
//
// Memory stays bounded: entries whose window and lockout have passed are
// dropped, and past `max_keys` the oldest are evicted first.
//
// Thread contract: one thread (the RoomService's).
#ifndef KONFERO_ROOMS_RATE_LIMITER_H_
#define KONFERO_ROOMS_RATE_LIMITER_H_

#include <deque>
#include <string>
#include <string_view>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/time.h"
#include "konfero/clock.h"
#include "konfero/room_service.h"

namespace konfero::rooms {

class FailureLimiter {
 public:
  FailureLimiter(RateLimit limit, const Clock& clock, size_t max_keys = 100'000);

  // OK, or ResourceExhausted naming `what` and when to retry.
  absl::Status Check(std::string_view key, std::string_view what) const;
  // True while `key` is locked out (when Check would refuse it).
  bool IsLocked(std::string_view key) const;
  void RecordFailure(std::string_view key);
  size_t tracked_keys() const { return entries_.size(); }

 private:
  struct Entry {
    std::deque<absl::Time> failures;  // within the window, oldest first
    absl::Time locked_until = absl::InfinitePast();
  };
  void Prune(Entry& e, absl::Time now) const;
  void EvictIfFull(absl::Time now);

  RateLimit limit_;
  const Clock& clock_;
  size_t max_keys_;
  absl::flat_hash_map<std::string, Entry> entries_;
};

}  // namespace konfero::rooms

#endif  // KONFERO_ROOMS_RATE_LIMITER_H_
