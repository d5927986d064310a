// worker_media.cc: commands, demultiplexing, mixing ticks and timers on a
// worker.
#include "media/worker_media.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <type_traits>
#include <utility>

#include "absl/strings/str_cat.h"
#include "stun/stun_message.h"

namespace konfero::media {
namespace {

constexpr auto kTickPeriod = std::chrono::milliseconds(20);
constexpr auto kHousekeepingPeriod = std::chrono::milliseconds(10);

// The CPU time this thread has used (one system call; for the tick's own
// cost, which wall time mixes with the time the thread waited for a core).
uint64_t ThreadCpuNanos() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<uint64_t>(ts.tv_sec) * 1'000'000'000u + static_cast<uint64_t>(ts.tv_nsec);
}

}  // namespace

WorkerMedia::WorkerMedia(audio::MixerConfig mixer_config,
                         std::shared_ptr<const dtls::DtlsCertificate> certificate,
                         ReportSink& reports, const MonotonicClock& clock)
    : mixer_config_(std::move(mixer_config)),
      certificate_(std::move(certificate)),
      reports_(reports),
      clock_(clock) {}

WorkerMedia::~WorkerMedia() = default;

void WorkerMedia::Attach(transport::Worker& worker) {
  worker_ = &worker;
  sender_ = &worker;
  worker.Post([this] {
    KONFERO_DCHECK_RUN_ON(&worker_thread_);
    tick_timer_ = std::make_unique<boost::asio::steady_timer>(worker_->io());
    housekeeping_timer_ = std::make_unique<boost::asio::steady_timer>(worker_->io());
    StartTimersIfBusy();
  });
}

void WorkerMedia::Shutdown() {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  shut_down_ = true;
  // Gone now, on this thread: the worker (and its io_context) is destroyed
  // before this object, and a timer must not outlive its io_context.
  tick_timer_.reset();
  housekeeping_timer_.reset();
  for (auto& [id, entry] : legs_) entry->leg->Close();
  for (auto& [id, call] : calls_) call->leg->Close();
  calls_.clear();
  by_ufrag_.clear();
  by_address_.clear();
  legs_.clear();
  rooms_.clear();
}

void WorkerMedia::Apply(MediaCommand command) {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  if (shut_down_) return;
  std::visit([this](auto& c) { Handle(c); }, command);
  StartTimersIfBusy();
}

// ---- Legs ------------------------------------------------------------------------------

absl::StatusOr<WorkerMedia::RoomEntry*> WorkerMedia::RoomFor(RoomId room_id) {
  std::unique_ptr<RoomEntry>& room = rooms_[room_id];
  if (!room) {
    absl::StatusOr<std::unique_ptr<audio::Mixer>> mixer = audio::Mixer::Create(mixer_config_);
    if (!mixer.ok()) {
      rooms_.erase(room_id);
      return mixer.status();
    }
    room = std::make_unique<RoomEntry>();
    room->id = room_id;
    room->mixer = *std::move(mixer);
    room->video = std::make_unique<VideoRouter>();
  }
  return room.get();
}

absl::StatusOr<WorkerMedia::LegEntry*> WorkerMedia::Insert(std::unique_ptr<MediaLeg> leg,
                                                           bool on_hold, bool muted) {
  absl::StatusOr<RoomEntry*> room = RoomFor(leg->room());
  if (!room.ok()) return room.status();
  absl::StatusOr<audio::StreamId> mixer_id = (*room)->mixer->AddParticipant(leg->codec());
  if (!mixer_id.ok()) {
    if ((*room)->legs.empty()) rooms_.erase(leg->room());
    return mixer_id.status();
  }
  auto entry = std::make_unique<LegEntry>();
  entry->room = *room;
  entry->mixer_id = *mixer_id;
  entry->on_hold = on_hold;
  (void)(*room)->mixer->SetOnHold(*mixer_id, on_hold);
  (void)(*room)->mixer->SetMuted(*mixer_id, muted);
  if (VideoPeer* video = leg->video()) (*room)->video->AddPeer(*video, on_hold);
  entry->leg = std::move(leg);
  LegEntry* raw = entry.get();
  const ParticipantId participant = raw->leg->participant();
  (*room)->legs[participant] = std::move(entry);
  legs_[participant] = raw;
  return raw;
}

void WorkerMedia::Fail(ParticipantId participant, LegCounters& counters, std::string reason) {
  counters.state.store(PeerState::kFailed, std::memory_order_relaxed);
  reports_.Deliver(LegStateChanged{participant, PeerState::kFailed, std::move(reason)});
}

void WorkerMedia::Handle(AddWebRtcLeg& c) {
  const ParticipantId participant = c.setup.participant;
  Remove(participant);  // a reconnect replaces the old transport
  const std::string ufrag = c.setup.local_ice.ufrag;
  absl::StatusOr<std::unique_ptr<PeerTransport>> transport = PeerTransport::Create(
      std::move(c.setup), certificate_, *this, c.counters, clock_.NowMicros());
  if (!transport.ok()) {
    Fail(participant, *c.counters, std::string(transport.status().message()));
    return;
  }
  PeerTransport* peer = transport->get();
  absl::StatusOr<LegEntry*> entry = Insert(*std::move(transport), c.on_hold, c.muted);
  if (!entry.ok()) {
    Fail(participant, *c.counters, std::string(entry.status().message()));
    return;
  }
  (*entry)->webrtc = peer;
  by_ufrag_[ufrag] = peer;
}

void WorkerMedia::Handle(AddRtpLeg& c) {
  const ParticipantId participant = c.setup.participant;
  Remove(participant);
  absl::StatusOr<std::unique_ptr<RtpLeg>> leg =
      RtpLeg::Create(std::move(c.setup), c.counters, *this, clock_,
                     worker_ != nullptr ? &worker_->io() : nullptr, sender_);
  if (!leg.ok()) {
    Fail(participant, *c.counters, std::string(leg.status().message()));
    return;
  }
  RtpLeg* raw = leg->get();
  absl::StatusOr<LegEntry*> entry = Insert(*std::move(leg), c.on_hold, c.muted);
  if (!entry.ok()) {
    Fail(participant, *c.counters, std::string(entry.status().message()));
    return;
  }
  (*entry)->rtp = raw;
}

void WorkerMedia::Handle(UpdateRtpLeg& c) {
  LegEntry* entry = Find(c.participant);
  if (entry == nullptr || entry->rtp == nullptr) return;
  if (absl::Status s = entry->rtp->Update(c.params, clock_.NowMicros()); !s.ok()) {
    Fail(c.participant, entry->leg->counters(), std::string(s.message()));
  }
}

void WorkerMedia::Handle(SendDigits& c) {
  LegEntry* entry = Find(c.participant);
  if (entry != nullptr && entry->rtp != nullptr) entry->rtp->SendDigits(c.digits);
}

WorkerMedia::LegEntry* WorkerMedia::Find(ParticipantId participant) {
  auto it = legs_.find(participant);
  return it == legs_.end() ? nullptr : it->second;
}

const MediaLeg* WorkerMedia::FindLeg(ParticipantId participant) const {
  auto it = legs_.find(participant);
  return it == legs_.end() ? nullptr : it->second->leg.get();
}

void WorkerMedia::ForgetAddresses(PeerTransport* peer) {
  absl::erase_if(by_address_, [peer](const auto& kv) { return kv.second == peer; });
  absl::erase_if(by_ufrag_, [peer](const auto& kv) { return kv.second == peer; });
}

void WorkerMedia::Remove(ParticipantId participant) {
  std::unique_ptr<MediaLeg> leg = Extract(participant);
  if (leg) leg->Close();
}

std::unique_ptr<MediaLeg> WorkerMedia::Extract(ParticipantId participant) {
  LegEntry* entry = Find(participant);
  if (entry == nullptr) return nullptr;
  RoomEntry& room = *entry->room;
  if (entry->webrtc != nullptr) ForgetAddresses(entry->webrtc);
  if (entry->leg->video() != nullptr) room.video->RemovePeer(participant);
  (void)room.mixer->RemoveParticipant(entry->mixer_id);
  if (room.active_speaker == participant) room.active_speaker.reset();
  std::unique_ptr<MediaLeg> leg = std::move(entry->leg);
  legs_.erase(participant);
  room.legs.erase(participant);
  if (room.legs.empty()) rooms_.erase(room.id);
  return leg;
}

void WorkerMedia::Handle(RemoveLeg& c) { Remove(c.participant); }

void WorkerMedia::Handle(RestartIce& c) {
  LegEntry* entry = Find(c.participant);
  if (entry == nullptr || entry->webrtc == nullptr) return;
  PeerTransport* transport = entry->webrtc;
  const std::string old_ufrag = transport->setup().local_ice.ufrag;
  if (transport->RestartIce(c.local, c.remote).ok()) {
    by_ufrag_.erase(old_ufrag);
    by_ufrag_[c.local.ufrag] = transport;
  }
  UpdateVideo update{c.participant, std::move(c.video)};
  Handle(update);
}

void WorkerMedia::Handle(UpdateVideo& c) {
  LegEntry* entry = Find(c.participant);
  if (entry == nullptr || entry->webrtc == nullptr) return;
  entry->webrtc->UpdateVideo(std::move(c.video));
  entry->room->video->UpdatePeer(*entry->webrtc);
}

void WorkerMedia::Handle(SetHold& c) {
  LegEntry* entry = Find(c.participant);
  if (entry == nullptr) return;
  (void)entry->room->mixer->SetOnHold(entry->mixer_id, c.on_hold);
  if (entry->leg->video() != nullptr) entry->room->video->SetOnHold(c.participant, c.on_hold);
  entry->on_hold = c.on_hold;
}

void WorkerMedia::Handle(SetMuted& c) {
  if (LegEntry* entry = Find(c.participant)) {
    (void)entry->room->mixer->SetMuted(entry->mixer_id, c.muted);
  }
}

void WorkerMedia::Handle(SetVideoSubscription& c) {
  if (LegEntry* entry = Find(c.subscriber)) {
    (void)entry->room->video->SetSubscription(c.subscriber, c.mid, c.subscription);
  }
}

void WorkerMedia::Handle(SetVideoPaused& c) {
  if (LegEntry* entry = Find(c.publisher)) {
    (void)entry->room->video->SetPublicationPaused(c.publisher, c.source, c.paused);
  }
}

void WorkerMedia::Handle(SetImpairment& c) {
  LegEntry* entry = Find(c.participant);
  if (entry != nullptr && entry->webrtc != nullptr) {
    entry->webrtc->SetEgressImpairment(c.impairment);
  }
}

// ---- Datagrams -----------------------------------------------------------------------

void WorkerMedia::OnDatagram(absl::Span<const uint8_t> data, const net::IpEndpoint& from) {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  if (data.empty() || shut_down_) return;
  const uint8_t first = data[0];
  const int64_t now_us = clock_.NowMicros();
  if (first <= 3) {  // STUN (RFC 7983)
    if (!stun::IsStun(data)) return;
    std::optional<stun::StunMessage> message = stun::StunMessage::Parse(data);
    if (!message) return;
    std::optional<std::string_view> username = message->username();
    if (!username) return;
    const std::string_view local_ufrag = username->substr(0, username->find(':'));
    auto it = by_ufrag_.find(Sv(local_ufrag));
    if (it == by_ufrag_.end()) return;  // unknown peer: stay silent
    if (it->second->HandleStun(data, from, now_us)) {
      by_address_[from.Unmapped()] = it->second;
    }
    return;
  }
  auto it = by_address_.find(from.Unmapped());
  if (it == by_address_.end()) return;
  PeerTransport* peer = it->second;
  if (first >= 20 && first <= 63) {  // DTLS
    peer->HandleDtls(data, from.Unmapped(), now_us);
  } else if (first >= 128 && first <= 191) {  // RTP/RTCP
    if (data.size() > scratch_.size()) return;
    std::memcpy(scratch_.data(), data.data(), data.size());
    peer->HandleRtpOrRtcp(absl::MakeSpan(scratch_.data(), data.size()), now_us);
  }
}

void WorkerMedia::SendDatagram(absl::Span<const uint8_t> datagram, const net::IpEndpoint& to) {
  sender_->Send(datagram, to);
}

// ---- What legs report ----------------------------------------------------------------

void WorkerMedia::OnAudioPacket(MediaLeg& leg, const audio::InputPacket& packet) {
  if (LegEntry* entry = Find(leg.participant())) {
    entry->room->mixer->PushPacket(entry->mixer_id, packet);
  }
}

void WorkerMedia::OnReceiverLoss(MediaLeg& leg, int loss_percent) {
  if (LegEntry* entry = Find(leg.participant())) {
    (void)entry->room->mixer->SetReceiverLoss(entry->mixer_id, loss_percent);
  }
}

void WorkerMedia::OnStateChanged(MediaLeg& leg, PeerState state, std::string_view reason) {
  reports_.Deliver(LegStateChanged{leg.participant(), state, std::string(reason)});
}

void WorkerMedia::OnDigit(MediaLeg& leg, char digit) {
  LegCounters::Add(leg.counters().dtmf_digits_in);
  reports_.Deliver(DigitReceived{leg.participant(), digit});
}

void WorkerMedia::OnVideoRtp(PeerTransport& peer, absl::Span<uint8_t> packet,
                             int64_t arrival_us) {
  if (LegEntry* entry = Find(peer.participant())) {
    entry->room->video->OnRtp(peer, packet, arrival_us);
  }
}

void WorkerMedia::OnVideoFeedback(PeerTransport& peer, const rtp::RtcpPacket& packet,
                                  int64_t now_us) {
  if (LegEntry* entry = Find(peer.participant())) {
    entry->room->video->OnFeedback(peer, packet, now_us);
  }
}

void WorkerMedia::OnControlChannelOpen(PeerTransport& peer) {
  if (LegEntry* entry = Find(peer.participant())) {
    entry->room->video->OnControlChannelOpen(peer);
  }
}

void WorkerMedia::OnControlMessage(PeerTransport& peer, std::string_view text) {
  if (LegEntry* entry = Find(peer.participant())) {
    entry->room->video->OnControlMessage(peer, text);
  }
}

// ---- Timers ----------------------------------------------------------------------------

// Legs and calls arrive only through Apply, so that is where the timers
// start; each stops itself after a run that found the worker idle.
void WorkerMedia::StartTimersIfBusy() {
  if (tick_timer_ == nullptr || shut_down_ || !Busy()) return;
  if (!tick_running_) {
    tick_running_ = true;
    next_tick_ = std::chrono::steady_clock::now() + kTickPeriod;
    ScheduleTick();
  }
  if (!housekeeping_running_) {
    housekeeping_running_ = true;
    ScheduleHousekeeping();
  }
}

void WorkerMedia::ScheduleTick() {
  tick_timer_->expires_at(next_tick_);
  tick_timer_->async_wait([this](const boost::system::error_code& error) {
    if (error || shut_down_) return;
    Tick();
    if (!Busy()) {
      tick_running_ = false;
      return;
    }
    next_tick_ += kTickPeriod;
    const auto now = std::chrono::steady_clock::now();
    if (next_tick_ < now - 10 * kTickPeriod) next_tick_ = now;  // fell far behind
    ScheduleTick();
  });
}

void WorkerMedia::Tick() {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  audio::EncodedFrame& frame = frame_;
  ++ticks_;
  const auto started = std::chrono::steady_clock::now();
  const uint64_t cpu_started = ThreadCpuNanos();
  const int64_t now_us = clock_.NowMicros();
  for (auto& [room_id, room] : rooms_) {
    room->mixer->Tick();
    for (auto& [id, entry] : room->legs) {
      while (room->mixer->PopFrame(entry->mixer_id, &frame)) {
        if (entry->prompt) ReplaceWithPrompt(*entry, frame);
        entry->leg->SendAudio(frame, now_us);
      }
    }
    UpdateActiveSpeaker(*room);
  }
  TickCalls(now_us);
  if (sender_ != nullptr) sender_->Flush();
  CountTick(static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                      std::chrono::steady_clock::now() - started)
                                      .count()),
            ThreadCpuNanos() - cpu_started);
}

void WorkerMedia::CountTick(uint64_t ns, uint64_t cpu_ns) {
  tick_count_.store(tick_count_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  tick_total_ns_.store(tick_total_ns_.load(std::memory_order_relaxed) + ns,
                       std::memory_order_relaxed);
  if (ns > tick_max_ns_.load(std::memory_order_relaxed)) {
    tick_max_ns_.store(ns, std::memory_order_relaxed);
  }
  tick_window_.Add(ns);
  tick_cpu_window_.Add(cpu_ns);
}

// The active speaker: of the mixer's current speakers, the one who started
// speaking last; it stays until it stops or another starts.
void WorkerMedia::UpdateActiveSpeaker(RoomEntry& room) {
  const LegEntry* newest = nullptr;
  bool active_still_speaks = false;
  for (auto& [id, entry] : room.legs) {
    const bool speaker = !entry->on_hold && room.mixer->IsSpeaker(entry->mixer_id);
    if (speaker && !entry->speaker) entry->speaker_since = ticks_;
    entry->speaker = speaker;
    if (!speaker) continue;
    if (room.active_speaker == id) active_still_speaks = true;
    if (newest == nullptr || entry->speaker_since > newest->speaker_since) newest = entry.get();
  }
  if (newest == nullptr) return;
  const ParticipantId candidate = newest->leg->participant();
  if (room.active_speaker == candidate) return;
  if (active_still_speaks && newest->speaker_since != ticks_) return;
  room.active_speaker = candidate;
  room.video->SetActiveSpeaker(candidate);
  reports_.Deliver(ActiveSpeakerChanged{room.id, candidate});
}

void WorkerMedia::ScheduleHousekeeping() {
  housekeeping_timer_->expires_after(kHousekeepingPeriod);
  housekeeping_timer_->async_wait([this](const boost::system::error_code& error) {
    if (error || shut_down_) return;
    Housekeeping();
    if (!Busy()) {
      housekeeping_running_ = false;
      return;
    }
    ScheduleHousekeeping();
  });
}

void WorkerMedia::Housekeeping() {
  KONFERO_DCHECK_RUN_ON(&worker_thread_);
  const int64_t now_us = clock_.NowMicros();
  for (auto& [room_id, room] : rooms_) {
    for (auto& [id, entry] : room->legs) entry->leg->OnTimer(now_us);
    room->video->OnTimer(now_us);
  }
  for (auto& [id, call] : calls_) call->leg->OnTimer(now_us);
  if (sender_ != nullptr) sender_->Flush();
}

}  // namespace konfero::media
