// Browser guests capped per source address and per room (issue 14,
// finding 8): one holder of a public link must not take every guest seat of
// the server. Phone guests are not counted; every way out frees the place.
#include <memory>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "konfero/room_service.h"
#include "room_service_fixture.h"

namespace konfero {
namespace {

using ::testing::HasSubstr;

// Plenty of licence seats, so only the caps refuse: two guests per address,
// three per room.
class GuestCapsTest : public RoomServiceTest {
 protected:
  void SetUp() override {
    RoomServiceOptions o = TestOptions();
    o.guest_seats = 50;
    o.max_guests_per_address = 2;
    o.max_guests_per_room = 3;
    Open(o);
    SetUpUsersAndRoom();
    access_ = MakePublic();
    auto second = service_->CreateRoom(alice_, "Second");
    ASSERT_TRUE(second.ok());
    second_room_ = second->id;
    second_access_ = *service_->SetPublic(alice_, second_room_, true);
  }

  ParticipantId Admitted(const absl::StatusOr<JoinResult>& joined) {
    EXPECT_TRUE(joined.ok()) << joined.status();
    return joined.ok() ? joined->participant : ParticipantId{};
  }

  PublicAccess access_, second_access_;
  RoomId second_room_{};
};

TEST_F(GuestCapsTest, GuestsFromOneAddressAreCappedAcrossRooms) {
  Admitted(Guest(access_, 1, "203.0.113.7"));
  const ParticipantId second = Admitted(Guest(second_access_, 2, "203.0.113.7"));
  events_.clear();
  const int seats = service_->guest_seats_in_use();

  const absl::StatusOr<JoinResult> refused = Guest(second_access_, 3, "203.0.113.7");
  EXPECT_THAT(refused.status(), StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_TRUE(IsGuestLimitError(refused.status()));
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("network address"));
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("at most 2"));
  // The refusal changed nothing.
  EXPECT_TRUE(events_.empty());
  EXPECT_EQ(service_->guest_seats_in_use(), seats);

  // Another address is not affected; a guest who leaves frees the place.
  Admitted(Guest(second_access_, 4, "198.51.100.9"));
  ASSERT_TRUE(service_->Leave(second).ok());
  Admitted(Guest(second_access_, 3, "203.0.113.7"));
}

TEST_F(GuestCapsTest, AnIpv6AddressCountsByItsSlash64) {
  Admitted(Guest(access_, 1, "2001:db8:1:2::1"));
  Admitted(Guest(second_access_, 2, "[2001:db8:1:2:aaaa:bbbb:cccc:dddd]:443"));
  EXPECT_TRUE(IsGuestLimitError(Guest(second_access_, 3, "2001:db8:1:2::ffff").status()));
  Admitted(Guest(second_access_, 3, "2001:db8:1:3::1"));  // the next /64
}

TEST_F(GuestCapsTest, ARoomTakesItsMostGuestsAndPhonesStillGetIn) {
  Admitted(Guest(access_, 1, "192.0.2.1"));
  Admitted(Guest(access_, 2, "192.0.2.2"));
  Admitted(Guest(access_, 3, "192.0.2.3"));
  const absl::StatusOr<JoinResult> refused = Guest(access_, 4, "192.0.2.4");
  EXPECT_THAT(refused.status(), StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_TRUE(IsGuestLimitError(refused.status()));
  EXPECT_THAT(std::string(refused.status().message()), HasSubstr("room is full"));
  // The refused address did not keep a place it never got.
  Admitted(Guest(second_access_, 4, "192.0.2.4"));
  Admitted(Guest(second_access_, 5, "192.0.2.4"));

  // Moderators and phone guests are not counted, and not refused.
  Admitted(service_->JoinAsMember(bob_, room_));
  for (int i = 0; i < 5; ++i) {
    Admitted(service_->JoinAsPhoneGuest(
        {access_.pin, "+4930555000" + std::to_string(i), "192.0.2.1", std::nullopt}));
  }
  EXPECT_TRUE(IsGuestLimitError(Guest(access_, 6, "192.0.2.6").status()));
}

TEST_F(GuestCapsTest, AGuestCountsUntilItHasLeftByAnyWay) {
  // A dropped connection is not a leave: the signalling hub keeps the guest
  // through its reconnect grace, and it holds its place until Disconnect.
  const ParticipantId dropped = Admitted(Guest(access_, 1, "203.0.113.7"));
  const ParticipantId kicked = Admitted(Guest(access_, 2, "203.0.113.7"));
  EXPECT_TRUE(IsGuestLimitError(Guest(access_, 3, "203.0.113.7").status()));
  ASSERT_TRUE(service_->Disconnect(dropped).ok());
  Admitted(Guest(second_access_, 3, "203.0.113.7"));

  // Kicked.
  const ParticipantId mod = Admitted(service_->JoinAsMember(bob_, room_));
  ASSERT_TRUE(service_->Kick(mod, kicked).ok());
  Admitted(Guest(second_access_, 4, "203.0.113.7"));
  EXPECT_TRUE(IsGuestLimitError(Guest(second_access_, 5, "203.0.113.7").status()));

  // The room made private, and a room deleted.
  ASSERT_TRUE(service_->SetPublic(alice_, second_room_, false).ok());
  Admitted(Guest(access_, 5, "203.0.113.7"));
  Admitted(Guest(access_, 6, "203.0.113.7"));
  ASSERT_TRUE(service_->DeleteRoom(alice_, room_).ok());
  auto third = service_->CreateRoom(alice_, "Third");
  ASSERT_TRUE(third.ok());
  const PublicAccess third_access = *service_->SetPublic(alice_, third->id, true);
  Admitted(Guest(third_access, 7, "203.0.113.7"));
  Admitted(Guest(third_access, 8, "203.0.113.7"));
}

TEST_F(GuestCapsTest, NoLicenceAndALockoutAreNotGuestLimits) {
  RoomServiceOptions o = TestOptions();  // 3 seats
  o.max_guests_per_address = 0;           // no caps
  o.max_guests_per_room = 0;
  Open(o);
  SetUpUsersAndRoom();
  const PublicAccess a = MakePublic();
  for (int n = 1; n <= 3; ++n) Admitted(Guest(a, n, "203.0.113.7"));
  const absl::Status no_seat = Guest(a, 4, "203.0.113.7").status();
  EXPECT_THAT(no_seat, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(std::string(no_seat.message()), HasSubstr("no guest licence is free"));
  EXPECT_FALSE(IsGuestLimitError(no_seat));

  for (int i = 0; i < 5; ++i) {
    (void)service_->JoinAsBrowserGuest({"wrong-token-0000000000", "X", GuestKey(9), "192.0.2.66"});
  }
  const absl::Status locked = Guest(a, 9, "192.0.2.66").status();
  EXPECT_THAT(locked, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_FALSE(IsGuestLimitError(locked));
  EXPECT_FALSE(IsGuestLimitError(absl::OkStatus()));
}

TEST(GuestCapsOptionsTest, NegativeCapsAreRefusedAtOpen) {
  ManualClock clock;
  RoomServiceOptions o = TestOptions();
  o.max_guests_per_address = -1;
  EXPECT_THAT(RoomService::Open(o, clock).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
  o = TestOptions();
  o.max_guests_per_room = -1;
  EXPECT_THAT(RoomService::Open(o, clock).status(),
              StatusIs(absl::StatusCode::kInvalidArgument));
}

}  // namespace
}  // namespace konfero
