// protocol/signalling_errors.h: the signalling protocol's error codes (docs/protocol.md, "Errors"
// and "Joining") and the mapping from absl statuses to them.
//
//   ProtocolError e = ErrorFromStatus(rooms.Kick(me, target));
//   session.SendError(e);   // {"type":"error","code":"forbidden",...}
//
// Messages come from the RoomService and the Engine, whose errors name the
// field and the rule but never the value of a secret; server faults get a
// generic message.
//
// Thread contract: pure functions, any thread.
#ifndef KONFERO_PROTOCOL_SIGNALLING_ERRORS_H_
#define KONFERO_PROTOCOL_SIGNALLING_ERRORS_H_

#include <string>
#include <string_view>

#include "absl/status/status.h"

namespace konfero::protocol {

namespace codes {
// Codes that follow the absl status codes.
inline constexpr std::string_view kInvalidArgument = "invalid_argument";
inline constexpr std::string_view kNotFound = "not_found";
inline constexpr std::string_view kAlreadyExists = "already_exists";
inline constexpr std::string_view kForbidden = "forbidden";
inline constexpr std::string_view kFailedPrecondition = "failed_precondition";
inline constexpr std::string_view kResourceExhausted = "resource_exhausted";
inline constexpr std::string_view kUnauthenticated = "unauthenticated";
inline constexpr std::string_view kUnavailable = "unavailable";
inline constexpr std::string_view kInternal = "internal";
// Protocol codes.
inline constexpr std::string_view kUnknownType = "unknown_type";
inline constexpr std::string_view kUnsupportedVersion = "unsupported_version";
// Join codes.
inline constexpr std::string_view kBadUrl = "bad_url";
inline constexpr std::string_view kNotPublic = "not_public";
inline constexpr std::string_view kNoLicence = "no_licence";
inline constexpr std::string_view kBanned = "banned";
inline constexpr std::string_view kRoomNotFound = "room_not_found";
inline constexpr std::string_view kRateLimited = "rate_limited";
// The room or the guest's address has its most browser guests at once.
inline constexpr std::string_view kGuestLimit = "guest_limit";
}  // namespace codes

// An error frame's code and English message.
struct ProtocolError {
  std::string_view code;  // one of codes::
  std::string message;
};

// The error for a failed request inside a session (offer, chat, moderation).
// `status` must not be OK.
ProtocolError ErrorFromStatus(const absl::Status& status);

}  // namespace konfero::protocol

#endif  // KONFERO_PROTOCOL_SIGNALLING_ERRORS_H_
