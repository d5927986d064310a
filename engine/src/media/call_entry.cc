// call_entry.cc: a call's prompts out, its digits and end reported.
#include "media/call_entry.h"

#include <utility>

namespace konfero::media {

void CallEntry::OnStateChanged(MediaLeg& /*from*/, PeerState state, std::string_view reason) {
  if (state == PeerState::kFailed && !ended_) {
    ended_ = true;
    Report(CallEvent::Type::kEnded, 0, std::string(reason));
  }
}

void CallEntry::OnDigit(MediaLeg& from, char digit) {
  LegCounters::Add(from.counters().dtmf_digits_in);
  Report(CallEvent::Type::kDigit, digit, {});
}

void CallEntry::Tick(int64_t now_us) {
  if (ended_ || !leg || !prompts) return;
  if (prompts->Next(&frame_, /*silence_when_idle=*/true)) leg->SendAudio(frame_, now_us);
  if (prompts->TakeDone()) Report(CallEvent::Type::kPromptsDone, 0, {});
}

void CallEntry::Report(CallEvent::Type type, char digit, std::string reason) {
  CallEvent event;
  event.call = call_;
  event.type = type;
  event.digit = digit;
  event.reason = std::move(reason);
  if (prompts) event.prompts_played = prompts->enqueued();
  reports_.Deliver(CallReport{std::move(event)});
}

}  // namespace konfero::media
