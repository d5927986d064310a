// hub_events.cc: RoomService events to frames for the sessions they
// concern. Frames are derived from the service's current view and compared
// with what each session was last sent, so repeated or coalesced events
// send nothing new.
#include <vector>

#include "signalling/wire.h"
#include "signalling/hub.h"

namespace konfero::signalling {
namespace {

// Events that can change a participant list or a conference state.
bool ChangesPresence(const EventBody& body) {
  return std::holds_alternative<ParticipantJoined>(body) ||
         std::holds_alternative<ParticipantLeft>(body) ||
         std::holds_alternative<ParticipantMuted>(body) ||
         std::holds_alternative<ConferenceStateChanged>(body);
}

// Events that can change what the lobby's room list shows.
bool ChangesRoomList(const EventBody& body) {
  return !std::holds_alternative<ChatPosted>(body) &&
         !std::holds_alternative<ParticipantMuted>(body) &&
         !std::holds_alternative<GuestBanned>(body) &&
         !std::holds_alternative<BanLifted>(body);
}

}  // namespace

void HubImpl::OnRoomEvent(const Event& event) {
  if (const auto* left = std::get_if<ParticipantLeft>(&event.body)) OnParticipantLeft(*left);
  if (const auto* chat = std::get_if<ChatPosted>(&event.body)) {
    // Guests only ever see their own conference's messages: a message
    // posted while they are present belongs to it (the RoomService files
    // every message under the room's current conference).
    SendToRoom(event.room, ChatFrame(chat->message));
  }
  if (ChangesPresence(event.body)) FlushRoom(event.room);
  if (ChangesRoomList(event.body) && !watchers_.empty()) FlushWatchers();
}

void HubImpl::OnParticipantLeft(const ParticipantLeft& left) {
  auto it = memberships_.find(left.participant);
  if (it == memberships_.end()) return;  // not ours, or it left through us
  SessionImpl* session = it->second.session;
  EraseMembership(left.participant);
  if (session == nullptr) return;  // in grace: nobody to tell
  session->Send(left.reason == LeaveReason::kKicked ? KickedFrame() : RemovedFrame(left.reason));
  session->Close();
}

void HubImpl::SendToRoom(RoomId room, const std::string& frame) {
  auto members = room_members_.find(room);
  if (members == room_members_.end()) return;
  for (ParticipantId id : members->second) {
    SessionImpl* session = memberships_.at(id).session;
    if (session != nullptr) session->Send(frame);
  }
}

void HubImpl::FlushRoom(RoomId room) {
  auto members = room_members_.find(room);
  if (members == room_members_.end()) return;
  // Any of our participants still present shows us the room.
  absl::StatusOr<RoomSnapshot> snapshot = absl::NotFoundError("nobody present");
  for (ParticipantId id : members->second) {
    snapshot = rooms_.GetRoomAsParticipant(id);
    if (snapshot.ok()) break;
  }
  if (!snapshot.ok()) return;

  RoomView& view = room_views_[room];
  std::string list = ParticipantsFrame(snapshot->participants);
  if (list != view.participants_frame) {
    view.participants_frame = std::move(list);
    ++view.version;
  }
  absl::flat_hash_map<ParticipantId, bool> waiting;
  for (const ParticipantInfo& p : snapshot->participants) waiting[p.id] = p.waiting;

  for (ParticipantId id : members->second) {
    Membership& m = memberships_.at(id);
    auto own = waiting.find(id);
    // Absent from the snapshot: its participant_left event is on its way.
    if (m.session == nullptr || own == waiting.end()) continue;
    const std::pair<ConferenceState, bool> state(snapshot->room.state, own->second);
    if (m.state_sent != state) {
      m.session->Send(StateFrame(state.first, state.second));
      m.state_sent = state;
    }
    if (m.participants_sent != view.version) {
      m.session->Send(view.participants_frame);
      m.participants_sent = view.version;
    }
  }
}

void HubImpl::FlushWatchers() {
  std::vector<SessionImpl*> expired;
  for (auto& [session, w] : watchers_) {
    absl::StatusOr<std::vector<RoomInfo>> rooms = rooms_.ListRooms(w.session_token);
    if (!rooms.ok()) {
      // Logged out or expired: the lobby stops updating and says why.
      session->SendError(ErrorFromStatus(rooms.status()), /*fatal=*/false);
      expired.push_back(session);
      continue;
    }
    std::string frame = RoomsFrame(*rooms);
    if (frame == w.rooms_frame) continue;
    w.rooms_frame = std::move(frame);
    session->Send(w.rooms_frame);
  }
  for (SessionImpl* session : expired) watchers_.erase(session);
}

}  // namespace konfero::signalling
