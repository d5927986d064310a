// session.cc: the per-socket state machine and the requests a joined
// participant makes (offer, chat, moderation, leave).
#include "signalling/session.h"

#include <variant>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "signalling/wire.h"
#include "signalling/hub.h"

namespace konfero::signalling {

SessionImpl::SessionImpl(HubImpl& hub, SignallingHub::Peer peer, SignallingHub::SendFn send,
                         SignallingHub::CloseFn close)
    : hub_(hub),
      peer_(std::move(peer)),
      send_(std::move(send)),
      close_(std::move(close)),
      opened_at_(hub.rooms().clock().Now()),
      joins_(hub.options().join_burst, hub.options().join_refill, opened_at_),
      offers_(hub.options().offer_burst, hub.options().offer_refill, opened_at_) {}

SessionImpl::~SessionImpl() {
  OnSocketClosed();
  hub_.Forget(*this);
}

void SessionImpl::OnMessage(std::string_view frame) {
  hub_.CountFrameIn();
  if (state_ == State::kClosed) return;
  if (hub_.shut_down()) {
    Send(ShutdownFrame());
    Close();
    return;
  }
  if (frame.size() > hub_.options().max_frame_bytes) {
    SendError({codes::kInvalidArgument,
               absl::StrCat("the frame has ", frame.size(), " bytes; the limit is ",
                            hub_.options().max_frame_bytes)},
              /*fatal=*/false);
    return;
  }
  const ClientFrame parsed = ParseClientFrame(frame);
  if (state_ == State::kNew && !std::holds_alternative<HelloRequest>(parsed)) {
    const auto* error = std::get_if<ProtocolError>(&parsed);
    SendError(error != nullptr ? *error
                               : ProtocolError{codes::kFailedPrecondition,
                                               R"(the first frame must be "hello")"},
              /*fatal=*/true);
    return;
  }
  std::visit([this](const auto& request) { Handle(request); }, parsed);
}

void SessionImpl::OnSocketClosed() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;  // first: nothing may be sent from here on
  hub_.OnSessionClosed(*this);
}

void SessionImpl::Send(std::string frame) {
  if (state_ == State::kClosed) return;
  hub_.CountFrameOut();
  send_(std::move(frame));
}

void SessionImpl::SendError(const ProtocolError& error, bool fatal) {
  if (state_ == State::kClosed) return;
  hub_.CountError();
  Send(ErrorFrame(error, fatal));
  if (fatal) Close();
}

void SessionImpl::Close() {
  if (state_ == State::kClosed) return;
  state_ = State::kClosed;
  hub_.OnSessionClosed(*this);
  if (close_) close_();
}

void SessionImpl::Attach(ParticipantId participant) {
  participant_ = participant;
  if (state_ != State::kClosed) state_ = State::kJoined;
}

void SessionImpl::Detach() {
  participant_.reset();
  if (state_ == State::kJoined) state_ = State::kReady;
}

bool SessionImpl::CanJoin() {
  if (state_ != State::kReady) {
    SendError({codes::kFailedPrecondition, "this connection has already joined; leave first"},
              /*fatal=*/false);
    return false;
  }
  return WithinBudget(joins_, "joins");
}

bool SessionImpl::WithinBudget(RequestBudget& budget, std::string_view what) {
  absl::Duration wait;
  if (budget.Spend(hub_.rooms().clock().Now(), &wait)) return true;
  SendError({codes::kRateLimited,
             absl::StrCat("too many ", Sv(what), " on this connection; try again in ",
                          absl::ToInt64Milliseconds(wait) / 1000.0, " s")},
            /*fatal=*/false);
  return false;
}

bool SessionImpl::IsJoined() {
  if (state_ == State::kJoined) return true;
  SendError({codes::kFailedPrecondition, "join a room first"}, /*fatal=*/false);
  return false;
}

void SessionImpl::ReportIfFailed(const absl::Status& status) {
  if (!status.ok()) SendError(ErrorFromStatus(status), /*fatal=*/false);
}

// ---- Handshake, joining, the lobby ------------------------------------------------

void SessionImpl::Handle(const ProtocolError& error) { SendError(error, /*fatal=*/false); }

void SessionImpl::Handle(const HelloRequest& request) {
  if (state_ != State::kNew) {
    SendError({codes::kFailedPrecondition, "hello was already sent"}, /*fatal=*/false);
    return;
  }
  if (request.version != kSignallingProtocolVersion) {
    SendError({codes::kUnsupportedVersion,
               absl::StrCat("this server speaks version ", kSignallingProtocolVersion,
                            " of the protocol")},
              /*fatal=*/true);
    return;
  }
  state_ = State::kReady;
  Send(WelcomeFrame());
}

void SessionImpl::Handle(const JoinModeratorRequest& request) {
  if (CanJoin()) hub_.Join(*this, request);
}

void SessionImpl::Handle(const JoinGuestRequest& request) {
  if (CanJoin()) hub_.Join(*this, request);
}

void SessionImpl::Handle(const RejectedJoin& rejected) {
  if (CanJoin()) SendError(rejected.error, /*fatal=*/true);
}

void SessionImpl::Handle(const ResumeRequest& request) {
  if (CanJoin()) hub_.Resume(*this, request);
}

void SessionImpl::Handle(const WatchRoomsRequest& request) { hub_.Watch(*this, request); }

// ---- A joined participant's requests ------------------------------------------------

void SessionImpl::Handle(const OfferRequest& request) {
  if (!IsJoined() || !WithinBudget(offers_, "offers")) return;
  absl::StatusOr<std::string> answer = hub_.media().Connect(*participant_, request.sdp);
  if (!answer.ok()) {
    ReportIfFailed(answer.status());
    return;
  }
  Send(AnswerFrame(*answer));
}

void SessionImpl::Handle(const ChatRequest& request) {
  // Everyone in the room, this session included, gets the message through
  // the chat_posted event.
  if (IsJoined()) ReportIfFailed(hub_.rooms().PostChat(*participant_, request.text).status());
}

bool SessionImpl::ModeratorLoginValid() {
  const Membership* m = hub_.FindMembership(*participant_);
  if (m == nullptr || m->moderator_session.empty()) return true;  // guests: the RoomService decides
  if (hub_.rooms().WhoAmI(m->moderator_session).ok()) return true;
  SendError({codes::kUnauthenticated,
             "your login has ended (logged out or expired): log in again to moderate"},
            /*fatal=*/false);
  return false;
}

void SessionImpl::Handle(const KickRequest& request) {
  if (IsJoined() && ModeratorLoginValid()) {
    ReportIfFailed(hub_.rooms().Kick(*participant_, request.participant));
  }
}

void SessionImpl::Handle(const MuteRequest& request) {
  // Anyone mutes or unmutes themselves; the RoomService refuses to let a
  // guest mute others (forbidden), and a moderator mutes others only while
  // its login lasts.
  if (!IsJoined()) return;
  if (request.participant != *participant_ && !ModeratorLoginValid()) return;
  ReportIfFailed(hub_.rooms().SetMuted(*participant_, request.participant, request.muted));
}

void SessionImpl::Handle(const SetPublicRequest& request) {
  if (!IsJoined()) return;
  const Membership* m = hub_.FindMembership(*participant_);
  if (m == nullptr || m->moderator_session.empty()) {
    SendError({codes::kForbidden, "only a moderator may do this"}, /*fatal=*/false);
    return;
  }
  // Copied: making the room private removes guests, which changes the
  // hub's participant table under `m`.
  const std::string session = m->moderator_session;
  const RoomId room = m->room;
  ReportIfFailed(hub_.rooms().SetPublic(session, room, request.is_public).status());
}

void SessionImpl::Handle(const LeaveRequest&) {
  if (IsJoined()) hub_.Leave(*this);
}

// Any time after `hello`, joined or not: the client's check that the socket
// still carries frames both ways (TCP can stay silently dead for minutes).
void SessionImpl::Handle(const PingRequest&) { Send(PongFrame()); }

}  // namespace konfero::signalling
