// konfero/engine.h: the media engine: WebRTC and plain-RTP legs, audio
// mixing and video forwarding for the rooms of a RoomService.
//
// An Engine runs media workers (one thread, one event loop and one UDP port
// for WebRTC each; a room lives on one). A participant that joined through
// the RoomService gets a media leg:
//   - a browser (or aiortc, or any WebRTC peer) offers SDP; Connect()
//     returns the answer (or the engine offers: CreateOffer/AcceptAnswer);
//   - a phone, through a SIP front end, or any plain RTP/AVP endpoint
//     (ffmpeg, a gateway) offers SDP; ConnectRtp() returns the answer (or
//     CreateRtpOffer/AcceptRtpAnswer). PCMU, PCMA, G.722 and Opus; DTMF as
//     RFC 4733 events or in-band tones.
// Every participant, whatever its leg, hears the mix of the others; while
// it waits or the conference is on hold it hears the waiting sound. The
// room's chat travels on the signalling channel, not on data channels.
//
//   auto queue = *konfero::TaskQueue::Create();   // or your event loop
//   konfero::Engine::Options options;
//   options.bind_address = "127.0.0.1";
//   options.executor = queue.get();
//   auto engine = *konfero::Engine::Start(service, options);
//   auto joined = service.JoinAsMember(session, room);
//   auto answer = engine->Connect(joined->participant, offer_sdp);
//
// Thread contract: the Engine is driven by the RoomService's control
// thread: Start, every method and the destructor are called there. The
// engine subscribes to the service's events on that thread and sends the
// media work to its workers as typed commands; what the workers report
// (a leg that failed, a DTMF digit, the active speaker) reaches the control
// thread as tasks on Options::executor. The media path takes no lock.
#ifndef KONFERO_ENGINE_H_
#define KONFERO_ENGINE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "konfero/audio/mixer.h"
#include "konfero/clock.h"
#include "konfero/executor.h"
#include "konfero/media_connector.h"
#include "konfero/media_types.h"
#include "konfero/prompts.h"
#include "konfero/room_service.h"

namespace konfero {

class Engine : public MediaConnector {
 public:
  struct Options {
    // The address the workers bind; their WebRTC UDP ports are `port`,
    // `port` + 1, ... (0: any free port).
    std::string bind_address = "127.0.0.1";
    uint16_t port = 0;
    // Media workers (threads); 0: one per core. A room lives on one.
    int workers = 0;
    // Addresses announced in ICE candidates and plain-RTP SDP (for a
    // server behind NAT); empty: the bound address.
    std::vector<std::string> announced_addresses;
    // A WebRTC peer that sends no valid ICE consent check for this long is
    // dropped and leaves its room (RFC 7675: 30 s).
    absl::Duration consent_timeout = absl::Seconds(30);
    // Plain-RTP legs take an even port and the next one (RTCP) from this
    // range; 0 and 0: ports the system picks.
    uint16_t rtp_port_min = 0;
    uint16_t rtp_port_max = 0;
    audio::MixerConfig mixer;
    // Required: runs the workers' reports on the control thread. Must
    // outlive the engine; tasks it runs after the engine is gone do nothing.
    ControlExecutor* executor = nullptr;
    // The media timers' clock (ICE consent, DTLS, RTP timeouts, RTCP); null:
    // the system's monotonic clock. Must outlive the engine.
    const MonotonicClock* clock = nullptr;
  };

  // `rooms` must outlive the engine. InvalidArgument for bad options.
  static absl::StatusOr<std::unique_ptr<Engine>> Start(RoomService& rooms,
                                                       Options options);

  // ---- WebRTC legs ---------------------------------------------------------------
  // The participant (present in `rooms`) offers; returns the SDP answer.
  // A second Connect for the same participant renegotiates (the same
  // transport), restarts ICE (the same DTLS endpoint, new credentials) or
  // replaces its transport (a reconnect).
  absl::StatusOr<std::string> Connect(ParticipantId participant,
                                      std::string_view offer) override = 0;
  // The reverse: the engine offers (audio with the mix, a "control" data
  // channel), the participant's peer answers. A new offer replaces one
  // still waiting.
  virtual absl::StatusOr<std::string> CreateOffer(ParticipantId participant) = 0;
  // FailedPrecondition without a waiting offer; InvalidArgument, and the
  // offer keeps waiting, for an answer that does not fit it.
  virtual absl::Status AcceptAnswer(ParticipantId participant,
                                    std::string_view answer) = 0;

  // ---- Plain-RTP legs --------------------------------------------------------------
  // The participant's RTP/AVP offer (a phone's INVITE); returns the answer.
  // A second ConnectRtp for a participant with a plain-RTP leg is a
  // re-offer on the same leg (hold with sendonly, resume, a new address).
  // InvalidArgument for an offer without a usable audio section (SRTP,
  // no common codec), naming why.
  virtual absl::StatusOr<std::string> ConnectRtp(ParticipantId participant,
                                                 std::string_view offer,
                                                 const RtpLegOptions& options = {}) = 0;
  // The engine offers RTP/AVP (an INVITE without SDP gets our offer in the
  // 200 and answers in the ACK).
  virtual absl::StatusOr<std::string> CreateRtpOffer(ParticipantId participant,
                                                     const RtpLegOptions& options = {}) = 0;
  virtual absl::Status AcceptRtpAnswer(ParticipantId participant,
                                       std::string_view answer) = 0;
  // Sends DTMF to a plain-RTP leg as RFC 4733 events, one digit after the
  // other. InvalidArgument for a character that is not 0-9, *, #, A-D;
  // FailedPrecondition if the leg negotiated no telephone-event.
  virtual absl::Status SendDtmf(ParticipantId participant, std::string_view digits) = 0;
  // Called on the control thread for each digit a leg receives (RFC 4733
  // events count once; in-band tones once per tone).
  using DtmfHandler = std::function<void(ParticipantId participant, char digit)>;
  virtual void SetDtmfHandler(DtmfHandler handler) = 0;

  // ---- Phone calls before they join (the PIN prompt) -------------------------------
  // A SIP front end answers a call before it knows the caller's room: the
  // call gets a plain-RTP leg of its own, which plays prompts and reports
  // digits (CallEvent) but hears no room. AdmitCall then moves that leg into
  // a participant's room: the same ports, SSRC and RTP sequence, so the
  // phone notices nothing; from then on it is the participant's leg
  // (ConnectRtp re-offers, SendDtmf, Disconnect, the DtmfHandler).
  struct AnsweredCall {
    CallId call{};
    std::string answer;
  };
  // The caller's RTP/AVP offer (an INVITE); InvalidArgument as ConnectRtp.
  virtual absl::StatusOr<AnsweredCall> AnswerCall(std::string_view offer,
                                                  const RtpLegOptions& options = {}) = 0;
  struct OfferedCall {
    CallId call{};
    std::string offer;
  };
  // An INVITE without SDP: our offer goes in the 200, the answer comes in
  // the ACK (AcceptCallAnswer).
  virtual absl::StatusOr<OfferedCall> OfferCall(const RtpLegOptions& options = {}) = 0;
  virtual absl::Status AcceptCallAnswer(CallId call, std::string_view answer) = 0;
  // A re-offer before admission (the caller holds or resumes).
  virtual absl::StatusOr<std::string> UpdateCall(CallId call, std::string_view offer) = 0;
  // Queues a prompt on the call; CallEvent::kPromptsDone when the queue
  // has played out. With `interrupt`, what was queued stops first.
  virtual absl::Status PlayPrompt(CallId call, PromptId prompt, PromptLanguage language,
                                  bool interrupt = false) = 0;
  // The call's leg becomes `participant`'s (present in the RoomService,
  // without a media leg). NotFound for an unknown call.
  virtual absl::Status AdmitCall(CallId call, ParticipantId participant) = 0;
  // Ends a call that was not admitted (RTCP BYE; the ports are freed).
  virtual absl::Status HangUpCall(CallId call) = 0;
  using CallHandler = std::function<void(const CallEvent& event)>;
  virtual void SetCallHandler(CallHandler handler) = 0;
  // A prompt to an admitted phone instead of the room's mix while it plays
  // (e.g. "the conference has ended" before the hang-up).
  // FailedPrecondition for a WebRTC leg.
  virtual absl::Status PlayPrompt(ParticipantId participant, PromptId prompt,
                                  PromptLanguage language) = 0;
  // ---- Any leg -----------------------------------------------------------------------
  // Closes the participant's media leg (it stays in its room).
  absl::Status Disconnect(ParticipantId participant) override = 0;
  virtual absl::StatusOr<PeerStats> GetStats(ParticipantId participant) = 0;
  virtual EngineTotals GetTotals() const = 0;

  // ---- Video (WebRTC legs) -----------------------------------------------------------
  // The subscriber's wish for the slot with this mid. NotFound for an
  // unknown participant or mid; InvalidArgument for negative sizes.
  virtual absl::Status SetVideoSubscription(ParticipantId subscriber, std::string_view mid,
                                            const VideoSubscription& subscription) = 0;
  // Camera off (or screen share paused) without renegotiation: nothing of
  // it is forwarded until it resumes (with a keyframe). NotFound if the
  // participant does not publish that source.
  virtual absl::Status SetVideoPaused(ParticipantId publisher, VideoSource source,
                                      bool paused) = 0;
  // Test hook (see NetworkImpairment). InvalidArgument for loss outside
  // 0..1 or a negative rate.
  virtual absl::Status SetEgressImpairment(ParticipantId participant,
                                           const NetworkImpairment& impairment) = 0;
  // The room's active speaker (the mixer's newest current speaker), if any.
  virtual std::optional<ParticipantId> ActiveSpeaker(RoomId room) const = 0;
  // The UDP endpoints the workers listen on for WebRTC ("127.0.0.1:40000", ...).
  virtual std::vector<std::string> listen_addresses() const = 0;
};

}  // namespace konfero

#endif  // KONFERO_ENGINE_H_
