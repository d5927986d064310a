// request_budget.h: how many requests of one kind a socket may make: a
// burst, then one per refill interval (a token bucket), by the caller's
// clock. Joins (each sends the room's chat history) and offers (each sets
// up a transport on a media worker) are budgeted per socket.
//
//   RequestBudget joins(/*burst=*/5, absl::Seconds(2), clock.Now());
//   if (absl::Duration wait; !joins.Spend(clock.Now(), &wait)) refuse(wait);
//
// Thread contract: one thread (the control thread).
#ifndef KONFERO_SIGNALLING_REQUEST_BUDGET_H_
#define KONFERO_SIGNALLING_REQUEST_BUDGET_H_

#include <algorithm>

#include "absl/time/time.h"

namespace konfero::signalling {

class RequestBudget {
 public:
  // `refill` <= 0: `burst` in all, never refilled.
  RequestBudget(int burst, absl::Duration refill, absl::Time now)
      : burst_(burst), refill_(refill), tokens_(burst), at_(now) {}

  // Spends one request if the budget has one at `now`; else false, and
  // `*wait` is how long until it has.
  bool Spend(absl::Time now, absl::Duration* wait) {
    if (refill_ > absl::ZeroDuration() && now > at_) {
      tokens_ = std::min<double>(burst_, tokens_ + absl::FDivDuration(now - at_, refill_));
    }
    at_ = std::max(at_, now);
    if (tokens_ >= 1) {
      tokens_ -= 1;
      return true;
    }
    *wait = refill_ > absl::ZeroDuration() ? refill_ * (1 - tokens_) : absl::InfiniteDuration();
    return false;
  }

 private:
  int burst_;
  absl::Duration refill_;
  double tokens_;
  absl::Time at_;
};

}  // namespace konfero::signalling

#endif  // KONFERO_SIGNALLING_REQUEST_BUDGET_H_
