// sip/uas_2xx_retransmitter.cc: RFC 3261 13.3.1.4 2xx retransmission.
#include "sip/uas_2xx_retransmitter.h"

#include <algorithm>
#include <optional>
#include <string>
#include <utility>

#include "sip/headers.h"

namespace konfero::sip {
namespace {

std::optional<std::string> Tag(const SipMessage& message, std::string_view header) {
  std::optional<std::string_view> value = message.Get(header);
  if (!value) return std::nullopt;
  absl::StatusOr<NameAddr> addr = ParseNameAddr(*value);
  if (!addr.ok()) return std::nullopt;
  return std::string(addr->Param("tag").value_or(""));
}

std::optional<uint32_t> CSeqNumber(const SipMessage& message) {
  std::optional<std::string_view> value = message.Get("CSeq");
  if (!value) return std::nullopt;
  absl::StatusOr<CSeq> cseq = ParseCSeq(*value);
  if (!cseq.ok()) return std::nullopt;
  return cseq->number;
}

}  // namespace

Uas2xxRetransmitter::Uas2xxRetransmitter(SipMessage response, Destination to,
                                         const TimerConfig& timers, int64_t now_us)
    : response_(std::move(response)),
      to_(std::move(to)),
      timers_(timers),
      interval_us_(timers.t1_us),
      retransmit_at_us_(now_us + timers.t1_us),
      give_up_at_us_(now_us + timers.timeout_us()) {}

bool Uas2xxRetransmitter::MatchesAck(const SipMessage& ack) const {
  if (!ack.is_request() || ack.method() != "ACK") return false;
  if (ack.Get("Call-ID") != response_.Get("Call-ID")) return false;
  std::optional<uint32_t> number = CSeqNumber(ack);
  if (!number || number != CSeqNumber(response_)) return false;
  std::optional<std::string> from_tag = Tag(ack, "From");
  std::optional<std::string> to_tag = Tag(ack, "To");
  return from_tag && to_tag && *from_tag == Tag(response_, "From") &&
         *to_tag == Tag(response_, "To");
}

void Uas2xxRetransmitter::OnAck() {
  acked_ = true;
  active_ = false;
}

Uas2xxRetransmitter::Action Uas2xxRetransmitter::OnTimer(int64_t now_us) {
  if (!active_) return Action::kNone;
  if (now_us >= give_up_at_us_) {
    active_ = false;
    return Action::kNoAck;
  }
  if (now_us >= retransmit_at_us_) {
    interval_us_ = std::min(2 * interval_us_, timers_.t2_us);
    retransmit_at_us_ = now_us + interval_us_;
    return Action::kRetransmit;
  }
  return Action::kNone;
}

int64_t Uas2xxRetransmitter::next_deadline_us() const {
  return active_ ? std::min(retransmit_at_us_, give_up_at_us_) : kNever;
}

}  // namespace konfero::sip
