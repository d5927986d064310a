// Behaviour of the room domain through its public API: users and sessions,
// rooms, public access, joining, licences, PIN limits, kicks and bans, chat,
// events, persistence and failed writes.
#include "konfero/room_service.h"

#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace konfero {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

MATCHER_P(StatusIs, code, "") { return arg.code() == code; }

// Cheap argon2 cost: these tests are about behaviour, not hashing strength.
RoomServiceOptions TestOptions() {
  RoomServiceOptions o;
  o.dial_in_number = "+49 30 555 0100";
  o.base_url = "https://conf.example/join/";
  o.guest_seats = 3;
  o.password_hash_memory_kib = 8;
  o.password_hash_iterations = 1;
  return o;
}

std::string GuestKey(int n) { return "guest-key-000000-" + std::to_string(n); }

class RoomServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { Open(TestOptions()); }

  void Open(RoomServiceOptions options) {
    auto s = RoomService::Open(std::move(options), clock_);
    ASSERT_TRUE(s.ok()) << s.status();
    service_ = *std::move(s);
    subscription_ = service_->Subscribe(std::nullopt, [this](const Event& e) {
      events_.push_back(e);
    });
  }

  // An admin "alice" and a member "bob"; alice owns room_, bob is a member.
  void SetUpUsersAndRoom() {
    ASSERT_TRUE(service_->BootstrapAdmin("alice", "Alice", "alice-password").ok());
    alice_ = Login("alice", "alice-password");
    ASSERT_TRUE(service_->CreateUser(alice_, "bob", "Bob", "bob-password").ok());
    bob_ = Login("bob", "bob-password");
    auto room = service_->CreateRoom(alice_, "Weekly");
    ASSERT_TRUE(room.ok()) << room.status();
    room_ = room->id;
    ASSERT_TRUE(service_->AddMember(alice_, room_, "bob").ok());
  }

  std::string Login(std::string_view login, std::string_view password) {
    auto s = service_->Login(login, password, "10.0.0.1");
    EXPECT_TRUE(s.ok()) << s.status();
    return s.ok() ? s->token : std::string();
  }

  PublicAccess MakePublic() {
    auto a = service_->SetPublic(alice_, room_, true);
    EXPECT_TRUE(a.ok()) << a.status();
    return *a;
  }

  absl::StatusOr<JoinResult> Guest(const PublicAccess& a, int n,
                                   std::string source = "192.0.2.1") {
    return service_->JoinAsBrowserGuest(
        {a.url_token, "Guest " + std::to_string(n), GuestKey(n), source});
  }

  ConferenceState State() {
    return service_->GetRoom(alice_, room_)->room.state;
  }

  std::vector<std::string> EventNames() {
    std::vector<std::string> names;
    for (const Event& e : events_) names.emplace_back(EventName(e.body));
    return names;
  }

  ManualClock clock_;
  std::unique_ptr<RoomService> service_;
  SubscriptionId subscription_{};
  std::vector<Event> events_;
  std::string alice_, bob_;
  RoomId room_{};
};

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
  EXPECT_THAT(service_->SetPublic(carol, room_, true).status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(service_->JoinAsMember(carol, room_).status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_TRUE(service_->ListRooms(carol)->empty());
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

TEST_F(RoomServiceTest, WrongPinsAreLimitedPerRoom) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  const std::string wrong = a.pin == "000000" ? "111111" : "000000";
  for (int i = 0; i < 5; ++i) {  // five sources, one room
    EXPECT_THAT(service_->JoinAsPhoneGuest(
                    {wrong, "", "10.8.8." + std::to_string(i), room_}).status(),
                StatusIs(absl::StatusCode::kPermissionDenied));
  }
  EXPECT_THAT(service_->JoinAsPhoneGuest({a.pin, "", "10.8.9.9", room_}).status(),
              StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST(RoomServiceGlobalLimitTest, APinBruteForceFromManySourcesIsStopped) {
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
  EXPECT_THAT(service->JoinAsPhoneGuest({a->pin, "", "fresh", {}}).status(),
              StatusIs(absl::StatusCode::kResourceExhausted));
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

// ---- Kick and bans -------------------------------------------------------------

TEST_F(RoomServiceTest, KickedGuestIsBarredUntilTheBanIsLifted) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  auto mod = service_->JoinAsMember(bob_, room_);
  auto guest = Guest(a, 1);
  auto other = Guest(a, 2);
  EXPECT_THAT(service_->Kick(other->participant, guest->participant),
              StatusIs(absl::StatusCode::kPermissionDenied));  // guests kick no one
  events_.clear();
  ASSERT_TRUE(service_->Kick(mod->participant, guest->participant).ok());
  auto* left = std::get_if<ParticipantLeft>(&events_.at(1).body);
  ASSERT_NE(left, nullptr);
  EXPECT_EQ(left->reason, LeaveReason::kKicked);
  EXPECT_THAT(service_->GetParticipant(guest->participant).status(),
              StatusIs(absl::StatusCode::kNotFound));

  auto back = Guest(a, 1);  // same guest key
  EXPECT_THAT(back.status(), StatusIs(absl::StatusCode::kPermissionDenied));
  auto bans = service_->ListBans(mod->participant);
  ASSERT_EQ(bans->size(), 1u);
  EXPECT_EQ(bans->front().display_name, "Guest 1");
  EXPECT_THAT(service_->LiftBan(other->participant, bans->front().id),
              StatusIs(absl::StatusCode::kPermissionDenied));
  ASSERT_TRUE(service_->LiftBan(mod->participant, bans->front().id).ok());
  EXPECT_TRUE(Guest(a, 1).ok());
}

TEST_F(RoomServiceTest, BansEndWithTheConference) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  auto mod = service_->JoinAsMember(bob_, room_);
  auto guest = Guest(a, 1);
  ASSERT_TRUE(service_->Kick(mod->participant, guest->participant).ok());
  ASSERT_TRUE(service_->Leave(mod->participant).ok());
  EXPECT_EQ(State(), ConferenceState::kIdle);
  EXPECT_TRUE(Guest(a, 1).ok());
}

TEST_F(RoomServiceTest, KickCanRegenerateAccessInTheSameStep) {
  SetUpUsersAndRoom();
  const PublicAccess old = MakePublic();
  auto mod = service_->JoinAsMember(bob_, room_);
  auto guest = Guest(old, 1);
  auto stays = Guest(old, 2);
  ASSERT_TRUE(service_->Kick(mod->participant, guest->participant,
                             {.regenerate_access = true}).ok());
  EXPECT_THAT(Guest(old, 3).status(), StatusIs(absl::StatusCode::kNotFound));
  const PublicAccess fresh = *service_->GetAccess(bob_, room_);
  EXPECT_NE(fresh.pin, old.pin);
  EXPECT_TRUE(Guest(fresh, 3).ok());
  EXPECT_TRUE(service_->GetParticipant(stays->participant).ok());
}

TEST_F(RoomServiceTest, KickedPhoneCallerIsBarredByCallerId) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  auto mod = service_->JoinAsMember(bob_, room_);
  auto phone = service_->JoinAsPhoneGuest({a.pin, "+4930123", "10.5.5.5", {}});
  ASSERT_TRUE(service_->Kick(mod->participant, phone->participant).ok());
  EXPECT_THAT(service_->JoinAsPhoneGuest({a.pin, "+4930123", "10.5.5.5", {}}).status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
}

TEST_F(RoomServiceTest, ModeratorsMuteOthersButOnlyTheyUnmuteThemselves) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  auto mod = service_->JoinAsMember(bob_, room_);
  auto guest = Guest(a, 1);
  ASSERT_TRUE(service_->SetMuted(mod->participant, guest->participant, true).ok());
  EXPECT_TRUE(service_->GetParticipant(guest->participant)->muted);
  EXPECT_THAT(service_->SetMuted(mod->participant, guest->participant, false),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(service_->SetMuted(guest->participant, mod->participant, true),
              StatusIs(absl::StatusCode::kPermissionDenied));
  ASSERT_TRUE(service_->SetMuted(guest->participant, guest->participant, false).ok());
  EXPECT_FALSE(service_->GetParticipant(guest->participant)->muted);
}

TEST_F(RoomServiceTest, RemovedMemberLeavesTheConference) {
  SetUpUsersAndRoom();
  auto bob_in = service_->JoinAsMember(bob_, room_);
  ASSERT_TRUE(service_->RemoveMember(alice_, room_, "bob").ok());
  EXPECT_THAT(service_->GetParticipant(bob_in->participant).status(),
              StatusIs(absl::StatusCode::kNotFound));
  EXPECT_EQ(State(), ConferenceState::kIdle);
  EXPECT_THAT(service_->RemoveMember(alice_, room_, "alice"),
              StatusIs(absl::StatusCode::kFailedPrecondition));
}

TEST_F(RoomServiceTest, DeletingARoomEndsItsConferenceAndFreesSeats) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  auto mod = service_->JoinAsMember(bob_, room_);
  auto guest = Guest(a, 1);
  ASSERT_TRUE(service_->DeleteRoom(alice_, room_).ok());
  EXPECT_EQ(service_->guest_seats_in_use(), 0);
  EXPECT_FALSE(service_->GetParticipant(guest->participant).ok());
  EXPECT_THAT(Guest(a, 2).status(), StatusIs(absl::StatusCode::kNotFound));
  EXPECT_TRUE(service_->ListRooms(alice_)->empty());
  EXPECT_EQ(EventName(events_.back().body), "room_deleted");
}

// ---- Chat ------------------------------------------------------------------------

TEST_F(RoomServiceTest, GuestsReadOnlyTheirConferenceMembersReadEverything) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  ASSERT_TRUE(service_->PostChatAsMember(alice_, room_, "before any conference").ok());
  auto mod = service_->JoinAsMember(bob_, room_);
  auto g1 = Guest(a, 1);
  ASSERT_TRUE(service_->PostChat(g1->participant, "hello from guest 1").ok());
  ASSERT_TRUE(service_->Leave(g1->participant).ok());
  ASSERT_TRUE(service_->Leave(mod->participant).ok());  // conference over

  auto mod2 = service_->JoinAsMember(bob_, room_);
  auto g2 = Guest(a, 2);
  ASSERT_TRUE(service_->PostChat(mod2->participant, "second conference").ok());
  auto guest_view = service_->ChatHistory(g2->participant);
  ASSERT_EQ(guest_view->size(), 1u);
  EXPECT_EQ(guest_view->front().text, "second conference");
  auto member_view = service_->ChatHistory(mod2->participant);
  ASSERT_EQ(member_view->size(), 3u);
  EXPECT_EQ(member_view->front().text, "before any conference");
  EXPECT_EQ(member_view->at(1).sender_name, "Guest 1");
  EXPECT_EQ(service_->ChatHistoryAsMember(alice_, room_)->size(), 3u);
}

TEST_F(RoomServiceTest, WaitingGuestsCannotChatAndBadTextIsRefused) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  auto g = Guest(a, 1);
  EXPECT_THAT(service_->PostChat(g->participant, "anyone?").status(),
              StatusIs(absl::StatusCode::kFailedPrecondition));
  auto mod = service_->JoinAsMember(bob_, room_);
  EXPECT_THAT(service_->PostChat(g->participant, "   ").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(service_->PostChat(g->participant, std::string(4001, 'x')).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(service_->PostChat(g->participant, "bell\a").status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_TRUE(service_->PostChat(g->participant, "line 1\nline 2 ✓").ok());
  EXPECT_EQ(service_->ChatHistory(mod->participant)->size(), 1u);
}

// ---- Persistence -------------------------------------------------------------------

class RoomServiceFileTest : public RoomServiceTest {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::path(::testing::TempDir()) /
           ("konfero-rooms-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    options_ = TestOptions();
    options_.database = (dir_ / "konfero.db").string();
    options_.database_busy_timeout = absl::Milliseconds(10);
    Open(options_);
  }
  void TearDown() override {
    service_.reset();
    std::filesystem::remove_all(dir_);
  }
  void Reopen() {
    service_.reset();
    Open(options_);
  }

  std::filesystem::path dir_;
  RoomServiceOptions options_;
};

TEST_F(RoomServiceFileTest, UsersRoomsMembersAccessAndChatSurviveARestart) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  auto mod = service_->JoinAsMember(bob_, room_);
  auto guest = Guest(a, 1);
  ASSERT_TRUE(service_->PostChat(guest->participant, "persist me").ok());

  Reopen();
  const std::string alice = Login("alice", "alice-password");
  const std::string bob = Login("bob", "bob-password");
  auto rooms = service_->ListRooms(bob);
  ASSERT_EQ(rooms->size(), 1u);
  EXPECT_EQ(rooms->front().name, "Weekly");
  EXPECT_EQ(rooms->front().members.size(), 2u);
  EXPECT_EQ(rooms->front().state, ConferenceState::kIdle);  // presence is not persisted
  auto access = service_->GetAccess(alice, room_);
  EXPECT_EQ(access->pin, a.pin);
  EXPECT_EQ(access->url_token, a.url_token);
  EXPECT_TRUE(Guest(a, 2).ok());  // the old URL still works after a restart
  auto history = service_->ChatHistoryAsMember(bob, room_);
  ASSERT_EQ(history->size(), 1u);
  EXPECT_EQ(history->front().text, "persist me");
  EXPECT_EQ(history->front().sender_role, ParticipantRole::kBrowserGuest);
}

TEST_F(RoomServiceFileTest, ConferenceIdsStayUniqueAcrossRestarts) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  auto mod = service_->JoinAsMember(bob_, room_);
  ASSERT_TRUE(service_->PostChat(mod->participant, "first").ok());
  const int64_t first = service_->GetRoom(alice_, room_)->conference_id;
  Reopen();
  const std::string bob = Login("bob", "bob-password");
  auto mod2 = service_->JoinAsMember(bob, room_);
  auto guest = Guest(a, 1);
  EXPECT_GT(service_->GetRoomAsParticipant(guest->participant)->conference_id, first);
  EXPECT_TRUE(service_->ChatHistory(guest->participant)->empty());
}

// Holds the database's write lock from a second connection.
class DatabaseLock {
 public:
  explicit DatabaseLock(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK);
    EXPECT_EQ(sqlite3_exec(db_, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  }
  ~DatabaseLock() {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(db_);
  }

 private:
  sqlite3* db_ = nullptr;
};

TEST_F(RoomServiceFileTest, AFailedWriteChangesNothing) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  auto mod = service_->JoinAsMember(bob_, room_);
  auto guest = Guest(a, 1);
  const size_t events_before = events_.size();
  {
    DatabaseLock lock(options_.database);
    EXPECT_THAT(service_->RenameRoom(alice_, room_, "Renamed"),
                StatusIs(absl::StatusCode::kUnavailable));
    EXPECT_THAT(service_->SetPublic(alice_, room_, false).status(),
                StatusIs(absl::StatusCode::kUnavailable));
    EXPECT_THAT(service_->RegenerateAccess(alice_, room_).status(),
                StatusIs(absl::StatusCode::kUnavailable));
    EXPECT_THAT(service_->Kick(mod->participant, guest->participant,
                               {.regenerate_access = true}),
                StatusIs(absl::StatusCode::kUnavailable));
    EXPECT_THAT(service_->PostChat(guest->participant, "lost?").status(),
                StatusIs(absl::StatusCode::kUnavailable));
    EXPECT_THAT(service_->CreateRoom(alice_, "New").status(),
                StatusIs(absl::StatusCode::kUnavailable));
    EXPECT_THAT(service_->RemoveMember(alice_, room_, "bob"),
                StatusIs(absl::StatusCode::kUnavailable));
    EXPECT_THAT(service_->DeleteRoom(alice_, room_),
                StatusIs(absl::StatusCode::kUnavailable));
  }
  // Memory is unchanged...
  EXPECT_EQ(events_.size(), events_before);
  auto snap = service_->GetRoom(alice_, room_);
  EXPECT_EQ(snap->room.name, "Weekly");
  EXPECT_TRUE(snap->room.is_public);
  EXPECT_EQ(snap->participants.size(), 2u);
  EXPECT_EQ(service_->GetAccess(alice_, room_)->pin, a.pin);
  EXPECT_EQ(service_->ListRooms(alice_)->size(), 1u);
  EXPECT_EQ(service_->guest_seats_in_use(), 1);
  EXPECT_TRUE(Guest(a, 2).ok());
  EXPECT_TRUE(service_->ChatHistory(mod->participant)->empty());
  // ...and so is the database.
  Reopen();
  const std::string alice = Login("alice", "alice-password");
  EXPECT_EQ(service_->GetRoom(alice, room_)->room.name, "Weekly");
  EXPECT_EQ(service_->GetRoom(alice, room_)->room.members.size(), 2u);
  EXPECT_EQ(service_->GetAccess(alice, room_)->pin, a.pin);
  EXPECT_TRUE(service_->ChatHistoryAsMember(alice, room_)->empty());
  // Writes work again once the lock is gone.
  EXPECT_TRUE(service_->RenameRoom(alice, room_, "Renamed").ok());
}

TEST(RoomServiceOpenTest, BadOptionsAreRefused) {
  ManualClock clock;
  RoomServiceOptions o = TestOptions();
  o.pin_digits = 3;
  EXPECT_THAT(RoomService::Open(o, clock).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  o = TestOptions();
  o.guest_seats = -1;
  EXPECT_THAT(RoomService::Open(o, clock).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  o = TestOptions();
  o.dial_in_number = "call me";
  EXPECT_THAT(RoomService::Open(o, clock).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  o = TestOptions();
  o.database = "/nonexistent-dir/x/konfero.db";
  EXPECT_FALSE(RoomService::Open(o, clock).ok());
}

}  // namespace
}  // namespace konfero
