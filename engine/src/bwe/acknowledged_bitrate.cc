// bwe/acknowledged_bitrate.cc: bucketed sliding-window receive rate.
#include "bwe/acknowledged_bitrate.h"

#include <algorithm>

namespace konfero::bwe {
namespace {

// Division rounding toward minus infinity: arrival times may be negative
// (the feedback's reference time is signed).
int64_t FloorDiv(int64_t a, int64_t b) {
  const int64_t q = a / b;
  return (a % b != 0 && a < 0) ? q - 1 : q;
}

size_t IndexOf(int64_t bucket, size_t buckets) {
  const auto n = static_cast<int64_t>(buckets);
  return static_cast<size_t>(((bucket % n) + n) % n);
}

}  // namespace

void AcknowledgedBitrate::OnPacket(int64_t arrival_time_us, size_t bytes) {
  const int64_t bucket = FloorDiv(arrival_time_us, kBucketUs);
  constexpr auto kCount = static_cast<int64_t>(kBuckets);
  if (!newest_bucket_) {
    newest_bucket_ = bucket;
    newest_arrival_us_ = arrival_time_us;
    first_arrival_us_ = arrival_time_us;
  } else if (bucket > *newest_bucket_) {
    // Empty the buckets the window slides past.
    const int64_t advance = std::min(bucket - *newest_bucket_, kCount);
    for (int64_t k = 1; k <= advance; ++k) bytes_[IndexOf(*newest_bucket_ + k, kBuckets)] = 0;
    newest_bucket_ = bucket;
  } else if (bucket <= *newest_bucket_ - kCount) {
    return;  // before the window
  }
  newest_arrival_us_ = std::max(newest_arrival_us_, arrival_time_us);
  first_arrival_us_ = std::min(first_arrival_us_, arrival_time_us);
  bytes_[IndexOf(bucket, kBuckets)] += static_cast<int64_t>(bytes);
}

std::optional<int64_t> AcknowledgedBitrate::bitrate_bps() const {
  if (!newest_bucket_) return std::nullopt;
  const int64_t window_start =
      std::max(first_arrival_us_, (*newest_bucket_ - static_cast<int64_t>(kBuckets) + 1) * kBucketUs);
  const int64_t span_us = newest_arrival_us_ - window_start;
  if (span_us < kMinSpanUs) return std::nullopt;
  int64_t total = 0;
  for (int64_t b : bytes_) total += b;
  return total * 8 * 1'000'000 / span_us;
}

}  // namespace konfero::bwe
