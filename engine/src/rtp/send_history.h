// rtp/send_history.h: the recently sent packets of one outgoing RTP stream,
// kept so that a NACK (RFC 4585) can be answered with a retransmission.
//
// A ring of fixed-size slots (kMaxStoredPacketSize bytes each), indexed by
// sequence number modulo the capacity. The capacity is a power of two, so it
// divides the 2^16 sequence-number space and the mapping stays consistent
// across the wrap from 65535 to 0. Each slot remembers which sequence number
// it holds: a request for a packet whose slot has since been reused by a
// newer one is told apart from a hit. All storage is allocated (and written
// once, so its pages are resident) in the constructor; Store and Find never
// allocate and never make a system call.
//
// Find is the retransmission path and is rate-limited per packet: once a
// packet has been returned for retransmission it is not returned again until
// `min_resend_interval_us` has passed, so a NACK storm (or a receiver that
// repeats its NACKs faster than the round trip) cannot multiply the traffic.
// The original send does not count: the first NACK of a packet is always
// answered. Set the interval to about one RTT as it becomes known.
//
//   RtpSendHistory history({.capacity = 512, .max_age_us = 1'000'000});
//   history.Store(plain_rtp_packet, now_us);        // every packet sent
//   if (auto packet = history.Find(seq, now_us)) {  // on a NACK
//     Retransmit(*packet);                          // valid until Store()
//   }
//
// Sequence numbers are those of the stored packets (the stream's own, before
// SRTP): the history serves one SSRC. Times are microseconds on any
// monotonic clock the caller chooses.
//
// Thread contract: not thread-safe. One thread (the one that sends the
// stream and handles its RTCP) calls everything.
#ifndef KONFERO_RTP_SEND_HISTORY_H_
#define KONFERO_RTP_SEND_HISTORY_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <vector>

namespace konfero::rtp {

// The largest packet a slot holds: an Ethernet MTU. Larger packets are not
// stored (the transport would not send them either).
inline constexpr size_t kMaxStoredPacketSize = 1500;

struct SendHistoryConfig {
  // Packets kept. Rounded up to a power of two, at most 32768 (half the
  // sequence-number space: beyond it, the RTT-scale history is long gone).
  size_t capacity = 512;
  // A packet older than this is not retransmitted: the receiver has given
  // up on it (its jitter buffer has moved on), so resending wastes bandwidth.
  int64_t max_age_us = 1'000'000;
  // The least time between two retransmissions of the same packet; 0 allows
  // every request.
  int64_t min_resend_interval_us = 20'000;
};

struct SendHistoryStats {
  uint64_t stored = 0;
  uint64_t rejected = 0;  // Store() of a packet too short, too long or not RTP v2
  uint64_t found = 0;
  uint64_t not_found_too_old = 0;    // still held, but older than max_age_us
  uint64_t not_found_overwritten = 0;  // slot reused by a newer packet
  uint64_t not_found_unknown = 0;    // never stored (or not yet: ahead of the slot)
  uint64_t rate_limited = 0;         // held, but retransmitted too recently
};

class RtpSendHistory {
 public:
  static constexpr size_t kMaxCapacity = 32768;

  explicit RtpSendHistory(const SendHistoryConfig& config);
  RtpSendHistory(RtpSendHistory&&) noexcept = default;
  RtpSendHistory& operator=(RtpSendHistory&&) noexcept = default;
  RtpSendHistory(const RtpSendHistory&) = delete;
  RtpSendHistory& operator=(const RtpSendHistory&) = delete;
  ~RtpSendHistory();

  // Copies a packet that was just sent (the plain RTP packet, before SRTP)
  // into the slot of its sequence number, replacing what the slot held.
  // False (and counted in `rejected`) if it is shorter than an RTP header,
  // longer than kMaxStoredPacketSize or not RTP version 2.
  bool Store(std::span<const uint8_t> rtp_packet, int64_t now_us);

  // The stored packet with this sequence number, for retransmission: nullopt
  // if it was never stored, has been overwritten, is older than max_age_us
  // or was returned less than min_resend_interval_us ago. A packet returned
  // is marked as retransmitted at `now_us`. The span is valid until the
  // next Store().
  std::optional<std::span<const uint8_t>> Find(uint16_t sequence_number, int64_t now_us);

  // Follows the RTT estimate; takes effect from the next Find().
  void set_min_resend_interval_us(int64_t interval_us) {
    min_resend_interval_us_ = interval_us;
  }
  int64_t min_resend_interval_us() const { return min_resend_interval_us_; }
  int64_t max_age_us() const { return max_age_us_; }
  size_t capacity() const { return slots_.size(); }
  const SendHistoryStats& stats() const { return stats_; }

 private:
  struct Slot {
    int64_t stored_at_us = 0;
    int64_t resent_at_us = 0;  // valid when `resent`
    uint16_t sequence_number = 0;
    uint16_t size = 0;  // 0: empty
    bool resent = false;
  };

  size_t mask_ = 0;
  int64_t max_age_us_ = 0;
  int64_t min_resend_interval_us_ = 0;
  std::vector<Slot> slots_;
  std::unique_ptr<uint8_t[]> bytes_;  // slots_.size() * kMaxStoredPacketSize
  SendHistoryStats stats_;
};

}  // namespace konfero::rtp

#endif  // KONFERO_RTP_SEND_HISTORY_H_
