// Chat under abuse (issue 14, finding 7): a sender's rate (a token bucket),
// the messages kept per conference, and the retention purge, all on a
// ManualClock.
#include <sqlite3.h>

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

std::vector<std::string> Texts(const absl::StatusOr<std::vector<ChatMessage>>& history) {
  std::vector<std::string> texts;
  if (!history.ok()) return texts;
  for (const ChatMessage& m : *history) texts.push_back(m.text);
  return texts;
}

int CountChatPosted(const std::vector<Event>& events) {
  int n = 0;
  for (const Event& e : events) n += std::holds_alternative<ChatPosted>(e.body) ? 1 : 0;
  return n;
}

// A running conference on top of `Fixture`: bob moderates, guest 1 is in.
template <typename Fixture>
class WithConference : public Fixture {
 protected:
  void StartConference() {
    this->SetUpUsersAndRoom();
    JoinConference();
  }
  void JoinConference() {
    access_ = this->MakePublic();
    auto mod = this->service_->JoinAsMember(this->bob_, this->room_);
    ASSERT_TRUE(mod.ok()) << mod.status();
    moderator_ = mod->participant;
    auto guest = this->Guest(access_, 1);
    ASSERT_TRUE(guest.ok()) << guest.status();
    guest_ = guest->participant;
  }

  PublicAccess access_;
  ParticipantId moderator_{}, guest_{};
};

using ChatLimitsTest = WithConference<RoomServiceTest>;

// ---- Rate per sender ---------------------------------------------------------------

TEST_F(ChatLimitsTest, AGuestPostsABurstOfTenThenTwoASecond) {
  StartConference();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(service_->PostChat(guest_, "m" + std::to_string(i)).ok()) << i;
  }
  events_.clear();
  const absl::Status refused = service_->PostChat(guest_, "one too many").status();
  EXPECT_THAT(refused, StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(std::string(refused.message()), HasSubstr("too many chat messages"));
  EXPECT_THAT(std::string(refused.message()), HasSubstr("wait 0.5 s"));
  // Refused: nothing stored, nothing announced.
  EXPECT_EQ(service_->ChatHistory(moderator_)->size(), 10u);
  EXPECT_EQ(CountChatPosted(events_), 0);

  // One message every half second, no more.
  clock_.Advance(absl::Milliseconds(499));
  EXPECT_THAT(service_->PostChat(guest_, "early").status(),
              StatusIs(absl::StatusCode::kResourceExhausted));
  clock_.Advance(absl::Milliseconds(1));
  EXPECT_TRUE(service_->PostChat(guest_, "on time").ok());
  EXPECT_THAT(service_->PostChat(guest_, "again").status(),
              StatusIs(absl::StatusCode::kResourceExhausted));

  // Five quiet seconds refill the whole burst, and no more than it.
  clock_.Advance(absl::Seconds(5));
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(service_->PostChat(guest_, "refilled").ok()) << i;
  EXPECT_THAT(service_->PostChat(guest_, "past the burst").status(),
              StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST_F(ChatLimitsTest, TheRateIsPerSenderNotPerRoom) {
  StartConference();
  auto second = Guest(access_, 2);
  ASSERT_TRUE(second.ok()) << second.status();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(service_->PostChat(guest_, "flood").ok());
  ASSERT_THAT(service_->PostChat(guest_, "flood").status(),
              StatusIs(absl::StatusCode::kResourceExhausted));
  // The flooder's neighbours are not slowed by it.
  EXPECT_TRUE(service_->PostChat(second->participant, "hello").ok());
  EXPECT_TRUE(service_->PostChat(moderator_, "calm down").ok());
}

TEST_F(ChatLimitsTest, RefusedPostsCostNoToken) {
  StartConference();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(service_->PostChat(guest_, "x").ok());
  // Hammering while refused, or with bad text, does not push the wait out.
  for (int i = 0; i < 100; ++i) {
    ASSERT_FALSE(service_->PostChat(guest_, "x").ok());
    ASSERT_FALSE(service_->PostChat(guest_, "   ").ok());
  }
  clock_.Advance(absl::Milliseconds(500));
  EXPECT_TRUE(service_->PostChat(guest_, "x").ok());
}

TEST_F(ChatLimitsTest, AMembersRateIsSharedByConferenceAndRoomChat) {
  StartConference();
  for (int i = 0; i < 5; ++i) {
    ASSERT_TRUE(service_->PostChat(moderator_, "in the conference").ok());
    ASSERT_TRUE(service_->PostChatAsMember(bob_, room_, "from the room list").ok());
  }
  EXPECT_THAT(service_->PostChatAsMember(bob_, room_, "11th").status(),
              StatusIs(absl::StatusCode::kResourceExhausted));
  EXPECT_THAT(service_->PostChat(moderator_, "11th").status(),
              StatusIs(absl::StatusCode::kResourceExhausted));
  // Another member has a bucket of its own.
  EXPECT_TRUE(service_->PostChatAsMember(alice_, room_, "alice").ok());
}

TEST_F(ChatLimitsTest, ARejoinedMemberKeepsItsRate) {
  StartConference();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(service_->PostChat(moderator_, "x").ok());
  ASSERT_TRUE(service_->Leave(moderator_).ok());
  auto again = service_->JoinAsMember(bob_, room_);
  ASSERT_TRUE(again.ok());
  EXPECT_THAT(service_->PostChat(again->participant, "x").status(),
              StatusIs(absl::StatusCode::kResourceExhausted));
}

TEST_F(ChatLimitsTest, BurstZeroIsNoLimit) {
  RoomServiceOptions o = TestOptions();
  o.chat_burst = 0;
  Open(o);
  SetUpUsersAndRoom();
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(service_->PostChatAsMember(alice_, room_, "x").ok()) << i;
  }
}

TEST(ChatRateOptionsTest, BadLimitsAreRefusedAtOpen) {
  ManualClock clock;
  auto with = [&](auto change) {
    RoomServiceOptions o = TestOptions();
    change(o);
    return RoomService::Open(o, clock).status();
  };
  EXPECT_THAT(with([](RoomServiceOptions& o) { o.chat_burst = -1; }),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(with([](RoomServiceOptions& o) { o.chat_messages_per_second = 0; }),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(with([](RoomServiceOptions& o) { o.max_chat_messages_per_conference = -1; }),
              StatusIs(absl::StatusCode::kInvalidArgument));
  // Below the history a reader is shown, trimming would lose visible messages.
  EXPECT_THAT(with([](RoomServiceOptions& o) {
                o.chat_history_limit = 500;
                o.max_chat_messages_per_conference = 499;
              }),
              StatusIs(absl::StatusCode::kInvalidArgument));
  EXPECT_THAT(with([](RoomServiceOptions& o) { o.chat_retention = absl::Seconds(-1); }),
              StatusIs(absl::StatusCode::kInvalidArgument));
  // 0 means no cap, no limit, keep forever.
  EXPECT_TRUE(with([](RoomServiceOptions& o) {
                o.chat_burst = 0;
                o.chat_messages_per_second = 0;
                o.max_chat_messages_per_conference = 0;
                o.chat_retention = absl::ZeroDuration();
              }).ok());
}

// ---- Messages kept per conference, and retention (on a file, counted in SQL) --------

class ChatStorageTest : public WithConference<RoomServiceFileTest> {
 protected:
  void Configure(RoomServiceOptions& o) override {
    o.chat_burst = 0;  // these tests are about storage, not rate
    o.chat_history_limit = 3;
    o.max_chat_messages_per_conference = 5;
  }

  // Messages stored, read with a connection of our own.
  int StoredMessages() {
    sqlite3* db = nullptr;
    EXPECT_EQ(sqlite3_open_v2(options_.database.c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
              SQLITE_OK);
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, "SELECT COUNT(*) FROM chat_messages", -1, &st, nullptr),
              SQLITE_OK);
    EXPECT_EQ(sqlite3_step(st), SQLITE_ROW);
    const int n = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return n;
  }
};

TEST_F(ChatStorageTest, AConferenceKeepsItsNewestMessagesUpToTheCap) {
  SetUpUsersAndRoom();
  ASSERT_TRUE(service_->PostChatAsMember(alice_, room_, "before the conference").ok());
  JoinConference();
  for (int i = 1; i <= 8; ++i) {
    ASSERT_TRUE(service_->PostChat(guest_, "m" + std::to_string(i)).ok()) << i;
  }
  // Five of this conference, plus the one posted outside it.
  EXPECT_EQ(StoredMessages(), 6);
  // What readers see is the newest three either way: nothing visible went.
  EXPECT_EQ(Texts(service_->ChatHistory(guest_)),
            (std::vector<std::string>{"m6", "m7", "m8"}));
  // A new conference starts with its own allowance; the old one keeps its five.
  ASSERT_TRUE(service_->Leave(guest_).ok());
  ASSERT_TRUE(service_->Leave(moderator_).ok());
  auto mod = service_->JoinAsMember(bob_, room_);
  ASSERT_TRUE(mod.ok());
  ASSERT_TRUE(service_->PostChat(mod->participant, "next conference").ok());
  EXPECT_EQ(StoredMessages(), 7);
}

TEST_F(ChatStorageTest, ChatOlderThanTheRetentionIsPurged) {
  StartConference();
  ASSERT_TRUE(service_->PostChat(guest_, "old").ok());
  clock_.Advance(absl::Hours(24 * 29));
  ASSERT_TRUE(service_->PostChat(guest_, "recent").ok());
  EXPECT_EQ(*service_->PurgeExpiredChat(), 0);  // nothing is 30 days old yet
  clock_.Advance(absl::Hours(24 * 1) + absl::Seconds(1));
  EXPECT_EQ(*service_->PurgeExpiredChat(), 1);
  EXPECT_EQ(Texts(service_->ChatHistory(moderator_)), (std::vector<std::string>{"recent"}));
  EXPECT_EQ(StoredMessages(), 1);
}

TEST_F(ChatStorageTest, OpeningTheServicePurgesExpiredChat) {
  StartConference();
  ASSERT_TRUE(service_->PostChat(guest_, "old").ok());
  clock_.Advance(absl::Hours(24 * 31));
  Reopen();
  EXPECT_EQ(StoredMessages(), 0);
  // The room's next conference starts afresh and can chat.
  const std::string bob = Login("bob", "bob-password");
  auto mod = service_->JoinAsMember(bob, room_);
  ASSERT_TRUE(mod.ok());
  ASSERT_TRUE(service_->PostChat(mod->participant, "new").ok());
  EXPECT_EQ(Texts(service_->ChatHistory(mod->participant)), (std::vector<std::string>{"new"}));
}

TEST_F(ChatStorageTest, ZeroRetentionKeepsChatForever) {
  options_.chat_retention = absl::ZeroDuration();
  Reopen();
  StartConference();
  ASSERT_TRUE(service_->PostChat(guest_, "forever").ok());
  clock_.Advance(absl::Hours(24 * 3650));
  EXPECT_EQ(*service_->PurgeExpiredChat(), 0);
  Reopen();
  EXPECT_EQ(StoredMessages(), 1);
}

}  // namespace
}  // namespace konfero
