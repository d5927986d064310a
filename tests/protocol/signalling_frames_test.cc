// The server's frames: the fields docs/protocol.md gives them, and text
// that is not UTF-8 replaced instead of thrown on; the error codes and
// messages of failed requests.
#include "protocol/signalling_frames.h"

#include <string>

#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "protocol/signalling_errors.h"

namespace konfero::protocol {
namespace {

using Json = nlohmann::json;

Json Parse(const std::string& frame) {
  Json j = Json::parse(frame, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(j.is_discarded()) << frame;
  return j;
}

ParticipantInfo Erika() {
  ParticipantInfo p;
  p.id = ParticipantId{41};
  p.room = RoomId{12};
  p.role = ParticipantRole::kBrowserGuest;
  p.display_name = "Erika";
  p.waiting = true;
  return p;
}

TEST(FramesTest, WelcomeAndState) {
  EXPECT_EQ(Parse(WelcomeFrame()),
            (Json{{"type", "welcome"}, {"version", 1}, {"server", "konfero"}}));
  EXPECT_EQ(Parse(StateFrame(ConferenceState::kOnHold, true)),
            (Json{{"type", "state"}, {"state", "on_hold"}, {"waiting", true}}));
}

TEST(FramesTest, ErrorCarriesCodeMessageAndFatal) {
  EXPECT_EQ(Parse(ErrorFrame({codes::kForbidden, "only a moderator may do this"}, false)),
            (Json{{"type", "error"},
                  {"code", "forbidden"},
                  {"message", "only a moderator may do this"},
                  {"fatal", false}}));
}

TEST(FramesTest, InvalidUtf8IsReplacedNotThrown) {
  const Json j = Parse(ErrorFrame({codes::kInvalidArgument, "SDP line 3: \xff\xfe"}, false));
  EXPECT_EQ(j["message"], "SDP line 3: \xef\xbf\xbd\xef\xbf\xbd");
}

TEST(FramesTest, JoinedDescribesParticipantAndRoom) {
  RoomInfo room;
  room.id = RoomId{12};
  room.name = "Vertrieb";
  room.state = ConferenceState::kWaiting;
  EXPECT_EQ(Parse(JoinedFrame(Erika(), room, "opaque")),
            (Json{{"type", "joined"},
                  {"participant", 41},
                  {"role", "browser_guest"},
                  {"name", "Erika"},
                  {"room", {{"id", 12}, {"name", "Vertrieb"}}},
                  {"state", "waiting"},
                  {"waiting", true},
                  {"resume_token", "opaque"}}));
}

TEST(FramesTest, ParticipantsList) {
  ParticipantInfo mod;
  mod.id = ParticipantId{40};
  mod.role = ParticipantRole::kModerator;
  mod.display_name = "Alice";
  mod.muted = true;
  EXPECT_EQ(Parse(ParticipantsFrame({mod, Erika()})),
            (Json{{"type", "participants"},
                  {"participants",
                   {{{"id", 40}, {"name", "Alice"}, {"role", "moderator"},
                     {"muted", true}, {"waiting", false}},
                    {{"id", 41}, {"name", "Erika"}, {"role", "browser_guest"},
                     {"muted", false}, {"waiting", true}}}}}));
  EXPECT_EQ(Parse(ParticipantsFrame({}))["participants"], Json::array());
}

TEST(FramesTest, ChatAndHistoryShareTheMessageFields) {
  ChatMessage m;
  m.id = 7;
  m.sender_name = "Erika";
  m.sender_role = ParticipantRole::kBrowserGuest;
  m.text = "Hallo";
  m.sent_at = absl::FromUnixMillis(1764000000123);
  const Json fields = {{"id", 7}, {"from", "Erika"}, {"role", "browser_guest"},
                       {"text", "Hallo"}, {"at", 1764000000123}};
  Json chat = fields;
  chat["type"] = "chat";
  EXPECT_EQ(Parse(ChatFrame(m)), chat);
  EXPECT_EQ(Parse(ChatHistoryFrame({m, m})),
            (Json{{"type", "chat-history"}, {"messages", {fields, fields}}}));
}

TEST(FramesTest, KickedRemovedAnswerShutdown) {
  EXPECT_EQ(Parse(KickedFrame()), (Json{{"type", "kicked"}}));
  EXPECT_EQ(Parse(RemovedFrame(LeaveReason::kAccessRevoked)),
            (Json{{"type", "removed"}, {"reason", "access_revoked"}}));
  EXPECT_EQ(Parse(AnswerFrame("v=0\r\n")), (Json{{"type", "answer"}, {"sdp", "v=0\r\n"}}));
  EXPECT_EQ(Parse(ShutdownFrame()), (Json{{"type", "shutdown"}}));
}

TEST(FramesTest, RoomsListForTheLobby) {
  RoomInfo r;
  r.id = RoomId{12};
  r.name = "Vertrieb";
  r.is_public = true;
  r.state = ConferenceState::kWaiting;
  r.guests_waiting = true;
  r.participant_count = 2;
  EXPECT_EQ(Parse(RoomsFrame({r})),
            (Json{{"type", "rooms"},
                  {"rooms",
                   {{{"id", 12}, {"name", "Vertrieb"}, {"public", true},
                     {"state", "waiting"}, {"guests_waiting", true},
                     {"participants", 2}}}}}));
}

// A locked database or a full disk is named (the store's message names no
// value); other server faults keep a generic message.
TEST(ErrorsTest, AnUnavailableDatabaseSaysWhyAndInternalFaultsDoNot) {
  ProtocolError locked = ErrorFromStatus(
      absl::UnavailableError("storage is full (insert chat): database or disk is full"));
  EXPECT_EQ(locked.code, codes::kUnavailable);
  EXPECT_EQ(locked.message, "storage is full (insert chat): database or disk is full");
  ProtocolError internal = ErrorFromStatus(absl::InternalError("disk I/O error at /var/x"));
  EXPECT_EQ(internal.code, codes::kInternal);
  EXPECT_EQ(internal.message.find("/var/x"), std::string::npos);
}

}  // namespace
}  // namespace konfero::protocol
