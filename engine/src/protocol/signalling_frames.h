// protocol/signalling_frames.h: the server's frames of the signalling protocol
// (docs/protocol.md), built from the room domain's values.
//
//   send(StateFrame(ConferenceState::kRunning, /*waiting=*/false));
//   // {"type":"state","state":"running","waiting":false}
//
// Each function returns one JSON text frame. Text that is not valid UTF-8
// (an engine error quoting a client's bytes) is replaced, never thrown on.
//
// Thread contract: pure functions, any thread.
#ifndef KONFERO_PROTOCOL_SIGNALLING_FRAMES_H_
#define KONFERO_PROTOCOL_SIGNALLING_FRAMES_H_

#include <string>
#include <string_view>
#include <vector>

#include "konfero/room_types.h"
#include "protocol/signalling_errors.h"

namespace konfero::protocol {

std::string WelcomeFrame();
// The answer to a `ping`.
std::string PongFrame();
std::string ErrorFrame(const ProtocolError& error, bool fatal);
// `self` is the joining participant as its room lists it; `resume_token`
// is the secret a new socket presents to take the participant over.
std::string JoinedFrame(const ParticipantInfo& self, const RoomInfo& room,
                        std::string_view resume_token);
std::string StateFrame(ConferenceState state, bool waiting);
std::string ParticipantsFrame(const std::vector<ParticipantInfo>& participants);
std::string AnswerFrame(std::string_view sdp);
std::string ChatFrame(const ChatMessage& message);
std::string ChatHistoryFrame(const std::vector<ChatMessage>& messages);
std::string KickedFrame();
// A participant removed by something other than a kick (the room made
// private or deleted, membership revoked, media lost, ...).
std::string RemovedFrame(LeaveReason reason);
std::string RoomsFrame(const std::vector<RoomInfo>& rooms);
std::string ShutdownFrame();

}  // namespace konfero::protocol

#endif  // KONFERO_PROTOCOL_SIGNALLING_FRAMES_H_
