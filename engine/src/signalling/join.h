// join.h: a `join` request carried out on the RoomService, with its
// failures mapped to the protocol's join error codes (docs/protocol.md).
//
//   JoinOutcome out = JoinAsGuest(rooms, request, peer.source_address);
//   if (auto* error = std::get_if<ProtocolError>(&out)) Fail(*error);  // then close
//   else Admit(std::get<Admission>(out));
//
// Thread contract: the RoomService's control thread.
#ifndef KONFERO_SIGNALLING_JOIN_H_
#define KONFERO_SIGNALLING_JOIN_H_

#include <string>
#include <string_view>
#include <variant>

#include "konfero/room_service.h"
#include "signalling/wire.h"

namespace konfero::signalling {

struct Admission {
  ParticipantId participant{};
  RoomId room{};
  // A moderator's login session, kept for requests that need it
  // (set-public); empty for guests.
  std::string moderator_session;
};

using JoinOutcome = std::variant<ProtocolError, Admission>;

// unauthenticated (bad or expired session), room_not_found, forbidden (not
// a member).
JoinOutcome JoinAsModerator(RoomService& rooms, const JoinModeratorRequest& request);

// bad_url (no room has that URL token: wrong, replaced by a regeneration,
// or of a deleted room), not_public (the token of a room that was made
// private), banned, no_licence, guest_limit (the room or the source address
// has its most guests), rate_limited, invalid_argument (a bad name or key,
// an empty or over-long token).
JoinOutcome JoinAsGuest(RoomService& rooms, const JoinGuestRequest& request,
                        std::string_view source_address);

}  // namespace konfero::signalling

#endif  // KONFERO_SIGNALLING_JOIN_H_
