// Behaviour of the room domain through its public API: users and sessions,
// rooms and public access, the conference lifecycle, licences and PIN
// limits. Kicks, bans and chat: room_service_moderation_test.cc;
// persistence and failed writes: room_service_persistence_test.cc.
#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "konfero/room_service.h"
#include "room_service_fixture.h"

namespace konfero {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// ---- Users and sessions ---------------------------------------------------

TEST_F(RoomServiceTest, BootstrapAdminOnlyOnce) {
  ASSERT_TRUE(service_->BootstrapAdmin("alice", "Alice", "alice-password").ok());
  EXPECT_THAT(service_->BootstrapAdmin("eve", "Eve", "eve-password").status(),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(RoomServiceTest, OnlyAdminsCreateUsers) {
  SetUpUsersAndRoom();
  EXPECT_THAT(service_->CreateUser(bob_, "carol", "Carol", "carol-password").status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(service_->CreateUser(alice_, "bob", "Bob 2", "bob-password").status(),
              StatusIs(absl::StatusCode::kAlreadyExists));
}

TEST_F(RoomServiceTest, BadInputIsInvalidArgumentAndChangesNothing) {
  SetUpUsersAndRoom();
  EXPECT_THAT(service_->CreateUser(alice_, "Bad Login", "X", "long-password").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(service_->CreateUser(alice_, "carol", "Carol", "short").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(service_->CreateRoom(alice_, "   ").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(service_->CreateRoom(alice_, std::string(101, 'x')).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(service_->CreateRoom(alice_, "bad \xff utf8").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(service_->RenameRoom(alice_, room_, "").code(),
              absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(service_->ListUsers(alice_)->size(), 2u);
  EXPECT_EQ(service_->ListRooms(alice_)->size(), 1u);
  EXPECT_EQ(service_->GetRoom(alice_, room_)->room.name, "Weekly");
}

TEST_F(RoomServiceTest, PasswordsAreStoredAsArgon2idAndVerify) {
  SetUpUsersAndRoom();
  EXPECT_THAT(service_->Login("bob", "wrong-password", "10.0.0.2").status(),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(service_->Login("nobody", "bob-password", "10.0.0.2").status(),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_TRUE(service_->Login("bob", "bob-password", "10.0.0.2").ok());
}

TEST_F(RoomServiceTest, FailedLoginsAreLimitedPerLoginAndPerSource) {
  SetUpUsersAndRoom();
  for (int i = 0; i < 5; ++i) {
    EXPECT_THAT(service_->Login("bob", "nope-nope", "10.9.9." + std::to_string(i)).status(),
                StatusIs(absl::StatusCode::kUnauthenticated));
  }
  // Locked per login, even from a fresh source and with the right password.
  auto locked = service_->Login("bob", "bob-password", "10.1.1.1");
  EXPECT_THAT(locked.status(), StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(std::string(locked.status().message()), HasSubstr("try again"));
  // Per source: one address guessing several logins is locked too.
  for (int i = 0; i < 5; ++i) {
    (void)service_->Login("user" + std::to_string(i), "nope-nope", "10.7.7.7");
  }
  EXPECT_THAT(service_->Login("alice", "alice-password", "10.7.7.7").status(),
              StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_TRUE(service_->Login("alice", "alice-password", "10.7.7.8").ok());
  clock_.Advance(absl::Minutes(6));
  EXPECT_TRUE(service_->Login("bob", "bob-password", "10.1.1.1").ok());
}

TEST_F(RoomServiceTest, SessionsExpireAndLogOut) {
  SetUpUsersAndRoom();
  EXPECT_TRUE(service_->WhoAmI(bob_).ok());
  clock_.Advance(absl::Hours(13));
  EXPECT_THAT(service_->WhoAmI(bob_).status(),
              StatusIs(absl::StatusCode::kUnauthenticated));
  const std::string again = Login("bob", "bob-password");
  ASSERT_TRUE(service_->Logout(again).ok());
  EXPECT_THAT(service_->WhoAmI(again).status(),
              StatusIs(absl::StatusCode::kUnauthenticated));
  EXPECT_THAT(service_->CreateRoom("forged-token", "X").status(),
              StatusIs(absl::StatusCode::kUnauthenticated));
}

TEST_F(RoomServiceTest, ChangingThePasswordEndsOtherSessions) {
  SetUpUsersAndRoom();
  const std::string other = Login("bob", "bob-password");
  EXPECT_THAT(service_->ChangePassword(bob_, "wrong-old", "new-password-1"),
              StatusIs(absl::StatusCode::kUnauthenticated));
  ASSERT_TRUE(service_->ChangePassword(bob_, "bob-password", "new-password-1").ok());
  EXPECT_FALSE(service_->WhoAmI(other).ok());
  EXPECT_TRUE(service_->Login("bob", "new-password-1", "10.0.0.3").ok());
}

// ---- Rooms and access -------------------------------------------------------

TEST_F(RoomServiceTest, NonMembersCannotManageOrJoinARoom) {
  SetUpUsersAndRoom();
  ASSERT_TRUE(service_->CreateUser(alice_, "carol", "Carol", "carol-password").ok());
  const std::string carol = Login("carol", "carol-password");
  // A room one is no member of is answered like one that does not exist,
  // word for word (but for the number): room ids cannot be probed.
  absl::Status not_member = service_->SetPublic(carol, room_, true).status();
  EXPECT_THAT(not_member, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(not_member.message(), absl::StrCat("room ", ToInt(room_), " not found"));
  EXPECT_THAT(service_->JoinAsMember(carol, room_).status(),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_TRUE(service_->ListRooms(carol)->empty());
  absl::Status missing = service_->SetPublic(carol, RoomId{999}, true).status();
  EXPECT_THAT(missing, StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(missing.message(), "room 999 not found");
  EXPECT_THAT(service_->RenameRoom(alice_, RoomId{999}, "X"),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(RoomServiceTest, MakingARoomPublicIssuesPinUrlAndInvitation) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  EXPECT_TRUE(a.is_public);
  ASSERT_EQ(a.pin.size(), 6u);
  EXPECT_TRUE(std::all_of(a.pin.begin(), a.pin.end(), ::isdigit));
  EXPECT_GE(a.url_token.size(), 22u);  // 128 bits in base64url
  EXPECT_EQ(a.url_token.find_first_not_of(
                "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"),
            std::string::npos);
  EXPECT_EQ(a.url, "https://conf.example/join/" + a.url_token);
  for (const std::string& text : {a.invitation_en, a.invitation_de}) {
    EXPECT_THAT(text, HasSubstr("+49 30 555 0100"));
    EXPECT_THAT(text, HasSubstr(a.pin));
    EXPECT_THAT(text, HasSubstr(a.url));
    EXPECT_THAT(text, HasSubstr("Weekly"));
  }
  EXPECT_THAT(a.invitation_de, HasSubstr("Einwahlnummer"));
  // The dial-in wants the PIN closed with the hash key: the invitation says so.
  EXPECT_THAT(a.invitation_en, HasSubstr("PIN: " + a.pin + "\n"));
  EXPECT_THAT(a.invitation_en, HasSubstr("enter the PIN followed by #."));
  EXPECT_THAT(a.invitation_de, HasSubstr("PIN: " + a.pin + "\n"));
  EXPECT_THAT(a.invitation_de, HasSubstr("geben Sie die PIN ein, gefolgt von #."));
  // Asking again keeps the same codes; GetAccess shows them to members.
  EXPECT_EQ(service_->SetPublic(bob_, room_, true)->pin, a.pin);
  EXPECT_EQ(service_->GetAccess(bob_, room_)->url_token, a.url_token);
  EXPECT_TRUE(service_->ListRooms(bob_)->front().is_public);
}

TEST_F(RoomServiceTest, TokensAndPinsDifferBetweenRooms) {
  SetUpUsersAndRoom();
  std::set<std::string> pins, tokens;
  for (int i = 0; i < 20; ++i) {
    auto room = service_->CreateRoom(alice_, "Room " + std::to_string(i));
    auto a = service_->SetPublic(alice_, room->id, true);
    ASSERT_TRUE(a.ok());
    pins.insert(a->pin);
    tokens.insert(a->url_token);
  }
  EXPECT_EQ(pins.size(), 20u);
  EXPECT_EQ(tokens.size(), 20u);
}

// A random source that replays a script, then counts up: forces collisions.
class ScriptedRandom : public RandomSource {
 public:
  void Fill(absl::Span<uint8_t> out) override {
    for (uint8_t& b : out) b = static_cast<uint8_t>(counter_++ % 10);
  }
  void Reset() { counter_ = 0; }

 private:
  uint64_t counter_ = 0;
};

TEST(RoomServicePinTest, PinsAreUniqueAmongPublicRoomsEvenWhenTheRandomRepeats) {
  ManualClock clock;
  ScriptedRandom random;
  RoomServiceOptions o = TestOptions();
  auto service = *RoomService::Open(o, clock, random);
  ASSERT_TRUE(service->BootstrapAdmin("alice", "Alice", "alice-password").ok());
  const std::string s = service->Login("alice", "alice-password", "x")->token;
  auto r1 = service->CreateRoom(s, "One");
  auto r2 = service->CreateRoom(s, "Two");
  random.Reset();
  const std::string pin1 = service->SetPublic(s, r1->id, true)->pin;
  random.Reset();  // the same bytes again: the first PIN drawn collides
  const std::string pin2 = service->SetPublic(s, r2->id, true)->pin;
  EXPECT_NE(pin1, pin2);
}

TEST_F(RoomServiceTest, MakingARoomPrivateRevokesAccessAndRemovesGuests) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  auto mod = service_->JoinAsMember(bob_, room_);
  ASSERT_TRUE(Guest(a, 1).ok());
  ASSERT_TRUE(service_->JoinAsPhoneGuest({a.pin, "+4930111", "10.5.5.5", {}}).ok());
  EXPECT_EQ(service_->guest_seats_in_use(), 1);
  events_.clear();

  auto now = service_->SetPublic(alice_, room_, false);
  ASSERT_TRUE(now.ok());
  EXPECT_FALSE(now->is_public);
  EXPECT_TRUE(now->pin.empty());
  EXPECT_EQ(service_->guest_seats_in_use(), 0);
  auto snap = service_->GetRoom(alice_, room_);
  ASSERT_EQ(snap->participants.size(), 1u);
  EXPECT_EQ(snap->participants[0].id, mod->participant);
  EXPECT_EQ(snap->room.state, ConferenceState::kRunning);
  int revoked = 0;
  for (const Event& e : events_) {
    if (auto* left = std::get_if<ParticipantLeft>(&e.body)) {
      EXPECT_EQ(left->reason, LeaveReason::kAccessRevoked);
      ++revoked;
    }
  }
  EXPECT_EQ(revoked, 2);
  // The link is recognised, and refused as "no longer public" (see
  // room_service_guest_url_test.cc).
  EXPECT_THAT(Guest(a, 2).status(), StatusIs(absl::StatusCode::kFailedPrecondition));
  EXPECT_THAT(service_->JoinAsPhoneGuest({a.pin, "", "10.5.5.6", {}}).status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(RoomServiceTest, RegeneratedCodesReplaceTheOldOnes) {
  SetUpUsersAndRoom();
  const PublicAccess old = MakePublic();
  auto fresh = service_->RegenerateAccess(bob_, room_);
  ASSERT_TRUE(fresh.ok());
  EXPECT_NE(fresh->pin, old.pin);
  EXPECT_NE(fresh->url_token, old.url_token);
  EXPECT_THAT(Guest(old, 1).status(), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_THAT(service_->JoinAsPhoneGuest({old.pin, "", "10.5.5.5", {}}).status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_TRUE(Guest(*fresh, 1).ok());
  EXPECT_TRUE(service_->JoinAsPhoneGuest({fresh->pin, "", "10.5.5.5", {}}).ok());
  ASSERT_TRUE(service_->SetPublic(alice_, room_, false).ok());
  EXPECT_THAT(service_->RegenerateAccess(alice_, room_).status(),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

// ---- The conference lifecycle through the service -----------------------------

TEST_F(RoomServiceTest, GuestWaitsUntilFirstModeratorJoinsAndHoldsWhenLastLeaves) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  events_.clear();

  auto guest = Guest(a, 1);
  ASSERT_TRUE(guest.ok());
  EXPECT_TRUE(guest->waiting);
  EXPECT_EQ(guest->state, ConferenceState::kWaiting);
  EXPECT_TRUE(service_->ListRooms(bob_)->front().guests_waiting);

  auto m1 = service_->JoinAsMember(bob_, room_);
  ASSERT_TRUE(m1.ok());
  EXPECT_EQ(m1->role, ParticipantRole::kModerator);
  EXPECT_FALSE(m1->waiting);
  EXPECT_EQ(State(), ConferenceState::kRunning);
  EXPECT_FALSE(service_->GetParticipant(guest->participant)->waiting);
  EXPECT_FALSE(service_->ListRooms(bob_)->front().guests_waiting);

  auto m2 = service_->JoinAsMember(alice_, room_);  // two moderators at once
  ASSERT_TRUE(service_->Leave(m1->participant).ok());
  EXPECT_EQ(State(), ConferenceState::kRunning);
  ASSERT_TRUE(service_->Leave(m2->participant).ok());
  EXPECT_EQ(State(), ConferenceState::kOnHold);
  EXPECT_TRUE(service_->GetParticipant(guest->participant)->waiting);
  EXPECT_TRUE(service_->ListRooms(bob_)->front().guests_waiting);

  auto m3 = service_->JoinAsMember(bob_, room_);  // resumes
  EXPECT_EQ(State(), ConferenceState::kRunning);
  ASSERT_TRUE(service_->Leave(m3->participant).ok());
  ASSERT_TRUE(service_->Disconnect(guest->participant).ok());
  EXPECT_EQ(State(), ConferenceState::kIdle);

  EXPECT_THAT(EventNames(),
              ElementsAre("participant_joined", "state_changed",
                          "guests_waiting_changed",                 // guest
                          "participant_joined", "state_changed",
                          "guests_waiting_changed",                 // m1
                          "participant_joined",                     // m2
                          "participant_left",                       // m1
                          "participant_left", "state_changed",
                          "guests_waiting_changed",                 // m2: hold
                          "participant_joined", "state_changed",
                          "guests_waiting_changed",                 // m3
                          "participant_left", "state_changed",
                          "guests_waiting_changed",                 // m3: hold
                          "participant_left", "state_changed",
                          "guests_waiting_changed"));               // idle
  for (size_t i = 1; i < events_.size(); ++i) {
    EXPECT_EQ(events_[i].seq, events_[i - 1].seq + 1);
  }
}

TEST_F(RoomServiceTest, RoomSubscriptionsSeeOnlyTheirRoom) {
  SetUpUsersAndRoom();
  auto other = service_->CreateRoom(alice_, "Other");
  std::vector<Event> mine;
  service_->Subscribe(room_, [&](const Event& e) { mine.push_back(e); });
  ASSERT_TRUE(service_->JoinAsMember(alice_, other->id).ok());
  EXPECT_TRUE(mine.empty());
  ASSERT_TRUE(service_->JoinAsMember(alice_, room_).ok());
  EXPECT_FALSE(mine.empty());
  for (const Event& e : mine) EXPECT_EQ(e.room, room_);
}

TEST_F(RoomServiceTest, CallbacksMayCallBackAndEventsStayInOrder) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  // A moderator bot that greets every guest in the chat.
  auto bot = service_->JoinAsMember(alice_, room_);
  std::vector<uint64_t> seqs;
  service_->Subscribe(room_, [&](const Event& e) {
    seqs.push_back(e.seq);
    if (auto* j = std::get_if<ParticipantJoined>(&e.body);
        j && j->participant.role == ParticipantRole::kBrowserGuest) {
      EXPECT_TRUE(service_->PostChat(bot->participant, "Welcome!").ok());
    }
  });
  ASSERT_TRUE(Guest(a, 1).ok());
  ASSERT_GE(seqs.size(), 2u);
  for (size_t i = 1; i < seqs.size(); ++i) EXPECT_LT(seqs[i - 1], seqs[i]);
  EXPECT_EQ(service_->ChatHistory(bot->participant)->size(), 1u);
}

// ---- Licences -------------------------------------------------------------------

TEST_F(RoomServiceTest, BrowserGuestsHoldSeatsPhoneGuestsDoNot) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  auto mod = service_->JoinAsMember(bob_, room_);
  auto g1 = Guest(a, 1);
  auto g2 = Guest(a, 2);
  auto g3 = Guest(a, 3);
  ASSERT_TRUE(g1.ok() && g2.ok() && g3.ok());
  EXPECT_EQ(service_->guest_seats_in_use(), 3);
  auto refused = Guest(a, 4);
  EXPECT_THAT(refused.status(), StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("3 concurrent guest seats"));
  EXPECT_TRUE(service_->JoinAsPhoneGuest({a.pin, "+4930999", "10.5.5.5", {}}).ok());
  EXPECT_EQ(service_->guest_seats_in_use(), 3);

  ASSERT_TRUE(service_->Leave(g1->participant).ok());
  EXPECT_EQ(service_->guest_seats_in_use(), 2);
  ASSERT_TRUE(service_->Disconnect(g2->participant).ok());
  EXPECT_EQ(service_->guest_seats_in_use(), 1);
  ASSERT_TRUE(service_->Kick(mod->participant, g3->participant).ok());
  EXPECT_EQ(service_->guest_seats_in_use(), 0);
  EXPECT_TRUE(Guest(a, 4).ok());
}

TEST_F(RoomServiceTest, WaitingGuestsHoldSeatsToo) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  ASSERT_TRUE(Guest(a, 1).ok());
  EXPECT_EQ(State(), ConferenceState::kWaiting);
  EXPECT_EQ(service_->guest_seats_in_use(), 1);
}

TEST(RoomServiceLicenceTest, ZeroSeatsRefusesEveryBrowserGuest) {
  ManualClock clock;
  RoomServiceOptions o = TestOptions();
  o.guest_seats = 0;
  auto service = *RoomService::Open(o, clock);
  ASSERT_TRUE(service->BootstrapAdmin("alice", "Alice", "alice-password").ok());
  const std::string s = service->Login("alice", "alice-password", "x")->token;
  auto room = service->CreateRoom(s, "R");
  auto a = service->SetPublic(s, room->id, true);
  EXPECT_THAT(service->JoinAsBrowserGuest({a->url_token, "G", GuestKey(1), "x"}).status(),
              StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_TRUE(service->JoinAsPhoneGuest({a->pin, "", "x", {}}).ok());
}

// ---- PIN limits -------------------------------------------------------------------

TEST_F(RoomServiceTest, WrongPinsAreLimitedPerSource) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  const std::string wrong = a.pin == "000000" ? "111111" : "000000";
  for (int i = 0; i < 5; ++i) {
    EXPECT_THAT(service_->JoinAsPhoneGuest({wrong, "", "10.6.6.6", {}}).status(),
                StatusIs(absl::StatusCode::kPermissionDenied));
  }
  // Even the right PIN is refused while the source is locked out...
  EXPECT_THAT(service_->JoinAsPhoneGuest({a.pin, "", "10.6.6.6", {}}).status(),
              StatusIs(absl::StatusCode::kResourceExhausted));
  // ...but another source is not affected.
  EXPECT_TRUE(service_->JoinAsPhoneGuest({a.pin, "", "10.6.6.7", {}}).ok());
  clock_.Advance(absl::Minutes(5));
  EXPECT_TRUE(service_->JoinAsPhoneGuest({a.pin, "", "10.6.6.6", {}}).ok());
}

// Per room the limit slows answers but never refuses: guessing at one room's
// number must not lock its callers out (room_service.h).
TEST_F(RoomServiceTest, WrongPinsAtARoomsNumberAreSlowedNotLockedOut) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  const std::string wrong = a.pin == "000000" ? "111111" : "000000";
  for (int i = 0; i < 5; ++i) {  // five sources, one room
    EXPECT_THAT(service_->JoinAsPhoneGuest(
                    {wrong, "", "10.8.8." + std::to_string(i), room_}).status(),
                StatusIs(absl::StatusCode::kPermissionDenied));
  }
  PhoneJoinAttempt wrong_again =
      service_->TryJoinAsPhoneGuest({wrong, "", "10.8.9.8", room_});
  EXPECT_THAT(wrong_again.result.status(), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(wrong_again.answer_delay, absl::Seconds(20));
  PhoneJoinAttempt right = service_->TryJoinAsPhoneGuest({a.pin, "", "10.8.9.9", room_});
  EXPECT_TRUE(right.result.ok()) << right.result.status();
  EXPECT_EQ(right.answer_delay, absl::Seconds(20));
}

// Globally too: a brute force from many sources is slowed, and the right PIN
// still gets in (the global limit must not lock every phone guest out).
TEST(RoomServiceGlobalLimitTest, APinBruteForceFromManySourcesIsSlowed) {
  ManualClock clock;
  RoomServiceOptions o = TestOptions();
  o.guest_code_global_limit = {20, absl::Minutes(1), absl::Minutes(1)};
  auto service = *RoomService::Open(o, clock);
  ASSERT_TRUE(service->BootstrapAdmin("alice", "Alice", "alice-password").ok());
  const std::string s = service->Login("alice", "alice-password", "x")->token;
  auto room = service->CreateRoom(s, "R");
  auto a = service->SetPublic(s, room->id, true);
  int refused_wrong = 0;
  for (int i = 0; i < 20; ++i) {
    std::string guess = std::to_string(100000 + i);
    if (guess == a->pin) continue;
    refused_wrong += !service->JoinAsPhoneGuest({guess, "", "s" + std::to_string(i), {}}).ok();
  }
  EXPECT_GE(refused_wrong, 19);
  PhoneJoinAttempt guess = service->TryJoinAsPhoneGuest({"999999", "", "late", {}});
  if (a->pin != "999999") {
    EXPECT_THAT(guess.result.status(), StatusIs(absl::StatusCode::kPermissionDenied));
  }
  EXPECT_EQ(guess.answer_delay, o.phone_slow_answer_delay);
  PhoneJoinAttempt right = service->TryJoinAsPhoneGuest({a->pin, "", "fresh", {}});
  EXPECT_TRUE(right.result.ok()) << right.result.status();
  EXPECT_EQ(right.answer_delay, o.phone_slow_answer_delay);
  clock.Advance(absl::Minutes(1));
  EXPECT_EQ(service->TryJoinAsPhoneGuest({a->pin, "", "fresh", {}}).answer_delay,
            absl::ZeroDuration());
}

TEST_F(RoomServiceTest, MalformedPinsCountAsWrongAndNeverCrash) {
  SetUpUsersAndRoom();
  MakePublic();
  for (const char* pin : {"", "12", "abcdef", "1234567", "12345\n", "\xff\xfe\xfd\xfc\xfb\xfa"}) {
    EXPECT_FALSE(service_->JoinAsPhoneGuest({pin, "", "10.3.3.3", {}}).ok());
  }
  EXPECT_THAT(service_->JoinAsPhoneGuest({"123456", "", "10.3.3.3", {}}).status(),
              StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST_F(RoomServiceTest, WrongUrlTokensAreLimitedPerSource) {
  SetUpUsersAndRoom();
  PublicAccess a = MakePublic();
  PublicAccess forged = a;
  forged.url_token = "AAAAAAAAAAAAAAAAAAAAAA";
  for (int i = 0; i < 5; ++i) {
    EXPECT_THAT(Guest(forged, 1, "10.4.4.4").status(),
                StatusIs(absl::StatusCode::kNotFound));
  }
  EXPECT_THAT(Guest(a, 1, "10.4.4.4").status(),
              StatusIs(absl::StatusCode::kResourceExhausted));
}

}  // namespace
}  // namespace konfero
