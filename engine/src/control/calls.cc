// calls.cc: phone calls before admission: answered or offered with a
// plain-RTP leg of their own on a worker, prompts, re-offers, and the move
// of the leg into a participant's room.
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "control/control_plane.h"
#include "control/rtp_leg_options.h"

namespace konfero::control {
namespace {

absl::Status UnknownCall(CallId call) {
  return absl::NotFoundError(absl::StrCat("no call ", ToInt(call), " is waiting"));
}

bool ValidPrompt(PromptId prompt, PromptLanguage language) {
  return prompt <= PromptId::kServiceUnavailable && language <= PromptLanguage::kGerman;
}

}  // namespace

absl::StatusOr<ControlPlane::CallRecord*> ControlPlane::FindCall(CallId call) {
  auto it = calls_.find(call);
  if (it == calls_.end() || it->second.admitted_as) return UnknownCall(call);
  return &it->second;
}

void ControlPlane::StartCall(CallId call, CallRecord record) {
  record.worker = next_call_worker_;
  next_call_worker_ = (next_call_worker_ + 1) % plane_->worker_count();
  record.counters = std::make_shared<media::LegCounters>(LegKind::kPlainRtp);
  media::RtpLegSetup setup{ParticipantId{}, RoomId{}, record.rtp_params, record.options,
                           std::move(record.sockets)};
  plane_->Send(record.worker, media::AddCall{call, std::move(setup), record.counters});
  calls_[call] = std::move(record);
}

absl::StatusOr<ControlPlane::CallRecord> ControlPlane::NewCallRecord(
    const RtpLegOptions& options) {
  absl::StatusOr<plain_rtp::PlainRtpLegOptions> leg_options = ToLegOptions(options);
  if (!leg_options.ok()) return leg_options.status();
  CallRecord record;
  absl::StatusOr<plain_rtp::PlainRtpLocal> local = MakeRtpLocal(options, &record.sockets);
  if (!local.ok()) return local.status();
  record.rtp_local = *std::move(local);
  record.options = *leg_options;
  return record;
}

absl::StatusOr<Engine::AnsweredCall> ControlPlane::AnswerCall(std::string_view offer,
                                                              const RtpLegOptions& options) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  absl::StatusOr<CallRecord> record = NewCallRecord(options);
  if (!record.ok()) return record.status();
  absl::StatusOr<plain_rtp::PlainRtpNegotiated> negotiated =
      plain_rtp::NegotiatePlainRtpOffer(offer, record->rtp_local);
  if (!negotiated.ok()) return negotiated.status();  // the sockets close
  record->rtp_params = negotiated->params;
  AnsweredCall answered;
  answered.answer = std::move(negotiated->answer);
  answered.call = CallId{++last_call_};
  StartCall(answered.call, *std::move(record));
  return answered;
}

absl::StatusOr<Engine::OfferedCall> ControlPlane::OfferCall(const RtpLegOptions& options) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  absl::StatusOr<CallRecord> record = NewCallRecord(options);
  if (!record.ok()) return record.status();
  absl::StatusOr<plain_rtp::PlainRtpOffer> offer = plain_rtp::BuildPlainRtpOffer(record->rtp_local);
  if (!offer.ok()) return offer.status();
  OfferedCall offered;
  offered.offer = offer->text;
  record->offer = *std::move(offer);
  offered.call = CallId{++last_call_};
  calls_[offered.call] = *std::move(record);
  return offered;
}

absl::Status ControlPlane::AcceptCallAnswer(CallId call, std::string_view answer) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  absl::StatusOr<CallRecord*> record = FindCall(call);
  if (!record.ok()) return record.status();
  if (!(*record)->offer) {
    return absl::FailedPreconditionError(
        absl::StrCat("call ", ToInt(call), " has no offer waiting for an answer"));
  }
  absl::StatusOr<plain_rtp::PlainRtpParams> params =
      plain_rtp::ApplyPlainRtpAnswer(*(*record)->offer, answer, (*record)->rtp_local);
  if (!params.ok()) return params.status();  // the offer stays for a corrected answer
  CallRecord started = std::move(**record);
  calls_.erase(call);
  started.offer.reset();
  started.rtp_params = *params;
  StartCall(call, std::move(started));
  return absl::OkStatus();
}

absl::StatusOr<std::string> ControlPlane::UpdateCall(CallId call, std::string_view offer) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  absl::StatusOr<CallRecord*> record = FindCall(call);
  if (!record.ok()) return record.status();
  if ((*record)->offer) {
    return absl::FailedPreconditionError(
        absl::StrCat("call ", ToInt(call), " still waits for the answer to our offer"));
  }
  plain_rtp::PlainRtpLocal local = (*record)->rtp_local;
  ++local.session_version;
  absl::StatusOr<plain_rtp::PlainRtpNegotiated> negotiated =
      plain_rtp::NegotiatePlainRtpOffer(offer, local);
  if (!negotiated.ok()) return negotiated.status();  // a refused re-offer changes nothing
  (*record)->rtp_local = local;
  (*record)->rtp_params = negotiated->params;
  SendToCall(**record, media::UpdateCall{call, negotiated->params});
  return std::move(negotiated->answer);
}

absl::Status ControlPlane::PlayPrompt(CallId call, PromptId prompt, PromptLanguage language,
                                      bool interrupt) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  if (!ValidPrompt(prompt, language)) return absl::InvalidArgumentError("unknown prompt or language");
  absl::StatusOr<CallRecord*> record = FindCall(call);
  if (!record.ok()) return record.status();
  if ((*record)->offer) {
    return absl::FailedPreconditionError(
        absl::StrCat("call ", ToInt(call), " has no media yet (our offer waits for its answer)"));
  }
  media::PlayPrompt command;
  command.call = call;
  command.prompt = prompt;
  command.language = language;
  command.interrupt = interrupt;
  SendToCall(**record, std::move(command));
  return absl::OkStatus();
}

absl::Status ControlPlane::PlayPrompt(ParticipantId participant, PromptId prompt,
                                      PromptLanguage language) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  if (!ValidPrompt(prompt, language)) return absl::InvalidArgumentError("unknown prompt or language");
  absl::StatusOr<LegRecord*> record = FindLeg(participant);
  if (!record.ok()) return record.status();
  if ((*record)->kind != LegKind::kPlainRtp) {
    return absl::FailedPreconditionError(absl::StrCat(
        "participant ", ToInt(participant), " has a WebRTC leg; prompts go to phones"));
  }
  media::PlayPrompt command;
  command.participant = participant;
  command.prompt = prompt;
  command.language = language;
  Send(**record, std::move(command));
  return absl::OkStatus();
}

absl::Status ControlPlane::AdmitCall(CallId call, ParticipantId participant) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  absl::StatusOr<CallRecord*> record = FindCall(call);
  if (!record.ok()) return record.status();
  if ((*record)->offer) {
    return absl::FailedPreconditionError(
        absl::StrCat("call ", ToInt(call), " has no media yet (our offer waits for its answer)"));
  }
  absl::StatusOr<ParticipantInfo> info = rooms_.GetParticipant(participant);
  if (!info.ok()) return info.status();
  // The worker unplugs the leg and hands it back (CallReleased); then it
  // goes to the worker of the participant's room.
  (*record)->admitted_as = participant;
  plane_->Send((*record)->worker, media::ReleaseCall{call});
  return absl::OkStatus();
}

void ControlPlane::AdoptReleasedCall(CallId call,
                                     std::shared_ptr<std::unique_ptr<media::RtpLeg>> leg) {
  auto it = calls_.find(call);
  if (it == calls_.end()) return;  // hung up meanwhile: the leg closes
  if (it->second.returning) {
    // Its participant left while the leg was on its way: it stays the call.
    CallRecord& returned = it->second;
    returned.returning = false;
    plane_->Send(returned.worker, media::ResumeCall{call, std::move(leg)});
    for (media::MediaCommand& command : returned.held) plane_->Send(returned.worker, std::move(command));
    returned.held.clear();
    return;
  }
  if (!it->second.admitted_as) return;
  CallRecord record = std::move(it->second);
  calls_.erase(it);
  absl::StatusOr<ParticipantInfo> info = rooms_.GetParticipant(*record.admitted_as);
  if (!info.ok()) return;  // left meanwhile
  RemoveLegElsewhere(info->id, plane_->WorkerFor(info->room));
  LegRecord leg_record;
  leg_record.kind = LegKind::kPlainRtp;
  leg_record.room = info->room;
  leg_record.worker = plane_->WorkerFor(info->room);
  leg_record.counters = record.counters;
  leg_record.rtp_local = std::move(record.rtp_local);
  leg_record.rtp_params = record.rtp_params;
  leg_record.call = call;
  media::AdoptRtpLeg adopt;
  adopt.participant = info->id;
  adopt.room = info->room;
  adopt.leg = std::move(leg);
  adopt.counters = record.counters;
  adopt.on_hold = info->waiting;
  adopt.muted = info->muted;
  Send(leg_record, std::move(adopt));
  legs_[info->id] = std::move(leg_record);
}

bool ControlPlane::ReturnToCall(ParticipantId participant) {
  auto it = legs_.find(participant);
  if (it == legs_.end()) {
    // Admitted, but the leg has not reached the room yet.
    for (auto& [id, record] : calls_) {
      if (record.admitted_as != participant) continue;
      record.admitted_as.reset();
      record.returning = true;
      return true;
    }
    return false;
  }
  if (ToInt(it->second.call) == 0) return false;
  LegRecord& leg = it->second;
  CallRecord record;
  record.worker = leg.worker;
  record.counters = leg.counters;
  record.rtp_local = std::move(leg.rtp_local);
  record.rtp_params = leg.rtp_params;
  const CallId call = leg.call;
  Send(leg, media::ReturnToCall{participant, call});
  legs_.erase(it);
  calls_[call] = std::move(record);
  return true;
}

absl::Status ControlPlane::HangUpCall(CallId call) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  absl::StatusOr<CallRecord*> record = FindCall(call);
  if (!record.ok()) return record.status();
  // A returning leg closes when it arrives and finds no call.
  if (!(*record)->offer && !(*record)->returning) {
    plane_->Send((*record)->worker, media::HangUpCall{call});
  }
  calls_.erase(call);
  return absl::OkStatus();
}

void ControlPlane::SendToCall(CallRecord& record, media::MediaCommand command) {
  if (record.returning) {
    record.held.push_back(std::move(command));
  } else {
    plane_->Send(record.worker, std::move(command));
  }
}

void ControlPlane::SetCallHandler(CallHandler handler) {
  KONFERO_DCHECK_RUN_ON(&control_thread_);
  call_handler_ = std::move(handler);
}

void ControlPlane::ApplyCallReport(const CallEvent& event) {
  auto it = calls_.find(event.call);
  if (it == calls_.end() || it->second.admitted_as) return;
  if (event.type == CallEvent::Type::kEnded) {
    plane_->Send(it->second.worker, media::HangUpCall{event.call});
    calls_.erase(it);
  }
  if (call_handler_) call_handler_(event);
}

}  // namespace konfero::control
