// dtmf/dtmf_sender.cc: the packet schedule of one digit (see the header).
#include "dtmf/dtmf_sender.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace konfero::dtmf {

DtmfEventSender::DtmfEventSender(int clock_rate_hz, int packet_ms)
    : clock_rate_hz_(clock_rate_hz > 0 ? clock_rate_hz : 8000),
      packet_samples_(std::max(
          1, static_cast<int>(int64_t{clock_rate_hz_} * (packet_ms > 0 ? packet_ms : 20) / 1000))) {
}

absl::Status DtmfEventSender::Start(char digit, int duration_ms, uint32_t rtp_timestamp) {
  if (active_) return absl::FailedPreconditionError("a DTMF digit is still being sent");
  std::optional<uint8_t> event = DigitToEvent(digit);
  if (!event) {
    return absl::InvalidArgumentError(
        absl::StrCat("not a DTMF digit: ", static_cast<int>(static_cast<unsigned char>(digit))));
  }
  if (duration_ms < kMinDurationMs || duration_ms > kMaxDurationMs) {
    return absl::InvalidArgumentError(absl::StrCat("DTMF duration ", duration_ms, " ms not in ",
                                                   kMinDurationMs, "..", kMaxDurationMs));
  }
  const int64_t total = int64_t{duration_ms} * clock_rate_hz_ / 1000;
  if (total > 0xFFFF) {
    return absl::InvalidArgumentError(absl::StrCat("DTMF duration ", duration_ms,
                                                   " ms exceeds one RFC 4733 segment at ",
                                                   clock_rate_hz_, " Hz"));
  }
  active_ = true;
  event_ = *event;
  timestamp_ = rtp_timestamp;
  total_ = static_cast<uint32_t>(std::max<int64_t>(total, 1));
  sent_ = 0;
  packets_ = 0;
  end_packets_ = 0;
  return absl::OkStatus();
}

std::optional<DtmfEventSender::Packet> DtmfEventSender::Next() {
  if (!active_) return std::nullopt;
  if (sent_ < total_) {
    sent_ = std::min<uint32_t>(total_, sent_ + static_cast<uint32_t>(packet_samples_));
  }
  const bool end = sent_ >= total_;
  Packet p;
  p.marker = packets_ == 0;
  p.timestamp = timestamp_;
  WriteTelephoneEvent(
      {.event = event_, .end = end, .volume = kVolume, .duration = static_cast<uint16_t>(sent_)},
      absl::MakeSpan(p.payload));
  ++packets_;
  if (end && ++end_packets_ == kEndRepeats) active_ = false;
  return p;
}

}  // namespace konfero::dtmf
