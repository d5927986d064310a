// bwe/acknowledged_bitrate.h: the rate at which the far end reports
// receiving our packets, over a sliding window of arrival times.
//
// What feedback acknowledges is what the path actually carried: the rate
// control decreases to a fraction of it on congestion, and does not let
// its estimate run far ahead of it. Bytes are summed in fixed 10 ms buckets
// of arrival time (the receiver's clock), a ring preallocated in the
// object: no allocation per packet. A packet that arrives before the
// window (reordered feedback from long ago) is left out.
//
//   AcknowledgedBitrate acked;
//   acked.OnPacket(arrival_us, bytes);   // each packet feedback reports
//   if (auto bps = acked.bitrate_bps()) Use(*bps);
//
// Thread contract: value type, not thread-safe.
#ifndef KONFERO_BWE_ACKNOWLEDGED_BITRATE_H_
#define KONFERO_BWE_ACKNOWLEDGED_BITRATE_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>

namespace konfero::bwe {

class AcknowledgedBitrate {
 public:
  static constexpr int64_t kWindowUs = 500'000;
  static constexpr int64_t kBucketUs = 10'000;
  // No rate until the arrivals span this long: a few packets in a few
  // milliseconds say little about the path.
  static constexpr int64_t kMinSpanUs = 100'000;

  void OnPacket(int64_t arrival_time_us, size_t bytes);

  // Bits per second over the window ending at the newest arrival; nullopt
  // until the arrivals span kMinSpanUs.
  std::optional<int64_t> bitrate_bps() const;

 private:
  static constexpr size_t kBuckets = kWindowUs / kBucketUs;

  std::array<int64_t, kBuckets> bytes_ = {};
  std::optional<int64_t> newest_bucket_;  // arrival time / kBucketUs
  int64_t newest_arrival_us_ = 0;
  int64_t first_arrival_us_ = 0;
};

}  // namespace konfero::bwe

#endif  // KONFERO_BWE_ACKNOWLEDGED_BITRATE_H_
