// pin_collector.cc: the PIN dialogue.
#include "dial_in/pin_collector.h"

#include <limits>

namespace konfero::dial_in {
namespace {

PinAction Play(PromptId prompt, bool interrupt = false) {
  PinAction a;
  a.type = PinAction::Type::kPlay;
  a.prompt = prompt;
  a.interrupt = interrupt;
  return a;
}

PinAction HangUp() {
  PinAction a;
  a.type = PinAction::Type::kHangUp;
  return a;
}

}  // namespace

PinCollector::PinCollector(PinCollectorOptions options, int64_t now_us)
    : options_(options), silence_since_us_(now_us) {}

std::vector<PinAction> PinCollector::Start(int64_t now_us) {
  prompt_playing_ = true;
  silence_since_us_ = now_us;
  return {Play(PromptId::kEnterPin)};
}

std::vector<PinAction> PinCollector::OnDigit(char digit, int64_t now_us) {
  if (state_ != State::kCollecting) return {};
  silence_since_us_ = now_us;
  reminders_ = 0;
  if (digit == '*') {
    digits_.clear();
    return {};
  }
  if (digit == '#') {
    if (digits_.empty()) {
      prompt_playing_ = true;
      return {Play(PromptId::kReminder, /*interrupt=*/true)};
    }
    return Submit(now_us);
  }
  if (digit < '0' || digit > '9') return {};  // A-D: not part of a PIN
  digits_.push_back(digit);
  if (static_cast<int>(digits_.size()) > options_.max_digits) return Submit(now_us);
  return {};
}

std::vector<PinAction> PinCollector::Submit(int64_t /*now_us*/) {
  state_ = State::kChecking;
  PinAction check;
  check.type = PinAction::Type::kCheck;
  check.pin = std::move(digits_);
  digits_.clear();
  return {check};
}

std::vector<PinAction> PinCollector::OnVerdict(Verdict verdict, int64_t now_us) {
  if (state_ != State::kChecking) return {};
  silence_since_us_ = now_us;
  switch (verdict) {
    case Verdict::kRight:
      state_ = State::kAdmitted;
      return {};
    case Verdict::kRefused:
      return Leave(PromptId::kGoodbye, now_us);
    case Verdict::kWrong:
      break;
  }
  ++wrong_;
  if (wrong_ >= options_.max_attempts) return Leave(PromptId::kGoodbye, now_us);
  state_ = State::kCollecting;
  prompt_playing_ = true;
  return {Play(PromptId::kWrongPin, /*interrupt=*/true)};
}

std::vector<PinAction> PinCollector::OnPromptsDone(int64_t now_us) {
  prompt_playing_ = false;
  if (state_ == State::kLeaving) {
    state_ = State::kDone;
    return {HangUp()};
  }
  silence_since_us_ = now_us;
  return {};
}

std::vector<PinAction> PinCollector::Leave(PromptId prompt, int64_t now_us) {
  state_ = State::kLeaving;
  prompt_playing_ = true;
  leave_deadline_us_ = now_us + options_.goodbye_grace_us;
  return {Play(prompt, /*interrupt=*/true)};
}

std::vector<PinAction> PinCollector::OnTimer(int64_t now_us) {
  if (now_us < NextDeadline()) return {};
  if (state_ == State::kLeaving) {
    state_ = State::kDone;
    return {HangUp()};
  }
  // Silence while collecting.
  silence_since_us_ = now_us;
  if (reminders_ == 0) {
    ++reminders_;
    prompt_playing_ = true;
    return {Play(PromptId::kReminder)};
  }
  return Leave(PromptId::kGoodbye, now_us);
}

int64_t PinCollector::NextDeadline() const {
  constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
  switch (state_) {
    case State::kCollecting:
      // A prompt that never reports its end still gives way after a while.
      return silence_since_us_ + options_.timeout_us + (prompt_playing_ ? 10'000'000 : 0);
    case State::kLeaving:
      return leave_deadline_us_;
    case State::kChecking:
    case State::kAdmitted:
    case State::kDone:
      return kNever;
  }
  return kNever;
}

}  // namespace konfero::dial_in
