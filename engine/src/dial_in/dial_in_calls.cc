// dial_in_calls.cc: a dialled-in call's life: the INVITE answered with an
// engine call, the PIN dialogue, the admission as a phone guest, and the
// end (BYE either way, a last prompt when the room goes away).
#include <utility>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "dial_in/dial_in_core.h"
#include "openssl/rand.h"
#include "sip/headers.h"

namespace konfero::dial_in {
namespace {

bool HasBody(const sip::SipMessage& m) { return !m.body.empty(); }

// "192.0.2.1" or "2001:db8::1": the address of an endpoint, for rate limits.
std::string AddressText(const net::IpEndpoint& endpoint) {
  std::string text = endpoint.Unmapped().ToString();
  text.erase(text.rfind(':'));
  if (!text.empty() && text.front() == '[') text = text.substr(1, text.size() - 2);
  return text;
}

// The caller id: the user of P-Asserted-Identity, else of From.
std::string CallerId(const sip::SipMessage& invite) {
  for (std::string_view header : {"P-Asserted-Identity", "From"}) {
    std::optional<std::string_view> value = invite.Get(header);
    if (!value) continue;
    absl::StatusOr<sip::NameAddr> addr = sip::ParseNameAddr(*value);
    if (!addr.ok()) continue;
    std::string user = addr->uri.user.substr(0, addr->uri.user.find_first_of(":;"));
    if (!user.empty()) return user;
  }
  return "";
}

std::string DialledNumber(const sip::SipMessage& invite) {
  if (absl::StatusOr<sip::SipUri> uri = sip::ParseUri(invite.request_uri());
      uri.ok() && !uri->user.empty()) {
    return uri->user;
  }
  if (std::optional<std::string_view> to = invite.Get("To")) {
    if (absl::StatusOr<sip::NameAddr> addr = sip::ParseNameAddr(*to); addr.ok()) {
      return addr->uri.user;
    }
  }
  return "";
}

}  // namespace

DialInCore::DialInCore(RoomService& rooms, Engine& engine, const DialInOptions& options,
                       NumberPlan plan, Network& network, LocalAddress local,
                       std::vector<Account> accounts)
    : rooms_(rooms),
      engine_(engine),
      options_(options),
      plan_(std::move(plan)),
      network_(network),
      local_(std::move(local)),
      layer_(std::make_unique<sip::TransactionLayer>(static_cast<sip::TransactionLayer::Owner&>(*this))) {
  session_timer_config_.min_se_s =
      static_cast<int>(absl::ToInt64Seconds(options.min_session_expires));
  session_timer_config_.session_expires_s =
      static_cast<int>(absl::ToInt64Seconds(options.session_expires));
  session_timer_config_.preferred_refresher = sip::Refresher::kUac;
  pin_options_.max_attempts = options.max_pin_attempts;
  pin_options_.timeout_us = absl::ToInt64Microseconds(options.pin_timeout);
  for (Account& account : accounts) {
    registrations_.emplace_back(std::move(account.config));
    registration_numbers_.push_back(std::move(account.number));
  }
}

DialInCore::~DialInCore() = default;

std::string DialInCore::NewToken(size_t bytes) const {
  std::string raw(bytes, '\0');
  RAND_bytes(reinterpret_cast<unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  return absl::BytesToHexString(raw);
}

void DialInCore::OnInvite(sip::ServerTransactionHandle tx, const sip::SipMessage& invite,
                          const sip::Destination& from) {
  const SipTrunk* trunk = plan_.TrunkFor(from.endpoint);
  if (trunk == nullptr && !FromRegistrar(from.endpoint)) {
    ++stats_.calls_total;
    ++stats_.calls_rejected;
    Respond(tx, invite, 403, "Forbidden");
    return;
  }
  if (trunk != nullptr && !trunk->realm.empty() && !Authenticated(tx, invite, *trunk)) return;
  ++stats_.calls_total;
  const std::string dialled = DialledNumber(invite);
  std::optional<DialInNumber> registered = RegisteredNumber(dialled);
  const DialInNumber* number = registered ? &*registered : plan_.Match(dialled);
  if (number == nullptr) {
    ++stats_.calls_rejected;
    Respond(tx, invite, 404, "Not Found");
    return;
  }
  if (static_cast<int>(calls_.size()) >= options_.max_calls) {
    ++stats_.calls_rejected;
    Respond(tx, invite, 486, "Busy Here");
    return;
  }
  const sip::SessionTimerAnswer timer =
      sip::NegotiateSessionTimerAsUas(invite, session_timer_config_);
  if (timer.kind == sip::SessionTimerAnswer::Kind::kReject) {
    ++stats_.calls_rejected;
    (void)layer_->SendResponse(tx, sip::MakeSessionTimerReject(invite, timer, NewToken(8)),
                               now_us_);
    return;
  }
  auto call = std::make_unique<SipCall>(pin_options_, now_us_);
  call->id = ++last_call_;
  call->number = *number;
  call->caller = CallerId(invite);
  call->source = AddressText(from.endpoint);
  call->peer = from;
  call->invite = invite;
  call->invite_tx = tx;
  call->local_tag = NewToken(8);
  call->session_timer_answer = timer;

  RtpLegOptions leg;
  leg.codecs = options_.codecs;
  if (HasBody(invite)) {
    absl::StatusOr<Engine::AnsweredCall> answered = engine_.AnswerCall(invite.body, leg);
    if (!answered.ok()) {
      ++stats_.calls_rejected;
      Respond(tx, invite, 488, "Not Acceptable Here");
      return;
    }
    call->media = answered->call;
    call->last_answer_sdp = std::move(answered->answer);
  } else {
    absl::StatusOr<Engine::OfferedCall> offered = engine_.OfferCall(leg);
    if (!offered.ok()) {
      ++stats_.calls_rejected;
      Respond(tx, invite, 500, "Server Internal Error");
      return;
    }
    call->media = offered->call;
    call->last_answer_sdp = std::move(offered->offer);
    call->offer_in_200 = true;
  }
  by_invite_tx_[tx.id] = call->id;
  by_media_[call->media] = call->id;
  calls_[call->id] = std::move(call);
  // Answered on the next tick: a CANCEL sent right behind the INVITE still
  // finds it unanswered.
}

void DialInCore::Answer(SipCall& call) {
  by_invite_tx_.erase(call.invite_tx.id);
  const std::string contact = absl::StrCat("<sip:konfero@", local_.host_port, ">");
  absl::StatusOr<sip::Dialog> dialog = sip::Dialog::CreateUas(call.invite, call.local_tag, contact);
  if (!dialog.ok()) {
    Respond(call.invite_tx, call.invite, 400, "Bad Request (no usable Contact)");
    Release(call.id);
    return;
  }
  call.dialog = *std::move(dialog);
  sip::SipMessage ok = sip::MakeResponse(call.invite, 200, "OK", call.local_tag);
  AddCapabilities(ok);
  ok.Set("Contact", contact);
  ok.Set("Content-Type", "application/sdp");
  ok.body = call.last_answer_sdp;
  call.session_timer_answer.ApplyTo2xx(ok);
  (void)layer_->SendResponse(call.invite_tx, ok, now_us_);
  if (!call.peer.reliable()) {
    call.ok_retransmitter.emplace(ok, call.peer, layer_->options().timers, now_us_);
  }
  call.session_timer.Start(call.session_timer_answer, now_us_);
  by_dialog_[call.dialog->id()] = call.id;
  call.state = SipCall::State::kPin;
  if (!call.offer_in_200) RunPinActions(call, call.pin.Start(now_us_));
}

void DialInCore::RunPinActions(SipCall& call, const std::vector<PinAction>& actions) {
  const uint64_t id = call.id;
  for (const PinAction& a : actions) {
    if (!calls_.contains(id)) return;  // released by an earlier action
    switch (a.type) {
      case PinAction::Type::kPlay:
        if (engine_.PlayPrompt(call.media, a.prompt, call.number.language, a.interrupt).ok()) {
          ++call.prompts_played;
        }
        break;
      case PinAction::Type::kCheck:
        CheckPin(call, a.pin);
        break;
      case PinAction::Type::kHangUp:
        SendBye(call);
        Release(id);
        break;
    }
  }
}

void DialInCore::CheckPin(SipCall& call, const std::string& pin) {
  PhoneGuestJoin join;
  join.pin = pin;
  join.caller = call.caller;
  join.source = call.source;
  join.room = call.number.room;
  PhoneJoinAttempt attempt = rooms_.TryJoinAsPhoneGuest(join);
  PinCollector::Verdict verdict = PinCollector::Verdict::kRefused;
  std::optional<ParticipantId> participant;
  if (attempt.result.ok()) {
    verdict = PinCollector::Verdict::kRight;
    participant = attempt.result->participant;
  } else if (absl::IsPermissionDenied(attempt.result.status()) ||
             absl::IsNotFound(attempt.result.status()) ||
             absl::IsInvalidArgument(attempt.result.status())) {
    verdict = PinCollector::Verdict::kWrong;
  }
  if (verdict != PinCollector::Verdict::kRight) ++stats_.pin_failures;
  if (attempt.answer_delay > absl::ZeroDuration()) {
    call.delayed_verdict = verdict;
    call.delayed_participant = participant;
    call.verdict_at_us = now_us_ + absl::ToInt64Microseconds(attempt.answer_delay);
    return;
  }
  ApplyVerdict(call, verdict, participant);
}

void DialInCore::ApplyVerdict(SipCall& call, PinCollector::Verdict verdict,
                              std::optional<ParticipantId> participant) {
  call.delayed_verdict.reset();
  call.delayed_participant.reset();
  if (verdict == PinCollector::Verdict::kRight && participant) {
    (void)call.pin.OnVerdict(verdict, now_us_);
    if (!engine_.AdmitCall(call.media, *participant).ok()) {
      (void)rooms_.Leave(*participant);
      SendBye(call);
      Release(call.id);
      return;
    }
    call.participant = participant;
    by_participant_[*participant] = call.id;
    call.state = SipCall::State::kInConference;
    return;
  }
  RunPinActions(call, call.pin.OnVerdict(verdict, now_us_));
}

void DialInCore::EndWithPrompt(SipCall& call, PromptId prompt) {
  call.state = SipCall::State::kEnding;
  call.ending_deadline_us = now_us_ + 10'000'000;
  if (!engine_.PlayPrompt(call.media, prompt, call.number.language, /*interrupt=*/true).ok()) {
    SendBye(call);
    Release(call.id);
    return;
  }
  ++call.prompts_played;
}

void DialInCore::SendBye(SipCall& call) {
  if (!call.dialog) {
    // Not answered yet: the INVITE gets a final answer instead.
    Respond(call.invite_tx, call.invite, 480, "Temporarily Unavailable", call.local_tag);
    return;
  }
  sip::SipMessage bye = call.dialog->MakeRequest("BYE");
  bye.AddFirst("Via", absl::StrCat("SIP/2.0/", Sv(sip::TransportName(call.peer.transport)), " ",
                                   local_.host_port, ";branch=z9hG4bK", NewToken(10), ";rport"));
  (void)layer_->SendRequest(bye, call.peer, now_us_);
}

void DialInCore::Release(uint64_t call_id) {
  auto it = calls_.find(call_id);
  if (it == calls_.end()) return;
  std::unique_ptr<SipCall> call = std::move(it->second);
  calls_.erase(it);
  if (call->dialog) by_dialog_.erase(call->dialog->id());
  by_invite_tx_.erase(call->invite_tx.id);
  by_media_.erase(call->media);
  if (call->participant) {
    by_participant_.erase(*call->participant);
    // The engine turns the leg back into the call; then it is hung up.
    (void)rooms_.Leave(*call->participant);
  }
  if (call->delayed_participant) (void)rooms_.Leave(*call->delayed_participant);
  (void)engine_.HangUpCall(call->media);
}

void DialInCore::OnTimer(int64_t now_us) {
  now_us_ = now_us;
  if (now_us >= layer_->NextDeadline()) layer_->OnTimer(now_us);
  TickRegistrations();
  std::vector<uint64_t> ids;
  ids.reserve(calls_.size());
  for (const auto& [id, call] : calls_) ids.push_back(id);
  for (uint64_t id : ids) {
    auto it = calls_.find(id);
    if (it != calls_.end()) TickCall(*it->second);
  }
}

void DialInCore::TickCall(SipCall& call) {
  const uint64_t id = call.id;
  if (call.state == SipCall::State::kAnswering) {
    Answer(call);
    return;
  }
  if (call.ok_retransmitter && call.ok_retransmitter->active() &&
      now_us_ >= call.ok_retransmitter->next_deadline_us()) {
    switch (call.ok_retransmitter->OnTimer(now_us_)) {
      case sip::Uas2xxRetransmitter::Action::kRetransmit:
        SendMessage(call.ok_retransmitter->response(), call.ok_retransmitter->destination());
        break;
      case sip::Uas2xxRetransmitter::Action::kNoAck:
        SendBye(call);
        Release(id);
        return;
      case sip::Uas2xxRetransmitter::Action::kNone:
        break;
    }
  }
  if (call.session_timer.active() && now_us_ >= call.session_timer.next_deadline_us()) {
    if (call.session_timer.OnTimer(now_us_) == sip::SessionTimer::Action::kSendBye) {
      SendBye(call);
      Release(id);
      return;
    }
    // kSendRefresh: we refresh with an UPDATE (no SDP) and count on it.
    sip::SipMessage update = call.dialog->MakeRequest("UPDATE");
    update.AddFirst("Via", absl::StrCat("SIP/2.0/", Sv(sip::TransportName(call.peer.transport)), " ",
                                        local_.host_port, ";branch=z9hG4bK", NewToken(10),
                                        ";rport"));
    call.session_timer.ApplyToRefreshRequest(update, session_timer_config_.min_se_s);
    (void)layer_->SendRequest(update, call.peer, now_us_);
    call.session_timer.Start(call.session_timer.interval_s(), /*we_refresh=*/true, now_us_);
  }
  switch (call.state) {
    case SipCall::State::kPin:
      if (call.delayed_verdict) {
        if (now_us_ >= call.verdict_at_us) {
          ApplyVerdict(call, *call.delayed_verdict, call.delayed_participant);
        }
      } else if (now_us_ >= call.pin.NextDeadline()) {
        RunPinActions(call, call.pin.OnTimer(now_us_));
      }
      break;
    case SipCall::State::kEnding:
      if (now_us_ >= call.ending_deadline_us) {
        SendBye(call);
        Release(id);
      }
      break;
    case SipCall::State::kAnswering:
    case SipCall::State::kInConference:
      break;
  }
}

void DialInCore::OnCallEvent(const CallEvent& event, int64_t now_us) {
  now_us_ = now_us;
  SipCall* call = FindByMedia(event.call);
  if (call == nullptr) return;
  switch (event.type) {
    case CallEvent::Type::kDigit:
      if (call->state == SipCall::State::kPin && !call->delayed_verdict) {
        RunPinActions(*call, call->pin.OnDigit(event.digit, now_us));
      }
      break;
    case CallEvent::Type::kPromptsDone:
      // The end of a queue a later prompt has joined: not done yet.
      if (event.prompts_played != call->prompts_played) break;
      if (call->state == SipCall::State::kEnding) {
        SendBye(*call);
        Release(call->id);
      } else if (call->state == SipCall::State::kPin) {
        RunPinActions(*call, call->pin.OnPromptsDone(now_us));
      }
      break;
    case CallEvent::Type::kEnded:
      SendBye(*call);
      Release(call->id);
      break;
  }
}

void DialInCore::OnParticipantLeft(ParticipantId participant, LeaveReason reason,
                                   int64_t now_us) {
  now_us_ = now_us;
  auto it = by_participant_.find(participant);
  if (it == by_participant_.end()) return;
  auto call_it = calls_.find(it->second);
  by_participant_.erase(it);
  if (call_it == calls_.end()) return;
  SipCall& call = *call_it->second;
  call.participant.reset();  // gone from the room; its leg is the call again
  call.prompts_played = 0;    // with a new prompt queue
  switch (reason) {
    case LeaveReason::kKicked:
      EndWithPrompt(call, PromptId::kRemoved);
      break;
    case LeaveReason::kRoomDeleted:
    case LeaveReason::kAccessRevoked:
    case LeaveReason::kMembershipRevoked:
      EndWithPrompt(call, PromptId::kConferenceEnded);
      break;
    case LeaveReason::kLeft:
    case LeaveReason::kDisconnected:
      SendBye(call);
      Release(call.id);
      break;
  }
}

void DialInCore::OnRoomEvent(const Event& event, int64_t now_us) {
  if (const auto* left = std::get_if<ParticipantLeft>(&event.body)) {
    OnParticipantLeft(left->participant, left->reason, now_us);
  }
}

void DialInCore::EndAll(int64_t now_us) {
  now_us_ = now_us;
  for (size_t i = 0; i < registrations_.size(); ++i) {
    SendRegistrationRequests(i, registrations_[i].Unregister(now_us));
  }
  std::vector<uint64_t> ids;
  for (const auto& [id, call] : calls_) ids.push_back(id);
  for (uint64_t id : ids) {
    auto it = calls_.find(id);
    if (it == calls_.end()) continue;
    SendBye(*it->second);
    Release(id);
  }
}

SipCall* DialInCore::FindByDialog(const sip::SipMessage& message) {
  std::optional<sip::DialogId> id = sip::DialogIdOfIncomingRequest(message);
  if (!id) return nullptr;
  auto it = by_dialog_.find(*id);
  if (it == by_dialog_.end()) return nullptr;
  auto call = calls_.find(it->second);
  return call == calls_.end() ? nullptr : call->second.get();
}

SipCall* DialInCore::FindByMedia(CallId media) {
  auto it = by_media_.find(media);
  if (it == by_media_.end()) return nullptr;
  auto call = calls_.find(it->second);
  return call == calls_.end() ? nullptr : call->second.get();
}

DialInStats DialInCore::stats() const {
  DialInStats s = stats_;
  s.calls_answering = s.calls_pin = s.calls_in_conference = 0;
  for (const auto& [id, call] : calls_) {
    switch (call->state) {
      case SipCall::State::kAnswering:
        ++s.calls_answering;
        break;
      case SipCall::State::kPin:
        ++s.calls_pin;
        break;
      case SipCall::State::kInConference:
      case SipCall::State::kEnding:
        ++s.calls_in_conference;
        break;
    }
  }
  return s;
}

}  // namespace konfero::dial_in
