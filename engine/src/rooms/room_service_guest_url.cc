// room_service_guest_url.cc: what a browser guest's URL token opens, for the
// join and for the side-effect-free lookup the guest page makes first.
//
// Both go through ResolveGuestUrl, so a link is judged the same way whether
// the guest page only looks at it or joins with it, and the same per-source
// limit counts wrong tokens from either.
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "absl/strings/str_cat.h"
#include "common/absl_compat.h"
#include "rooms/room_service_impl.h"
#include "rooms/validation.h"

namespace konfero::rooms {
namespace {
// Issued tokens are 22 characters (access_codes.h); the slack leaves room
// for longer tokens in a later version without a new rule.
constexpr size_t kMaxUrlToken = 64;
}  // namespace

absl::StatusOr<RoomState*> RoomServiceImpl::ResolveGuestUrl(
    std::string_view url_token, std::string_view source) {
  if (absl::Status s = ValidateSource(source); !s.ok()) return s;
  // Malformed, not wrong: no issued token looks like this, so it is refused
  // plainly and not counted (it cannot be a guess at a real one).
  if (url_token.empty() || url_token.size() > kMaxUrlToken) {
    return absl::InvalidArgumentError(absl::StrCat(
        "the URL token must be 1 to ", kMaxUrlToken, " bytes"));
  }
  const std::string source_key = absl::StrCat("source:", Sv(source));
  // Before any lookup, so a locked-out source learns nothing about a token.
  if (absl::Status s = code_failures_.Check(source_key, "room link"); !s.ok()) {
    return s;
  }
  if (std::optional<RoomId> id = rooms_by_token_.Find(url_token)) {
    return rooms_.at(*id).get();
  }
  // A private room's former link: handed out by a moderator, not guessed,
  // so it does not count as a failure (see room_service.h).
  if (rooms_by_revoked_token_.Contains(url_token)) {
    return absl::FailedPreconditionError(
        "this room is not public any more: the organiser no longer lets "
        "guests in with this link");
  }
  code_failures_.RecordFailure(source_key);
  return absl::NotFoundError(
      "this conference link is not valid: check it, or ask the organiser "
      "for a new one");
}

absl::StatusOr<GuestRoomInfo> RoomServiceImpl::LookUpGuestUrl(
    std::string_view url_token, std::string_view source) {
  absl::StatusOr<RoomState*> room = ResolveGuestUrl(url_token, source);
  if (!room.ok()) return room.status();
  const Conference& conference = *(*room)->conference;
  // The same number and PIN as the room's invitation (MakeAccess).
  PublicAccess access = MakeAccess(**room);
  if (access.dial_in_number.empty()) access.pin.clear();
  return GuestRoomInfo{(*room)->name, conference.state(),
                       conference.moderators() > 0,
                       std::move(access.dial_in_number), std::move(access.pin)};
}

}  // namespace konfero::rooms
