// join.cc: joining through the RoomService; absl statuses to join codes.
#include "signalling/join.h"

#include "common/absl_compat.h"

namespace konfero::signalling {
namespace {

ProtocolError WithCode(std::string_view code, const absl::Status& status) {
  return {code, std::string(Sv(status.message()))};
}

}  // namespace

JoinOutcome JoinAsModerator(RoomService& rooms, const JoinModeratorRequest& request) {
  absl::StatusOr<JoinResult> joined = rooms.JoinAsMember(request.session, request.room);
  if (joined.ok()) return Admission{joined->participant, joined->room, request.session};
  const absl::Status& s = joined.status();
  switch (s.code()) {
    case absl::StatusCode::kUnauthenticated:
      return WithCode(codes::kUnauthenticated, s);
    case absl::StatusCode::kNotFound:
      return WithCode(codes::kRoomNotFound, s);
    case absl::StatusCode::kPermissionDenied:
      return WithCode(codes::kForbidden, s);
    default:
      return ErrorFromStatus(s);
  }
}

JoinOutcome JoinAsGuest(RoomService& rooms, const JoinGuestRequest& request,
                        std::string_view source_address) {
  absl::StatusOr<JoinResult> joined = rooms.JoinAsBrowserGuest(
      {request.url_token, request.name, request.guest_key, std::string(source_address)});
  if (joined.ok()) return Admission{joined->participant, joined->room, {}};
  const absl::Status& s = joined.status();
  switch (s.code()) {
    case absl::StatusCode::kNotFound:
      return WithCode(codes::kBadUrl, s);
    case absl::StatusCode::kFailedPrecondition:
      // The only FailedPrecondition of JoinAsBrowserGuest: a private room's
      // former link (konfero/room_service.h).
      return WithCode(codes::kNotPublic, s);
    case absl::StatusCode::kPermissionDenied:
      return WithCode(codes::kBanned, s);
    case absl::StatusCode::kResourceExhausted:
      if (IsGuestLimitError(s)) return WithCode(codes::kGuestLimit, s);
      // A full licence and a locked-out source are both ResourceExhausted;
      // the seats tell them apart. (When both hold, the code names the
      // licence and the message the lockout; both mean "not now".)
      return WithCode(rooms.guest_seats_in_use() >= rooms.guest_seats_total()
                          ? codes::kNoLicence
                          : codes::kRateLimited,
                      s);
    default:
      return ErrorFromStatus(s);
  }
}

}  // namespace konfero::signalling
