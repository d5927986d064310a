// hub.cc: the hub's registry: sessions, participants, resume tokens and
// their grace period, lobby watchers; and SignallingHub::Create.
#include "signalling/hub.h"

#include <vector>

#include "absl/strings/str_cat.h"
#include "signalling/wire.h"

namespace konfero {

std::unique_ptr<SignallingHub> SignallingHub::Create(RoomService& rooms, MediaConnector& media,
                                                     SignallingOptions options) {
  return std::make_unique<signalling::HubImpl>(rooms, media, std::move(options));
}

namespace signalling {
namespace {
// 256 bits from the CSPRNG, like the RoomService's session tokens.
constexpr int kResumeTokenBytes = 32;
}  // namespace

HubImpl::HubImpl(RoomService& rooms, MediaConnector& media, SignallingOptions options)
    : rooms_(rooms), media_(media), options_(options), resume_tokens_(CryptoRandom()) {
  subscription_ = rooms_.Subscribe(std::nullopt, [this](const Event& e) { OnRoomEvent(e); });
}

HubImpl::~HubImpl() {
  rooms_.Unsubscribe(subscription_);
  // Sessions are gone by now (the contract); participants still in grace
  // would otherwise stay in their rooms for good.
  std::vector<ParticipantId> left;
  for (const auto& [id, m] : memberships_) left.push_back(id);
  for (ParticipantId id : left) (void)rooms_.Disconnect(id);
}

std::unique_ptr<SignallingSession> HubImpl::Open(Peer peer, SendFn send, CloseFn close) {
  auto session =
      std::make_unique<SessionImpl>(*this, std::move(peer), std::move(send), std::move(close));
  sessions_.insert(session.get());
  return session;
}

void HubImpl::Poll() {
  const absl::Time now = rooms_.clock().Now();
  std::vector<ParticipantId> expired;
  for (const auto& [id, m] : memberships_) {
    if (m.session == nullptr && m.grace_until <= now) expired.push_back(id);
  }
  for (ParticipantId id : expired) {
    EraseMembership(id);
    (void)rooms_.Disconnect(id);  // reason: disconnected
  }
  std::vector<SessionImpl*> silent;
  for (SessionImpl* s : sessions_) {
    if (s->state() == SessionImpl::State::kNew && s->opened_at() + options_.hello_timeout <= now) {
      silent.push_back(s);
    }
  }
  for (SessionImpl* s : silent) {
    s->SendError({codes::kFailedPrecondition,
                  absl::StrCat("no hello within ", absl::FormatDuration(options_.hello_timeout))},
                 /*fatal=*/true);
  }
}

void HubImpl::Shutdown() {
  shut_down_ = true;
  // Forgotten first: closing their sockets must not start grace periods.
  std::vector<ParticipantId> present;
  for (const auto& [id, m] : memberships_) present.push_back(id);
  for (ParticipantId id : present) EraseMembership(id);
  const std::vector<SessionImpl*> open(sessions_.begin(), sessions_.end());
  for (SessionImpl* s : open) {
    s->Send(ShutdownFrame());
    s->Close();
  }
  for (ParticipantId id : present) (void)rooms_.Leave(id);
}

SignallingStats HubImpl::stats() const {
  SignallingStats s = stats_;
  for (const SessionImpl* session : sessions_) {
    if (session->state() == SessionImpl::State::kClosed) continue;
    ++s.sessions;
    if (session->participant()) ++s.joined;
  }
  for (const auto& [id, m] : memberships_) {
    if (m.session == nullptr) ++s.in_grace;
  }
  return s;
}

const Membership* HubImpl::FindMembership(ParticipantId participant) const {
  auto it = memberships_.find(participant);
  return it == memberships_.end() ? nullptr : &it->second;
}

void HubImpl::Join(SessionImpl& session, const JoinModeratorRequest& request) {
  Admit(session, JoinAsModerator(rooms_, request));
}

void HubImpl::Join(SessionImpl& session, const JoinGuestRequest& request) {
  Admit(session, JoinAsGuest(rooms_, request, session.source_address()));
}

void HubImpl::Admit(SessionImpl& session, const JoinOutcome& outcome) {
  if (const auto* error = std::get_if<ProtocolError>(&outcome)) {
    session.SendError(*error, /*fatal=*/true);
    return;
  }
  const Admission& admitted = std::get<Admission>(outcome);
  Membership& m = memberships_[admitted.participant];
  m.room = admitted.room;
  m.moderator_session = admitted.moderator_session;
  m.resume_token = NewResumeToken();
  resume_tokens_.Insert(m.resume_token, admitted.participant);
  room_members_[admitted.room].insert(admitted.participant);
  AttachSession(session, admitted.participant);
  Greet(session, admitted.participant);
}

void HubImpl::Resume(SessionImpl& session, const ResumeRequest& request) {
  const std::optional<ParticipantId> id = resume_tokens_.Find(request.resume_token);
  if (!id) {
    session.SendError({codes::kNotFound,
                       "nothing to resume: the participant has left, or the token is wrong; "
                       "join again"},
                      /*fatal=*/false);
    return;
  }
  Membership& m = memberships_.at(*id);
  if (m.session != nullptr) {
    // The old socket has not noticed that it is dead, or a second tab took
    // over: the newest socket wins.
    SessionImpl& old = *m.session;
    m.session = nullptr;
    old.Detach();
    old.SendError({codes::kFailedPrecondition,
                   "this participant was resumed on another connection"},
                  /*fatal=*/true);
  }
  // A token opens one resume; the new socket gets a fresh one.
  resume_tokens_.Erase(m.resume_token);
  m.resume_token = NewResumeToken();
  resume_tokens_.Insert(m.resume_token, *id);
  AttachSession(session, *id);
  Greet(session, *id);
}

void HubImpl::AttachSession(SessionImpl& session, ParticipantId participant) {
  Membership& m = memberships_.at(participant);
  m.session = &session;
  m.grace_until = absl::InfiniteFuture();
  m.state_sent.reset();
  m.participants_sent = 0;
  session.Attach(participant);
}

void HubImpl::Greet(SessionImpl& session, ParticipantId participant) {
  absl::StatusOr<RoomSnapshot> snapshot = rooms_.GetRoomAsParticipant(participant);
  const ParticipantInfo* self = nullptr;
  if (snapshot.ok()) {
    for (const ParticipantInfo& p : snapshot->participants) {
      if (p.id == participant) self = &p;
    }
  }
  if (self == nullptr) {
    // Removed again before we could greet it (by another subscriber).
    EraseMembership(participant);
    session.SendError({codes::kFailedPrecondition, "the participant has already left"},
                      /*fatal=*/true);
    return;
  }
  Membership& m = memberships_.at(participant);
  session.Send(JoinedFrame(*self, snapshot->room, m.resume_token));
  m.state_sent = std::make_pair(snapshot->room.state, self->waiting);
  FlushRoom(m.room);
  absl::StatusOr<std::vector<ChatMessage>> history = rooms_.ChatHistory(participant);
  if (history.ok()) session.Send(ChatHistoryFrame(*history));
}

void HubImpl::Watch(SessionImpl& session, const WatchRoomsRequest& request) {
  absl::StatusOr<std::vector<RoomInfo>> rooms = rooms_.ListRooms(request.session);
  if (!rooms.ok()) {
    session.SendError(ErrorFromStatus(rooms.status()), /*fatal=*/false);
    return;
  }
  Watcher& w = watchers_[&session];
  w.session_token = request.session;
  w.rooms_frame = RoomsFrame(*rooms);
  session.Send(w.rooms_frame);
}

void HubImpl::Leave(SessionImpl& session) {
  const std::optional<ParticipantId> id = session.participant();
  if (!id) return;
  // Forgotten first, so the participant_left event finds nobody to tell.
  EraseMembership(*id);
  (void)rooms_.Leave(*id);
}

void HubImpl::OnSessionClosed(SessionImpl& session) {
  watchers_.erase(&session);
  const std::optional<ParticipantId> id = session.participant();
  if (!id) return;
  session.Detach();
  if (options_.reconnect_grace <= absl::ZeroDuration()) {
    EraseMembership(*id);
    (void)rooms_.Disconnect(*id);
    return;
  }
  Membership& m = memberships_.at(*id);
  m.session = nullptr;
  m.grace_until = rooms_.clock().Now() + options_.reconnect_grace;
}

std::string HubImpl::NewResumeToken() {
  return crypto::RandomBase64Url(kResumeTokenBytes, CryptoRandom());
}

void HubImpl::EraseMembership(ParticipantId participant) {
  auto it = memberships_.find(participant);
  if (it == memberships_.end()) return;
  Membership& m = it->second;
  resume_tokens_.Erase(m.resume_token);
  if (m.session != nullptr) m.session->Detach();
  auto room = room_members_.find(m.room);
  if (room != room_members_.end()) {
    room->second.erase(participant);
    if (room->second.empty()) {
      room_members_.erase(room);
      room_views_.erase(m.room);
    }
  }
  memberships_.erase(it);
}

}  // namespace signalling
}  // namespace konfero
