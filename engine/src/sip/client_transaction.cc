// sip/client_transaction.cc: the INVITE and non-INVITE client transaction
// state machines of RFC 3261 17.1 with RFC 6026's Accepted state.
#include "sip/client_transaction.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "sip/headers.h"

namespace konfero::sip {

ClientTransaction::ClientTransaction(SipMessage request, Destination to, const TimerConfig& timers,
                                     int64_t now_us)
    : invite_(request.method() == "INVITE"),
      state_(invite_ ? State::kCalling : State::kTrying),
      request_(std::move(request)),
      to_(std::move(to)),
      timers_(timers) {
  if (!to_.reliable()) {  // timers A, E
    retransmit_interval_us_ = timers_.t1_us;
    retransmit_at_us_ = now_us + retransmit_interval_us_;
  }
  end_at_us_ = now_us + timers_.timeout_us();  // timers B, F
}

ClientTransaction::ResponseResult ClientTransaction::OnResponse(const SipMessage& response,
                                                                int64_t now_us) {
  ResponseResult result;
  const int status = response.status();
  const bool open = state_ == State::kCalling || state_ == State::kTrying ||
                    state_ == State::kProceeding;
  if (status < 200) {
    if (!open) return result;
    if (state_ == State::kCalling) {
      retransmit_at_us_ = kNever;  // RFC 3261 17.1.1.2: A and B only in Calling
      end_at_us_ = kNever;
    }
    state_ = State::kProceeding;
    result.to_owner = true;
    return result;
  }
  if (invite_ && status < 300) {
    if (open) {
      state_ = State::kAccepted;
      retransmit_at_us_ = kNever;
      end_at_us_ = now_us + timers_.timeout_us();  // timer M
    }
    result.to_owner = state_ == State::kAccepted;  // every 2xx: the TU ACKs each
    return result;
  }
  if (!open) {
    if (invite_ && state_ == State::kCompleted && ack_) result.ack = *ack_;  // resend the ACK
    return result;
  }
  state_ = State::kCompleted;
  retransmit_at_us_ = kNever;
  result.to_owner = true;
  if (invite_) {
    ack_ = MakeAck(response);
    result.ack = *ack_;
    end_at_us_ = now_us + (to_.reliable() ? 0 : kTimerDUnreliableUs);  // timer D
  } else {
    end_at_us_ = now_us + (to_.reliable() ? 0 : timers_.t4_us);  // timer K
  }
  return result;
}

ClientTransaction::TimerResult ClientTransaction::OnTimer(int64_t now_us) {
  if (state_ == State::kTerminated) return TimerResult::kNone;
  if (now_us >= end_at_us_) {
    const bool timed_out = state_ == State::kCalling || state_ == State::kTrying ||
                           state_ == State::kProceeding;
    state_ = State::kTerminated;
    retransmit_at_us_ = kNever;
    end_at_us_ = kNever;
    return timed_out ? TimerResult::kTimedOut : TimerResult::kTerminated;
  }
  if (now_us >= retransmit_at_us_) {
    if (invite_) {
      retransmit_interval_us_ *= 2;  // timer A: no cap
    } else if (state_ == State::kProceeding) {
      retransmit_interval_us_ = timers_.t2_us;
    } else {
      retransmit_interval_us_ = std::min(2 * retransmit_interval_us_, timers_.t2_us);
    }
    retransmit_at_us_ = now_us + retransmit_interval_us_;
    return TimerResult::kRetransmit;
  }
  return TimerResult::kNone;
}

int64_t ClientTransaction::next_deadline_us() const {
  return std::min(retransmit_at_us_, end_at_us_);
}

// RFC 3261 17.1.1.3: Request-URI, Call-ID, From, CSeq number and Route of
// the INVITE, its top Via only, To of the response.
SipMessage ClientTransaction::MakeAck(const SipMessage& response) const {
  SipMessage ack = SipMessage::Request("ACK", request_.request_uri());
  std::vector<std::string_view> vias = request_.GetAll("Via");
  if (!vias.empty()) ack.Add("Via", vias.front());
  ack.Add("Max-Forwards", request_.Get("Max-Forwards").value_or("70"));
  for (std::string_view route : request_.GetAll("Route")) ack.Add("Route", route);
  if (auto from = request_.Get("From")) ack.Add("From", *from);
  if (auto to = response.Get("To")) ack.Add("To", *to);
  if (auto call_id = request_.Get("Call-ID")) ack.Add("Call-ID", *call_id);
  uint32_t number = 0;
  if (auto cseq_value = request_.Get("CSeq")) {
    if (absl::StatusOr<CSeq> cseq = ParseCSeq(*cseq_value); cseq.ok()) number = cseq->number;
  }
  ack.Add("CSeq", absl::StrCat(number, " ACK"));
  return ack;
}

std::string_view ClientStateName(ClientTransaction::State state) {
  switch (state) {
    case ClientTransaction::State::kCalling: return "Calling";
    case ClientTransaction::State::kTrying: return "Trying";
    case ClientTransaction::State::kProceeding: return "Proceeding";
    case ClientTransaction::State::kCompleted: return "Completed";
    case ClientTransaction::State::kAccepted: return "Accepted";
    case ClientTransaction::State::kTerminated: return "Terminated";
  }
  return "?";
}

}  // namespace konfero::sip
