// rate_limiter.cc: per-key failure counting with lockout, and token buckets.
#include "rooms/rate_limiter.h"

#include <algorithm>
#include <cmath>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "common/absl_compat.h"

namespace konfero::rooms {

FailureLimiter::FailureLimiter(RateLimit limit, const Clock& clock,
                               size_t max_keys)
    : limit_(limit), clock_(clock), max_keys_(max_keys) {}

absl::Status FailureLimiter::Check(std::string_view key,
                                   std::string_view what) const {
  auto it = entries_.find(Sv(key));
  if (it == entries_.end()) return absl::OkStatus();
  const absl::Time now = clock_.Now();
  if (now < it->second.locked_until) {
    const int64_t seconds = static_cast<int64_t>(
        std::ceil(absl::ToDoubleSeconds(it->second.locked_until - now)));
    return absl::ResourceExhaustedError(absl::StrCat(
        "too many failed ", Sv(what), " attempts; try again in ", seconds, " s"));
  }
  return absl::OkStatus();
}

bool FailureLimiter::IsLocked(std::string_view key) const {
  auto it = entries_.find(Sv(key));
  return it != entries_.end() && clock_.Now() < it->second.locked_until;
}

void FailureLimiter::Prune(Entry& e, absl::Time now) const {
  while (!e.failures.empty() && e.failures.front() <= now - limit_.window) {
    e.failures.pop_front();
  }
}

void FailureLimiter::EvictIfFull(absl::Time now) {
  if (entries_.size() < max_keys_) return;
  // First drop every entry that no longer matters.
  absl::erase_if(entries_, [&](auto& kv) {
    Prune(kv.second, now);
    return kv.second.failures.empty() && kv.second.locked_until <= now;
  });
  if (entries_.size() < max_keys_) return;
  // Still full (a flood of distinct keys): drop the stalest entry. Locked
  // keys are kept over unlocked ones.
  auto victim = entries_.end();
  for (auto it = entries_.begin(); it != entries_.end(); ++it) {
    if (it->second.locked_until > now) continue;
    if (victim == entries_.end() ||
        it->second.failures.back() < victim->second.failures.back()) {
      victim = it;
    }
  }
  if (victim == entries_.end()) victim = entries_.begin();
  entries_.erase(victim);
}

void FailureLimiter::RecordFailure(std::string_view key) {
  const absl::Time now = clock_.Now();
  auto it = entries_.find(Sv(key));
  if (it == entries_.end()) {
    EvictIfFull(now);
    it = entries_.emplace(std::string(key), Entry{}).first;
  }
  Entry& e = it->second;
  Prune(e, now);
  e.failures.push_back(now);
  if (static_cast<int>(e.failures.size()) >= limit_.max_failures) {
    e.locked_until = now + limit_.lockout;
    e.failures.clear();
  }
}

TokenBucket::TokenBucket(int burst, double per_second, const Clock& clock,
                         size_t max_keys)
    : burst_(std::max(burst, 0)),
      interval_(per_second > 0 ? absl::Seconds(1) / per_second
                               : absl::InfiniteDuration()),
      clock_(clock),
      max_keys_(max_keys) {}

absl::Time TokenBucket::FullAt(std::string_view key, absl::Time now) const {
  auto it = full_at_.find(Sv(key));
  return it == full_at_.end() ? now : std::max(it->second, now);
}

absl::Status TokenBucket::Check(std::string_view key,
                                std::string_view what) const {
  if (burst_ == 0) return absl::OkStatus();
  const absl::Time now = clock_.Now();
  // A token is left while the bucket is at most burst - 1 refills from full.
  const absl::Duration wait =
      (FullAt(key, now) - now) - (burst_ - 1) * interval_;
  if (wait <= absl::ZeroDuration()) return absl::OkStatus();
  const absl::Duration shown = absl::Ceil(wait, absl::Milliseconds(100));
  return absl::ResourceExhaustedError(absl::StrFormat(
      "too many %s in a row: wait %.1f s before the next one", Sv(what),
      absl::ToDoubleSeconds(shown)));
}

void TokenBucket::EvictIfFull(absl::Time now) {
  if (full_at_.size() < max_keys_) return;
  absl::erase_if(full_at_, [now](const auto& kv) { return kv.second <= now; });
  if (full_at_.size() < max_keys_) return;
  // Still full (a flood of distinct keys): forget the bucket nearest to
  // full, which loses the least.
  auto victim = std::min_element(
      full_at_.begin(), full_at_.end(),
      [](const auto& a, const auto& b) { return a.second < b.second; });
  full_at_.erase(victim);
}

void TokenBucket::Take(std::string_view key) {
  if (burst_ == 0) return;
  const absl::Time now = clock_.Now();
  const absl::Time next = FullAt(key, now) + interval_;
  auto it = full_at_.find(Sv(key));
  if (it != full_at_.end()) {
    it->second = next;
    return;
  }
  EvictIfFull(now);
  full_at_.emplace(std::string(key), next);
}

}  // namespace konfero::rooms
