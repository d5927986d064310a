// konfero/events.h: what the room domain tells its subscribers.
//
// Every change produces exactly one Event, numbered by a per-service sequence
// that never repeats, and subscribers receive events in that order. Events
// carry no secrets: a subscriber that wants a new PIN asks for it with a
// session.
#ifndef KONFERO_EVENTS_H_
#define KONFERO_EVENTS_H_

#include <cstdint>
#include <string>
#include <variant>

#include "konfero/room_types.h"

namespace konfero {

struct RoomCreated { std::string name; };
struct RoomRenamed { std::string name; };
struct RoomDeleted {};
struct MembersChanged {};

struct ParticipantJoined { ParticipantInfo participant; };
struct ParticipantLeft {
  ParticipantId participant{};
  ParticipantRole role = ParticipantRole::kBrowserGuest;
  std::string display_name;
  LeaveReason reason = LeaveReason::kLeft;
};
struct ParticipantMuted {
  ParticipantId participant{};
  bool muted = false;
  ParticipantId by{};
};
struct ConferenceStateChanged {
  ConferenceState from = ConferenceState::kIdle;
  ConferenceState to = ConferenceState::kIdle;
  int64_t conference_id = 0;
};
struct GuestsWaitingChanged { bool guests_waiting = false; };
// The room became public or private, or its PIN and URL were regenerated.
struct AccessChanged {
  bool is_public = false;
  bool regenerated = false;
};
struct ChatPosted { ChatMessage message; };
struct GuestBanned { BanInfo ban; };
struct BanLifted { BanId ban{}; };

using EventBody =
    std::variant<RoomCreated, RoomRenamed, RoomDeleted, MembersChanged,
                 ParticipantJoined, ParticipantLeft, ParticipantMuted,
                 ConferenceStateChanged, GuestsWaitingChanged, AccessChanged,
                 ChatPosted, GuestBanned, BanLifted>;

struct Event {
  uint64_t seq = 0;  // strictly increasing per RoomService
  RoomId room{};
  absl::Time at;
  EventBody body;
};

// A short stable name for the body's type ("participant_joined", ...).
std::string_view EventName(const EventBody& body);

}  // namespace konfero

#endif  // KONFERO_EVENTS_H_
