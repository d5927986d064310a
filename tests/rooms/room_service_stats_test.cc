// RoomService::GetStats: rooms by conference state, participants by role,
// rooms with guests waiting and the licence seats, as people come and go.
#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "konfero/room_service.h"

namespace konfero {
namespace {

class RoomStatsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    RoomServiceOptions o;
    o.guest_seats = 3;
    o.password_hash_memory_kib = 8;
    o.password_hash_iterations = 1;
    auto s = RoomService::Open(o, clock_);
    ASSERT_TRUE(s.ok()) << s.status();
    service_ = *std::move(s);
    ASSERT_TRUE(service_->BootstrapAdmin("alice", "Alice", "alice-password").ok());
    alice_ = service_->Login("alice", "alice-password", "10.0.0.1")->token;
    for (RoomId* room : {&a_, &b_, &c_}) {
      auto r = service_->CreateRoom(alice_, "Room");
      ASSERT_TRUE(r.ok()) << r.status();
      *room = r->id;
    }
  }

  JoinResult Guest(RoomId room, int n) {
    const std::string token = service_->SetPublic(alice_, room, true)->url_token;
    auto j = service_->JoinAsBrowserGuest(
        {token, "Guest", "guest-key-0000000-" + std::to_string(n), "192.0.2.1"});
    EXPECT_TRUE(j.ok()) << j.status();
    return *j;
  }

  ManualClock clock_;
  std::unique_ptr<RoomService> service_;
  std::string alice_;
  RoomId a_{}, b_{}, c_{};
};

TEST_F(RoomStatsTest, EmptyServiceHasOnlyIdleRooms) {
  const RoomStats s = service_->GetStats();
  EXPECT_EQ(s.rooms_idle, 3);
  EXPECT_EQ(s.rooms_waiting + s.rooms_running + s.rooms_on_hold, 0);
  EXPECT_EQ(s.rooms_with_guests_waiting, 0);
  EXPECT_EQ(s.moderators + s.browser_guests + s.phone_guests, 0);
  EXPECT_EQ(s.guest_seats_in_use, 0);
  EXPECT_EQ(s.guest_seats_total, 3);
}

TEST_F(RoomStatsTest, CountsFollowTheConferences) {
  // Room a: a moderator and a guest (running). Room b: a guest and a
  // phone guest, no moderator (waiting). Room c: idle.
  const JoinResult mod = *service_->JoinAsMember(alice_, a_);
  Guest(a_, 1);
  Guest(b_, 2);
  const std::string pin = service_->GetAccess(alice_, b_)->pin;
  ASSERT_TRUE(service_->JoinAsPhoneGuest({pin, "+4930555", "203.0.113.5", std::nullopt}).ok());

  RoomStats s = service_->GetStats();
  EXPECT_EQ(s.rooms_idle, 1);
  EXPECT_EQ(s.rooms_waiting, 1);
  EXPECT_EQ(s.rooms_running, 1);
  EXPECT_EQ(s.rooms_on_hold, 0);
  EXPECT_EQ(s.rooms_with_guests_waiting, 1);
  EXPECT_EQ(s.moderators, 1);
  EXPECT_EQ(s.browser_guests, 2);
  EXPECT_EQ(s.phone_guests, 1);
  EXPECT_EQ(s.guest_seats_in_use, 2);

  // The moderator leaves room a: on hold, its guest waits too.
  ASSERT_TRUE(service_->Leave(mod.participant).ok());
  s = service_->GetStats();
  EXPECT_EQ(s.rooms_running, 0);
  EXPECT_EQ(s.rooms_on_hold, 1);
  EXPECT_EQ(s.rooms_with_guests_waiting, 2);
  EXPECT_EQ(s.moderators, 0);

  // Room b made private: its browser and phone guests leave, the seat frees.
  ASSERT_TRUE(service_->SetPublic(alice_, b_, false).ok());
  s = service_->GetStats();
  EXPECT_EQ(s.rooms_idle, 2);
  EXPECT_EQ(s.rooms_waiting, 0);
  EXPECT_EQ(s.browser_guests, 1);
  EXPECT_EQ(s.phone_guests, 0);
  EXPECT_EQ(s.guest_seats_in_use, 1);
  EXPECT_EQ(s.rooms_with_guests_waiting, 1);
}

TEST_F(RoomStatsTest, DeletedRoomsAreNotCounted) {
  Guest(c_, 1);
  ASSERT_TRUE(service_->DeleteRoom(alice_, c_).ok());
  const RoomStats s = service_->GetStats();
  EXPECT_EQ(s.rooms_idle + s.rooms_waiting + s.rooms_running + s.rooms_on_hold, 2);
  EXPECT_EQ(s.browser_guests, 0);
  EXPECT_EQ(s.guest_seats_in_use, 0);
}

TEST_F(RoomStatsTest, ClockIsTheOneTheServiceWasOpenedWith) {
  EXPECT_EQ(&service_->clock(), &clock_);
  clock_.Advance(absl::Minutes(3));
  EXPECT_EQ(service_->clock().Now(), clock_.Now());
}

}  // namespace
}  // namespace konfero
