// worker_media.h: the rooms and peers that live on one media worker.
//
// WorkerMedia is the worker's DatagramHandler: it demultiplexes each
// datagram (RFC 7983: STUN by the ICE username, DTLS and SRTP by the remote
// address) to a PeerTransport, feeds received audio to the room's mixer,
// ticks every room's mixer each 20 ms and sends each peer its frames, relays
// binary data-channel messages to the room, and reports what the control
// thread must know (state changes, chat text) through a ReportSink.
//
// Thread contract: constructed on any thread, then used only on its
// worker's thread (through Worker::Post and the worker's callbacks); the
// ReportSink is called on the worker thread.
#ifndef KONFERO_MEDIA_WORKER_MEDIA_H_
#define KONFERO_MEDIA_WORKER_MEDIA_H_

#include <array>
#include <atomic>
#include <memory>
#include <string>
#include <vector>

#include <boost/asio/steady_timer.hpp>

#include "absl/container/flat_hash_map.h"
#include "dtls/dtls_certificate.h"
#include "konfero/audio/mixer.h"
#include "media/peer_transport.h"
#include "media/video_router.h"
#include "common/absl_compat.h"
#include "transport/worker.h"

namespace konfero::media {

// What a worker reports to the control thread.
struct Report {
  enum class Kind { kStateChanged, kChatText, kActiveSpeaker };
  Kind kind = Kind::kStateChanged;
  ParticipantId participant{};
  PeerState state = PeerState::kConnecting;
  std::string text;
};

class ReportSink {
 public:
  virtual ~ReportSink() = default;
  virtual void Deliver(Report report) = 0;  // any worker thread
};

class WorkerMedia final : public transport::DatagramHandler,
                          private PeerTransport::Owner {
 public:
  WorkerMedia(audio::MixerConfig mixer_config,
              std::shared_ptr<const dtls::DtlsCertificate> certificate,
              ReportSink& reports);
  ~WorkerMedia() override;

  // Once, before the worker posts anything here: the worker that owns this.
  void Attach(transport::Worker& worker);

  // Worker thread (posted by the control thread).
  void AddPeer(PeerSetup setup, std::shared_ptr<PeerCounters> counters);
  void RemovePeer(ParticipantId participant);
  void RestartIce(ParticipantId participant, stun::IceCredentials local,
                  stun::IceCredentials remote);
  void SetOnHold(ParticipantId participant, bool on_hold);
  // A renegotiation: the same transport, new video sections.
  void UpdateVideo(ParticipantId participant, VideoParams video);
  void SetMuted(ParticipantId participant, bool muted);
  void SetVideoSubscription(ParticipantId participant, const std::string& mid,
                            VideoSubscriptionSettings settings);
  void SetVideoPublicationPaused(ParticipantId participant, VideoSourceKind source,
                                 bool paused);
  void SetEgressImpairment(ParticipantId participant, EgressImpairment impairment);
  void SendChat(RoomId room, const std::string& json);
  void Shutdown();

  // Any thread: the ticks so far (count, total and longest duration).
  struct TickStats {
    uint64_t ticks = 0;
    uint64_t total_ns = 0;
    uint64_t max_ns = 0;
  };
  TickStats tick_stats() const {
    return {tick_count_.load(std::memory_order_relaxed),
            tick_total_ns_.load(std::memory_order_relaxed),
            tick_max_ns_.load(std::memory_order_relaxed)};
  }

  // transport::DatagramHandler
  void OnDatagram(absl::Span<const uint8_t> data,
                  const net::IpEndpoint& from) override;

 private:
  struct PeerEntry {
    std::unique_ptr<PeerTransport> transport;
    audio::ParticipantId mixer_id = 0;
    std::shared_ptr<PeerCounters> counters;
    bool speaker = false;
    uint64_t speaker_since = 0;  // tick
    bool on_hold = false;
  };
  struct RoomEntry {
    std::unique_ptr<audio::Mixer> mixer;
    std::unique_ptr<VideoRouter> video;
    absl::flat_hash_map<ParticipantId, PeerEntry> peers;
    std::optional<ParticipantId> active_speaker;
  };

  // PeerTransport::Owner
  void SendDatagram(absl::Span<const uint8_t> datagram,
                    const net::IpEndpoint& to) override;
  void OnAudioPacket(PeerTransport& peer,
                     const audio::InputPacket& packet) override;
  void OnStateChanged(PeerTransport& peer, PeerState state) override;
  void OnDataMessage(PeerTransport& peer, std::string_view label,
                     sctp::MessageKind kind,
                     absl::Span<const uint8_t> message) override;
  void OnReceiverLoss(PeerTransport& peer, int loss_percent) override;
  void OnVideoRtp(PeerTransport& peer, absl::Span<uint8_t> packet,
                  int64_t arrival_us) override;
  void OnVideoFeedback(PeerTransport& peer, const rtp::RtcpPacket& packet,
                       int64_t now_us) override;
  void OnDataChannelOpen(PeerTransport& peer, std::string_view label) override;
  void UpdateActiveSpeaker(RoomEntry& room);

  PeerEntry* FindPeer(ParticipantId participant, RoomEntry** room = nullptr);
  void ScheduleTick();
  void Tick();
  void ScheduleHousekeeping();
  void ForgetAddresses(PeerTransport* peer);

  const audio::MixerConfig mixer_config_;
  std::shared_ptr<const dtls::DtlsCertificate> certificate_;
  ReportSink& reports_;
  transport::Worker* worker_ = nullptr;
  std::unique_ptr<boost::asio::steady_timer> tick_timer_;
  std::unique_ptr<boost::asio::steady_timer> housekeeping_timer_;
  std::chrono::steady_clock::time_point next_tick_;
  bool shut_down_ = false;

  absl::flat_hash_map<RoomId, RoomEntry> rooms_;
  absl::flat_hash_map<std::string, PeerTransport*> by_ufrag_;
  absl::flat_hash_map<net::IpEndpoint, PeerTransport*> by_address_;
  std::array<uint8_t, 1500> scratch_{};
  audio::EncodedFrame frame_{};  // reused by every tick
  uint64_t ticks_ = 0;
  std::atomic<uint64_t> tick_count_{0};
  std::atomic<uint64_t> tick_total_ns_{0};
  std::atomic<uint64_t> tick_max_ns_{0};
};

}  // namespace konfero::media

#endif  // KONFERO_MEDIA_WORKER_MEDIA_H_
