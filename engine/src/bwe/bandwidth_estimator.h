// bwe/bandwidth_estimator.h: how fast the SFU may send to one subscriber:
// the send-side bandwidth estimate of one transport, which chooses the
// simulcast layers it forwards.
//
// Every packet sent carries a transport-wide sequence number
// (draft-holmer-rmcat-transport-wide-cc-extensions-01) and is recorded
// here; the subscriber's TransportFeedback reports when each arrived. The
// target is the least of
//   - the delay-based estimate (GCC: delay_based_estimator.h), once
//     transport-wide feedback has been received,
//   - the loss-based limit (loss_based_estimator.h), while loss holds the
//     rate down: from the feedback's losses, or from receiver reports when
//     there is no such feedback,
//   - the subscriber's last REMB, only for a peer that sends no
//     transport-wide feedback (Chrome sends both, and its receive-side
//     REMB then lags far behind what the path takes; libwebrtc's send side
//     likewise prefers the feedback),
// clamped to [min_bps, max_bps]. Without transport-wide feedback and
// without REMB (nothing yet, or a peer that sends neither) the first two
// are replaced by start_bps.
//
//   BandwidthEstimator bwe({.start_bps = 300'000});
//   bwe.OnPacketSent(transport_seq, packet.size(), now_us);    // each packet
//   bwe.OnTransportFeedback(feedback, now_us);                 // RTCP in
//   layers.Select(bwe.target_bps());
//
// Times are microseconds on the sender's monotonic clock; arrival times in
// the feedback are on the receiver's clock and used only relative to each
// other. No allocation per packet: the history is preallocated, and a
// feedback reuses buffers sized in the constructor (they grow only for a
// feedback reporting more than 1024 packets).
//
// Thread contract: not thread-safe; the thread that sends on the transport
// and handles its RTCP calls everything.
#ifndef KONFERO_BWE_BANDWIDTH_ESTIMATOR_H_
#define KONFERO_BWE_BANDWIDTH_ESTIMATOR_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

#include "bwe/acknowledged_bitrate.h"
#include "bwe/delay_based_estimator.h"
#include "bwe/loss_based_estimator.h"
#include "bwe/sent_packet_history.h"
#include "rtp/rtcp_transport_feedback.h"

namespace konfero::bwe {

struct BandwidthEstimatorConfig {
  int64_t start_bps = 1'000'000;
  int64_t min_bps = 100'000;
  int64_t max_bps = 20'000'000;
};

class BandwidthEstimator {
 public:

  struct Stats {
    int64_t target_bps = 0;
    int64_t delay_based_bps = 0;
    int64_t loss_based_bps = 0;    // max_bps while loss does not limit
    int64_t acknowledged_bps = 0;  // 0 while unknown
    double loss_fraction = 0;      // of the last loss window
    int overuse_events = 0;
    uint64_t feedbacks = 0;
  };

  explicit BandwidthEstimator(BandwidthEstimatorConfig config = {});

  void OnPacketSent(uint16_t transport_seq, size_t bytes, int64_t send_time_us);
  void OnTransportFeedback(const rtp::TransportFeedback& feedback, int64_t now_us);
  // REMB-only peers: the estimate follows REMB (capped by the loss-based
  // limit if receiver reports give loss).
  void OnRemb(uint64_t bitrate_bps, int64_t now_us);
  // RFC 3550 fraction lost (/256) of a receiver report about our media.
  // Ignored once transport-wide feedback arrives: it reports the same
  // losses per packet, sooner.
  void OnReceiverReportLoss(uint8_t fraction_lost, int64_t now_us);

  // min(delay-based, loss-based, REMB if recent), clamped to [min, max].
  int64_t target_bps() const;
  Stats stats() const;

  // Round-trip time seen in feedback (send to feedback received, so it
  // includes the receiver's feedback interval); nullopt before feedback.
  std::optional<int64_t> rtt_us() const { return rtt_us_; }

 private:
  int64_t Clamp(int64_t bps) const;
  // The target the delay-based estimate and REMB allow; start_bps when
  // neither is known.
  int64_t BoundWithoutLoss() const;
  // The reference time (24-bit, wrapping) made continuous, in us.
  int64_t UnwrapReferenceTime(int32_t reference_time);
  void UpdateRtt(int64_t sample_us);

  BandwidthEstimatorConfig config_;
  SentPacketHistory history_;
  AcknowledgedBitrate acknowledged_;
  DelayBasedEstimator delay_based_;
  LossBasedEstimator loss_based_;

  bool has_transport_feedback_ = false;
  std::optional<int64_t> remb_bps_;
  int64_t remb_time_us_ = 0;
  int64_t latest_time_us_ = 0;  // the latest time any call was given
  std::optional<int64_t> rtt_us_;
  std::optional<int32_t> last_reference_time_;
  int64_t reference_ticks_ = 0;  // unwrapped, 64 ms ticks
  uint64_t feedbacks_ = 0;
  std::vector<PacketTiming> received_;  // scratch for one feedback
};

}  // namespace konfero::bwe

#endif  // KONFERO_BWE_BANDWIDTH_ESTIMATOR_H_
