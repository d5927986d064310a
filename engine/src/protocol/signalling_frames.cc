// protocol/signalling_frames.cc: server frames as JSON text.
#include "protocol/signalling_frames.h"

#include "konfero/room_types.h"
#include "nlohmann/json.hpp"
#include "konfero/signalling.h"

namespace konfero::protocol {
namespace {

using Json = nlohmann::json;

std::string Dump(const Json& frame) {
  return frame.dump(-1, ' ', /*ensure_ascii=*/false, Json::error_handler_t::replace);
}

std::string Str(std::string_view s) { return std::string(s); }

Json ChatFields(const ChatMessage& m) {
  return {{"id", m.id},
          {"from", m.sender_name},
          {"role", Str(ToString(m.sender_role))},
          {"text", m.text},
          {"at", absl::ToUnixMillis(m.sent_at)}};
}

}  // namespace

std::string WelcomeFrame() {
  return Dump({{"type", "welcome"}, {"version", kSignallingProtocolVersion}, {"server", "konfero"}});
}

std::string PongFrame() { return Dump({{"type", "pong"}}); }

std::string ErrorFrame(const ProtocolError& error, bool fatal) {
  return Dump({{"type", "error"},
               {"code", Str(error.code)},
               {"message", error.message},
               {"fatal", fatal}});
}

std::string JoinedFrame(const ParticipantInfo& self, const RoomInfo& room,
                        std::string_view resume_token) {
  return Dump({{"type", "joined"},
               {"participant", ToInt(self.id)},
               {"role", Str(ToString(self.role))},
               {"name", self.display_name},
               {"room", {{"id", ToInt(room.id)}, {"name", room.name}}},
               {"state", Str(ToString(room.state))},
               {"waiting", self.waiting},
               {"resume_token", Str(resume_token)}});
}

std::string StateFrame(ConferenceState state, bool waiting) {
  return Dump({{"type", "state"}, {"state", Str(ToString(state))}, {"waiting", waiting}});
}

std::string ParticipantsFrame(const std::vector<ParticipantInfo>& participants) {
  Json list = Json::array();
  for (const ParticipantInfo& p : participants) {
    list.push_back({{"id", ToInt(p.id)},
                    {"name", p.display_name},
                    {"role", Str(ToString(p.role))},
                    {"muted", p.muted},
                    {"waiting", p.waiting}});
  }
  return Dump({{"type", "participants"}, {"participants", std::move(list)}});
}

std::string AnswerFrame(std::string_view sdp) {
  return Dump({{"type", "answer"}, {"sdp", Str(sdp)}});
}

std::string ChatFrame(const ChatMessage& message) {
  Json frame = ChatFields(message);
  frame["type"] = "chat";
  return Dump(frame);
}

std::string ChatHistoryFrame(const std::vector<ChatMessage>& messages) {
  Json list = Json::array();
  for (const ChatMessage& m : messages) list.push_back(ChatFields(m));
  return Dump({{"type", "chat-history"}, {"messages", std::move(list)}});
}

std::string KickedFrame() { return Dump({{"type", "kicked"}}); }

std::string RemovedFrame(LeaveReason reason) {
  return Dump({{"type", "removed"}, {"reason", Str(ToString(reason))}});
}

std::string RoomsFrame(const std::vector<RoomInfo>& rooms) {
  Json list = Json::array();
  for (const RoomInfo& r : rooms) {
    list.push_back({{"id", ToInt(r.id)},
                    {"name", r.name},
                    {"public", r.is_public},
                    {"state", Str(ToString(r.state))},
                    {"guests_waiting", r.guests_waiting},
                    {"participants", r.participant_count}});
  }
  return Dump({{"type", "rooms"}, {"rooms", std::move(list)}});
}

std::string ShutdownFrame() { return Dump({{"type", "shutdown"}}); }

}  // namespace konfero::protocol
