// worker_media_calls.cc: phone calls before admission (prompts, digits),
// their move into a room, and prompts to admitted phones.
#include <utility>

#include "media/worker_media.h"

namespace konfero::media {

void WorkerMedia::Handle(AddCall& c) {
  auto entry = std::make_unique<CallEntry>(c.call, reports_);
  absl::StatusOr<std::unique_ptr<RtpLeg>> leg =
      RtpLeg::Create(std::move(c.setup), c.counters, *entry, clock_,
                     worker_ != nullptr ? &worker_->io() : nullptr, sender_);
  absl::StatusOr<std::unique_ptr<PromptSource>> prompts =
      leg.ok() ? PromptSource::Create((*leg)->codec()) : leg.status();
  if (!prompts.ok()) {
    c.counters->state.store(PeerState::kFailed, std::memory_order_relaxed);
    CallEvent ended;
    ended.call = c.call;
    ended.type = CallEvent::Type::kEnded;
    ended.reason = std::string(prompts.status().message());
    reports_.Deliver(CallReport{std::move(ended)});
    return;
  }
  entry->leg = *std::move(leg);
  entry->prompts = *std::move(prompts);
  calls_[c.call] = std::move(entry);
}

void WorkerMedia::Handle(UpdateCall& c) {
  auto it = calls_.find(c.call);
  if (it == calls_.end()) return;
  if (absl::Status s = it->second->leg->Update(c.params, clock_.NowMicros()); !s.ok()) {
    it->second->OnStateChanged(*it->second->leg, PeerState::kFailed, Sv(s.message()));
  }
}

void WorkerMedia::Handle(PlayPrompt& c) {
  if (ToInt(c.call) != 0) {
    auto it = calls_.find(c.call);
    if (it != calls_.end()) it->second->prompts->Enqueue(c.prompt, c.language, c.interrupt);
    return;
  }
  LegEntry* entry = Find(c.participant);
  if (entry == nullptr || entry->rtp == nullptr) return;
  if (!entry->prompt) {
    absl::StatusOr<std::unique_ptr<PromptSource>> source = PromptSource::Create(entry->leg->codec());
    if (!source.ok()) return;
    entry->prompt = *std::move(source);
  }
  entry->prompt->Enqueue(c.prompt, c.language, c.interrupt);
}

bool WorkerMedia::ReplaceWithPrompt(LegEntry& entry, audio::EncodedFrame& frame) {
  if (!entry.prompt->playing()) return false;
  const uint16_t sequence = frame.sequence;
  const uint32_t timestamp = frame.timestamp;
  const bool marker = frame.marker;
  if (!entry.prompt->Next(&frame, /*silence_when_idle=*/false)) return false;
  frame.sequence = sequence;
  frame.timestamp = timestamp;
  frame.marker = marker;
  return true;
}

void WorkerMedia::Handle(ReleaseCall& c) {
  auto it = calls_.find(c.call);
  if (it == calls_.end()) return;
  std::unique_ptr<CallEntry> entry = std::move(it->second);
  calls_.erase(it);
  entry->leg->Unplug();
  reports_.Deliver(
      CallReleased{c.call, std::make_shared<std::unique_ptr<RtpLeg>>(std::move(entry->leg))});
}

void WorkerMedia::Handle(HangUpCall& c) {
  auto it = calls_.find(c.call);
  if (it == calls_.end()) return;
  it->second->leg->Close();
  calls_.erase(it);
}

void WorkerMedia::Handle(AdoptRtpLeg& c) {
  if (!c.leg || !*c.leg) return;
  std::unique_ptr<RtpLeg> leg = std::move(*c.leg);
  Remove(c.participant);
  leg->Plug(worker_ != nullptr ? &worker_->io() : nullptr, *this, c.participant, c.room);
  RtpLeg* raw = leg.get();
  absl::StatusOr<LegEntry*> entry = Insert(std::move(leg), c.on_hold, c.muted);
  if (!entry.ok()) {
    Fail(c.participant, *c.counters, std::string(entry.status().message()));
    return;
  }
  (*entry)->rtp = raw;
}

void WorkerMedia::Handle(ReturnToCall& c) {
  LegEntry* found = Find(c.participant);
  if (found == nullptr) return;
  if (found->rtp == nullptr) {
    Remove(c.participant);
    return;
  }
  // The entry knows the leg is an RtpLeg.
  std::unique_ptr<RtpLeg> leg(static_cast<RtpLeg*>(Extract(c.participant).release()));
  InstallCall(c.call, std::move(leg), nullptr);  // same loop: the ports stay
}

void WorkerMedia::Handle(ResumeCall& c) {
  if (!c.leg || !*c.leg) return;
  InstallCall(c.call, std::move(*c.leg), worker_ != nullptr ? &worker_->io() : nullptr);
}

void WorkerMedia::InstallCall(CallId call, std::unique_ptr<RtpLeg> leg,
                              boost::asio::io_context* io) {
  auto entry = std::make_unique<CallEntry>(call, reports_);
  absl::StatusOr<std::unique_ptr<PromptSource>> prompts = PromptSource::Create(leg->codec());
  if (!prompts.ok()) {
    leg->Close();
    return;
  }
  leg->Plug(io, *entry, ParticipantId{}, RoomId{});
  entry->leg = std::move(leg);
  entry->prompts = *std::move(prompts);
  calls_[call] = std::move(entry);
}

RtpLeg* WorkerMedia::FindCallLeg(CallId call) const {
  auto it = calls_.find(call);
  return it == calls_.end() ? nullptr : it->second->leg.get();
}

void WorkerMedia::TickCalls(int64_t now_us) {
  for (auto& [id, call] : calls_) call->Tick(now_us);
}

}  // namespace konfero::media
