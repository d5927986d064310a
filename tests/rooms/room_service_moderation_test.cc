// The room domain's moderation through its public API: kicks and bans,
// mute, removed members, deleted rooms, and chat.
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

}  // namespace
}  // namespace konfero
