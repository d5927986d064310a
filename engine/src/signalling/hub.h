// hub.h: the signalling hub: which socket speaks for which participant,
// resume tokens and reconnect grace, lobby watchers, and the fan-out of
// the RoomService's events to the sessions they concern.
//
// The hub subscribes once to every room's events (hub_events.cc). After
// each one it compares what a session was last sent (its conference state,
// its room's participant list, a watcher's room list) with the service's
// current view and sends only what changed, so the three events of one
// join give one `participants` frame, and events caused by others (the
// REST API, the engine dropping a peer) reach the sockets too.
//
//   auto hub = konfero::SignallingHub::Create(rooms, media, {});  // a HubImpl
//
// Thread contract: the RoomService's control thread (see
// konfero/signalling.h).
#ifndef KONFERO_SIGNALLING_HUB_H_
#define KONFERO_SIGNALLING_HUB_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "crypto/secrets.h"
#include "konfero/signalling.h"
#include "signalling/join.h"
#include "signalling/wire.h"
#include "signalling/session.h"

namespace konfero::signalling {

// A participant that joined through the hub. It outlives its socket for
// the reconnect grace.
struct Membership {
  RoomId room{};
  std::string moderator_session;  // empty for guests
  std::string resume_token;       // a bearer secret: never logged or echoed
  SessionImpl* session = nullptr; // null while in grace
  absl::Time grace_until = absl::InfiniteFuture();
  // What the socket was last told, so that only changes are sent.
  std::optional<std::pair<ConferenceState, bool>> state_sent;
  uint64_t participants_sent = 0;  // a RoomView::version
};

class HubImpl final : public SignallingHub {
 public:
  HubImpl(RoomService& rooms, MediaConnector& media, SignallingOptions options);
  ~HubImpl() override;
  HubImpl(const HubImpl&) = delete;
  HubImpl& operator=(const HubImpl&) = delete;

  std::unique_ptr<SignallingSession> Open(Peer peer, SendFn send, CloseFn close) override;
  void Poll() override;
  void Shutdown() override;
  SignallingStats stats() const override;

  // ---- For sessions ------------------------------------------------------------
  RoomService& rooms() { return rooms_; }
  MediaConnector& media() { return media_; }
  const SignallingOptions& options() const { return options_; }
  bool shut_down() const { return shut_down_; }
  const Membership* FindMembership(ParticipantId participant) const;

  void Join(SessionImpl& session, const JoinModeratorRequest& request);
  void Join(SessionImpl& session, const JoinGuestRequest& request);
  void Resume(SessionImpl& session, const ResumeRequest& request);
  void Watch(SessionImpl& session, const WatchRoomsRequest& request);
  // The session's participant leaves its room now.
  void Leave(SessionImpl& session);
  // The session closed (either side): its participant, if any, enters the
  // grace period; it stops watching rooms.
  void OnSessionClosed(SessionImpl& session);
  // The session object is being destroyed.
  void Forget(SessionImpl& session) { sessions_.erase(&session); }

  void CountFrameIn() { ++stats_.frames_in; }
  void CountFrameOut() { ++stats_.frames_out; }
  void CountError() { ++stats_.errors_sent; }

 private:
  // A room's participant list as last sent to its sessions.
  struct RoomView {
    std::string participants_frame;
    uint64_t version = 0;
  };
  struct Watcher {
    std::string session_token;
    std::string rooms_frame;  // as last sent
  };

  // hub.cc
  void Admit(SessionImpl& session, const JoinOutcome& outcome);
  // Sends `joined`, the participant list and the chat history.
  void Greet(SessionImpl& session, ParticipantId participant);
  void AttachSession(SessionImpl& session, ParticipantId participant);
  std::string NewResumeToken();
  // Forgets the participant (the RoomService still has it).
  void EraseMembership(ParticipantId participant);

  // hub_events.cc
  void OnRoomEvent(const Event& event);
  void OnParticipantLeft(const ParticipantLeft& left);
  void SendToRoom(RoomId room, const std::string& frame);
  // Sends each session of the room its state and the participant list, if
  // they changed since it was last sent them.
  void FlushRoom(RoomId room);
  // Sends each watcher its room list, if it changed.
  void FlushWatchers();

  RoomService& rooms_;
  MediaConnector& media_;
  const SignallingOptions options_;
  SubscriptionId subscription_{};
  bool shut_down_ = false;
  SignallingStats stats_;

  absl::flat_hash_set<SessionImpl*> sessions_;  // every session not yet destroyed
  absl::flat_hash_map<ParticipantId, Membership> memberships_;
  absl::flat_hash_map<RoomId, absl::flat_hash_set<ParticipantId>> room_members_;
  absl::flat_hash_map<RoomId, RoomView> room_views_;
  crypto::SecretIndex<ParticipantId> resume_tokens_;
  absl::flat_hash_map<SessionImpl*, Watcher> watchers_;
};

}  // namespace konfero::signalling

#endif  // KONFERO_SIGNALLING_HUB_H_
