// dtmf/dtmf_receiver.cc: one current event (its timestamp, code and
// duration) and whether it was reported; see the rules in the header.
#include "dtmf/dtmf_receiver.h"

namespace konfero::dtmf {
namespace {

// RFC 1982 serial-number distance: positive if `a` is after `b`.
int32_t TimestampDiff(uint32_t a, uint32_t b) { return static_cast<int32_t>(a - b); }

// How far behind the current event a packet may be and still count as a
// late packet of an earlier event (2^20 units: 131 s at 8 kHz, 22 s at
// 48 kHz; more than any reordering, more than a long event's 0xFFFF
// segment). Farther back, the sender's timestamps jumped: a new event.
constexpr int32_t kLateWindow = 1 << 20;

}  // namespace

DtmfEventReceiver::DtmfEventReceiver(int clock_rate_hz)
    : clock_rate_hz_(clock_rate_hz > 0 ? clock_rate_hz : 8000) {}

std::optional<Digit> DtmfEventReceiver::Report() {
  if (!has_event_ || reported_) return std::nullopt;
  reported_ = true;
  std::optional<char> digit = EventToDigit(code_);
  if (!digit) return std::nullopt;
  const int64_t units = earlier_segments_ + segment_duration_;
  return Digit{*digit, static_cast<int>(units * 1000 / clock_rate_hz_)};
}

std::optional<Digit> DtmfEventReceiver::OnPacket(uint32_t rtp_timestamp,
                                                 const TelephoneEvent& event) {
  if (event.duration == 0) return std::nullopt;  // a state report, not a digit

  if (has_event_ && rtp_timestamp == timestamp_ && event.event == code_) {
    if (reported_) return std::nullopt;  // end repeats, late updates
    if (!ended_ && event.duration > segment_duration_) segment_duration_ = event.duration;
    if (event.end && !ended_) {
      ended_ = true;
      segment_duration_ = event.duration;
    }
    return ended_ ? Report() : std::nullopt;
  }

  const int32_t diff = TimestampDiff(rtp_timestamp, timestamp_);
  if (has_event_ && diff < 0 && diff > -kLateWindow) return std::nullopt;  // reordered

  // Section 2.5.1.3: the next segment of a long event starts where a full
  // segment (0xFFFF units, less up to 200 ms if the sender cuts it at a
  // packet boundary) ended; it carries no marker and the same code.
  if (has_event_ && !reported_ && !ended_ && event.event == code_ && diff > 0 && diff <= 0xFFFF &&
      diff >= segment_duration_ && diff >= 0xFFFF - clock_rate_hz_ / 5) {
    earlier_segments_ += diff;
    timestamp_ = rtp_timestamp;
    segment_duration_ = event.duration;
    if (event.end) {
      ended_ = true;
      return Report();
    }
    return std::nullopt;
  }

  // A new event: the current one (if any) is over.
  std::optional<Digit> old = Report();
  has_event_ = true;
  reported_ = false;
  ended_ = event.end;
  code_ = event.event;
  timestamp_ = rtp_timestamp;
  segment_duration_ = event.duration;
  earlier_segments_ = 0;
  if (old) return old;  // a new event that already ended waits for its next packet
  return ended_ ? Report() : std::nullopt;
}

std::optional<Digit> DtmfEventReceiver::Flush() { return Report(); }

}  // namespace konfero::dtmf
