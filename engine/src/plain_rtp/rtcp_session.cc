// plain_rtp/rtcp_session.cc: RFC 3550 reports for one plain-RTP leg.
#include "plain_rtp/rtcp_session.h"

#include <algorithm>
#include <cstdio>

#include "rtp/byte_io.h"
#include "rtp/rtcp_header.h"

namespace konfero::plain_rtp {
namespace {

constexpr int64_t kInitialIntervalUs = RtcpSession::kMinIntervalUs / 2;  // RFC 3550 6.2
constexpr uint16_t kMaxDropout = 3000;   // RFC 3550 A.1
constexpr uint16_t kMaxMisorder = 100;
constexpr uint32_t kSeqMod = 1u << 16;

// 32.32 fixed-point seconds of the monotonic clock (elapsed time, 6.4.1).
uint64_t NtpFromMicros(int64_t now_us) {
  const auto us = static_cast<uint64_t>(std::max<int64_t>(now_us, 0));
  const uint64_t seconds = us / 1'000'000;
  const uint64_t fraction = ((us % 1'000'000) << 32) / 1'000'000;
  return (seconds << 32) | fraction;
}

std::string CnameFor(uint32_t ssrc) {
  char text[24];
  std::snprintf(text, sizeof(text), "konfero-%08x", ssrc);
  return text;
}

}  // namespace

RtcpSession::RtcpSession(uint32_t local_ssrc, int clock_rate_hz, int64_t now_us)
    : clock_rate_hz_(clock_rate_hz > 0 ? clock_rate_hz : 8000),
      random_state_((uint64_t{local_ssrc} << 32) ^ static_cast<uint64_t>(now_us) ^
                    0x9E3779B97F4A7C15ull) {
  sr_.sender_ssrc = local_ssrc;
  sr_.report_blocks.reserve(1);
  rr_.sender_ssrc = local_ssrc;
  rr_.report_blocks.reserve(1);
  sdes_.chunks.push_back(rtp::SdesChunk{local_ssrc, {rtp::SdesItem{rtp::kSdesCname,
                                                                     CnameFor(local_ssrc)}}});
  bye_.ssrcs.push_back(local_ssrc);
  Schedule(now_us, kInitialIntervalUs);
}

uint64_t RtcpSession::NextRandom() {  // splitmix64
  uint64_t z = (random_state_ += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

void RtcpSession::Schedule(int64_t now_us, int64_t base_us) {
  const double factor = 0.5 + static_cast<double>(NextRandom() >> 11) * 0x1.0p-53;
  next_report_us_ = now_us + static_cast<int64_t>(static_cast<double>(base_us) * factor);
}

void RtcpSession::SetClockRate(int clock_rate_hz) {
  if (clock_rate_hz <= 0 || clock_rate_hz == clock_rate_hz_) return;
  clock_rate_hz_ = clock_rate_hz;
  rx_.has_transit = false;
  rx_.jitter_q4 = 0;
}

void RtcpSession::StartReception(uint32_t ssrc, uint16_t sequence) {
  const bool same_source = rx_.active && rx_.ssrc == ssrc;
  const bool has_transit = same_source && rx_.has_transit;
  const int64_t transit = rx_.transit;
  const uint32_t jitter = same_source ? rx_.jitter_q4 : 0;
  rx_ = Reception{};
  rx_.active = true;
  rx_.ssrc = ssrc;
  rx_.base_seq = sequence;
  rx_.max_seq = sequence;
  rx_.bad_seq = kSeqMod + 1;
  rx_.has_transit = has_transit;
  rx_.transit = transit;
  rx_.jitter_q4 = jitter;
  if (!same_source) last_sr_.reset();
}

bool RtcpSession::UpdateSequence(uint16_t sequence) {
  const auto udelta = static_cast<uint16_t>(sequence - rx_.max_seq);
  if (udelta < kMaxDropout) {
    if (sequence < rx_.max_seq) rx_.cycles += kSeqMod;  // wrapped
    rx_.max_seq = sequence;
  } else if (udelta <= kSeqMod - kMaxMisorder) {
    // A large jump: two packets in sequence restart the statistics.
    if (sequence != rx_.bad_seq) {
      rx_.bad_seq = (uint32_t{sequence} + 1) & (kSeqMod - 1);
      return false;
    }
    StartReception(rx_.ssrc, sequence);
  }
  // else: a duplicate or reordered packet.
  ++rx_.received;
  return true;
}

void RtcpSession::OnRtpReceived(uint32_t ssrc, uint16_t sequence, uint32_t timestamp,
                                bool audio, int64_t now_us) {
  if (!rx_.active || rx_.ssrc != ssrc) {
    StartReception(ssrc, sequence);
    ++rx_.received;
  } else if (!UpdateSequence(sequence)) {
    return;
  }
  if (!audio) return;
  // A.8: transit time in RTP units; jitter += (|D| - jitter) / 16.
  const int64_t arrival = now_us * clock_rate_hz_ / 1'000'000;
  const int64_t transit = static_cast<int32_t>(static_cast<uint32_t>(arrival) - timestamp);
  if (rx_.has_transit) {
    int64_t d = transit - rx_.transit;
    if (d < 0) d = -d;
    d = std::min<int64_t>(d, int64_t{1} << 24);  // a timestamp jump is not jitter
    const int64_t jitter = rx_.jitter_q4;
    rx_.jitter_q4 = static_cast<uint32_t>(jitter + d - ((jitter + 8) >> 4));
  }
  rx_.has_transit = true;
  rx_.transit = transit;
}

void RtcpSession::OnRtpSent(uint32_t timestamp, size_t payload_bytes, int64_t now_us) {
  sent_this_interval_ = true;
  last_sent_timestamp_ = timestamp;
  last_sent_us_ = now_us;
  ++packets_sent_;
  octets_sent_ += static_cast<uint32_t>(payload_bytes);
}

RtcpSession::Incoming RtcpSession::OnRtcp(std::span<const uint8_t> datagram, int64_t now_us) {
  Incoming in;
  if (datagram.empty()) return in;
  size_t offset = 0;
  while (offset < datagram.size()) {
    const std::optional<rtp::RtcpHeader> h = rtp::ParseRtcpHeader(datagram.subspan(offset));
    // RFC 5761 4: RTCP packet types are 192-223; anything else is not RTCP.
    if (!h || h->packet_type < 192 || h->packet_type > 223) return Incoming{};
    const std::span<const uint8_t> body = h->body;
    if ((h->packet_type == rtp::kRtcpSr || h->packet_type == rtp::kRtcpRr) && body.size() >= 4) {
      const uint32_t sender = rtp::ReadU32(body.data());
      if (!in.sender_ssrc) in.sender_ssrc = sender;
      if (h->packet_type == rtp::kRtcpSr && body.size() >= 12 &&
          (!rx_.active || sender == rx_.ssrc)) {
        last_sr_ = static_cast<uint32_t>(rtp::ReadU64(body.data() + 4) >> 16);
        last_sr_arrival_us_ = now_us;
      }
    } else if (h->packet_type == rtp::kRtcpBye) {
      for (size_t i = 0; i < h->count && 4 * (i + 1) <= body.size(); ++i) {
        const uint32_t ssrc = rtp::ReadU32(body.data() + 4 * i);
        if (!rx_.active || ssrc == rx_.ssrc) in.bye = true;
      }
    }
    offset += h->packet_size;
  }
  in.valid = true;
  return in;
}

rtp::ReportBlock RtcpSession::MakeReportBlock(int64_t now_us) {
  rtp::ReportBlock block;
  block.ssrc = rx_.ssrc;
  const uint64_t extended_max = uint64_t{rx_.cycles} + rx_.max_seq;
  const uint64_t expected = extended_max - rx_.base_seq + 1;
  const int64_t lost = static_cast<int64_t>(expected) - static_cast<int64_t>(rx_.received);
  block.cumulative_lost = static_cast<int32_t>(std::clamp<int64_t>(lost, -0x800000, 0x7FFFFF));
  const int64_t expected_interval = static_cast<int64_t>(expected - rx_.expected_prior);
  const int64_t received_interval = static_cast<int64_t>(rx_.received - rx_.received_prior);
  rx_.expected_prior = expected;
  rx_.received_prior = rx_.received;
  const int64_t lost_interval = expected_interval - received_interval;
  block.fraction_lost =
      (expected_interval <= 0 || lost_interval <= 0)
          ? 0
          : static_cast<uint8_t>(std::min<int64_t>((lost_interval << 8) / expected_interval, 255));
  block.extended_highest_sequence = static_cast<uint32_t>(extended_max);
  block.jitter = rx_.jitter_q4 >> 4;
  if (last_sr_) {
    block.last_sr = *last_sr_;
    const int64_t delay_us = std::max<int64_t>(now_us - last_sr_arrival_us_, 0);
    block.delay_since_last_sr = static_cast<uint32_t>(delay_us * 65536 / 1'000'000);
  }
  return block;
}

size_t RtcpSession::BuildCompound(int64_t now_us, bool bye, std::span<uint8_t> out) {
  size_t n = 0;
  const bool sender = sent_this_interval_ || sent_last_interval_;
  if (sender) {
    sr_.ntp_timestamp = NtpFromMicros(now_us);
    const int64_t elapsed_us = std::max<int64_t>(now_us - last_sent_us_, 0);
    sr_.rtp_timestamp =
        last_sent_timestamp_ + static_cast<uint32_t>(elapsed_us * clock_rate_hz_ / 1'000'000);
    sr_.packet_count = packets_sent_;
    sr_.octet_count = octets_sent_;
    sr_.report_blocks.clear();
    if (rx_.active) sr_.report_blocks.push_back(MakeReportBlock(now_us));
    n = sr_.SerializeTo(out);
  } else {
    rr_.report_blocks.clear();
    if (rx_.active) rr_.report_blocks.push_back(MakeReportBlock(now_us));
    n = rr_.SerializeTo(out);
  }
  if (n == 0) return 0;
  const size_t sdes = sdes_.SerializeTo(out.subspan(n));
  if (sdes == 0) return 0;
  n += sdes;
  if (bye) {
    const size_t b = bye_.SerializeTo(out.subspan(n));
    if (b == 0) return 0;
    n += b;
  }
  sent_last_interval_ = sent_this_interval_;
  sent_this_interval_ = false;
  Schedule(now_us, kMinIntervalUs);
  return n;
}

}  // namespace konfero::plain_rtp
