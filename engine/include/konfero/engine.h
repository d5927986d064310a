// konfero/engine.h: the media engine: WebRTC transports and audio mixing for
// the rooms of a RoomService.
//
// An Engine runs media workers (one thread, one event loop and one UDP port
// each). A participant that joined through the RoomService connects its
// browser (or aiortc, or any WebRTC peer) with an SDP offer; Connect()
// returns the answer. From then on its audio is mixed with the others of
// its room (each hears the mix without itself; guests on hold hear a
// waiting sound), and its data channels carry the room's chat.
//
//   konfero::Engine::Options options{.bind_address = "127.0.0.1"};
//   auto engine = konfero::Engine::Start(service, options);
//   auto joined = service.JoinAsMember(session, room);
//   auto answer = (*engine)->Connect(joined->participant, offer_sdp);
//   // ... on the control thread, regularly (e.g. every 20-50 ms):
//   (*engine)->Poll();
//
// Thread contract: the Engine is driven by the RoomService's control
// thread: Start, Connect, Disconnect, Poll, GetStats, GetTotals and the
// destructor are called there. The engine subscribes to the service's
// events on that thread and posts the media work to its workers; what the
// workers report (chat from data channels, a peer whose consent expired) is
// queued and applied to the RoomService by Poll(). The media path takes no
// lock.
#ifndef KONFERO_ENGINE_H_
#define KONFERO_ENGINE_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "konfero/audio/mixer.h"
#include "konfero/room_service.h"

namespace konfero {

enum class PeerState {
  kConnecting,    // answer sent; ICE/DTLS in progress
  kConnected,     // DTLS up: media and data channels flow
  kDisconnected,  // consent not refreshed for a few seconds
  kFailed,        // consent expired or DTLS failed: the participant leaves
  kClosed,
};
std::string_view ToString(PeerState s);

// Video: a participant publishes its camera and, optionally, its screen
// share, each on a video section of its offer that it sends on (the first
// such section is the camera, the second the screen share; simulcast with
// a=simulcast/rid, up to three layers). Every video section it can receive
// on is a slot the SFU fills with another participant's camera or screen
// share; which participant is in which slot, and who the active speaker
// is, the engine sends on the participant's "control" data channel (see
// docs/sfu.md).
enum class VideoSource { kCamera, kScreen };

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

struct PeerStats {
  PeerState state = PeerState::kConnecting;
  uint64_t rtp_packets_in = 0;
  uint64_t rtp_packets_out = 0;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  uint64_t srtp_failures = 0;      // authentication or replay failures
  uint64_t data_messages_in = 0;
  uint64_t data_messages_out = 0;
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
};

// Sums of PeerStats over the peers the engine has now (a peer's counts
// leave the sums when its connection closes), for metrics.
struct EngineTotals {
  int peers = 0;
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
};

class Engine {
 public:
  struct Options {
    // The address the workers bind; their UDP ports are `port`, `port` + 1,
    // ... (0: any free port).
    std::string bind_address = "127.0.0.1";
    uint16_t port = 0;
    // Media workers (threads); 0: one per core. A room lives on one.
    int workers = 0;
    // Addresses announced in ICE candidates (for a server behind NAT);
    // empty: the bound address.
    std::vector<std::string> announced_addresses;
    // A peer that sends no valid ICE consent check for this long is dropped
    // and leaves its room (RFC 7675: 30 s).
    absl::Duration consent_timeout = absl::Seconds(30);
    audio::MixerConfig mixer;
  };

  // `rooms` must outlive the engine.
  static absl::StatusOr<std::unique_ptr<Engine>> Start(RoomService& rooms,
                                                       Options options);
  virtual ~Engine() = default;

  // The participant (present in `rooms`) offers; returns the SDP answer.
  // A second Connect for the same participant replaces its transport (a
  // reconnect, or an ICE restart with new credentials).
  virtual absl::StatusOr<std::string> Connect(ParticipantId participant,
                                              std::string_view offer) = 0;
  // The reverse: the engine offers (audio with the mix, a data channel),
  // the participant's peer answers. A new offer replaces one still waiting.
  virtual absl::StatusOr<std::string> CreateOffer(ParticipantId participant) = 0;
  // FailedPrecondition without a waiting offer; InvalidArgument, and the
  // offer keeps waiting, for an answer that does not fit it.
  virtual absl::Status AcceptAnswer(ParticipantId participant,
                                    std::string_view answer) = 0;
  virtual absl::Status Disconnect(ParticipantId participant) = 0;
  // Applies what the workers reported; returns how many reports it applied.
  virtual int Poll() = 0;
  virtual absl::StatusOr<PeerStats> GetStats(ParticipantId participant) = 0;
  virtual EngineTotals GetTotals() const = 0;

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
  // The UDP endpoints the workers listen on ("127.0.0.1:40000", ...).
  virtual std::vector<std::string> listen_addresses() const = 0;
};

}  // namespace konfero

#endif  // KONFERO_ENGINE_H_
