// Joining through the RoomService: every refusal maps to its protocol code.
#include "signalling/join.h"

#include <memory>
#include <string>

#include "gtest/gtest.h"
#include "test_room_service_options.h"

namespace konfero::signalling {
namespace {

class JoinTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto service = RoomService::Open(testing::TestRoomServiceOptions(), clock_);
    ASSERT_TRUE(service.ok()) << service.status();
    rooms_ = *std::move(service);
    ASSERT_TRUE(rooms_->BootstrapAdmin("alice", "Alice", "alice-password").ok());
    alice_ = rooms_->Login("alice", "alice-password", "10.0.0.1")->token;
    ASSERT_TRUE(rooms_->CreateUser(alice_, "eve", "Eve", "eve-password").ok());
    eve_ = rooms_->Login("eve", "eve-password", "10.0.0.1")->token;
    room_ = rooms_->CreateRoom(alice_, "Vertrieb")->id;
    url_token_ = rooms_->SetPublic(alice_, room_, true)->url_token;
  }

  JoinOutcome Guest(int n, std::string source = "198.51.100.7") {
    return JoinAsGuest(*rooms_, {url_token_, "Guest " + std::to_string(n), Key(n)}, source);
  }
  static std::string Key(int n) { return "guest-key-0000000-" + std::to_string(n); }

  static std::string_view Code(const JoinOutcome& outcome) {
    const ProtocolError* e = std::get_if<ProtocolError>(&outcome);
    return e != nullptr ? e->code : "ok";
  }

  ManualClock clock_;
  std::unique_ptr<RoomService> rooms_;
  std::string alice_, eve_, url_token_;
  RoomId room_{};
};

TEST_F(JoinTest, ModeratorJoinKeepsTheSession) {
  const JoinOutcome out = JoinAsModerator(*rooms_, {alice_, room_});
  ASSERT_TRUE(std::holds_alternative<Admission>(out));
  const Admission& a = std::get<Admission>(out);
  EXPECT_EQ(a.room, room_);
  EXPECT_EQ(a.moderator_session, alice_);
  EXPECT_EQ(rooms_->GetParticipant(a.participant)->role, ParticipantRole::kModerator);
}

TEST_F(JoinTest, ModeratorRefusals) {
  EXPECT_EQ(Code(JoinAsModerator(*rooms_, {"no-such-session", room_})), codes::kUnauthenticated);
  EXPECT_EQ(Code(JoinAsModerator(*rooms_, {alice_, RoomId{999}})), codes::kRoomNotFound);
  // Not a member: the same as no such room (room ids cannot be probed).
  EXPECT_EQ(Code(JoinAsModerator(*rooms_, {eve_, room_})), codes::kRoomNotFound);
  ASSERT_TRUE(rooms_->Logout(alice_).ok());
  EXPECT_EQ(Code(JoinAsModerator(*rooms_, {alice_, room_})), codes::kUnauthenticated);
}

TEST_F(JoinTest, GuestJoinHasNoModeratorSession) {
  const JoinOutcome out = Guest(1);
  ASSERT_TRUE(std::holds_alternative<Admission>(out));
  EXPECT_TRUE(std::get<Admission>(out).moderator_session.empty());
}

TEST_F(JoinTest, WrongOrRegeneratedLinkIsBadUrl) {
  EXPECT_EQ(Code(JoinAsGuest(*rooms_, {"wrong-token-000000000", "Erika", Key(1)}, "192.0.2.1")),
            codes::kBadUrl);
  ASSERT_TRUE(rooms_->RegenerateAccess(alice_, room_).ok());
  EXPECT_EQ(Code(Guest(1)), codes::kBadUrl);
}

TEST_F(JoinTest, PrivateRoomsLinkIsNotPublicUntilTheRoomIsPublicAgain) {
  ASSERT_TRUE(rooms_->SetPublic(alice_, room_, false).ok());
  const JoinOutcome out = Guest(1);
  EXPECT_EQ(Code(out), codes::kNotPublic);
  EXPECT_EQ(std::get<ProtocolError>(out).message.find(url_token_), std::string::npos);
  ASSERT_TRUE(rooms_->SetPublic(alice_, room_, true).ok());
  EXPECT_EQ(Code(Guest(1)), codes::kBadUrl);  // public again, with a new link
}

TEST_F(JoinTest, OverLongLinkIsInvalidArgument) {
  EXPECT_EQ(Code(JoinAsGuest(*rooms_, {std::string(65, 'A'), "Erika", Key(1)}, "192.0.2.1")),
            codes::kInvalidArgument);
}

TEST_F(JoinTest, KickedGuestIsBanned) {
  const ParticipantId mod = std::get<Admission>(JoinAsModerator(*rooms_, {alice_, room_})).participant;
  const ParticipantId guest = std::get<Admission>(Guest(1)).participant;
  ASSERT_TRUE(rooms_->Kick(mod, guest).ok());
  EXPECT_EQ(Code(Guest(1)), codes::kBanned);
}

TEST_F(JoinTest, FullLicenceIsNoLicence) {
  ASSERT_EQ(Code(Guest(1)), "ok");
  ASSERT_EQ(Code(Guest(2)), "ok");
  EXPECT_EQ(Code(Guest(3)), codes::kNoLicence);
}

TEST_F(JoinTest, TooManyWrongLinksIsRateLimited) {
  for (int i = 0; i < 3; ++i) {
    ASSERT_EQ(Code(JoinAsGuest(*rooms_, {"wrong-token-000000000", "X", Key(9)}, "192.0.2.9")),
              codes::kBadUrl);
  }
  EXPECT_EQ(Code(Guest(1, "192.0.2.9")), codes::kRateLimited);
  EXPECT_EQ(Code(Guest(1, "192.0.2.10")), "ok");  // another source is not locked out
}

TEST_F(JoinTest, BadInputIsInvalidArgument) {
  EXPECT_EQ(Code(JoinAsGuest(*rooms_, {url_token_, "Erika", "short"}, "192.0.2.1")),
            codes::kInvalidArgument);
  EXPECT_EQ(Code(JoinAsGuest(*rooms_, {url_token_, "Eri\x01ka", Key(1)}, "192.0.2.1")),
            codes::kInvalidArgument);
  EXPECT_EQ(rooms_->guest_seats_in_use(), 0);
}

TEST_F(JoinTest, MessagesDoNotContainTheSecrets) {
  const JoinOutcome out = JoinAsModerator(*rooms_, {"secret-session-value", RoomId{999}});
  EXPECT_EQ(std::get<ProtocolError>(out).message.find("secret-session-value"), std::string::npos);
  const JoinOutcome bad = JoinAsGuest(*rooms_, {"secret-url-token-value", "E", Key(1)}, "192.0.2.1");
  EXPECT_EQ(std::get<ProtocolError>(bad).message.find("secret-url-token-value"), std::string::npos);
}

}  // namespace
}  // namespace konfero::signalling
