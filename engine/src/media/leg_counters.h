// leg_counters.h: a leg's counters, written by its worker and read by the
// control thread for GetStats and metrics.
//
// Thread contract: each counter has one writer (the leg's worker thread);
// Snapshot() from any thread. Relaxed atomics: a snapshot is a consistent
// view of each counter, not of all of them at one instant.
#ifndef KONFERO_MEDIA_LEG_COUNTERS_H_
#define KONFERO_MEDIA_LEG_COUNTERS_H_

#include <atomic>
#include <cstdint>

#include "konfero/media_types.h"

namespace konfero::media {

struct LegCounters {
  explicit LegCounters(LegKind leg_kind = LegKind::kWebRtc) : kind(leg_kind) {}

  // Worker thread: counter += n (one writer, so no read-modify-write).
  static void Add(std::atomic<uint64_t>& counter, uint64_t n = 1) {
    counter.store(counter.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
  }

  PeerStats Snapshot() const;

  const LegKind kind;
  std::atomic<PeerState> state{PeerState::kConnecting};
  std::atomic<uint64_t> rtp_packets_in{0};
  std::atomic<uint64_t> rtp_packets_out{0};
  std::atomic<uint64_t> bytes_in{0};
  std::atomic<uint64_t> bytes_out{0};
  std::atomic<uint64_t> srtp_failures{0};
  std::atomic<uint64_t> data_messages_in{0};
  std::atomic<uint64_t> data_messages_out{0};
  std::atomic<uint64_t> data_messages_dropped{0};
  std::atomic<uint64_t> video_packets_in{0};
  std::atomic<uint64_t> video_packets_out{0};
  std::atomic<uint64_t> rtx_packets_out{0};
  std::atomic<uint64_t> nacks_in{0};
  std::atomic<uint64_t> keyframe_requests_in{0};
  std::atomic<uint64_t> keyframe_requests_out{0};
  std::atomic<uint64_t> transport_feedback_out{0};
  std::atomic<uint64_t> impairment_drops{0};
  std::atomic<uint64_t> layer_switches{0};
  std::atomic<int64_t> bandwidth_estimate_bps{0};
  std::atomic<uint64_t> rtcp_packets_in{0};
  std::atomic<uint64_t> rtcp_packets_out{0};
  std::atomic<uint64_t> invalid_packets_in{0};
  std::atomic<uint64_t> dtmf_digits_in{0};
};

inline PeerStats LegCounters::Snapshot() const {
  constexpr auto r = std::memory_order_relaxed;
  PeerStats s;
  s.kind = kind;
  s.state = state.load(r);
  s.rtp_packets_in = rtp_packets_in.load(r);
  s.rtp_packets_out = rtp_packets_out.load(r);
  s.bytes_in = bytes_in.load(r);
  s.bytes_out = bytes_out.load(r);
  s.srtp_failures = srtp_failures.load(r);
  s.data_messages_in = data_messages_in.load(r);
  s.data_messages_out = data_messages_out.load(r);
  s.data_messages_dropped = data_messages_dropped.load(r);
  s.video_packets_in = video_packets_in.load(r);
  s.video_packets_out = video_packets_out.load(r);
  s.rtx_packets_out = rtx_packets_out.load(r);
  s.nacks_in = nacks_in.load(r);
  s.keyframe_requests_in = keyframe_requests_in.load(r);
  s.keyframe_requests_out = keyframe_requests_out.load(r);
  s.transport_feedback_out = transport_feedback_out.load(r);
  s.layer_switches = layer_switches.load(r);
  s.impairment_drops = impairment_drops.load(r);
  s.bandwidth_estimate_bps = bandwidth_estimate_bps.load(r);
  s.rtcp_packets_in = rtcp_packets_in.load(r);
  s.rtcp_packets_out = rtcp_packets_out.load(r);
  s.invalid_packets_in = invalid_packets_in.load(r);
  s.dtmf_digits_in = dtmf_digits_in.load(r);
  return s;
}

}  // namespace konfero::media

#endif  // KONFERO_MEDIA_LEG_COUNTERS_H_
