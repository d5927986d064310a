// sip/server_transaction.cc: the INVITE and non-INVITE server transaction
// state machines of RFC 3261 17.2 with RFC 6026's Accepted state.
#include "sip/server_transaction.h"

#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"

namespace konfero::sip {

ServerTransaction::ServerTransaction(SipMessage request, Destination from, Destination response_to,
                                     const TimerConfig& timers, int64_t /*now_us*/)
    : invite_(request.method() == "INVITE"),
      state_(invite_ ? State::kProceeding : State::kTrying),
      request_(std::move(request)),
      from_(std::move(from)),
      response_to_(std::move(response_to)),
      timers_(timers) {}

absl::Status ServerTransaction::Respond(const SipMessage& response, int64_t now_us) {
  if (response.is_request()) return absl::InvalidArgumentError("SIP: a request is not a response");
  const int status = response.status();
  if (status < 100 || status > 699) {
    return absl::InvalidArgumentError(absl::StrCat("SIP: response status ", status, " out of range"));
  }
  if (state_ == State::kTerminated) {
    return absl::FailedPreconditionError("SIP: server transaction terminated");
  }
  if (final_sent_) {
    // RFC 6026 8.5: the TU's 2xx retransmissions pass through in Accepted.
    if (invite_ && state_ == State::kAccepted && status >= 200 && status < 300) {
      last_response_ = response;
      return absl::OkStatus();
    }
    return absl::FailedPreconditionError(
        absl::StrCat("SIP: ", request_.method(), " already has a final response (",
                     last_response_->status(), ")"));
  }
  last_response_ = response;
  if (status < 200) {
    state_ = State::kProceeding;
    return absl::OkStatus();
  }
  final_sent_ = true;
  const bool reliable = response_to_.reliable();
  if (!invite_) {
    state_ = State::kCompleted;
    end_at_us_ = now_us + (reliable ? 0 : timers_.timeout_us());  // timer J
  } else if (status < 300) {
    state_ = State::kAccepted;
    end_at_us_ = now_us + timers_.timeout_us();  // timer L
  } else {
    state_ = State::kCompleted;
    if (!reliable) {  // timer G
      retransmit_interval_us_ = timers_.t1_us;
      retransmit_at_us_ = now_us + retransmit_interval_us_;
    }
    end_at_us_ = now_us + timers_.timeout_us();  // timer H
  }
  return absl::OkStatus();
}

const SipMessage* ServerTransaction::OnRetransmission() {
  if ((state_ == State::kProceeding || state_ == State::kCompleted) && last_response_) {
    return &*last_response_;
  }
  return nullptr;
}

ServerTransaction::AckResult ServerTransaction::OnAck(int64_t now_us) {
  switch (state_) {
    case State::kCompleted:
      state_ = State::kConfirmed;
      retransmit_at_us_ = kNever;
      end_at_us_ = now_us + (response_to_.reliable() ? 0 : timers_.t4_us);  // timer I
      return AckResult::kAbsorbed;
    case State::kConfirmed:
    case State::kTerminated:
      return AckResult::kAbsorbed;
    case State::kTrying:
    case State::kProceeding:
    case State::kAccepted:
      break;
  }
  return AckResult::kToOwner;
}

ServerTransaction::TimerResult ServerTransaction::OnTimer(int64_t now_us) {
  if (state_ == State::kTerminated) return TimerResult::kNone;
  if (now_us >= end_at_us_) {
    const bool timed_out = invite_ && state_ == State::kCompleted;  // timer H
    state_ = State::kTerminated;
    retransmit_at_us_ = kNever;
    end_at_us_ = kNever;
    return timed_out ? TimerResult::kTimedOut : TimerResult::kTerminated;
  }
  if (now_us >= retransmit_at_us_) {
    retransmit_interval_us_ = std::min(2 * retransmit_interval_us_, timers_.t2_us);
    retransmit_at_us_ = now_us + retransmit_interval_us_;
    return TimerResult::kRetransmit;
  }
  return TimerResult::kNone;
}

int64_t ServerTransaction::next_deadline_us() const {
  return std::min(retransmit_at_us_, end_at_us_);
}

std::string_view ServerStateName(ServerTransaction::State state) {
  switch (state) {
    case ServerTransaction::State::kTrying: return "Trying";
    case ServerTransaction::State::kProceeding: return "Proceeding";
    case ServerTransaction::State::kCompleted: return "Completed";
    case ServerTransaction::State::kConfirmed: return "Confirmed";
    case ServerTransaction::State::kAccepted: return "Accepted";
    case ServerTransaction::State::kTerminated: return "Terminated";
  }
  return "?";
}

}  // namespace konfero::sip
