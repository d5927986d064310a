// The room domain across restarts and failed writes: what survives a
// reopen of the database, and that a write refused by SQLite changes
// nothing.
#include <sqlite3.h>

#include <filesystem>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "konfero/room_service.h"
#include "room_service_fixture.h"

namespace konfero {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

// ---- Persistence -------------------------------------------------------------------

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
