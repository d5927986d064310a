// protocol/signalling_requests.h: the client's frames of the signalling protocol
// (docs/protocol.md), parsed and validated into typed requests.
//
//   ClientFrame frame = ParseClientFrame(R"({"type":"chat","text":"Hallo"})");
//   if (const auto* chat = std::get_if<ChatRequest>(&frame)) Post(chat->text);
//   if (const auto* error = std::get_if<ProtocolError>(&frame)) Reply(*error);
//
// Parsing never throws: malformed JSON, a missing or mistyped field, an
// out-of-range value and an unknown type all come back as a ProtocolError
// (invalid_argument, or unknown_type), or as a RejectedJoin for a `join`. Unknown fields are ignored. The
// checks here are about the shape of a frame (types, lengths); the rules
// of the domain (what a chat text or a guest key may contain) stay with
// the RoomService. The caller bounds the frame's size before parsing.
//
// Thread contract: pure functions, any thread.
#ifndef KONFERO_PROTOCOL_SIGNALLING_REQUESTS_H_
#define KONFERO_PROTOCOL_SIGNALLING_REQUESTS_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "konfero/room_types.h"
#include "protocol/signalling_errors.h"

namespace konfero::protocol {

// Longest session, URL, guest-key or resume token accepted (real ones are
// far shorter); keeps a junk token from reaching the lookups.
inline constexpr size_t kMaxTokenBytes = 256;
// A guest's display name, in characters (code points) after trimming.
inline constexpr size_t kMaxNameChars = 64;

struct HelloRequest { int64_t version = 0; };
struct JoinModeratorRequest {
  std::string session;
  RoomId room{};
};
struct JoinGuestRequest {
  std::string url_token;
  std::string name;  // trimmed
  std::string guest_key;
};
struct ResumeRequest { std::string resume_token; };
struct OfferRequest { std::string sdp; };
struct ChatRequest { std::string text; };
struct KickRequest { ParticipantId participant{}; };
struct MuteRequest {
  ParticipantId participant{};
  bool muted = false;
};
struct SetPublicRequest { bool is_public = false; };
struct LeaveRequest {};
// A liveness check from the client: answered at once with `pong`.
struct PingRequest {};
struct WatchRoomsRequest { std::string session; };
// A `join` whose fields are wrong (an empty name, a missing token): the
// protocol makes it a join error, which is fatal, unlike other bad frames.
struct RejectedJoin { ProtocolError error; };

// A parsed frame, or why it is not one.
using ClientFrame =
    std::variant<ProtocolError, HelloRequest, JoinModeratorRequest,
                 JoinGuestRequest, RejectedJoin, ResumeRequest, OfferRequest,
                 ChatRequest, KickRequest, MuteRequest, SetPublicRequest,
                 LeaveRequest, WatchRoomsRequest, PingRequest>;

ClientFrame ParseClientFrame(std::string_view text);

}  // namespace konfero::protocol

#endif  // KONFERO_PROTOCOL_SIGNALLING_REQUESTS_H_
