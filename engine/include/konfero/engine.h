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
// thread: Start, Connect, Disconnect, Poll, GetStats and the destructor are
// called there. The engine subscribes to the service's events on that
// thread and posts the media work to its workers; what the workers report
// (chat from data channels, a peer whose consent expired) is queued and
// applied to the RoomService by Poll(). The media path takes no lock.
#ifndef KONFERO_ENGINE_H_
#define KONFERO_ENGINE_H_

#include <cstdint>
#include <memory>
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

struct PeerStats {
  PeerState state = PeerState::kConnecting;
  uint64_t rtp_packets_in = 0;
  uint64_t rtp_packets_out = 0;
  uint64_t bytes_in = 0;
  uint64_t bytes_out = 0;
  uint64_t srtp_failures = 0;      // authentication or replay failures
  uint64_t data_messages_in = 0;
  uint64_t data_messages_out = 0;
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
  // The UDP endpoints the workers listen on ("127.0.0.1:40000", ...).
  virtual std::vector<std::string> listen_addresses() const = 0;
};

}  // namespace konfero

#endif  // KONFERO_ENGINE_H_
