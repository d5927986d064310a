// media_commands.h: what the control plane tells a media worker, as typed
// values, and what a worker reports back.
//
// The control plane (engine/src/control) decides; a worker (WorkerMedia)
// only carries out. A command names a participant's leg; the worker knows
// nothing of rooms' rules (who is a moderator, whether the conference
// runs): the control plane translates those into SetHold and SetMuted.
//
// Thread contract: plain values, moved from the control thread to a worker
// (commands) and back (reports).
#ifndef KONFERO_MEDIA_MEDIA_COMMANDS_H_
#define KONFERO_MEDIA_MEDIA_COMMANDS_H_

#include <memory>
#include <string>
#include <variant>

#include "konfero/media_types.h"
#include "konfero/prompts.h"
#include "konfero/room_types.h"
#include "media/leg_counters.h"
#include "media/peer_setup.h"
#include "media/rtp_leg.h"
#include "plain_rtp/plain_rtp_sdp.h"
#include "stun/ice_lite.h"

namespace konfero::media {

// ---- Control plane -> worker ------------------------------------------------------------

// A new WebRTC leg (replacing any leg the participant had on this worker).
struct AddWebRtcLeg {
  PeerSetup setup;
  std::shared_ptr<LegCounters> counters;
  bool on_hold = false;
  bool muted = false;
};
// A new plain-RTP leg (replacing any leg the participant had).
struct AddRtpLeg {
  RtpLegSetup setup;
  std::shared_ptr<LegCounters> counters;
  bool on_hold = false;
  bool muted = false;
};
// A plain-RTP re-offer: direction (hold, resume), address or codec.
struct UpdateRtpLeg {
  ParticipantId participant{};
  plain_rtp::PlainRtpParams params;
};
// RFC 4733 digits to a plain-RTP leg.
struct SendDigits {
  ParticipantId participant{};
  std::string digits;
};
// A renegotiation of a WebRTC leg: same transport, new video sections.
struct UpdateVideo {
  ParticipantId participant{};
  VideoParams video;
};
// New ICE credentials for the same DTLS endpoint, and its video sections.
struct RestartIce {
  ParticipantId participant{};
  stun::IceCredentials local;
  stun::IceCredentials remote;
  VideoParams video;
};
struct RemoveLeg {
  ParticipantId participant{};
};
// On hold: mixed with no one, hears the waiting sound, no video.
struct SetHold {
  ParticipantId participant{};
  bool on_hold = false;
};
struct SetMuted {
  ParticipantId participant{};
  bool muted = false;
};
struct SetVideoSubscription {
  ParticipantId subscriber{};
  std::string mid;
  VideoSubscription subscription;
};
struct SetVideoPaused {
  ParticipantId publisher{};
  VideoSource source = VideoSource::kCamera;
  bool paused = false;
};
struct SetImpairment {
  ParticipantId participant{};
  NetworkImpairment impairment;
};

// ---- Phone calls before they are admitted (media/call_entry.h) ----
// A plain-RTP leg of its own, in no room: it plays prompts (silence
// between them) and reports digits.
struct AddCall {
  CallId call{};
  RtpLegSetup setup;  // participant and room are zero
  std::shared_ptr<LegCounters> counters;
};
struct UpdateCall {
  CallId call{};
  plain_rtp::PlainRtpParams params;
};
// A prompt to a call (call != 0) or to an admitted participant's RTP leg.
struct PlayPrompt {
  CallId call{};
  ParticipantId participant{};
  PromptId prompt = PromptId::kEnterPin;
  PromptLanguage language = PromptLanguage::kEnglish;
  bool interrupt = false;
};
// The call's leg leaves this worker (reported back as CallReleased) to be
// adopted by the worker of the room it is admitted to.
struct ReleaseCall {
  CallId call{};
};
struct HangUpCall {
  CallId call{};
};
// A released call's leg becomes a participant's leg in its room here.
struct AdoptRtpLeg {
  ParticipantId participant{};
  RoomId room{};
  std::shared_ptr<std::unique_ptr<RtpLeg>> leg;
  std::shared_ptr<LegCounters> counters;  // the leg's own
  bool on_hold = false;
  bool muted = false;
};

// An admitted call's participant left its room: its leg leaves the room
// and is that call again (prompts, digits, HangUpCall).
struct ReturnToCall {
  ParticipantId participant{};
  CallId call{};
};
// A released call's leg whose participant left before it reached the room:
// it is the call again, here (where it was released).
struct ResumeCall {
  CallId call{};
  std::shared_ptr<std::unique_ptr<RtpLeg>> leg;
};

using MediaCommand =
    std::variant<AddWebRtcLeg, AddRtpLeg, UpdateRtpLeg, SendDigits, UpdateVideo, RestartIce,
                 RemoveLeg, SetHold, SetMuted, SetVideoSubscription, SetVideoPaused,
                 SetImpairment, AddCall, UpdateCall, PlayPrompt, ReleaseCall, HangUpCall,
                 AdoptRtpLeg, ReturnToCall, ResumeCall>;

// ---- Worker -> control plane ------------------------------------------------------------

struct LegStateChanged {
  ParticipantId participant{};
  PeerState state = PeerState::kConnecting;
  std::string reason;  // why it failed, for logs; empty otherwise
};
struct ActiveSpeakerChanged {
  RoomId room{};
  ParticipantId participant{};
};
struct DigitReceived {
  ParticipantId participant{};
  char digit = 0;
};

// A digit, the end of the prompts, or the end of a call not yet admitted.
struct CallReport {
  CallEvent event;
};
// The leg of a call, unplugged from its worker (ReleaseCall).
struct CallReleased {
  CallId call{};
  std::shared_ptr<std::unique_ptr<RtpLeg>> leg;
};

using MediaReport = std::variant<LegStateChanged, ActiveSpeakerChanged, DigitReceived,
                                 CallReport, CallReleased>;

// Where a worker's reports go. Called on the worker thread; the control
// plane's sink posts them to its ControlExecutor.
class ReportSink {
 public:
  virtual ~ReportSink() = default;
  virtual void Deliver(MediaReport report) = 0;
};

}  // namespace konfero::media

#endif  // KONFERO_MEDIA_MEDIA_COMMANDS_H_
