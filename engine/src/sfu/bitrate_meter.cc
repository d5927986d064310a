// sfu/bitrate_meter.cc: bytes in fixed buckets, summed into a rate.
#include "sfu/bitrate_meter.h"

#include <algorithm>

namespace konfero::sfu {
namespace {

constexpr int64_t kMicrosPerSecond = 1'000'000;

// The slot of a bucket: its index modulo the slot count, for negative
// indices too.
size_t SlotOf(int64_t index, int slots) {
  const int64_t slot = index % slots;
  return static_cast<size_t>(slot < 0 ? slot + slots : slot);
}

}  // namespace

BitrateMeter::BitrateMeter(int64_t window_us)
    : bucket_us_(std::max<int64_t>(window_us / kBuckets, 1)) {}

int64_t BitrateMeter::BucketIndex(int64_t now_us) const {
  // Floor division: a clock may start below zero.
  const int64_t index = now_us / bucket_us_;
  return (now_us % bucket_us_ < 0) ? index - 1 : index;
}

void BitrateMeter::Add(size_t bytes, int64_t now_us) {
  const int64_t index = BucketIndex(now_us);
  Bucket& bucket = buckets_[SlotOf(index, kSlots)];
  if (bucket.index > index) return;  // the slot holds a newer bucket
  if (bucket.index < index) bucket = {.index = index, .bytes = 0};
  bucket.bytes += static_cast<int64_t>(bytes);
  first_index_ = std::min(first_index_, index);
}

int64_t BitrateMeter::Bps(int64_t now_us) const {
  const int64_t filling = BucketIndex(now_us);
  if (first_index_ >= filling) return 0;  // no complete bucket with data
  const int64_t complete = std::min<int64_t>(filling - first_index_, kBuckets);
  int64_t bytes = 0;
  for (int64_t index = filling - complete; index < filling; ++index) {
    const Bucket& bucket = buckets_[SlotOf(index, kSlots)];
    if (bucket.index == index) bytes += bucket.bytes;
  }
  return bytes * 8 * kMicrosPerSecond / (complete * bucket_us_);
}

}  // namespace konfero::sfu
