// konfero/media_types.h: the values that describe a participant's media,
// shared by the public Engine API and the engine's internals (one type for
// each notion: the media plane uses these directly).
//
// Thread contract: plain values; copy them between threads freely.
#ifndef KONFERO_MEDIA_TYPES_H_
#define KONFERO_MEDIA_TYPES_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"
#include "konfero/audio/audio_types.h"

namespace konfero {

// How a participant's media reaches the engine.
enum class LegKind : uint8_t {
  kWebRtc,    // ICE-lite, DTLS-SRTP, data channels, video (browsers, aiortc)
  kPlainRtp,  // RTP/AVP audio (phones behind a SIP front end, ffmpeg, gateways)
};
std::string_view ToString(LegKind kind);

enum class PeerState : uint8_t {
  kConnecting,    // answer sent; ICE/DTLS in progress (plain RTP: no packet yet)
  kConnected,     // media flows (WebRTC: DTLS up)
  kDisconnected,  // consent not refreshed for a few seconds
  kFailed,        // consent expired, DTLS failed, RTP timeout or BYE: the participant leaves
  kClosed,
};
std::string_view ToString(PeerState s);

// Video: a participant publishes its camera and, optionally, its screen
// share, each on a video section of its offer that it sends on (the first
// such section is the camera, the second the screen share; simulcast with
// a=simulcast/rid, up to three layers). Every video section it can receive
// on is a slot the SFU fills with another participant's camera or screen
// share (see docs/sfu.md).
enum class VideoSource : uint8_t { kCamera = 0, kScreen = 1 };
std::string_view ToString(VideoSource source);  // "camera", "screen"

// What a subscriber asks of one slot: the size of the tile that shows it
// (the SFU picks the simulcast layer that fits; 0: no limit), or nothing
// at all while the tile is hidden.
struct VideoSubscription {
  bool paused = false;
  int max_width = 0;
  int max_height = 0;
};

// Test hook: what the network would do to the packets the server sends a
// participant (random loss, a rate limit that drops what exceeds it).
struct NetworkImpairment {
  double loss = 0;              // 0..1
  int64_t max_bitrate_bps = 0;  // 0: none
};

// A phone call the engine answered before its caller joined a room (the
// PIN prompt): Engine::AnswerCall makes one, Engine::AdmitCall moves it into
// a participant's room.
enum class CallId : uint64_t {};

// What happens on a call before it is admitted (Engine::SetCallHandler).
struct CallEvent {
  enum class Type : uint8_t {
    kDigit,        // `digit` was typed (RFC 4733 event or in-band tone, once each)
    kPromptsDone,  // every prompt queued with PlayPrompt has been played
    kEnded,        // the leg ended (RTP timeout, RTCP BYE); `reason` says why
  };
  CallId call{};
  Type type = Type::kDigit;
  char digit = 0;
  std::string reason;
  // kPromptsDone: how many PlayPrompt calls the call had received when its
  // queue played out (counted from when it last became a call: AnswerCall,
  // OfferCall, or its participant leaving the room). Fewer than were made
  // means a prompt queued since is still playing: the event is stale.
  uint64_t prompts_played = 0;
};

// A plain-RTP leg's behaviour (Engine::ConnectRtp, Engine::CreateRtpOffer).
struct RtpLegOptions {
  // After the first valid packet, send to where it came from (a phone
  // behind NAT). Off: always send to the address of the SDP.
  bool symmetric_rtp = true;
  // No RTP for this long ends the leg (its participant leaves); the clock
  // stops while the remote holds the call (sendonly or inactive).
  absl::Duration rtp_timeout = absl::Seconds(30);
  // In-band DTMF detection: kAuto when the offer has no telephone-event.
  enum class InbandDtmf : uint8_t { kAuto, kOn, kOff };
  InbandDtmf inband_dtmf = InbandDtmf::kAuto;
  // The codecs accepted or offered, best first (the offerer's order wins
  // when we answer). Empty: Opus, G.722, PCMU, PCMA.
  std::vector<audio::Codec> codecs;
};

struct PeerStats {
  LegKind kind = LegKind::kWebRtc;
  PeerState state = PeerState::kConnecting;
  uint64_t rtp_packets_in = 0;
  uint64_t rtp_packets_out = 0;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  uint64_t srtp_failures = 0;      // authentication or replay failures
  uint64_t data_messages_in = 0;
  uint64_t data_messages_out = 0;
  // Data-channel messages the server does not read (binary, or on a label
  // other than "control"): dropped, never relayed.
  uint64_t data_messages_dropped = 0;
  // Video.
  uint64_t video_packets_in = 0;      // from the participant (incl. RTX)
  uint64_t video_packets_out = 0;     // to it (incl. RTX, before impairment)
  uint64_t rtx_packets_out = 0;       // retransmissions answering its NACKs
  uint64_t nacks_in = 0;              // NACK messages it sent
  uint64_t keyframe_requests_in = 0;  // PLI/FIR it sent
  uint64_t keyframe_requests_out = 0; // PLIs the SFU sent it (as publisher)
  uint64_t transport_feedback_out = 0;
  uint64_t layer_switches = 0;        // source switches on its slots
  uint64_t impairment_drops = 0;
  int64_t bandwidth_estimate_bps = 0; // its downlink, as the SFU estimates it
  // Plain RTP.
  uint64_t rtcp_packets_in = 0;
  uint64_t rtcp_packets_out = 0;
  uint64_t invalid_packets_in = 0;    // not RTP/RTCP of the negotiated session
  uint64_t dtmf_digits_in = 0;
};

// Sums of PeerStats over the legs the engine has now (a leg's counts leave
// the sums when it closes), for metrics.
struct EngineTotals {
  int peers = 0;       // every leg
  int rtp_legs = 0;    // of which plain RTP
  uint64_t rtp_packets_in = 0;
  uint64_t rtp_packets_out = 0;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  uint64_t layer_switches = 0;
  // The workers' 20 ms media ticks (mixing every room, sending the mixes)
  // since the engine started: how many, their total and longest duration.
  uint64_t mixer_ticks = 0;
  double mixer_tick_seconds = 0;
  double mixer_tick_max_seconds = 0;
  // The 99th percentile of the last 500 ticks (10 s) of the busiest worker;
  // 0 until a worker has ticked that often. In wall time, and in the worker
  // thread's CPU time (what a tick costs, without the waits for a core that
  // other processes on the machine cause).
  double mixer_tick_p99_seconds = 0;
  double mixer_tick_cpu_p99_seconds = 0;
};

}  // namespace konfero

#endif  // KONFERO_MEDIA_TYPES_H_
