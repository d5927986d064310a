// rate_limiter.h: per-key limits on how often something may happen.
//
// FailureLimiter counts failures per key and locks a key out; TokenBucket
// limits a rate of successes (chat messages per sender).
//
// FailureLimiter: after `max_failures` failures within `window`, Check(key) returns
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

// A token bucket per key: `burst` tokens, refilled at `per_second`; each
// event takes one. Kept as one time per key (GCRA: the time the key's
// bucket is full again), so the arithmetic is exact on absl::Duration and a
// key whose bucket is full needs no entry: memory stays bounded like
// FailureLimiter's.
//
//   TokenBucket chat(10, 2.0, clock);
//   if (absl::Status s = chat.Check(key, "chat messages"); !s.ok()) return s;
//   ... do it; only if that succeeded:
//   chat.Take(key);
//
// burst 0: no limit (Check always passes, Take records nothing).
class TokenBucket {
 public:
  TokenBucket(int burst, double per_second, const Clock& clock,
              size_t max_keys = 100'000);

  // OK if `key` has a token now, else ResourceExhausted naming `what` and
  // how long to wait. Changes nothing.
  absl::Status Check(std::string_view key, std::string_view what) const;
  // Takes one token from `key`'s bucket (call after Check passed).
  void Take(std::string_view key);
  size_t tracked_keys() const { return full_at_.size(); }

 private:
  // The time `key`'s bucket holds `burst_` tokens again.
  absl::Time FullAt(std::string_view key, absl::Time now) const;
  void EvictIfFull(absl::Time now);

  const int burst_;
  absl::Duration interval_;  // one token's refill time
  const Clock& clock_;
  size_t max_keys_;
  absl::flat_hash_map<std::string, absl::Time> full_at_;
};

}  // namespace konfero::rooms

#endif  // KONFERO_ROOMS_RATE_LIMITER_H_
