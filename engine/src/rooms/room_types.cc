// room_types.cc: names of the room domain's enums and events, and the
// masked caller id.
#include <string>

#include "konfero/events.h"
#include "konfero/room_types.h"

namespace konfero {

std::string_view ToString(ConferenceState s) {
  switch (s) {
    case ConferenceState::kIdle: return "idle";
    case ConferenceState::kWaiting: return "waiting";
    case ConferenceState::kRunning: return "running";
    case ConferenceState::kOnHold: return "on_hold";
  }
  return "unknown";
}

std::string_view ToString(ParticipantRole r) {
  switch (r) {
    case ParticipantRole::kModerator: return "moderator";
    case ParticipantRole::kBrowserGuest: return "browser_guest";
    case ParticipantRole::kPhoneGuest: return "phone_guest";
  }
  return "unknown";
}

std::string_view ToString(LeaveReason r) {
  switch (r) {
    case LeaveReason::kLeft: return "left";
    case LeaveReason::kDisconnected: return "disconnected";
    case LeaveReason::kKicked: return "kicked";
    case LeaveReason::kAccessRevoked: return "access_revoked";
    case LeaveReason::kRoomDeleted: return "room_deleted";
    case LeaveReason::kMembershipRevoked: return "membership_revoked";
  }
  return "unknown";
}

std::string MaskCallerId(std::string_view caller) {
  std::string digits;
  for (char c : caller) {
    if (c >= '0' && c <= '9') digits.push_back(c);
  }
  if (digits.empty()) return "Phone";
  constexpr size_t kShown = 4;
  const size_t from = digits.size() > kShown ? digits.size() - kShown : 0;
  return "Phone \xe2\x80\xa6" + digits.substr(from);  // U+2026 ellipsis
}

namespace {
struct EventNamer {
  std::string_view operator()(const RoomCreated&) const { return "room_created"; }
  std::string_view operator()(const RoomRenamed&) const { return "room_renamed"; }
  std::string_view operator()(const RoomDeleted&) const { return "room_deleted"; }
  std::string_view operator()(const MembersChanged&) const { return "members_changed"; }
  std::string_view operator()(const ParticipantJoined&) const { return "participant_joined"; }
  std::string_view operator()(const ParticipantLeft&) const { return "participant_left"; }
  std::string_view operator()(const ParticipantMuted&) const { return "participant_muted"; }
  std::string_view operator()(const ConferenceStateChanged&) const { return "state_changed"; }
  std::string_view operator()(const GuestsWaitingChanged&) const { return "guests_waiting_changed"; }
  std::string_view operator()(const AccessChanged&) const { return "access_changed"; }
  std::string_view operator()(const ChatPosted&) const { return "chat_posted"; }
  std::string_view operator()(const GuestBanned&) const { return "guest_banned"; }
  std::string_view operator()(const BanLifted&) const { return "ban_lifted"; }
};
}  // namespace

std::string_view EventName(const EventBody& body) {
  return std::visit(EventNamer{}, body);
}

}  // namespace konfero
