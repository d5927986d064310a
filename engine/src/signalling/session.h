// session.h: one WebSocket's side of the signalling protocol, a small
// state machine that turns client frames into hub and RoomService calls:
//
//   new --hello--> ready --join/resume--> joined --leave--> ready
//   any --fatal error, kicked, removed, shutdown, socket closed--> closed
//
// A joined session acts for one participant; the participant itself (its
// seat, its resume token, its grace period after a dropped socket) belongs
// to the hub, so that a new socket can resume it.
//
//   auto session = hub.Open({"203.0.113.7"}, send, close);  // a SessionImpl
//   session->OnMessage(R"({"type":"hello","version":1})");   // sends welcome
//
// Thread contract: the RoomService's control thread, like the hub.
#ifndef KONFERO_SIGNALLING_SESSION_H_
#define KONFERO_SIGNALLING_SESSION_H_

#include <optional>
#include <string>
#include <string_view>

#include "absl/time/time.h"

#include "konfero/signalling.h"
#include "signalling/request_budget.h"
#include "signalling/wire.h"

namespace konfero::signalling {

class HubImpl;

class SessionImpl final : public SignallingSession {
 public:
  enum class State { kNew, kReady, kJoined, kClosed };

  SessionImpl(HubImpl& hub, SignallingHub::Peer peer, SignallingHub::SendFn send,
              SignallingHub::CloseFn close);
  ~SessionImpl() override;
  SessionImpl(const SessionImpl&) = delete;
  SessionImpl& operator=(const SessionImpl&) = delete;

  void OnMessage(std::string_view frame) override;
  void OnSocketClosed() override;

  // ---- For the hub -----------------------------------------------------------
  State state() const { return state_; }
  absl::Time opened_at() const { return opened_at_; }
  std::optional<ParticipantId> participant() const { return participant_; }
  const std::string& source_address() const { return peer_.source_address; }
  // Writes a frame unless the session is closed.
  void Send(std::string frame);
  // A fatal error closes the session after the frame.
  void SendError(const ProtocolError& error, bool fatal);
  // Closes the socket from the server's side.
  void Close();
  // The session now acts for `participant` (ready -> joined).
  void Attach(ParticipantId participant);
  // It no longer does (joined -> ready, or stays closed).
  void Detach();

 private:
  void Handle(const ProtocolError& error);
  void Handle(const HelloRequest& request);
  void Handle(const JoinModeratorRequest& request);
  void Handle(const JoinGuestRequest& request);
  void Handle(const RejectedJoin& rejected);
  void Handle(const ResumeRequest& request);
  void Handle(const WatchRoomsRequest& request);
  void Handle(const OfferRequest& request);
  void Handle(const ChatRequest& request);
  void Handle(const KickRequest& request);
  void Handle(const MuteRequest& request);
  void Handle(const SetPublicRequest& request);
  void Handle(const LeaveRequest& request);
  void Handle(const PingRequest& request);

  // False (after a non-fatal error) unless the session may join now (ready,
  // and within its join budget, which this spends).
  bool CanJoin();
  // False (after a non-fatal error) unless the session is joined.
  bool IsJoined();
  // False (after a non-fatal `unauthenticated` error) for a joined
  // moderator whose login session was logged out or expired since: it
  // stays in the conference but no longer moderates.
  bool ModeratorLoginValid();
  // Spends one of `budget`; false after a non-fatal `rate_limited` error
  // naming `what` and the wait.
  bool WithinBudget(RequestBudget& budget, std::string_view what);
  // Reports a failed RoomService or Engine call, if it failed.
  void ReportIfFailed(const absl::Status& status);

  HubImpl& hub_;
  const SignallingHub::Peer peer_;
  const SignallingHub::SendFn send_;
  const SignallingHub::CloseFn close_;
  State state_ = State::kNew;
  std::optional<ParticipantId> participant_;
  const absl::Time opened_at_;
  RequestBudget joins_;   // joins and resumes
  RequestBudget offers_;
};

}  // namespace konfero::signalling

#endif  // KONFERO_SIGNALLING_SESSION_H_
