// worker_media.cc: demultiplexing, mixing ticks and data relay on a worker.
#include "media/worker_media.h"

#include <chrono>
#include <utility>

#include "stun/stun_message.h"

namespace konfero::media {
namespace {

constexpr auto kTickPeriod = std::chrono::milliseconds(20);
constexpr auto kHousekeepingPeriod = std::chrono::milliseconds(10);

int64_t NowMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

}  // namespace

WorkerMedia::WorkerMedia(audio::MixerConfig mixer_config,
                         std::shared_ptr<const dtls::DtlsCertificate> certificate,
                         ReportSink& reports)
    : mixer_config_(std::move(mixer_config)),
      certificate_(std::move(certificate)),
      reports_(reports) {}

WorkerMedia::~WorkerMedia() = default;

void WorkerMedia::Attach(transport::Worker& worker) {
  worker_ = &worker;
  worker.Post([this] {
    tick_timer_ = std::make_unique<boost::asio::steady_timer>(worker_->io());
    housekeeping_timer_ =
        std::make_unique<boost::asio::steady_timer>(worker_->io());
    next_tick_ = std::chrono::steady_clock::now() + kTickPeriod;
    ScheduleTick();
    ScheduleHousekeeping();
  });
}

void WorkerMedia::Shutdown() {
  shut_down_ = true;
  if (tick_timer_) tick_timer_->cancel();
  if (housekeeping_timer_) housekeeping_timer_->cancel();
  for (auto& [room_id, room] : rooms_) {
    for (auto& [id, peer] : room.peers) peer.transport->Close();
  }
  by_ufrag_.clear();
  by_address_.clear();
  rooms_.clear();
}

void WorkerMedia::AddPeer(PeerSetup setup,
                          std::shared_ptr<PeerCounters> counters) {
  RemovePeer(setup.participant);  // a reconnect replaces the old transport
  RoomEntry& room = rooms_[setup.room];
  if (!room.mixer) {
    absl::StatusOr<std::unique_ptr<audio::Mixer>> mixer =
        audio::Mixer::Create(mixer_config_);
    if (!mixer.ok()) {
      counters->state.store(PeerState::kFailed);
      reports_.Deliver({Report::Kind::kStateChanged, setup.participant,
                       PeerState::kFailed, std::string(mixer.status().message())});
      return;
    }
    room.mixer = *std::move(mixer);
  }
  if (!room.video) room.video = std::make_unique<VideoRouter>();
  absl::StatusOr<audio::ParticipantId> mixer_id =
      room.mixer->AddParticipant(audio::Codec::kOpus);
  const ParticipantId participant = setup.participant;
  const std::string ufrag = setup.local_ice.ufrag;
  absl::StatusOr<std::unique_ptr<PeerTransport>> transport =
      mixer_id.ok() ? PeerTransport::Create(std::move(setup), certificate_, *this,
                                            counters, absl::Now())
                    : absl::StatusOr<std::unique_ptr<PeerTransport>>(mixer_id.status());
  if (!transport.ok()) {
    if (mixer_id.ok()) (void)room.mixer->RemoveParticipant(*mixer_id);
    counters->state.store(PeerState::kFailed);
    reports_.Deliver({Report::Kind::kStateChanged, participant,
                     PeerState::kFailed, std::string(transport.status().message())});
    return;
  }
  by_ufrag_[ufrag] = transport->get();
  room.video->AddPeer(**transport, /*on_hold=*/false);
  room.peers[participant] =
      PeerEntry{*std::move(transport), *mixer_id, std::move(counters)};
}

WorkerMedia::PeerEntry* WorkerMedia::FindPeer(ParticipantId participant,
                                              RoomEntry** room_out) {
  for (auto& [room_id, room] : rooms_) {
    auto it = room.peers.find(participant);
    if (it == room.peers.end()) continue;
    if (room_out) *room_out = &room;
    return &it->second;
  }
  return nullptr;
}

void WorkerMedia::ForgetAddresses(PeerTransport* peer) {
  absl::erase_if(by_address_, [peer](const auto& kv) { return kv.second == peer; });
  absl::erase_if(by_ufrag_, [peer](const auto& kv) { return kv.second == peer; });
}

void WorkerMedia::RemovePeer(ParticipantId participant) {
  RoomEntry* room = nullptr;
  PeerEntry* peer = FindPeer(participant, &room);
  if (!peer) return;
  ForgetAddresses(peer->transport.get());
  room->video->RemovePeer(participant);
  peer->transport->Close();
  (void)room->mixer->RemoveParticipant(peer->mixer_id);
  const RoomId room_id = peer->transport->setup().room;
  room->peers.erase(participant);
  if (room->peers.empty()) rooms_.erase(room_id);
}

void WorkerMedia::RestartIce(ParticipantId participant,
                             stun::IceCredentials local,
                             stun::IceCredentials remote) {
  PeerEntry* peer = FindPeer(participant);
  if (!peer) return;
  PeerTransport* transport = peer->transport.get();
  const std::string old_ufrag = transport->setup().local_ice.ufrag;
  if (!transport->RestartIce(local, remote).ok()) return;
  by_ufrag_.erase(old_ufrag);
  by_ufrag_[local.ufrag] = transport;
}

void WorkerMedia::SetOnHold(ParticipantId participant, bool on_hold) {
  RoomEntry* room = nullptr;
  if (PeerEntry* peer = FindPeer(participant, &room)) {
    (void)room->mixer->SetOnHold(peer->mixer_id, on_hold);
    room->video->SetOnHold(participant, on_hold);
    peer->on_hold = on_hold;
  }
}

void WorkerMedia::UpdateVideo(ParticipantId participant, VideoParams video) {
  RoomEntry* room = nullptr;
  if (PeerEntry* peer = FindPeer(participant, &room)) {
    peer->transport->UpdateVideo(std::move(video));
    room->video->UpdatePeer(*peer->transport);
  }
}

void WorkerMedia::SetVideoSubscription(ParticipantId participant, const std::string& mid,
                                       VideoSubscriptionSettings settings) {
  RoomEntry* room = nullptr;
  if (FindPeer(participant, &room)) {
    (void)room->video->SetSubscription(participant, mid, settings);
  }
}

void WorkerMedia::SetVideoPublicationPaused(ParticipantId participant,
                                            VideoSourceKind source, bool paused) {
  RoomEntry* room = nullptr;
  if (FindPeer(participant, &room)) {
    (void)room->video->SetPublicationPaused(participant, source, paused);
  }
}

void WorkerMedia::SetEgressImpairment(ParticipantId participant,
                                      EgressImpairment impairment) {
  if (PeerEntry* peer = FindPeer(participant)) {
    peer->transport->SetEgressImpairment(impairment);
  }
}

void WorkerMedia::SetMuted(ParticipantId participant, bool muted) {
  RoomEntry* room = nullptr;
  if (PeerEntry* peer = FindPeer(participant, &room)) {
    (void)room->mixer->SetMuted(peer->mixer_id, muted);
  }
}

void WorkerMedia::SendChat(RoomId room_id, const std::string& json) {
  auto it = rooms_.find(room_id);
  if (it == rooms_.end()) return;
  const auto bytes = absl::MakeConstSpan(
      reinterpret_cast<const uint8_t*>(json.data()), json.size());
  for (auto& [id, peer] : it->second.peers) {
    peer.transport->SendData("chat", sctp::MessageKind::kText, bytes);
  }
}

void WorkerMedia::OnDatagram(absl::Span<const uint8_t> data,
                             const net::IpEndpoint& from) {
  if (data.empty() || shut_down_) return;
  const uint8_t first = data[0];
  if (first <= 3) {  // STUN (RFC 7983)
    if (!stun::IsStun(data)) return;
    std::optional<stun::StunMessage> message = stun::StunMessage::Parse(data);
    if (!message) return;
    std::optional<std::string_view> username = message->username();
    if (!username) return;
    const std::string_view local_ufrag = username->substr(0, username->find(':'));
    auto it = by_ufrag_.find(Sv(local_ufrag));
    if (it == by_ufrag_.end()) return;  // unknown peer: stay silent
    if (it->second->HandleStun(data, from, absl::Now())) {
      by_address_[from.Unmapped()] = it->second;
    }
    return;
  }
  auto it = by_address_.find(from.Unmapped());
  if (it == by_address_.end()) return;
  PeerTransport* peer = it->second;
  if (first >= 20 && first <= 63) {  // DTLS
    peer->HandleDtls(data, from.Unmapped(), absl::Now());
  } else if (first >= 128 && first <= 191) {  // RTP/RTCP
    if (data.size() > scratch_.size()) return;
    std::memcpy(scratch_.data(), data.data(), data.size());
    peer->HandleRtpOrRtcp(absl::MakeSpan(scratch_.data(), data.size()),
                          NowMicros());
  }
}

void WorkerMedia::SendDatagram(absl::Span<const uint8_t> datagram,
                               const net::IpEndpoint& to) {
  worker_->Send(datagram, to);
}

void WorkerMedia::OnAudioPacket(PeerTransport& peer,
                                const audio::InputPacket& packet) {
  RoomEntry* room = nullptr;
  if (PeerEntry* entry = FindPeer(peer.setup().participant, &room)) {
    room->mixer->PushPacket(entry->mixer_id, packet);
  }
}

void WorkerMedia::OnVideoRtp(PeerTransport& peer, absl::Span<uint8_t> packet,
                             int64_t arrival_us) {
  RoomEntry* room = nullptr;
  if (FindPeer(peer.setup().participant, &room)) room->video->OnRtp(peer, packet, arrival_us);
}

void WorkerMedia::OnVideoFeedback(PeerTransport& peer, const rtp::RtcpPacket& packet,
                                  int64_t now_us) {
  RoomEntry* room = nullptr;
  if (FindPeer(peer.setup().participant, &room)) room->video->OnFeedback(peer, packet, now_us);
}

void WorkerMedia::OnDataChannelOpen(PeerTransport& peer, std::string_view label) {
  RoomEntry* room = nullptr;
  if (label == "control" && FindPeer(peer.setup().participant, &room)) {
    room->video->OnControlChannelOpen(peer);
  }
}

void WorkerMedia::OnStateChanged(PeerTransport& peer, PeerState state) {
  reports_.Deliver({Report::Kind::kStateChanged, peer.setup().participant,
                    state, peer.failure_reason()});
}

void WorkerMedia::OnDataMessage(PeerTransport& peer, std::string_view label,
                                sctp::MessageKind kind,
                                absl::Span<const uint8_t> message) {
  if (label == "chat" && kind == sctp::MessageKind::kText) {
    // Chat goes through the room domain (validated, persisted, then sent
    // to everyone by the control thread).
    reports_.Deliver({Report::Kind::kChatText, peer.setup().participant,
                     PeerState::kConnected,
                     std::string(reinterpret_cast<const char*>(message.data()),
                                 message.size())});
    return;
  }
  if (label == "control") {
    if (kind != sctp::MessageKind::kText) return;
    RoomEntry* room = nullptr;
    if (FindPeer(peer.setup().participant, &room)) {
      room->video->OnControlMessage(
          peer, std::string_view(reinterpret_cast<const char*>(message.data()), message.size()));
    }
    return;
  }
  // Any other channel is relayed to the same label of every other peer.
  auto it = rooms_.find(peer.setup().room);
  if (it == rooms_.end()) return;
  for (auto& [id, other] : it->second.peers) {
    if (other.transport.get() == &peer) continue;
    other.transport->SendData(label, kind, message);
  }
}

void WorkerMedia::OnReceiverLoss(PeerTransport& peer, int loss_percent) {
  RoomEntry* room = nullptr;
  if (PeerEntry* entry = FindPeer(peer.setup().participant, &room)) {
    (void)room->mixer->SetReceiverLoss(entry->mixer_id, loss_percent);
  }
}

void WorkerMedia::ScheduleTick() {
  tick_timer_->expires_at(next_tick_);
  tick_timer_->async_wait([this](const boost::system::error_code& error) {
    if (error || shut_down_) return;
    Tick();
    next_tick_ += kTickPeriod;
    const auto now = std::chrono::steady_clock::now();
    if (next_tick_ < now - 10 * kTickPeriod) next_tick_ = now;  // fell far behind
    ScheduleTick();
  });
}

void WorkerMedia::Tick() {
  audio::EncodedFrame& frame = frame_;
  ++ticks_;
  const auto started = std::chrono::steady_clock::now();
  for (auto& [room_id, room] : rooms_) {
    room.mixer->Tick();
    for (auto& [id, peer] : room.peers) {
      while (room.mixer->PopFrame(peer.mixer_id, &frame)) {
        peer.transport->SendAudio(frame);
      }
    }
    UpdateActiveSpeaker(room);
  }
  worker_->FlushSends();
  const auto ns = static_cast<uint64_t>(std::chrono::duration_cast<std::chrono::nanoseconds>(
                                            std::chrono::steady_clock::now() - started)
                                            .count());
  tick_count_.store(tick_count_.load(std::memory_order_relaxed) + 1, std::memory_order_relaxed);
  tick_total_ns_.store(tick_total_ns_.load(std::memory_order_relaxed) + ns,
                       std::memory_order_relaxed);
  if (ns > tick_max_ns_.load(std::memory_order_relaxed)) {
    tick_max_ns_.store(ns, std::memory_order_relaxed);
  }
}

// The active speaker: of the mixer's current speakers, the one who started
// speaking last; it stays until it stops or another starts.
void WorkerMedia::UpdateActiveSpeaker(RoomEntry& room) {
  const PeerEntry* newest = nullptr;
  bool active_still_speaks = false;
  for (auto& [id, peer] : room.peers) {
    const bool speaker = !peer.on_hold && room.mixer->IsSpeaker(peer.mixer_id);
    if (speaker && !peer.speaker) peer.speaker_since = ticks_;
    peer.speaker = speaker;
    if (!speaker) continue;
    if (room.active_speaker == id) active_still_speaks = true;
    if (newest == nullptr || peer.speaker_since > newest->speaker_since) newest = &peer;
  }
  if (newest == nullptr) return;
  const ParticipantId candidate = newest->transport->setup().participant;
  if (room.active_speaker == candidate) return;
  if (active_still_speaks && newest->speaker_since != ticks_) return;
  room.active_speaker = candidate;
  room.video->SetActiveSpeaker(candidate);
  reports_.Deliver({Report::Kind::kActiveSpeaker, candidate, PeerState::kConnected, {}});
}

void WorkerMedia::ScheduleHousekeeping() {
  housekeeping_timer_->expires_after(kHousekeepingPeriod);
  housekeeping_timer_->async_wait([this](const boost::system::error_code& error) {
    if (error || shut_down_) return;
    const absl::Time now = absl::Now();
    const int64_t now_us = NowMicros();
    for (auto& [room_id, room] : rooms_) {
      for (auto& [id, peer] : room.peers) peer.transport->OnTimer(now, now_us);
      room.video->OnTimer(now_us);
    }
    worker_->FlushSends();
    ScheduleHousekeeping();
  });
}

}  // namespace konfero::media
