// control_plane.h: the engine's control plane, behind konfero::Engine.
//
// On the RoomService's control thread it owns the registry of the
// participants' media legs and the negotiation choreography (offers,
// answers, renegotiation, ICE restart, plain-RTP re-offers), follows the
// room's events (hold, mute, leave) and turns all of it into typed
// commands for the media plane (media/media_commands.h). The workers'
// reports arrive as tasks on the ControlExecutor and are applied here: a
// failed leg leaves its room, a digit goes to the DTMF handler.
//
// Thread contract: the control thread for everything (checked in debug
// builds); ReportSink::Deliver (inbox) on the worker threads.
#ifndef KONFERO_CONTROL_CONTROL_PLANE_H_
#define KONFERO_CONTROL_CONTROL_PLANE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "common/sequence_checker.h"
#include "control/negotiation.h"
#include "control/offer_answer.h"
#include "control/rtp_ports.h"
#include "dtls/dtls_certificate.h"
#include "konfero/engine.h"
#include "media/leg_counters.h"
#include "media/media_plane.h"
#include "plain_rtp/plain_rtp_sdp.h"

namespace konfero::control {

class ControlPlane final : public Engine {
 public:
  ControlPlane(RoomService& rooms, Options options,
               std::shared_ptr<const dtls::DtlsCertificate> certificate);
  ~ControlPlane() override;
  absl::Status Init();

  absl::StatusOr<std::string> Connect(ParticipantId participant, std::string_view offer) override;
  absl::StatusOr<std::string> CreateOffer(ParticipantId participant) override;
  absl::Status AcceptAnswer(ParticipantId participant, std::string_view answer) override;
  absl::StatusOr<std::string> ConnectRtp(ParticipantId participant, std::string_view offer,
                                         const RtpLegOptions& options) override;
  absl::StatusOr<std::string> CreateRtpOffer(ParticipantId participant,
                                             const RtpLegOptions& options) override;
  absl::Status AcceptRtpAnswer(ParticipantId participant, std::string_view answer) override;
  absl::Status SendDtmf(ParticipantId participant, std::string_view digits) override;
  void SetDtmfHandler(DtmfHandler handler) override;
  absl::Status Disconnect(ParticipantId participant) override;
  absl::StatusOr<PeerStats> GetStats(ParticipantId participant) override;
  EngineTotals GetTotals() const override;
  absl::Status SetVideoSubscription(ParticipantId subscriber, std::string_view mid,
                                    const VideoSubscription& subscription) override;
  absl::Status SetVideoPaused(ParticipantId publisher, VideoSource source,
                              bool paused) override;
  absl::Status SetEgressImpairment(ParticipantId participant,
                                   const NetworkImpairment& impairment) override;
  std::optional<ParticipantId> ActiveSpeaker(RoomId room) const override;
  // calls.cc
  absl::StatusOr<AnsweredCall> AnswerCall(std::string_view offer,
                                          const RtpLegOptions& options) override;
  absl::StatusOr<OfferedCall> OfferCall(const RtpLegOptions& options) override;
  absl::Status AcceptCallAnswer(CallId call, std::string_view answer) override;
  absl::StatusOr<std::string> UpdateCall(CallId call, std::string_view offer) override;
  absl::Status PlayPrompt(CallId call, PromptId prompt, PromptLanguage language,
                          bool interrupt) override;
  absl::Status AdmitCall(CallId call, ParticipantId participant) override;
  absl::Status HangUpCall(CallId call) override;
  void SetCallHandler(CallHandler handler) override;
  absl::Status PlayPrompt(ParticipantId participant, PromptId prompt,
                          PromptLanguage language) override;
  std::vector<std::string> listen_addresses() const override;

  // Applies one report of a worker (on the control thread).
  void Apply(const media::MediaReport& report);

 private:
  // One participant's media leg, as the control plane negotiated it.
  struct LegRecord {
    LegKind kind = LegKind::kWebRtc;
    RoomId room{};
    size_t worker = 0;
    std::shared_ptr<media::LegCounters> counters;
    WebRtcNegotiation webrtc;  // kWebRtc
    // kPlainRtp: our side (its port and SSRC stay across re-offers) and
    // what was negotiated last.
    plain_rtp::PlainRtpLocal rtp_local;
    plain_rtp::PlainRtpParams rtp_params;
    // kPlainRtp: the call it was admitted from (AdmitCall), if any.
    CallId call{};
  };
  struct PendingRtpOffer {
    plain_rtp::PlainRtpLocal local;
    plain_rtp::PlainRtpOffer offer;
    plain_rtp::PlainRtpLegOptions options;
    std::shared_ptr<media::RtpSockets> sockets;
  };
  struct PendingOffer {
    LocalParams local;
    ServerOffer offer;
    size_t worker = 0;
  };
  // A phone call before admission (calls.cc).
  struct CallRecord {
    size_t worker = 0;
    std::shared_ptr<media::LegCounters> counters;
    plain_rtp::PlainRtpLocal rtp_local;
    plain_rtp::PlainRtpParams rtp_params;
    plain_rtp::PlainRtpLegOptions options;
    // OfferCall: our offer waits for the answer; the leg does not exist yet.
    std::optional<plain_rtp::PlainRtpOffer> offer;
    std::shared_ptr<media::RtpSockets> sockets;
    // AdmitCall: the worker is releasing the leg for this participant.
    std::optional<ParticipantId> admitted_as;
    // The participant left before the leg arrived (a kick in the moment of
    // the move): the leg comes back to this worker as the call, and what
    // was sent to the call meanwhile waits here until then.
    bool returning = false;
    std::vector<media::MediaCommand> held;
  };
  class Inbox;  // the workers' ReportSink: posts to the executor

  LocalParams MakeLocalParams(size_t worker, uint32_t audio_ssrc) const;
  // A new WebRTC leg on its worker (replacing an earlier one), with the
  // participant's current hold and mute.
  void StartWebRtcLeg(const ParticipantInfo& info, size_t worker, media::PeerSetup setup,
                      uint32_t audio_ssrc);
  // Binds a port pair and fills our side of a plain-RTP negotiation.
  absl::StatusOr<plain_rtp::PlainRtpLocal> MakeRtpLocal(const RtpLegOptions& options,
                                                        std::shared_ptr<media::RtpSockets>* sockets);
  void StartRtpLeg(const ParticipantInfo& info, plain_rtp::PlainRtpLocal local,
                   plain_rtp::PlainRtpParams params, plain_rtp::PlainRtpLegOptions options,
                   std::shared_ptr<media::RtpSockets> sockets);
  // Removes the participant's leg if it lives on another worker than
  // `worker` (a leg on the same worker is replaced there by the Add).
  void RemoveLegElsewhere(ParticipantId participant, size_t worker);
  void Send(const LegRecord& record, media::MediaCommand command);
  absl::StatusOr<LegRecord*> FindLeg(ParticipantId participant);

  // room_events.cc
  void OnRoomEvent(const Event& event);
  // calls.cc
  absl::StatusOr<CallRecord*> FindCall(CallId call);
  // A port pair and our side of a call's negotiation.
  absl::StatusOr<CallRecord> NewCallRecord(const RtpLegOptions& options);
  // Sends the call's leg to the next worker, round robin.
  void StartCall(CallId call, CallRecord record);
  void ApplyCallReport(const CallEvent& event);
  void AdoptReleasedCall(CallId call, std::shared_ptr<std::unique_ptr<media::RtpLeg>> leg);
  // A participant that was an admitted call left its room: its leg becomes
  // that call again (for a last prompt and the hang-up), also while it is
  // still on its way to the room. False if it was no call.
  bool ReturnToCall(ParticipantId participant);
  // To a call's worker, or held while its leg is returning.
  void SendToCall(CallRecord& record, media::MediaCommand command);

  RoomService& rooms_;
  Options options_;
  std::shared_ptr<const dtls::DtlsCertificate> certificate_;
  SteadyClock steady_clock_;
  std::unique_ptr<Inbox> inbox_;
  std::unique_ptr<media::MediaPlane> plane_;
  absl::flat_hash_map<ParticipantId, LegRecord> legs_;
  absl::flat_hash_map<ParticipantId, PendingOffer> pending_offers_;
  absl::flat_hash_map<ParticipantId, PendingRtpOffer> pending_rtp_offers_;
  std::unique_ptr<RtpPortPool> ports_;
  absl::flat_hash_map<RoomId, ParticipantId> active_speakers_;
  DtmfHandler dtmf_handler_;
  absl::flat_hash_map<CallId, CallRecord> calls_;
  uint64_t last_call_ = 0;
  size_t next_call_worker_ = 0;
  CallHandler call_handler_;
  SubscriptionId subscription_{};
  SequenceChecker control_thread_;
};

}  // namespace konfero::control

#endif  // KONFERO_CONTROL_CONTROL_PLANE_H_
