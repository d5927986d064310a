// bwe/transport_feedback_generator.h: the receive side of transport-wide
// congestion control: records when each packet from a publisher arrived
// and builds the TransportFeedback (RTPFB FMT 15) its sender's estimator
// needs. Chrome ramps its simulcast layers up only as its send-side
// estimate allows, and that estimate feeds on this feedback.
//
// Packets are kept sorted by (unwrapped) transport-wide sequence number in
// a buffer preallocated for kMaxPendingPackets: reordered packets are put
// in place, duplicates keep their first arrival, and nothing is allocated
// per packet. Each feedback covers the sequence numbers from where the
// previous one ended (the first: from the lowest received) to the highest
// received; the numbers in between that did not arrive are reported as
// not received. A packet arriving after its number was reported is late
// and dropped. A feedback ends early, and the rest waits for the next
// call, when
//   - an arrival delta would not fit its field (16-bit signed 250 us ticks,
//     about +-8 s), or
//   - more than kMaxGap numbers in a row are missing: the next feedback
//     starts after the gap, which is never reported (a jump that large is
//     a sender restart or a stream switch more likely than an outage, and
//     reporting it lost would make the sender back off for nothing), or
//   - it holds kMaxReceivedPerFeedback received packets (so it stays well
//     under an MTU).
//
//   TransportFeedbackGenerator generator;             // 50 ms interval
//   generator.OnPacketReceived(transport_seq, now_us);  // each RTP packet
//   while (auto fb = generator.MaybeBuild(now_us, our_ssrc, media_ssrc)) {
//     SendRtcp(*fb);
//   }
//
// Arrival times and `now_us` are on one monotonic clock, in microseconds.
//
// Thread contract: not thread-safe; the thread that receives the
// publisher's packets calls everything.
#ifndef KONFERO_BWE_TRANSPORT_FEEDBACK_GENERATOR_H_
#define KONFERO_BWE_TRANSPORT_FEEDBACK_GENERATOR_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "bwe/sequence_unwrapper.h"
#include "rtp/rtcp_transport_feedback.h"

namespace konfero::bwe {

class TransportFeedbackGenerator {
 public:
  // Pending packets that make a feedback due before the interval is up.
  static constexpr size_t kBuildThreshold = 100;
  static constexpr size_t kMaxReceivedPerFeedback = 100;
  // Room for packets received and not yet reported; beyond it (MaybeBuild
  // not called for a long time) packets are dropped and counted.
  static constexpr size_t kMaxPendingPackets = 2048;
  // The longest run of missing numbers reported as lost: one run-length
  // chunk's worth.
  static constexpr int64_t kMaxGap = 0x1FFF;

  struct Stats {
    uint64_t received = 0;    // packets accepted
    uint64_t duplicates = 0;  // repeats of a pending packet
    uint64_t late = 0;        // behind the last feedback
    uint64_t overflow = 0;    // dropped: kMaxPendingPackets pending
    uint64_t feedbacks = 0;
  };

  explicit TransportFeedbackGenerator(int64_t interval_us = 50'000);

  void OnPacketReceived(uint16_t transport_seq, int64_t arrival_us);

  // The feedback for packets received since the last one, when due: once
  // `interval_us` has passed since the last feedback (for the first, since
  // the first packet), when kBuildThreshold packets are pending, or at
  // once when the last feedback ended early. Else (and with nothing
  // pending) nullopt.
  std::optional<rtp::TransportFeedback> MaybeBuild(int64_t now_us, uint32_t sender_ssrc,
                                                   uint32_t media_ssrc);

  size_t pending() const { return pending_.size(); }
  const Stats& stats() const { return stats_; }

 private:
  struct Arrival {
    int64_t seq = 0;  // unwrapped
    int64_t arrival_us = 0;
  };

  bool Due(int64_t now_us) const;
  rtp::TransportFeedback Build(uint32_t sender_ssrc, uint32_t media_ssrc);

  int64_t interval_us_;
  std::vector<Arrival> pending_;  // sorted by seq, capacity kMaxPendingPackets
  SequenceUnwrapper unwrapper_;
  std::optional<int64_t> next_base_;  // the first number not yet reported
  std::optional<int64_t> last_feedback_us_;
  bool ended_early_ = false;
  uint8_t feedback_count_ = 0;
  Stats stats_;
};

}  // namespace konfero::bwe

#endif  // KONFERO_BWE_TRANSPORT_FEEDBACK_GENERATOR_H_
