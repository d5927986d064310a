// Phone guests through the RoomService's public API: the PIN's brute-force
// limits (refused per source and caller id, only slowed per room and
// globally, so a right PIN always gets in), caller-id bans, the masked caller
// id, no licence seat, and "guests waiting".
#include <string>
#include <variant>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "konfero/room_service.h"
#include "room_service_fixture.h"

namespace konfero {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

constexpr char kEllipsis[] = "\xe2\x80\xa6";

std::string WrongPin(const PublicAccess& a) {
  return a.pin == "000000" ? "111111" : "000000";
}

std::string Source(int n) { return "198.51.100." + std::to_string(n); }

PhoneGuestJoin Call(std::string pin, std::string caller, std::string source,
                    std::optional<RoomId> room = std::nullopt) {
  return PhoneGuestJoin{std::move(pin), std::move(caller), std::move(source), room};
}

class PhoneGuestTest : public RoomServiceTest {
 protected:
  // A small global budget so a test can exhaust it from a few sources.
  void OpenWithGlobalLimit(int max_failures) {
    RoomServiceOptions o = TestOptions();
    o.guest_code_global_limit = {max_failures, absl::Minutes(1), absl::Minutes(2)};
    o.phone_slow_answer_delay = absl::Seconds(15);
    Open(o);
  }

  // Wrong PINs from `sources` distinct addresses and callers, each staying
  // under its own per-source and per-caller limit (5).
  void GuessFromManySources(const PublicAccess& a, int sources, int each,
                            std::optional<RoomId> room = std::nullopt) {
    for (int s = 0; s < sources; ++s) {
      for (int i = 0; i < each; ++i) {
        PhoneJoinAttempt r = service_->TryJoinAsPhoneGuest(
            Call(WrongPin(a), "+1555000" + std::to_string(100 + s), Source(s), room));
        ASSERT_THAT(r.result.status(), StatusIs(absl::StatusCode::kPermissionDenied))
            << r.result.status();
      }
    }
  }
};

// ---- The masked caller id --------------------------------------------------------

TEST(MaskCallerIdTest, ShowsOnlyTheLastFourDigits) {
  EXPECT_EQ(MaskCallerId("+4930123454567"), std::string("Phone ") + kEllipsis + "4567");
  EXPECT_EQ(MaskCallerId("+49 30 1234-5678"), std::string("Phone ") + kEllipsis + "5678");
  EXPECT_EQ(MaskCallerId("+111"), std::string("Phone ") + kEllipsis + "111");
  EXPECT_EQ(MaskCallerId("7"), std::string("Phone ") + kEllipsis + "7");
  EXPECT_EQ(MaskCallerId(""), "Phone");
  EXPECT_EQ(MaskCallerId("anonymous"), "Phone");
}

// ---- Brute force -------------------------------------------------------------------

TEST_F(PhoneGuestTest, RightPinGetsInAfterGuessesFromManySourcesUsedTheGlobalBudget) {
  OpenWithGlobalLimit(12);
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  GuessFromManySources(a, /*sources=*/4, /*each=*/3);  // 12: the budget is gone

  // A further guess is still only refused as wrong, after the slow answer.
  PhoneJoinAttempt guess =
      service_->TryJoinAsPhoneGuest(Call(WrongPin(a), "+15550009999", Source(50)));
  EXPECT_THAT(guess.result.status(), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(guess.answer_delay, absl::Seconds(15));

  // The right PIN is admitted, with the same delay (the wait says nothing).
  PhoneJoinAttempt right =
      service_->TryJoinAsPhoneGuest(Call(a.pin, "+4930123454567", Source(60)));
  ASSERT_TRUE(right.result.ok()) << right.result.status();
  EXPECT_EQ(right.answer_delay, absl::Seconds(15));
  EXPECT_EQ(right.result->role, ParticipantRole::kPhoneGuest);
  EXPECT_EQ(right.result->room, room_);
  EXPECT_TRUE(service_->GetParticipant(right.result->participant).ok());
  // Also through the plain call, and for an anonymous caller.
  EXPECT_TRUE(service_->JoinAsPhoneGuest(Call(a.pin, "", Source(61))).ok());

  // Once the global lockout has passed, answers are immediate again.
  clock_.Advance(absl::Minutes(2) + absl::Seconds(1));
  PhoneJoinAttempt later =
      service_->TryJoinAsPhoneGuest(Call(a.pin, "+4930111", Source(62)));
  ASSERT_TRUE(later.result.ok()) << later.result.status();
  EXPECT_EQ(later.answer_delay, absl::ZeroDuration());
}

TEST_F(PhoneGuestTest, AnswersAreImmediateWhileUnderTheLimits) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  PhoneJoinAttempt wrong =
      service_->TryJoinAsPhoneGuest(Call(WrongPin(a), "+4930111", Source(1), room_));
  EXPECT_THAT(wrong.result.status(), StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_EQ(wrong.answer_delay, absl::ZeroDuration());
  PhoneJoinAttempt right =
      service_->TryJoinAsPhoneGuest(Call(a.pin, "+4930111", Source(1), room_));
  ASSERT_TRUE(right.result.ok()) << right.result.status();
  EXPECT_EQ(right.answer_delay, absl::ZeroDuration());
}

TEST_F(PhoneGuestTest, GuessingAtOneRoomsNumberSlowsItButLocksNobodyOut) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  auto other_room = service_->CreateRoom(alice_, "Other");
  ASSERT_TRUE(other_room.ok());
  auto other = service_->SetPublic(alice_, other_room->id, true);
  ASSERT_TRUE(other.ok());
  // phone_room_limit: 5 wrong PINs at the room's number, from 5 sources.
  GuessFromManySources(a, /*sources=*/5, /*each=*/1, room_);

  PhoneJoinAttempt right =
      service_->TryJoinAsPhoneGuest(Call(a.pin, "+4930123", Source(40), room_));
  ASSERT_TRUE(right.result.ok()) << right.result.status();
  EXPECT_EQ(right.answer_delay, absl::Seconds(20));  // the default
  // Another room's number, and the shared number, are not slowed.
  PhoneJoinAttempt elsewhere = service_->TryJoinAsPhoneGuest(
      Call(other->pin, "+4930124", Source(41), other_room->id));
  ASSERT_TRUE(elsewhere.result.ok()) << elsewhere.result.status();
  EXPECT_EQ(elsewhere.answer_delay, absl::ZeroDuration());
  PhoneJoinAttempt shared =
      service_->TryJoinAsPhoneGuest(Call(a.pin, "+4930125", Source(42)));
  ASSERT_TRUE(shared.result.ok()) << shared.result.status();
  EXPECT_EQ(shared.answer_delay, absl::ZeroDuration());
}

TEST_F(PhoneGuestTest, ALockedOutSourceIsRefusedEvenWithTheRightPin) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  for (int i = 0; i < 5; ++i) {  // a new caller id each time: the source counts
    EXPECT_THAT(service_->JoinAsPhoneGuest(
                    Call(WrongPin(a), "+4930100" + std::to_string(i), Source(1)))
                    .status(),
                StatusIs(absl::StatusCode::kPermissionDenied));
  }
  PhoneJoinAttempt refused =
      service_->TryJoinAsPhoneGuest(Call(a.pin, "+4930999", Source(1)));
  EXPECT_THAT(refused.result.status(), StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(refused.result.status().message(), HasSubstr("too many failed PIN attempts"));
  EXPECT_EQ(refused.answer_delay, absl::ZeroDuration());
  EXPECT_TRUE(service_->JoinAsPhoneGuest(Call(a.pin, "+4930999", Source(2))).ok());
  clock_.Advance(absl::Minutes(5) + absl::Seconds(1));
  EXPECT_TRUE(service_->JoinAsPhoneGuest(Call(a.pin, "+4930999", Source(1))).ok());
}

TEST_F(PhoneGuestTest, ALockedOutCallerIdIsRefusedFromAnySource) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  for (int i = 0; i < 5; ++i) {  // a new source each time: the caller id counts
    EXPECT_THAT(service_->JoinAsPhoneGuest(Call(WrongPin(a), "+4930777", Source(i)))
                    .status(),
                StatusIs(absl::StatusCode::kPermissionDenied));
  }
  // The same number written differently is the same caller.
  EXPECT_THAT(service_->JoinAsPhoneGuest(Call(a.pin, "+49 30 777", Source(20))).status(),
              StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_TRUE(service_->JoinAsPhoneGuest(Call(a.pin, "+4930778", Source(21))).ok());
  // Anonymous callers have no caller id to count against.
  EXPECT_TRUE(service_->JoinAsPhoneGuest(Call(a.pin, "anonymous", Source(22))).ok());
  clock_.Advance(absl::Minutes(5) + absl::Seconds(1));
  EXPECT_TRUE(service_->JoinAsPhoneGuest(Call(a.pin, "+4930777", Source(20))).ok());
}

TEST_F(PhoneGuestTest, CallerLimitCanBeSetApart) {
  RoomServiceOptions o = TestOptions();
  o.phone_caller_limit = {2, absl::Minutes(1), absl::Minutes(1)};
  Open(o);
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  for (int i = 0; i < 2; ++i) {
    EXPECT_FALSE(service_->JoinAsPhoneGuest(Call(WrongPin(a), "+4930777", Source(i))).ok());
  }
  EXPECT_THAT(service_->JoinAsPhoneGuest(Call(a.pin, "+4930777", Source(9))).status(),
              StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST_F(PhoneGuestTest, BadPhoneOptionsAreRefused) {
  RoomServiceOptions o = TestOptions();
  o.phone_slow_answer_delay = absl::Seconds(-1);
  EXPECT_THAT(RoomService::Open(o, clock_).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  o = TestOptions();
  o.phone_caller_limit.max_failures = 0;
  EXPECT_THAT(RoomService::Open(o, clock_).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  o = TestOptions();
  o.phone_room_limit.window = absl::ZeroDuration();
  EXPECT_THAT(RoomService::Open(o, clock_).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

TEST_F(PhoneGuestTest, RefusalsNameNeitherThePinNorTheCaller) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  for (int i = 0; i < 6; ++i) {
    absl::Status s =
        service_->JoinAsPhoneGuest(Call(WrongPin(a), "+4930123454567", Source(1))).status();
    EXPECT_THAT(std::string(s.message()), Not(HasSubstr(WrongPin(a))));
    EXPECT_THAT(std::string(s.message()), Not(HasSubstr("4567")));
  }
}

// ---- Kicks and bans ------------------------------------------------------------------

TEST_F(PhoneGuestTest, KickedCallerIdIsBarredOthersGetInAndLiftingTheBanLetsItBack) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  auto mod = service_->JoinAsMember(bob_, room_);
  auto phone = service_->JoinAsPhoneGuest(Call(a.pin, "+4930123454567", Source(1)));
  ASSERT_TRUE(phone.ok()) << phone.status();
  events_.clear();
  ASSERT_TRUE(service_->Kick(mod->participant, phone->participant).ok());
  const std::string masked = std::string("Phone ") + kEllipsis + "4567";
  bool banned_event = false;
  for (const Event& e : events_) {
    if (const auto* b = std::get_if<GuestBanned>(&e.body)) {
      EXPECT_EQ(b->ban.display_name, masked);
      banned_event = true;
    }
    if (const auto* left = std::get_if<ParticipantLeft>(&e.body)) {
      EXPECT_EQ(left->reason, LeaveReason::kKicked);  // the dial-in sends a BYE
      EXPECT_EQ(left->display_name, masked);
    }
  }
  EXPECT_TRUE(banned_event);

  // Barred by its digits, however it is written and from wherever it calls.
  EXPECT_THAT(service_->JoinAsPhoneGuest(Call(a.pin, "+4930123454567", Source(2))).status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_THAT(
      service_->JoinAsPhoneGuest(Call(a.pin, "+49 30 12345 4567", Source(3))).status(),
      StatusIs(absl::StatusCode::kPermissionDenied));
  EXPECT_TRUE(service_->JoinAsPhoneGuest(Call(a.pin, "+4930999", Source(4))).ok());

  auto bans = service_->ListBans(mod->participant);
  ASSERT_TRUE(bans.ok());
  ASSERT_EQ(bans->size(), 1u);
  EXPECT_EQ(bans->front().display_name, masked);
  ASSERT_TRUE(service_->LiftBan(mod->participant, bans->front().id).ok());
  EXPECT_TRUE(service_->JoinAsPhoneGuest(Call(a.pin, "+4930123454567", Source(2))).ok());
}

TEST_F(PhoneGuestTest, AnAnonymousCallerCannotBeBarredSoTheKickRegeneratesThePin) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  auto mod = service_->JoinAsMember(bob_, room_);
  auto anon = service_->JoinAsPhoneGuest(Call(a.pin, "", Source(1)));
  ASSERT_TRUE(anon.ok());
  ASSERT_TRUE(service_->Kick(mod->participant, anon->participant).ok());
  EXPECT_TRUE(service_->ListBans(mod->participant)->empty());
  auto again = service_->JoinAsPhoneGuest(Call(a.pin, "anonymous", Source(1)));
  ASSERT_TRUE(again.ok()) << again.status();  // nothing to bar it by
  ASSERT_TRUE(service_->Kick(mod->participant, again->participant,
                             {.regenerate_access = true})
                  .ok());
  EXPECT_THAT(service_->JoinAsPhoneGuest(Call(a.pin, "", Source(1))).status(),
              StatusIs(absl::StatusCode::kPermissionDenied));
  const PublicAccess fresh = *service_->GetAccess(bob_, room_);
  EXPECT_TRUE(service_->JoinAsPhoneGuest(Call(fresh.pin, "", Source(2))).ok());
}

// ---- What moderators see, seats, waiting ----------------------------------------------

TEST_F(PhoneGuestTest, ModeratorsSeeAMaskedPhoneGuestAndMuteAndKickIt) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  auto mod = service_->JoinAsMember(bob_, room_);
  events_.clear();
  auto phone = service_->JoinAsPhoneGuest(Call(a.pin, "+4930123454567", Source(1)));
  ASSERT_TRUE(phone.ok());
  const std::string masked = std::string("Phone ") + kEllipsis + "4567";
  auto snap = service_->GetRoomAsParticipant(mod->participant);
  ASSERT_TRUE(snap.ok());
  ASSERT_EQ(snap->participants.size(), 2u);
  const ParticipantInfo& p = snap->participants.back();
  EXPECT_EQ(p.role, ParticipantRole::kPhoneGuest);
  EXPECT_EQ(ToString(p.role), "phone_guest");
  EXPECT_EQ(p.display_name, masked);
  const auto* joined = std::get_if<ParticipantJoined>(&events_.front().body);
  ASSERT_NE(joined, nullptr);
  EXPECT_EQ(joined->participant.display_name, masked);
  auto member_view = service_->GetRoom(alice_, room_);
  ASSERT_TRUE(member_view.ok());
  for (const ParticipantInfo& q : member_view->participants) {
    EXPECT_THAT(q.display_name, Not(HasSubstr("30123")));
  }

  ASSERT_TRUE(service_->SetMuted(mod->participant, phone->participant, true).ok());
  EXPECT_TRUE(service_->GetParticipant(phone->participant)->muted);
  ASSERT_TRUE(service_->Kick(mod->participant, phone->participant).ok());
  EXPECT_THAT(service_->GetParticipant(phone->participant).status(),
              StatusIs(absl::StatusCode::kNotFound));
}

TEST_F(PhoneGuestTest, PhoneGuestsTakeNoLicenceSeat) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  for (int i = 1; i <= 3; ++i) ASSERT_TRUE(Guest(a, i).ok());  // all 3 seats
  EXPECT_THAT(Guest(a, 4).status(), StatusIs(absl::StatusCode::kResourceExhausted));
  auto phone1 = service_->JoinAsPhoneGuest(Call(a.pin, "+4930111", Source(1)));
  auto phone2 = service_->JoinAsPhoneGuest(Call(a.pin, "", Source(2)));
  ASSERT_TRUE(phone1.ok()) << phone1.status();
  ASSERT_TRUE(phone2.ok()) << phone2.status();
  EXPECT_EQ(service_->guest_seats_in_use(), 3);
  const RoomStats stats = service_->GetStats();
  EXPECT_EQ(stats.phone_guests, 2);
  EXPECT_EQ(stats.browser_guests, 3);
  EXPECT_EQ(stats.guest_seats_in_use, 3);
  ASSERT_TRUE(service_->Leave(phone1->participant).ok());
  EXPECT_EQ(service_->guest_seats_in_use(), 3);
}

TEST_F(PhoneGuestTest, PhoneGuestsCountAsGuestsWaiting) {
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  auto phone = service_->JoinAsPhoneGuest(Call(a.pin, "+4930111", Source(1)));
  ASSERT_TRUE(phone.ok());
  EXPECT_TRUE(phone->waiting);
  EXPECT_EQ(phone->state, ConferenceState::kWaiting);
  auto rooms = service_->ListRooms(alice_);
  ASSERT_TRUE(rooms.ok());
  ASSERT_EQ(rooms->size(), 1u);
  EXPECT_TRUE(rooms->front().guests_waiting);
  EXPECT_EQ(service_->GetStats().rooms_with_guests_waiting, 1);
  EXPECT_EQ(service_->GetStats().rooms_waiting, 1);
  EXPECT_TRUE(service_->GetParticipant(phone->participant)->waiting);

  auto mod = service_->JoinAsMember(bob_, room_);
  EXPECT_FALSE(service_->GetRoom(alice_, room_)->room.guests_waiting);
  EXPECT_EQ(service_->GetStats().rooms_with_guests_waiting, 0);
  EXPECT_FALSE(service_->GetParticipant(phone->participant)->waiting);
  ASSERT_TRUE(service_->Leave(mod->participant).ok());  // on hold: waiting again
  EXPECT_TRUE(service_->GetRoom(alice_, room_)->room.guests_waiting);
}

}  // namespace
}  // namespace konfero
