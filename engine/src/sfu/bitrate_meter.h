// sfu/bitrate_meter.h: the bitrate of a stream over a sliding window, from
// the sizes of its packets; the SFU keeps one per publisher layer, and the
// layer allocator (sfu/layer_allocator.h) budgets with it.
//
// The window is split into kBuckets buckets (1 s in 100 ms buckets by
// default) in fixed storage. The rate counts the complete buckets only, so it
// lags by at most one bucket but does not dip at each bucket's start; in the
// first window after the first packet it is taken over the buckets seen so
// far, so that a new stream is not underestimated.
//
//   BitrateMeter meter;                      // 1 s window
//   meter.Add(packet_size, now_us);          // each packet of the layer
//   int64_t bps = meter.Bps(now_us);
//
// Thread contract: not thread-safe. One thread (the worker that receives the
// stream) calls everything. Nothing allocates.
#ifndef KONFERO_SFU_BITRATE_METER_H_
#define KONFERO_SFU_BITRATE_METER_H_

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>

namespace konfero::sfu {

class BitrateMeter {
 public:
  static constexpr int kBuckets = 10;

  // `window_us` is rounded down to a multiple of kBuckets microseconds (at
  // least kBuckets).
  explicit BitrateMeter(int64_t window_us = 1'000'000);

  // `bytes` of the stream arrived at `now_us`. Bytes from before the window
  // kept (a clock that stepped back) are ignored.
  void Add(size_t bytes, int64_t now_us);

  // Bits per second over the window ending at the last complete bucket
  // before `now_us`; 0 before the first bucket with data completes.
  int64_t Bps(int64_t now_us) const;

  int64_t window_us() const { return bucket_us_ * kBuckets; }

 private:
  struct Bucket {
    int64_t index = std::numeric_limits<int64_t>::min();  // now_us / bucket_us_
    int64_t bytes = 0;
  };
  static constexpr int kSlots = kBuckets + 1;  // the complete ones and the one filling

  int64_t BucketIndex(int64_t now_us) const;

  int64_t bucket_us_;
  int64_t first_index_ = std::numeric_limits<int64_t>::max();  // of the first Add
  std::array<Bucket, kSlots> buckets_{};
};

}  // namespace konfero::sfu

#endif  // KONFERO_SFU_BITRATE_METER_H_
