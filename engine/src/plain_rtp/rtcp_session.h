// plain_rtp/rtcp_session.h: the RTCP side of one plain-RTP leg (RFC 3550):
// reception statistics about the remote's stream, our sender counts, the
// report schedule, the compound packets we send (SR or RR, SDES CNAME,
// optionally BYE) and what we read from the remote's (its SR for LSR/DLSR,
// its BYE).
//
//   RtcpSession rtcp(local_ssrc, 8000, now_us);
//   rtcp.OnRtpReceived(ssrc, seq, ts, /*audio=*/true, now_us);  // per packet
//   if (rtcp.ReportDue(now_us)) {
//     size_t n = rtcp.BuildCompound(now_us, /*bye=*/false, buffer);
//     send(buffer.first(n));
//   }
//
// What the reports hold (an honest subset of RFC 3550):
// - Reception (appendix A.1, A.3): extended highest sequence number with
//   wrap cycles; packets expected and lost (cumulative, and the fraction
//   over the last interval); no probation: the first packet of an SSRC
//   starts its statistics (the leg accepts an SSRC only from the latched
//   source). Sequence jumps beyond 3000 restart the statistics after two
//   packets in sequence, as A.1 does.
// - Jitter (A.8), on the audio payload type only (telephone-event packets
//   repeat their event's timestamp), in the codec's RTP clock.
// - LSR/DLSR from the remote's last SR.
// - Our SR's NTP timestamp is the monotonic now_us (RFC 3550 6.4.1 lets a
//   sender without wallclock use elapsed time: the remote only echoes it
//   back for the round-trip time); its RTP timestamp is extrapolated from
//   our last RTP packet.
// - SR when we sent RTP since the report before last (6.4), else RR; one
//   report block when the remote's stream has been heard.
// - Schedule: the first report 2.5 s x U(0.5, 1.5) after start, then
//   5 s x U(0.5, 1.5) (RFC 3550 6.2 minimum interval; a two-party audio
//   session never computes a larger one; no reconsideration).
//
// Thread contract: one thread per object. Parsing and building allocate
// nothing (the packets are preallocated at construction).
#ifndef KONFERO_PLAIN_RTP_RTCP_SESSION_H_
#define KONFERO_PLAIN_RTP_RTCP_SESSION_H_

#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>

#include "rtp/rtcp_reports.h"

namespace konfero::plain_rtp {

class RtcpSession {
 public:
  static constexpr int64_t kMinIntervalUs = 5'000'000;
  static constexpr size_t kMaxCompoundSize = 256;

  RtcpSession(uint32_t local_ssrc, int clock_rate_hz, int64_t now_us);

  // The RTP clock of the audio codec (jitter units); a change restarts the
  // jitter estimate.
  void SetClockRate(int clock_rate_hz);

  // A packet of the remote's stream; `audio`: of the audio payload type.
  // A new SSRC restarts the reception statistics.
  void OnRtpReceived(uint32_t ssrc, uint16_t sequence, uint32_t timestamp, bool audio,
                     int64_t now_us);
  // Our RTP packet went out with `timestamp` and `payload_bytes`.
  void OnRtpSent(uint32_t timestamp, size_t payload_bytes, int64_t now_us);

  struct Incoming {
    bool valid = false;        // framing correct (RFC 3550 6.4 headers, lengths, padding)
    bool bye = false;          // a BYE naming the remote's SSRC (any SSRC if none heard yet)
    std::optional<uint32_t> sender_ssrc;  // of the first SR/RR, if any
  };
  Incoming OnRtcp(std::span<const uint8_t> datagram, int64_t now_us);

  bool ReportDue(int64_t now_us) const { return now_us >= next_report_us_; }
  int64_t next_report_us() const { return next_report_us_; }

  // Writes SR or RR, SDES CNAME and, with `bye`, a BYE into `out`
  // (kMaxCompoundSize is enough); returns its size, 0 if it does not fit.
  // Schedules the next report.
  size_t BuildCompound(int64_t now_us, bool bye, std::span<uint8_t> out);

  const std::string& cname() const { return sdes_.chunks.front().items.front().text; }

 private:
  struct Reception {
    bool active = false;
    uint32_t ssrc = 0;
    uint16_t max_seq = 0;
    uint32_t cycles = 0;       // shifted count of sequence number wraps
    uint32_t base_seq = 0;
    uint32_t bad_seq = 0;      // A.1: the sequence after a large jump
    uint64_t received = 0;
    uint64_t expected_prior = 0;
    uint64_t received_prior = 0;
    bool has_transit = false;
    int64_t transit = 0;
    uint32_t jitter_q4 = 0;    // jitter x 16 (A.8 integer form)
  };
  void StartReception(uint32_t ssrc, uint16_t sequence);
  bool UpdateSequence(uint16_t sequence);
  rtp::ReportBlock MakeReportBlock(int64_t now_us);
  void Schedule(int64_t now_us, int64_t base_us);
  uint64_t NextRandom();

  int clock_rate_hz_;
  uint64_t random_state_;
  int64_t next_report_us_ = 0;

  Reception rx_;
  std::optional<uint32_t> last_sr_;   // middle 32 bits of the remote's last SR NTP time
  int64_t last_sr_arrival_us_ = 0;

  bool sent_this_interval_ = false;
  bool sent_last_interval_ = false;
  uint32_t last_sent_timestamp_ = 0;
  int64_t last_sent_us_ = 0;
  uint32_t packets_sent_ = 0;
  uint32_t octets_sent_ = 0;

  rtp::SenderReport sr_;
  rtp::ReceiverReport rr_;
  rtp::Sdes sdes_;
  rtp::Bye bye_;
};

}  // namespace konfero::plain_rtp

#endif  // KONFERO_PLAIN_RTP_RTCP_SESSION_H_
