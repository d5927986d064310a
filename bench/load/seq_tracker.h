// seq_tracker.h: packets expected and received on one RTP stream, from its
// sequence numbers (the RFC 3550 A.1/A.3 way: the extended highest number
// minus the first one, plus one, is what was expected).
//
//   SeqTracker t;
//   t.Add(packet.sequence_number());
//   uint64_t lost = t.lost();   // expected - received, never negative
//
// A jump of more than 3000 forward or back is taken as a restart of the
// stream (a new source behind the same SSRC), not as loss.
//
// Thread contract: a plain value, one thread.
#ifndef KONFERO_BENCH_LOAD_SEQ_TRACKER_H_
#define KONFERO_BENCH_LOAD_SEQ_TRACKER_H_

#include <cstdint>

namespace konfero::load {

class SeqTracker {
 public:
  void Add(uint16_t seq) {
    ++received_;
    if (!started_) {
      started_ = true;
      base_ = highest_ = Extend(seq, 0);
      return;
    }
    const int64_t ext = Extend(seq, highest_);
    const int64_t jump = ext - highest_;
    if (jump > kRestart || jump < -kRestart) {
      expected_before_ += Span();
      received_before_ += received_ - 1;
      received_ = 1;
      base_ = highest_ = ext;
      return;
    }
    if (ext > highest_) highest_ = ext;
  }

  uint64_t received() const { return received_before_ + received_; }
  uint64_t expected() const { return expected_before_ + Span(); }
  uint64_t lost() const {
    return expected() > received() ? expected() - received() : 0;
  }

 private:
  static constexpr int64_t kRestart = 3000;

  // The 16-bit number as the extended number closest to `near`.
  static int64_t Extend(uint16_t seq, int64_t near) {
    int64_t candidate = (near & ~int64_t{0xFFFF}) | seq;
    if (candidate - near > 0x8000) candidate -= 0x10000;
    if (near - candidate > 0x8000) candidate += 0x10000;
    return candidate;
  }
  uint64_t Span() const { return started_ ? static_cast<uint64_t>(highest_ - base_ + 1) : 0; }

  bool started_ = false;
  int64_t base_ = 0;
  int64_t highest_ = 0;
  uint64_t received_ = 0;
  uint64_t expected_before_ = 0;
  uint64_t received_before_ = 0;
};

}  // namespace konfero::load

#endif  // KONFERO_BENCH_LOAD_SEQ_TRACKER_H_
