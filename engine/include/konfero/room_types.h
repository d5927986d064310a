// konfero/room_types.h: the value types of the room domain.
//
// Identifiers are strong enums so a RoomId can never be passed where a UserId
// is expected; convert with konfero::ToInt / static_cast when crossing into
// JSON or Python. Everything here is a plain value, copyable, with no
// behaviour.
#ifndef KONFERO_ROOM_TYPES_H_
#define KONFERO_ROOM_TYPES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "absl/time/time.h"

namespace konfero {

enum class UserId : int64_t {};
enum class RoomId : int64_t {};
enum class ParticipantId : uint64_t {};
enum class BanId : uint64_t {};

template <typename Id>
constexpr auto ToInt(Id id) {
  return static_cast<std::underlying_type_t<Id>>(id);
}

// The lifecycle of one room's conference; see docs/rooms.md.
enum class ConferenceState {
  kIdle,     // nobody is present
  kWaiting,  // guests are present, no moderator has joined yet
  kRunning,  // at least one moderator is present
  kOnHold,   // the last moderator left; guests are back to waiting
};

enum class ParticipantRole {
  kModerator,     // an internal user who is a member of the room
  kBrowserGuest,  // joined with the URL token; holds a licence seat
  kPhoneGuest,    // dialled in with the PIN; holds no seat
};

enum class LeaveReason {
  kLeft,              // the participant hung up
  kDisconnected,      // the transport was lost
  kKicked,            // a moderator removed the participant
  kAccessRevoked,     // the room was made private, or PIN/URL regenerated
  kRoomDeleted,       // the room no longer exists
  kMembershipRevoked, // the user is no longer a member of the room
};

std::string_view ToString(ConferenceState s);
std::string_view ToString(ParticipantRole r);
std::string_view ToString(LeaveReason r);

// A phone guest's caller id as others see it (participant list, bans,
// events): "Phone …" and the last four digits ("+4930123454567" ->
// "Phone …4567"), all of them if fewer, or "Phone" for a caller id without
// digits (withheld, "anonymous"). UTF-8; never the whole number.
std::string MaskCallerId(std::string_view caller);

struct UserInfo {
  UserId id{};
  std::string login;
  std::string display_name;
  bool admin = false;
};

// An authenticated user's session. `token` is a bearer secret: never log it.
struct Session {
  std::string token;
  UserId user{};
  absl::Time expires_at;
  // A new device cookie for the browser that logged in (OWASP's "device
  // cookies"): hand it back to Login from that browser and the per-login
  // lockout does not apply to it. Opaque, [A-Za-z0-9._-]; a secret.
  std::string device_cookie;
};

// What a public room hands out. Private rooms have is_public == false and
// every other field empty.
struct PublicAccess {
  bool is_public = false;
  std::string dial_in_number;
  std::string pin;        // numeric, from a CSPRNG, unique among public rooms
  std::string url_token;  // >= 128 bits from a CSPRNG, base64url
  std::string url;        // the browser guest link: base URL + token
  std::string invitation_en;
  std::string invitation_de;
};

struct RoomInfo {
  RoomId id{};
  std::string name;
  std::vector<UserId> members;
  bool is_public = false;
  ConferenceState state = ConferenceState::kIdle;
  // Guests are present and no moderator is: the room list highlights it.
  bool guests_waiting = false;
  int participant_count = 0;
};

struct ParticipantInfo {
  ParticipantId id{};
  RoomId room{};
  ParticipantRole role = ParticipantRole::kBrowserGuest;
  std::string display_name;
  std::optional<UserId> user;  // set for moderators
  bool muted = false;
  // True while a guest sits on the waiting screen (room waiting or on hold).
  bool waiting = false;
  absl::Time joined_at;
};

struct RoomSnapshot {
  RoomInfo room;
  // Non-zero while a conference exists (state != kIdle): it scopes the chat
  // history a guest may read.
  int64_t conference_id = 0;
  std::vector<ParticipantInfo> participants;
};

struct ChatMessage {
  int64_t id = 0;
  RoomId room{};
  int64_t conference_id = 0;  // 0: posted by a member outside a conference
  std::optional<UserId> sender_user;
  std::string sender_name;
  ParticipantRole sender_role = ParticipantRole::kModerator;
  std::string text;
  absl::Time sent_at;
};

struct JoinResult {
  ParticipantId participant{};
  RoomId room{};
  ParticipantRole role = ParticipantRole::kBrowserGuest;
  ConferenceState state = ConferenceState::kIdle;  // after the join
  bool waiting = false;  // the participant sees the waiting screen
};

// What a guest link opens, before the guest joins
// (RoomService::LookUpGuestUrl): what the guest page shows on the name
// screen, and nothing a guest could not learn by joining.
struct GuestRoomInfo {
  std::string room_name;
  ConferenceState state = ConferenceState::kIdle;
  // A moderator is in the conference: a guest who joins now goes straight
  // in instead of to the waiting screen.
  bool moderator_present = false;
  // The phone alternative to the link: the server's dial-in number and the
  // room's PIN, both empty when the server has no dial-in number. Only the
  // holder of the link learns them here, and the link admits them already,
  // so the PIN reveals nothing new (the invitation carries both anyway).
  std::string dial_in_number;
  std::string pin;
};

struct BanInfo {
  BanId id{};
  RoomId room{};
  // The name the guest had when kicked (a phone guest's masked caller id).
  std::string display_name;
  absl::Time since;
};

}  // namespace konfero

#endif  // KONFERO_ROOM_TYPES_H_
