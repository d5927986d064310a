// RoomService events as frames: conference state, participant lists, chat
// and its history, kicks, a room made private, moderation refused to
// guests, events caused outside the hub, and the lobby's room list.
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "signalling/hub.h"
#include "signalling/signalling_fixture.h"

namespace konfero::signalling::testing {
namespace {

Json State(std::string_view state, bool waiting) {
  return {{"type", "state"}, {"state", std::string(state)}, {"waiting", waiting}};
}

TEST_F(SignallingTest, GuestSeesWaitingThenRunningThenOnHold) {
  auto guest = JoinGuest("Erika");
  EXPECT_EQ(guest->Last("joined")["state"], "waiting");
  guest->Take();

  auto mod = JoinModerator();
  EXPECT_EQ(guest->OfType("state"), (std::vector<Json>{State("running", false)}));
  guest->Take();

  mod->Send({{"type", "leave"}});
  EXPECT_EQ(guest->OfType("state"), (std::vector<Json>{State("on_hold", true)}));
  // The list shows the guest waiting again.
  const Json list = guest->Last("participants");
  ASSERT_EQ(list["participants"].size(), 1u);
  EXPECT_EQ(list["participants"][0]["waiting"], true);
}

TEST_F(SignallingTest, EachJoinSendsOneParticipantsFrame) {
  auto mod = JoinModerator();
  mod->Take();
  auto guest = JoinGuest("Erika");
  // Joined, then state and guests-waiting events: still one list, and no
  // state frame (the conference was running already).
  EXPECT_EQ(mod->Types(), std::vector<std::string>{"participants"});
  EXPECT_EQ(Ids(mod->Last("participants")),
            (std::vector<uint64_t>{ToInt(mod->participant()), ToInt(guest->participant())}));
  const Json entry = mod->Last("participants")["participants"][1];
  EXPECT_EQ(entry, (Json{{"id", ToInt(guest->participant())}, {"name", "Erika"},
                         {"role", "browser_guest"}, {"muted", false}, {"waiting", false}}));
  // The joiner got the same list once, after `joined`.
  EXPECT_EQ(guest->OfType("participants").size(), 1u);
  EXPECT_EQ(guest->Last("participants"), mod->Last("participants"));
}

TEST_F(SignallingTest, MuteAndLeaveUpdateTheList) {
  auto mod = JoinModerator();
  auto guest = JoinGuest("Erika");
  mod->Take();
  guest->Send({{"type", "mute"}, {"participant", ToInt(guest->participant())}, {"muted", true}});
  EXPECT_EQ(mod->Types(), std::vector<std::string>{"participants"});
  EXPECT_EQ(mod->Last("participants")["participants"][1]["muted"], true);

  // A moderator may mute others, not unmute them.
  mod->Send({{"type", "mute"}, {"participant", ToInt(guest->participant())}, {"muted", false}});
  EXPECT_EQ(mod->Last("error")["code"], "forbidden");
  EXPECT_TRUE(rooms_->GetParticipant(guest->participant())->muted);

  mod->Take();
  guest->Send({{"type", "leave"}});
  EXPECT_EQ(Ids(mod->Last("participants")), (std::vector<uint64_t>{ToInt(mod->participant())}));
}

TEST_F(SignallingTest, ChatGoesBothWaysAndALateJoinerGetsTheHistory) {
  auto mod = JoinModerator();
  auto guest = JoinGuest("Erika");
  mod->Send({{"type", "chat"}, {"text", "Willkommen"}});
  guest->Send({{"type", "chat"}, {"text", "Hallo"}});
  for (Client* c : {mod.get(), guest.get()}) {
    const std::vector<Json> chats = c->OfType("chat");
    ASSERT_EQ(chats.size(), 2u);
    EXPECT_EQ(chats[0]["from"], "Alice");
    EXPECT_EQ(chats[0]["role"], "moderator");
    EXPECT_EQ(chats[0]["text"], "Willkommen");
    EXPECT_EQ(chats[1]["from"], "Erika");
    EXPECT_EQ(chats[1]["role"], "browser_guest");
    EXPECT_EQ(chats[1]["at"], absl::ToUnixMillis(clock_.Now()));
  }

  auto late = JoinGuest("Dora");
  const Json history = late->Last("chat-history");
  ASSERT_EQ(history["messages"].size(), 2u);
  EXPECT_EQ(history["messages"][0]["text"], "Willkommen");
  EXPECT_EQ(history["messages"][1]["text"], "Hallo");
  EXPECT_EQ(history["messages"][1]["id"], guest->Last("chat")["id"]);
}

TEST_F(SignallingTest, GuestsSeeOnlyTheirConferencesHistory) {
  {
    auto mod = JoinModerator();
    mod->Send({{"type", "chat"}, {"text", "an earlier conference"}});
    mod->Send({{"type", "leave"}});
  }
  ASSERT_EQ(rooms_->GetStats().rooms_idle, 1);
  auto mod = JoinModerator();
  EXPECT_EQ(mod->Last("chat-history")["messages"].size(), 1u);  // members read everything
  auto guest = JoinGuest("Erika");
  EXPECT_EQ(guest->Last("chat-history")["messages"], Json::array());
}

TEST_F(SignallingTest, GuestsChatOnlyWhileTheConferenceRuns) {
  auto guest = JoinGuest("Erika");
  guest->Take();
  guest->Send({{"type", "chat"}, {"text", "anyone?"}});
  EXPECT_EQ(guest->Types(), std::vector<std::string>{"error"});
  EXPECT_EQ(guest->Last("error")["code"], "failed_precondition");
  EXPECT_FALSE(guest->closed());
}

TEST_F(SignallingTest, KickedGuestIsToldClosedAndBarred) {
  auto mod = JoinModerator();
  auto guest = JoinGuest("Erika");
  ASSERT_EQ(rooms_->guest_seats_in_use(), 1);
  mod->Take();
  guest->Take();
  mod->Send({{"type", "kick"}, {"participant", ToInt(guest->participant())}});

  EXPECT_EQ(guest->Types(), std::vector<std::string>{"kicked"});
  EXPECT_EQ(guest->closes(), 1);
  EXPECT_EQ(rooms_->guest_seats_in_use(), 0);
  EXPECT_FALSE(Present(guest->participant()));
  EXPECT_EQ(Ids(mod->Last("participants")), (std::vector<uint64_t>{ToInt(mod->participant())}));
  EXPECT_EQ(hub_->stats().in_grace, 0);

  // The kicked socket's close does not start a grace period.
  guest->DropSocket();
  EXPECT_EQ(hub_->stats().in_grace, 0);
  // The same browser (same guest key) cannot come back.
  auto again = Connect();
  again->Send(GuestJoin("Erika"));
  EXPECT_EQ(again->Last("error")["code"], "banned");
  EXPECT_TRUE(again->closed());
}

TEST_F(SignallingTest, AModeratorWhoseLoginEndedNoLongerKicksOrMutesOthers) {
  const std::string bob = Login("bob", "bob-password");
  auto mod = JoinModerator(bob);
  auto guest = JoinGuest("Erika");
  const Json kick = {{"type", "kick"}, {"participant", ToInt(guest->participant())}};
  const Json mute = {{"type", "mute"}, {"participant", ToInt(guest->participant())},
                     {"muted", true}};
  ASSERT_TRUE(rooms_->Logout(bob).ok());
  for (const Json& request : {kick, mute}) {
    mod->Take();
    mod->Send(request);
    EXPECT_EQ(mod->Last("error")["code"], "unauthenticated") << request;
    EXPECT_EQ(mod->Last("error")["fatal"], false);
  }
  EXPECT_TRUE(Present(guest->participant()));
  EXPECT_FALSE(rooms_->GetParticipant(guest->participant())->muted);
  EXPECT_FALSE(mod->closed()) << "it stays in the conference";
  // Its own microphone is its own business.
  mod->Take();
  mod->Send({{"type", "mute"}, {"participant", ToInt(mod->participant())}, {"muted", true}});
  EXPECT_TRUE(mod->Last("error").is_null());
  EXPECT_TRUE(rooms_->GetParticipant(mod->participant())->muted);

  // An expired login is the same as a logged-out one.
  auto other = JoinModerator();  // alice
  clock_.Advance(TestRoomServiceOptions().session_ttl + absl::Seconds(1));
  other->Take();
  other->Send(kick);
  EXPECT_EQ(other->Last("error")["code"], "unauthenticated");
  EXPECT_TRUE(Present(guest->participant()));
}

TEST_F(SignallingTest, MakingTheRoomPrivateRemovesGuests) {
  auto mod = JoinModerator();
  auto guest = JoinGuest("Erika");
  guest->Take();
  mod->Send({{"type", "set-public"}, {"public", false}});
  EXPECT_EQ(guest->Types(), std::vector<std::string>{"removed"});
  EXPECT_EQ(guest->Last("removed"), (Json{{"type", "removed"}, {"reason", "access_revoked"}}));
  EXPECT_TRUE(guest->closed());
  EXPECT_FALSE(mod->closed());
  EXPECT_FALSE(rooms_->GetAccess(alice_, room_)->is_public);
  EXPECT_EQ(rooms_->guest_seats_in_use(), 0);

  mod->Send({{"type", "set-public"}, {"public", true}});
  EXPECT_TRUE(rooms_->GetAccess(alice_, room_)->is_public);
}

TEST_F(SignallingTest, GuestsMayNotModerate) {
  auto mod = JoinModerator();
  auto guest = JoinGuest("Erika");
  auto other = JoinGuest("Dora");
  guest->Take();
  for (const Json& request :
       {Json{{"type", "kick"}, {"participant", ToInt(other->participant())}},
        Json{{"type", "mute"}, {"participant", ToInt(mod->participant())}, {"muted", true}},
        Json{{"type", "set-public"}, {"public", false}}}) {
    guest->Send(request);
    EXPECT_EQ(guest->Last("error")["code"], "forbidden") << request;
    EXPECT_EQ(guest->Last("error")["fatal"], false);
  }
  EXPECT_TRUE(Present(other->participant()));
  EXPECT_FALSE(rooms_->GetParticipant(mod->participant())->muted);
  EXPECT_TRUE(rooms_->GetAccess(alice_, room_)->is_public);
  EXPECT_FALSE(guest->closed());
}

TEST_F(SignallingTest, ModeratorWithAnExpiredSessionCannotChangeAccess) {
  auto mod = JoinModerator(bob_);
  ASSERT_TRUE(rooms_->Logout(bob_).ok());
  mod->Send({{"type", "set-public"}, {"public", false}});
  EXPECT_EQ(mod->Last("error")["code"], "unauthenticated");
  EXPECT_EQ(mod->Last("error").dump().find(bob_), std::string::npos);
  EXPECT_TRUE(rooms_->GetAccess(alice_, room_)->is_public);
}

TEST_F(SignallingTest, ChangesMadeElsewhereReachTheSockets) {
  auto bob = JoinModerator(bob_);
  auto guest = JoinGuest("Erika");
  // The REST API (or anyone else) mutes the guest, then removes Bob from
  // the room's members, then deletes the room.
  ASSERT_TRUE(rooms_->SetMuted(bob->participant(), guest->participant(), true).ok());
  EXPECT_EQ(guest->Last("participants")["participants"][1]["muted"], true);
  ASSERT_TRUE(rooms_->RemoveMember(alice_, room_, "bob").ok());
  EXPECT_EQ(bob->Last("removed")["reason"], "membership_revoked");
  EXPECT_TRUE(bob->closed());
  EXPECT_EQ(guest->Last("state"), State("on_hold", true));
  ASSERT_TRUE(rooms_->DeleteRoom(alice_, room_).ok());
  EXPECT_EQ(guest->Last("removed")["reason"], "room_deleted");
  EXPECT_TRUE(guest->closed());
  EXPECT_EQ(hub_->stats().joined, 0);
}

TEST_F(SignallingTest, LobbyWatchersSeeGuestsWaitingLive) {
  auto lobby = Connect();
  lobby->Send({{"type", "watch-rooms"}, {"session", eve_}});
  EXPECT_EQ(lobby->Types(), std::vector<std::string>{"rooms"});  // eve is not a member yet
  EXPECT_EQ(lobby->Last("rooms")["rooms"], Json::array());
  ASSERT_TRUE(rooms_->AddMember(alice_, room_, "eve").ok());
  EXPECT_EQ(lobby->Last("rooms")["rooms"].size(), 1u);
  lobby->Take();

  auto guest = JoinGuest("Erika");
  ASSERT_EQ(lobby->Types(), std::vector<std::string>{"rooms"});  // one frame per change
  EXPECT_EQ(lobby->Last("rooms")["rooms"][0],
            (Json{{"id", ToInt(room_)}, {"name", "Vertrieb"}, {"public", true},
                  {"state", "waiting"}, {"guests_waiting", true}, {"participants", 1}}));
  lobby->Take();

  auto mod = JoinModerator();
  EXPECT_EQ(lobby->Last("rooms")["rooms"][0]["guests_waiting"], false);
  EXPECT_EQ(lobby->Last("rooms")["rooms"][0]["state"], "running");
  lobby->Take();
  mod->Send({{"type", "chat"}, {"text", "no lobby change"}});
  EXPECT_TRUE(lobby->frames().empty());

  // Logged out: the lobby is told once and stops updating.
  ASSERT_TRUE(rooms_->Logout(eve_).ok());
  mod->Send({{"type", "leave"}});
  EXPECT_EQ(lobby->Types(), std::vector<std::string>{"error"});
  EXPECT_EQ(lobby->Last("error")["code"], "unauthenticated");
  lobby->Take();
  guest->Send({{"type", "leave"}});
  EXPECT_TRUE(lobby->frames().empty());
}

TEST_F(SignallingTest, WatchingNeedsAValidSession) {
  auto lobby = Connect();
  lobby->Send({{"type", "watch-rooms"}, {"session", "not-a-session"}});
  EXPECT_EQ(lobby->Last("error")["code"], "unauthenticated");
  EXPECT_EQ(lobby->Last("error")["fatal"], false);
  lobby->Take();
  auto guest = JoinGuest("Erika");
  EXPECT_TRUE(lobby->frames().empty());
}

}  // namespace
}  // namespace konfero::signalling::testing
