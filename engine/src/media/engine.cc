// engine.cc: the control side of the media engine.
//
// Runs on the RoomService's control thread: turns offers into answers and
// peers on workers, follows the room's events (hold, mute, leave, chat) and
// posts the matching commands to the workers, and applies what the workers
// report (a failed peer leaves its room; chat text becomes a room chat
// message) in Poll().
#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <random>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "konfero/engine.h"
#include "media/offer_answer.h"
#include "media/worker_media.h"
#include "nlohmann/json.hpp"
#include "openssl/rand.h"

namespace konfero {

std::string_view ToString(PeerState s) {
  switch (s) {
    case PeerState::kConnecting: return "connecting";
    case PeerState::kConnected: return "connected";
    case PeerState::kDisconnected: return "disconnected";
    case PeerState::kFailed: return "failed";
    case PeerState::kClosed: return "closed";
  }
  return "unknown";
}

namespace media {
namespace {

uint32_t RandomSsrc() {
  uint32_t ssrc = 0;
  while (ssrc == 0) RAND_bytes(reinterpret_cast<unsigned char*>(&ssrc), sizeof(ssrc));
  return ssrc;
}

class EngineImpl final : public Engine, public ReportSink {
 public:
  EngineImpl(RoomService& rooms, Options options,
             std::shared_ptr<const dtls::DtlsCertificate> certificate)
      : rooms_(rooms), options_(std::move(options)), certificate_(certificate) {}

  ~EngineImpl() override {
    rooms_.Unsubscribe(subscription_);
    for (Slot& slot : workers_) slot.worker->Stop();
    // The worker threads are gone: their media can be torn down here.
    for (Slot& slot : workers_) slot.media->Shutdown();
  }

  absl::Status Init() {
    auto address = net::IpEndpoint::Parse(options_.bind_address, options_.port);
    if (!address) {
      return absl::InvalidArgumentError(
          absl::StrCat("bind_address is not an IP address: ", options_.bind_address));
    }
    if (options_.consent_timeout < absl::Seconds(1)) {
      return absl::InvalidArgumentError("consent_timeout must be at least 1 s");
    }
    if (options_.workers == 0) {
      options_.workers = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    }
    if (options_.workers < 1 || options_.workers > 64) {
      return absl::InvalidArgumentError("workers must be 0 (one per core) to 64");
    }
    for (const std::string& a : options_.announced_addresses) {
      if (!net::IpEndpoint::Parse(a, 0)) {
        return absl::InvalidArgumentError(
            absl::StrCat("announced address is not an IP address: ", a));
      }
    }
    for (int i = 0; i < options_.workers; ++i) {
      net::IpEndpoint local = *net::IpEndpoint::Parse(
          options_.bind_address,
          options_.port == 0 ? 0 : static_cast<uint16_t>(options_.port + i));
      Slot slot;
      slot.media = std::make_unique<WorkerMedia>(options_.mixer, certificate_, *this);
      absl::StatusOr<std::unique_ptr<transport::Worker>> worker =
          transport::Worker::Start(local, *slot.media);
      if (!worker.ok()) return worker.status();
      slot.worker = *std::move(worker);
      slot.media->Attach(*slot.worker);
      workers_.push_back(std::move(slot));
    }
    subscription_ = rooms_.Subscribe(std::nullopt, [this](const Event& e) { OnRoomEvent(e); });
    return absl::OkStatus();
  }

  absl::StatusOr<std::string> Connect(ParticipantId participant,
                                      std::string_view offer) override {
    absl::StatusOr<ParticipantInfo> info = rooms_.GetParticipant(participant);
    if (!info.ok()) return info.status();
    const size_t index = static_cast<size_t>(ToInt(info->room)) % workers_.size();
    Slot& slot = workers_[index];

    auto existing = peers_.find(participant);
    LocalParams local = MakeLocalParams(
        slot, existing != peers_.end() ? existing->second.audio_ssrc : RandomSsrc());
    if (existing != peers_.end()) local.known_slots = existing->second.slots;
    absl::StatusOr<Negotiated> negotiated = NegotiateOffer(offer, local);
    if (!negotiated.ok()) return negotiated.status();
    negotiated->setup.participant = participant;
    negotiated->setup.room = info->room;
    negotiated->setup.consent_timeout = options_.consent_timeout;

    const bool same_endpoint =
        existing != peers_.end() && existing->second.room == info->room &&
        existing->second.worker == index &&
        existing->second.remote_fingerprint == negotiated->setup.dtls.remote_fingerprint;
    if (same_endpoint && existing->second.remote_ufrag == negotiated->setup.remote_ice.ufrag) {
      // The same transport renegotiates (a screen share added, a tile
      // more): our ICE credentials, SSRCs, DTLS and SRTP stay; only the
      // video sections change.
      local.ice = existing->second.local_ice;
      negotiated = NegotiateOffer(offer, local);
      if (!negotiated.ok()) return negotiated.status();
      existing->second.slots = negotiated->setup.video.slots;
      RecordVideo(existing->second, negotiated->setup.video);
      PostToPeer(existing->second, [pid = participant,
                                    video = negotiated->setup.video](WorkerMedia& m) {
        m.UpdateVideo(pid, video);
      });
      return std::move(negotiated->answer);
    }
    if (same_endpoint) {
      // The same DTLS endpoint with new ICE credentials: an ICE restart
      // (the client's network changed). DTLS, SRTP, the mixer and the
      // streams stay.
      const ParticipantId pid = participant;
      PostToPeer(existing->second, [pid, l = negotiated->setup.local_ice,
                                    r = negotiated->setup.remote_ice,
                                    video = negotiated->setup.video](WorkerMedia& m) {
        m.RestartIce(pid, l, r);
        m.UpdateVideo(pid, video);
      });
      existing->second.remote_ufrag = negotiated->setup.remote_ice.ufrag;
      existing->second.local_ice = negotiated->setup.local_ice;
      RecordVideo(existing->second, negotiated->setup.video);
      return std::move(negotiated->answer);
    }

    StartPeer(*info, index, std::move(negotiated->setup), local.audio_ssrc);
    return std::move(negotiated->answer);
  }

  absl::StatusOr<std::string> CreateOffer(ParticipantId participant) override {
    absl::StatusOr<ParticipantInfo> info = rooms_.GetParticipant(participant);
    if (!info.ok()) return info.status();
    const size_t index = static_cast<size_t>(ToInt(info->room)) % workers_.size();
    PendingOffer pending{MakeLocalParams(workers_[index], RandomSsrc()), {}, index};
    absl::StatusOr<ServerOffer> offer = BuildServerOffer(pending.local);
    if (!offer.ok()) return offer.status();
    pending.offer = *std::move(offer);
    std::string text = pending.offer.text;
    pending_offers_[participant] = std::move(pending);
    return text;
  }

  absl::Status AcceptAnswer(ParticipantId participant, std::string_view answer) override {
    auto it = pending_offers_.find(participant);
    if (it == pending_offers_.end()) {
      return absl::FailedPreconditionError(absl::StrCat(
          "no offer is waiting for participant ", ToInt(participant),
          "'s answer; call CreateOffer first"));
    }
    absl::StatusOr<ParticipantInfo> info = rooms_.GetParticipant(participant);
    if (!info.ok()) return info.status();
    absl::StatusOr<PeerSetup> setup = ApplyAnswer(it->second.offer, answer, it->second.local);
    if (!setup.ok()) return setup.status();  // the offer stays for a corrected answer
    setup->participant = participant;
    setup->room = info->room;
    setup->consent_timeout = options_.consent_timeout;
    const uint32_t ssrc = it->second.local.audio_ssrc;
    const size_t index = it->second.worker;
    pending_offers_.erase(it);
    StartPeer(*info, index, *std::move(setup), ssrc);
    return absl::OkStatus();
  }

  absl::Status Disconnect(ParticipantId participant) override {
    auto it = peers_.find(participant);
    if (it == peers_.end()) {
      return absl::NotFoundError(absl::StrCat(
          "participant ", ToInt(participant), " has no media connection"));
    }
    PostToPeer(it->second, [participant](WorkerMedia& m) { m.RemovePeer(participant); });
    peers_.erase(it);
    return absl::OkStatus();
  }

  int Poll() override {
    std::vector<media::Report> reports;
    {
      absl::MutexLock lock(&mu_);
      reports.swap(reports_);
    }
    for (media::Report& r : reports) {
      if (!peers_.contains(r.participant)) continue;
      if (r.kind == media::Report::Kind::kStateChanged) {
        if (r.state == PeerState::kFailed) {
          if (std::getenv("KONFERO_DEBUG")) {
            std::fprintf(stderr, "konfero: peer %llu failed: %s\n",
                         static_cast<unsigned long long>(ToInt(r.participant)),
                         r.text.c_str());
          }
          // The peer is gone (consent expired, DTLS failed): it leaves the
          // room, which removes its media through the room's events.
          (void)rooms_.Disconnect(r.participant);
          peers_.erase(r.participant);
        }
      } else if (r.kind == media::Report::Kind::kActiveSpeaker) {
        active_speakers_[peers_[r.participant].room] = r.participant;
      } else {
        // Chat from a data channel: the room validates and keeps it, and
        // its ChatPosted event sends it to everyone.
        (void)rooms_.PostChat(r.participant, r.text);
      }
    }
    return static_cast<int>(reports.size());
  }

  absl::StatusOr<PeerStats> GetStats(ParticipantId participant) override {
    auto it = peers_.find(participant);
    if (it == peers_.end()) {
      return absl::NotFoundError(absl::StrCat(
          "participant ", ToInt(participant), " has no media connection"));
    }
    const PeerCounters& c = *it->second.counters;
    PeerStats s;
    s.state = c.state.load(std::memory_order_relaxed);
    s.rtp_packets_in = c.rtp_packets_in.load(std::memory_order_relaxed);
    s.rtp_packets_out = c.rtp_packets_out.load(std::memory_order_relaxed);
    s.bytes_in = c.bytes_in.load(std::memory_order_relaxed);
    s.bytes_out = c.bytes_out.load(std::memory_order_relaxed);
    s.srtp_failures = c.srtp_failures.load(std::memory_order_relaxed);
    s.data_messages_in = c.data_messages_in.load(std::memory_order_relaxed);
    s.data_messages_out = c.data_messages_out.load(std::memory_order_relaxed);
    s.video_packets_in = c.video_packets_in.load(std::memory_order_relaxed);
    s.video_packets_out = c.video_packets_out.load(std::memory_order_relaxed);
    s.rtx_packets_out = c.rtx_packets_out.load(std::memory_order_relaxed);
    s.nacks_in = c.nacks_in.load(std::memory_order_relaxed);
    s.keyframe_requests_in = c.keyframe_requests_in.load(std::memory_order_relaxed);
    s.keyframe_requests_out = c.keyframe_requests_out.load(std::memory_order_relaxed);
    s.transport_feedback_out = c.transport_feedback_out.load(std::memory_order_relaxed);
    s.layer_switches = c.layer_switches.load(std::memory_order_relaxed);
    s.impairment_drops = c.impairment_drops.load(std::memory_order_relaxed);
    s.bandwidth_estimate_bps = c.bandwidth_estimate_bps.load(std::memory_order_relaxed);
    return s;
  }

  EngineTotals GetTotals() const override {
    EngineTotals t;
    for (const auto& [id, record] : peers_) {
      const PeerCounters& c = *record.counters;
      ++t.peers;
      t.rtp_packets_in += c.rtp_packets_in.load(std::memory_order_relaxed);
      t.rtp_packets_out += c.rtp_packets_out.load(std::memory_order_relaxed);
      t.bytes_in += c.bytes_in.load(std::memory_order_relaxed);
      t.bytes_out += c.bytes_out.load(std::memory_order_relaxed);
      t.layer_switches += c.layer_switches.load(std::memory_order_relaxed);
    }
    for (const Slot& slot : workers_) {
      const WorkerMedia::TickStats ticks = slot.media->tick_stats();
      t.mixer_ticks += ticks.ticks;
      t.mixer_tick_seconds += static_cast<double>(ticks.total_ns) * 1e-9;
      t.mixer_tick_max_seconds =
          std::max(t.mixer_tick_max_seconds, static_cast<double>(ticks.max_ns) * 1e-9);
    }
    return t;
  }

  absl::Status SetVideoSubscription(ParticipantId subscriber, std::string_view mid,
                                    const VideoSubscription& subscription) override {
    if (subscription.max_width < 0 || subscription.max_height < 0) {
      return absl::InvalidArgumentError("max_width and max_height must be >= 0");
    }
    auto it = peers_.find(subscriber);
    if (it == peers_.end()) return NoMedia(subscriber);
    if (std::find(it->second.slot_mids.begin(), it->second.slot_mids.end(), mid) ==
        it->second.slot_mids.end()) {
      return absl::NotFoundError(absl::StrCat("participant ", ToInt(subscriber),
                                              " receives no video on mid '", Sv(mid), "'"));
    }
    const VideoSubscriptionSettings settings{subscription.paused, subscription.max_width,
                                             subscription.max_height};
    PostToPeer(it->second, [subscriber, m = std::string(mid), settings](WorkerMedia& media) {
      media.SetVideoSubscription(subscriber, m, settings);
    });
    return absl::OkStatus();
  }

  absl::Status SetVideoPaused(ParticipantId publisher, VideoSource source,
                              bool paused) override {
    auto it = peers_.find(publisher);
    if (it == peers_.end()) return NoMedia(publisher);
    const VideoSourceKind kind =
        source == VideoSource::kScreen ? VideoSourceKind::kScreen : VideoSourceKind::kCamera;
    if (std::find(it->second.sources.begin(), it->second.sources.end(), kind) ==
        it->second.sources.end()) {
      return absl::NotFoundError(absl::StrCat(
          "participant ", ToInt(publisher), " publishes no ",
          source == VideoSource::kScreen ? "screen share" : "camera"));
    }
    PostToPeer(it->second, [publisher, kind, paused](WorkerMedia& media) {
      media.SetVideoPublicationPaused(publisher, kind, paused);
    });
    return absl::OkStatus();
  }

  absl::Status SetEgressImpairment(ParticipantId participant,
                                   const NetworkImpairment& impairment) override {
    if (!(impairment.loss >= 0 && impairment.loss <= 1) || impairment.max_bitrate_bps < 0) {
      return absl::InvalidArgumentError("loss must be in 0..1 and max_bitrate_bps >= 0");
    }
    auto it = peers_.find(participant);
    if (it == peers_.end()) return NoMedia(participant);
    const EgressImpairment e{impairment.loss, impairment.max_bitrate_bps};
    PostToPeer(it->second, [participant, e](WorkerMedia& media) {
      media.SetEgressImpairment(participant, e);
    });
    return absl::OkStatus();
  }

  std::optional<ParticipantId> ActiveSpeaker(RoomId room) const override {
    auto it = active_speakers_.find(room);
    if (it == active_speakers_.end()) return std::nullopt;
    return it->second;
  }

  std::vector<std::string> listen_addresses() const override {
    std::vector<std::string> out;
    for (const Slot& slot : workers_) out.push_back(slot.worker->local_endpoint().ToString());
    return out;
  }

 private:
  struct Slot {
    std::unique_ptr<WorkerMedia> media;
    std::unique_ptr<transport::Worker> worker;
  };
  struct PeerRecord {
    RoomId room{};
    size_t worker = 0;
    std::shared_ptr<PeerCounters> counters;
    uint32_t audio_ssrc = 0;  // kept across ICE restarts
    std::string remote_fingerprint;
    std::string remote_ufrag;
    std::vector<std::string> slot_mids;
    std::vector<VideoSourceKind> sources;
    stun::IceCredentials local_ice;
    std::vector<VideoSlotParams> slots;  // our SSRCs, kept across renegotiations
  };

  static void RecordVideo(PeerRecord& record, const VideoParams& video) {
    record.slots = video.slots;
    record.slot_mids.clear();
    record.sources.clear();
    for (const VideoSlotParams& v : video.slots) record.slot_mids.push_back(v.mid);
    for (const VideoPublicationParams& v : video.publications) record.sources.push_back(v.source);
  }

  static absl::Status NoMedia(ParticipantId participant) {
    return absl::NotFoundError(absl::StrCat("participant ", ToInt(participant),
                                            " has no media connection"));
  }

  struct PendingOffer {
    LocalParams local;
    ServerOffer offer;
    size_t worker = 0;
  };

  LocalParams MakeLocalParams(const Slot& slot, uint32_t audio_ssrc) const {
    LocalParams local;
    local.ice = stun::GenerateIceCredentials();
    local.fingerprint_sha256 = certificate_->fingerprint_sha256();
    local.audio_ssrc = audio_ssrc;
    local.cname = "konfero";
    const net::IpEndpoint bound = slot.worker->local_endpoint();
    if (options_.announced_addresses.empty()) {
      local.candidates.push_back(bound);
    } else {
      for (const std::string& a : options_.announced_addresses) {
        local.candidates.push_back(*net::IpEndpoint::Parse(a, bound.port()));
      }
    }
    return local;
  }

  // Creates the peer on its worker (replacing an earlier one) and applies
  // the participant's current hold and mute.
  void StartPeer(const ParticipantInfo& info, size_t index, PeerSetup setup,
                 uint32_t audio_ssrc) {
    Slot& slot = workers_[index];
    auto counters = std::make_shared<PeerCounters>();
    WorkerMedia* media = slot.media.get();
    const ParticipantId participant = info.id;
    const bool on_hold = info.waiting;
    const bool muted = info.muted;
    PeerRecord record{info.room, index, counters, audio_ssrc,
                      setup.dtls.remote_fingerprint, setup.remote_ice.ufrag, {}, {},
                      setup.local_ice, {}};
    RecordVideo(record, setup.video);
    slot.worker->Post([media, setup = std::move(setup), counters, participant,
                       on_hold, muted]() mutable {
      media->AddPeer(std::move(setup), counters);
      media->SetOnHold(participant, on_hold);
      media->SetMuted(participant, muted);
    });
    peers_[participant] = std::move(record);
  }

  template <typename Fn>
  void PostToPeer(const PeerRecord& record, Fn fn) {
    WorkerMedia* media = workers_[record.worker].media.get();
    workers_[record.worker].worker->Post([media, fn = std::move(fn)] { fn(*media); });
  }

  // ReportSink: on a worker thread.
  void Deliver(media::Report report) override {
    absl::MutexLock lock(&mu_);
    reports_.push_back(std::move(report));
  }

  void OnRoomEvent(const Event& e) {
    if (const auto* left = std::get_if<ParticipantLeft>(&e.body)) {
      pending_offers_.erase(left->participant);
      (void)Disconnect(left->participant);
    } else if (std::holds_alternative<ConferenceStateChanged>(e.body)) {
      // Guests are on hold exactly while no moderator is present.
      for (const auto& [id, record] : peers_) {
        if (record.room != e.room) continue;
        absl::StatusOr<ParticipantInfo> info = rooms_.GetParticipant(id);
        if (!info.ok()) continue;
        const bool on_hold = info->waiting;
        const ParticipantId pid = id;
        PostToPeer(record, [pid, on_hold](WorkerMedia& m) { m.SetOnHold(pid, on_hold); });
      }
    } else if (const auto* muted = std::get_if<ParticipantMuted>(&e.body)) {
      auto it = peers_.find(muted->participant);
      if (it == peers_.end()) return;
      const ParticipantId pid = muted->participant;
      const bool m = muted->muted;
      PostToPeer(it->second, [pid, m](WorkerMedia& media) { media.SetMuted(pid, m); });
    } else if (const auto* chat = std::get_if<ChatPosted>(&e.body)) {
      nlohmann::json json = {
          {"type", "chat"},
          {"id", chat->message.id},
          {"from", chat->message.sender_name},
          {"role", std::string(ToString(chat->message.sender_role))},
          {"text", chat->message.text},
          {"at", absl::ToUnixMillis(chat->message.sent_at)},
      };
      std::string text = json.dump();
      for (size_t i = 0; i < workers_.size(); ++i) {
        WorkerMedia* media = workers_[i].media.get();
        workers_[i].worker->Post([media, room = e.room, text] { media->SendChat(room, text); });
      }
    }
  }

  RoomService& rooms_;
  Options options_;
  std::shared_ptr<const dtls::DtlsCertificate> certificate_;
  std::vector<Slot> workers_;
  absl::flat_hash_map<ParticipantId, PeerRecord> peers_;
  absl::flat_hash_map<ParticipantId, PendingOffer> pending_offers_;
  absl::flat_hash_map<RoomId, ParticipantId> active_speakers_;
  SubscriptionId subscription_{};
  absl::Mutex mu_;
  std::vector<media::Report> reports_ ABSL_GUARDED_BY(mu_);
};

}  // namespace
}  // namespace media

absl::StatusOr<std::unique_ptr<Engine>> Engine::Start(RoomService& rooms,
                                                      Options options) {
  absl::StatusOr<std::shared_ptr<const dtls::DtlsCertificate>> certificate =
      dtls::DtlsCertificate::Generate(absl::Now());
  if (!certificate.ok()) return certificate.status();
  auto engine = std::make_unique<media::EngineImpl>(rooms, std::move(options),
                                                    *std::move(certificate));
  if (absl::Status s = engine->Init(); !s.ok()) return s;
  return engine;
}

}  // namespace konfero
