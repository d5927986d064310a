// worker_media.h: the media plane of one worker: the rooms and legs that
// live on it.
//
// WorkerMedia carries out the control plane's typed commands (Apply) and
// reports what the control plane must know (a leg's state, the active
// speaker, a DTMF digit) through a ReportSink. It is room-agnostic: it
// knows which legs share a mixer and an SFU, not who may speak; hold and
// mute arrive as commands.
//
// It is also the worker's DatagramHandler for the shared WebRTC port:
// RFC 7983 demultiplexing (STUN by the ICE username, DTLS and SRTP by the
// remote address) to a PeerTransport. Every 20 ms it ticks each room's
// mixer and hands each leg its frame; every 10 ms it runs the legs' and the
// SFU's timers. Both timers run only while the worker has a leg or a call:
// an idle worker does not wake up (the next leg or call starts them).
//
// Time: one injected monotonic clock (konfero/clock.h) for every protocol
// timer; the Asio timers only decide when to look at it.
//
// Thread contract: constructed on any thread, then used only on its
// worker's thread (Apply through Worker::Post; the datagram and timer
// callbacks), checked in debug builds. tick_stats() from any thread. The
// ReportSink is called on the worker thread.
#ifndef KONFERO_MEDIA_WORKER_MEDIA_H_
#define KONFERO_MEDIA_WORKER_MEDIA_H_

#include <array>
#include <atomic>
#include <memory>
#include <optional>
#include <string>

#include <boost/asio/steady_timer.hpp>

#include "absl/container/flat_hash_map.h"
#include "common/absl_compat.h"
#include "common/sequence_checker.h"
#include "dtls/dtls_certificate.h"
#include "konfero/audio/mixer.h"
#include "konfero/clock.h"
#include "media/call_entry.h"
#include "media/leg.h"
#include "media/media_commands.h"
#include "media/peer_transport.h"
#include "media/prompt_source.h"
#include "media/rtp_leg.h"
#include "media/tick_window.h"
#include "media/video_router.h"
#include "transport/worker.h"

namespace konfero::media {

class WorkerMedia final : public transport::DatagramHandler,
                          private PeerTransport::Owner {
 public:
  WorkerMedia(audio::MixerConfig mixer_config,
              std::shared_ptr<const dtls::DtlsCertificate> certificate,
              ReportSink& reports, const MonotonicClock& clock);
  ~WorkerMedia() override;

  // Once, before the worker posts anything here: sends through `worker`
  // and runs the 20 ms tick and the 10 ms housekeeping on its loop (while
  // there is a leg or a call).
  void Attach(transport::Worker& worker);
  // Tests: sends through `sender`; no timers (call Tick and Housekeeping).
  void AttachSender(transport::DatagramSender& sender) { sender_ = &sender; }

  // Worker thread.
  void Apply(MediaCommand command);
  void Tick();
  void Housekeeping();
  void Shutdown();

  // transport::DatagramHandler (worker thread)
  void OnDatagram(absl::Span<const uint8_t> data, const net::IpEndpoint& from) override;

  // Worker thread: what tests and the SFU harness look at.
  int leg_count() const { return static_cast<int>(legs_.size()); }
  const MediaLeg* FindLeg(ParticipantId participant) const;
  // The leg of a call not yet admitted, or null.
  RtpLeg* FindCallLeg(CallId call) const;

  // Any thread: the ticks so far (count, total and longest duration), and
  // the 99th percentile of the last 500 ticks (10 s; 0 until then), in
  // wall time and in the worker thread's CPU time (the tick's own cost,
  // without the time the thread waited for a core).
  struct TickStats {
    uint64_t ticks = 0;
    uint64_t total_ns = 0;
    uint64_t max_ns = 0;
    uint64_t window_p99_ns = 0;
    uint64_t window_cpu_p99_ns = 0;
  };
  TickStats tick_stats() const {
    return {tick_count_.load(std::memory_order_relaxed),
            tick_total_ns_.load(std::memory_order_relaxed),
            tick_max_ns_.load(std::memory_order_relaxed), tick_window_.p99_ns(),
            tick_cpu_window_.p99_ns()};
  }

 private:
  struct RoomEntry;
  struct LegEntry {
    std::unique_ptr<MediaLeg> leg;
    PeerTransport* webrtc = nullptr;  // the same object, if a WebRTC leg
    RtpLeg* rtp = nullptr;            // the same object, if a plain-RTP leg
    RoomEntry* room = nullptr;
    audio::StreamId mixer_id = 0;
    bool speaker = false;
    uint64_t speaker_since = 0;  // tick
    bool on_hold = false;
    // A prompt played instead of the mix (plain-RTP legs), made on first use.
    std::unique_ptr<PromptSource> prompt;
  };
  struct RoomEntry {
    RoomId id{};
    std::unique_ptr<audio::Mixer> mixer;
    std::unique_ptr<VideoRouter> video;
    absl::flat_hash_map<ParticipantId, std::unique_ptr<LegEntry>> legs;
    std::optional<ParticipantId> active_speaker;
  };

  // Commands (media_commands.h).
  void Handle(AddWebRtcLeg& c);
  void Handle(AddRtpLeg& c);
  void Handle(UpdateRtpLeg& c);
  void Handle(SendDigits& c);
  void Handle(UpdateVideo& c);
  void Handle(RestartIce& c);
  void Handle(RemoveLeg& c);
  void Handle(SetHold& c);
  void Handle(SetMuted& c);
  void Handle(SetVideoSubscription& c);
  void Handle(SetVideoPaused& c);
  void Handle(SetImpairment& c);
  // Phone calls before admission (worker_media_calls.cc).
  void Handle(AddCall& c);
  void Handle(UpdateCall& c);
  void Handle(PlayPrompt& c);
  void Handle(ReleaseCall& c);
  void Handle(HangUpCall& c);
  void Handle(AdoptRtpLeg& c);
  void Handle(ReturnToCall& c);
  void Handle(ResumeCall& c);
  // `leg` becomes call `call` here, with a prompt source of its codec;
  // `io`: the loop to attach its sockets to (null: they stay attached).
  void InstallCall(CallId call, std::unique_ptr<RtpLeg> leg, boost::asio::io_context* io);
  void TickCalls(int64_t now_us);
  // The prompt's frame instead of the mix's, in the mix stream's sequence
  // and timestamps; false when no prompt plays.
  bool ReplaceWithPrompt(LegEntry& entry, audio::EncodedFrame& frame);

  // The room, created with its mixer and SFU on first use; an error if
  // the mixer cannot be made.
  absl::StatusOr<RoomEntry*> RoomFor(RoomId room);
  // Adds an opened leg to its room (the participant's old leg is gone by
  // then): a mixer slot of the leg's codec, hold and mute applied.
  absl::StatusOr<LegEntry*> Insert(std::unique_ptr<MediaLeg> leg, bool on_hold, bool muted);
  void Fail(ParticipantId participant, LegCounters& counters, std::string reason);
  LegEntry* Find(ParticipantId participant);
  void Remove(ParticipantId participant);
  // Takes the leg out of its room without closing it.
  std::unique_ptr<MediaLeg> Extract(ParticipantId participant);
  void ForgetAddresses(PeerTransport* peer);

  // PeerTransport::Owner (and LegObserver)
  void SendDatagram(absl::Span<const uint8_t> datagram, const net::IpEndpoint& to) override;
  void OnAudioPacket(MediaLeg& leg, const audio::InputPacket& packet) override;
  void OnStateChanged(MediaLeg& leg, PeerState state, std::string_view reason) override;
  void OnReceiverLoss(MediaLeg& leg, int loss_percent) override;
  void OnDigit(MediaLeg& leg, char digit) override;
  void OnControlMessage(PeerTransport& peer, std::string_view text) override;
  void OnVideoRtp(PeerTransport& peer, absl::Span<uint8_t> packet, int64_t arrival_us) override;
  void OnVideoFeedback(PeerTransport& peer, const rtp::RtcpPacket& packet,
                       int64_t now_us) override;
  void OnControlChannelOpen(PeerTransport& peer) override;

  void UpdateActiveSpeaker(RoomEntry& room);
  bool Busy() const { return !legs_.empty() || !calls_.empty(); }
  void StartTimersIfBusy();
  void ScheduleTick();
  void ScheduleHousekeeping();
  void CountTick(uint64_t ns, uint64_t cpu_ns);

  const audio::MixerConfig mixer_config_;
  std::shared_ptr<const dtls::DtlsCertificate> certificate_;
  ReportSink& reports_;
  const MonotonicClock& clock_;
  transport::DatagramSender* sender_ = nullptr;
  transport::Worker* worker_ = nullptr;
  std::unique_ptr<boost::asio::steady_timer> tick_timer_;
  std::unique_ptr<boost::asio::steady_timer> housekeeping_timer_;
  std::chrono::steady_clock::time_point next_tick_;
  bool tick_running_ = false;  // a wait is pending on tick_timer_
  bool housekeeping_running_ = false;
  bool shut_down_ = false;
  SequenceChecker worker_thread_{SequenceChecker::kDetached};

  absl::flat_hash_map<RoomId, std::unique_ptr<RoomEntry>> rooms_;
  absl::flat_hash_map<ParticipantId, LegEntry*> legs_;
  absl::flat_hash_map<CallId, std::unique_ptr<CallEntry>> calls_;
  absl::flat_hash_map<std::string, PeerTransport*> by_ufrag_;
  absl::flat_hash_map<net::IpEndpoint, PeerTransport*> by_address_;
  std::array<uint8_t, 1500> scratch_{};
  audio::EncodedFrame frame_{};  // reused by every tick
  uint64_t ticks_ = 0;
  std::atomic<uint64_t> tick_count_{0};
  std::atomic<uint64_t> tick_total_ns_{0};
  std::atomic<uint64_t> tick_max_ns_{0};
  TickWindow tick_window_;
  TickWindow tick_cpu_window_;
};

}  // namespace konfero::media

#endif  // KONFERO_MEDIA_WORKER_MEDIA_H_
