// sqlite_store_test.cc: what the store keeps and the errors it reports, on
// an in-memory database. Files, migrations and locking are in
// sqlite_store_durability_test.cc.
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "konfero/room_types.h"
#include "store/store.h"

namespace konfero::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

class SqliteStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(":memory:");
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = std::move(*store);
  }

  UserId AddUser(const std::string& login, bool admin = false) {
    absl::StatusOr<UserId> id =
        store_->InsertUser(login, "Name of " + login, "hash-" + login, admin);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.value_or(UserId{-1});
  }

  RoomId AddRoom(const std::string& name, UserId creator) {
    absl::StatusOr<RoomId> id = store_->InsertRoom(name, creator);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.value_or(RoomId{-1});
  }

  // A guest's message; its id, or the store's error.
  absl::StatusOr<int64_t> InsertChat(
      RoomId room, int64_t conference, const std::string& text,
      absl::Time sent_at = absl::FromUnixSeconds(1700000000),
      int keep_per_conference = 0) {
    return store_->InsertChat(
        NewChat{.room = room,
                .conference_id = conference,
                .sender_user = std::nullopt,
                .sender_name = "Guest",
                .sender_role = ParticipantRole::kBrowserGuest,
                .text = text,
                .sent_at = sent_at},
        keep_per_conference);
  }

  int64_t AddChat(RoomId room, int64_t conference, const std::string& text,
                  absl::Time sent_at = absl::FromUnixSeconds(1700000000),
                  int keep_per_conference = 0) {
    absl::StatusOr<int64_t> id =
        InsertChat(room, conference, text, sent_at, keep_per_conference);
    EXPECT_TRUE(id.ok()) << id.status();
    return id.value_or(-1);
  }

  std::vector<StoredRoom> Rooms() {
    absl::StatusOr<std::vector<StoredRoom>> rooms = store_->LoadRooms();
    EXPECT_TRUE(rooms.ok()) << rooms.status();
    return rooms.value_or(std::vector<StoredRoom>{});
  }

  std::vector<std::string> ChatTexts(RoomId room,
                                     std::optional<int64_t> conference,
                                     int limit = 100) {
    absl::StatusOr<std::vector<ChatMessage>> chat =
        store_->LoadChat(room, conference, limit);
    EXPECT_TRUE(chat.ok()) << chat.status();
    std::vector<std::string> texts;
    for (const ChatMessage& m : chat.value_or(std::vector<ChatMessage>{})) {
      texts.push_back(m.text);
    }
    return texts;
  }

  std::unique_ptr<Store> store_;
};

TEST_F(SqliteStoreTest, FreshDatabaseIsAtTheLatestSchemaVersion) {
  EXPECT_EQ(store_->schema_version(), 5);
}

// ---- users ----

TEST_F(SqliteStoreTest, UsersRoundTrip) {
  absl::StatusOr<UserId> alice =
      store_->InsertUser("alice", "Alice A.", "$argon2id$alice", true);
  absl::StatusOr<UserId> bob =
      store_->InsertUser("bob", "Bob B.", "$argon2id$bob", false);
  ASSERT_TRUE(alice.ok()) << alice.status();
  ASSERT_TRUE(bob.ok()) << bob.status();
  EXPECT_LT(ToInt(*alice), ToInt(*bob));

  absl::StatusOr<std::vector<StoredUser>> users = store_->LoadUsers();
  ASSERT_TRUE(users.ok()) << users.status();
  ASSERT_EQ(users->size(), 2u);
  EXPECT_EQ((*users)[0].id, *alice);
  EXPECT_EQ((*users)[0].login, "alice");
  EXPECT_EQ((*users)[0].display_name, "Alice A.");
  EXPECT_EQ((*users)[0].password_hash, "$argon2id$alice");
  EXPECT_TRUE((*users)[0].admin);
  EXPECT_EQ((*users)[1].id, *bob);
  EXPECT_EQ((*users)[1].login, "bob");
  EXPECT_FALSE((*users)[1].admin);
}

TEST_F(SqliteStoreTest, DuplicateLoginIsAlreadyExistsWithoutTheHash) {
  AddUser("alice");
  absl::StatusOr<UserId> again =
      store_->InsertUser("alice", "Other", "$argon2id$secret-hash", false);
  EXPECT_EQ(again.status().code(), absl::StatusCode::kAlreadyExists);
  EXPECT_THAT(again.status().message(), HasSubstr("'alice'"));
  EXPECT_THAT(again.status().message(), Not(HasSubstr("secret-hash")));

  absl::StatusOr<std::vector<StoredUser>> users = store_->LoadUsers();
  ASSERT_TRUE(users.ok());
  EXPECT_EQ(users->size(), 1u);
}

TEST_F(SqliteStoreTest, UpdatePasswordHashReplacesTheHash) {
  UserId alice = AddUser("alice");
  ASSERT_TRUE(store_->UpdatePasswordHash(alice, "$argon2id$new").ok());
  absl::StatusOr<std::vector<StoredUser>> users = store_->LoadUsers();
  ASSERT_TRUE(users.ok());
  ASSERT_EQ(users->size(), 1u);
  EXPECT_EQ((*users)[0].password_hash, "$argon2id$new");
}

TEST_F(SqliteStoreTest, UpdatePasswordHashOfUnknownUserIsNotFound) {
  EXPECT_EQ(store_->UpdatePasswordHash(UserId{42}, "$argon2id$x").code(),
            absl::StatusCode::kNotFound);
}

// ---- rooms and members ----

TEST_F(SqliteStoreTest, CreatingARoomMakesTheCreatorItsOnlyMember) {
  UserId alice = AddUser("alice");
  RoomId room = AddRoom("Weekly", alice);

  std::vector<StoredRoom> rooms = Rooms();
  ASSERT_EQ(rooms.size(), 1u);
  EXPECT_EQ(rooms[0].id, room);
  EXPECT_EQ(rooms[0].name, "Weekly");
  EXPECT_THAT(rooms[0].members, ElementsAre(alice));
  EXPECT_FALSE(rooms[0].access.has_value());
}

TEST_F(SqliteStoreTest, RoomWithUnknownCreatorIsNotFoundAndNotHalfInserted) {
  absl::StatusOr<RoomId> room = store_->InsertRoom("Orphan", UserId{42});
  EXPECT_EQ(room.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(room.status().message(), HasSubstr("user 42"));
  EXPECT_THAT(Rooms(), IsEmpty());
}

TEST_F(SqliteStoreTest, RenameRoomChangesOnlyItsName) {
  UserId alice = AddUser("alice");
  RoomId room = AddRoom("Old", alice);
  ASSERT_TRUE(store_->RenameRoom(room, "New").ok());
  // Renaming to the current name matches the row, so it is not NotFound.
  ASSERT_TRUE(store_->RenameRoom(room, "New").ok());
  std::vector<StoredRoom> rooms = Rooms();
  ASSERT_EQ(rooms.size(), 1u);
  EXPECT_EQ(rooms[0].name, "New");
  EXPECT_THAT(rooms[0].members, ElementsAre(alice));
}

TEST_F(SqliteStoreTest, RenameUnknownRoomIsNotFound) {
  EXPECT_EQ(store_->RenameRoom(RoomId{7}, "x").code(),
            absl::StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, MembersCanBeAddedAndRemovedAndListAscending) {
  UserId alice = AddUser("alice");
  UserId bob = AddUser("bob");
  UserId carol = AddUser("carol");
  RoomId room = AddRoom("Team", carol);

  ASSERT_TRUE(store_->AddMember(room, bob).ok());
  ASSERT_TRUE(store_->AddMember(room, alice).ok());
  EXPECT_THAT(Rooms()[0].members, ElementsAre(alice, bob, carol));

  ASSERT_TRUE(store_->RemoveMember(room, bob).ok());
  EXPECT_THAT(Rooms()[0].members, ElementsAre(alice, carol));
}

TEST_F(SqliteStoreTest, AddingAnExistingMemberIsAlreadyExists) {
  UserId alice = AddUser("alice");
  RoomId room = AddRoom("Team", alice);
  EXPECT_EQ(store_->AddMember(room, alice).code(),
            absl::StatusCode::kAlreadyExists);
}

TEST_F(SqliteStoreTest, AddingToUnknownRoomOrUnknownUserIsNotFound) {
  UserId alice = AddUser("alice");
  RoomId room = AddRoom("Team", alice);

  absl::Status no_room = store_->AddMember(RoomId{99}, alice);
  EXPECT_EQ(no_room.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(no_room.message(), HasSubstr("room 99"));

  absl::Status no_user = store_->AddMember(room, UserId{98});
  EXPECT_EQ(no_user.code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(no_user.message(), HasSubstr("user 98"));
  EXPECT_THAT(Rooms()[0].members, ElementsAre(alice));
}

TEST_F(SqliteStoreTest, RemovingANonMemberIsNotFound) {
  UserId alice = AddUser("alice");
  UserId bob = AddUser("bob");
  RoomId room = AddRoom("Team", alice);
  EXPECT_EQ(store_->RemoveMember(room, bob).code(),
            absl::StatusCode::kNotFound);
}

// ---- access ----

TEST_F(SqliteStoreTest, AccessCanBeSetReplacedAndCleared) {
  UserId alice = AddUser("alice");
  RoomId room = AddRoom("Public", alice);

  ASSERT_TRUE(store_->SetAccess(room, StoredAccess{"123456", "tok-a"}).ok());
  std::optional<StoredAccess> access = Rooms()[0].access;
  ASSERT_TRUE(access.has_value());
  EXPECT_EQ(access->pin, "123456");
  EXPECT_EQ(access->url_token, "tok-a");

  // Regenerating replaces both codes; setting the same codes again is fine.
  ASSERT_TRUE(store_->SetAccess(room, StoredAccess{"654321", "tok-b"}).ok());
  ASSERT_TRUE(store_->SetAccess(room, StoredAccess{"654321", "tok-b"}).ok());
  access = Rooms()[0].access;
  ASSERT_TRUE(access.has_value());
  EXPECT_EQ(access->pin, "654321");
  EXPECT_EQ(access->url_token, "tok-b");

  ASSERT_TRUE(store_->SetAccess(room, std::nullopt).ok());
  EXPECT_FALSE(Rooms()[0].access.has_value());
  // Making a private room private again is not an error.
  EXPECT_TRUE(store_->SetAccess(room, std::nullopt).ok());
}

TEST_F(SqliteStoreTest, SetAccessOfUnknownRoomIsNotFound) {
  EXPECT_EQ(store_->SetAccess(RoomId{5}, StoredAccess{"1", "t"}).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->SetAccess(RoomId{5}, std::nullopt).code(),
            absl::StatusCode::kNotFound);
  EXPECT_EQ(store_->RevokeAccess(RoomId{5}).code(), absl::StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, RevokedUrlTokenIsRememberedUntilTheRoomGetsCodes) {
  UserId alice = AddUser("alice");
  RoomId room = AddRoom("Public", alice);
  ASSERT_TRUE(store_->SetAccess(room, StoredAccess{"123456", "tok-a"}).ok());

  ASSERT_TRUE(store_->RevokeAccess(room).ok());
  StoredRoom loaded = Rooms()[0];
  EXPECT_FALSE(loaded.access.has_value());
  EXPECT_EQ(loaded.revoked_url_token, "tok-a");
  // Revoking a private room keeps what it remembers.
  ASSERT_TRUE(store_->RevokeAccess(room).ok());
  EXPECT_EQ(Rooms()[0].revoked_url_token, "tok-a");

  // New codes forget it, in the same transaction as setting them.
  ASSERT_TRUE(store_->SetAccess(room, StoredAccess{"654321", "tok-b"}).ok());
  loaded = Rooms()[0];
  ASSERT_TRUE(loaded.access.has_value());
  EXPECT_EQ(loaded.access->url_token, "tok-b");
  EXPECT_FALSE(loaded.revoked_url_token.has_value());

  // Only the token of the latest revocation is kept.
  ASSERT_TRUE(store_->RevokeAccess(room).ok());
  EXPECT_EQ(Rooms()[0].revoked_url_token, "tok-b");
  // Clearing without revoking forgets it too.
  ASSERT_TRUE(store_->SetAccess(room, std::nullopt).ok());
  EXPECT_FALSE(Rooms()[0].revoked_url_token.has_value());
}

TEST_F(SqliteStoreTest, RevokingARoomThatNeverWasPublicRemembersNothing) {
  RoomId room = AddRoom("Private", AddUser("alice"));
  ASSERT_TRUE(store_->RevokeAccess(room).ok());
  StoredRoom loaded = Rooms()[0];
  EXPECT_FALSE(loaded.access.has_value());
  EXPECT_FALSE(loaded.revoked_url_token.has_value());
}

TEST_F(SqliteStoreTest, RevokedUrlTokensAreUniqueAndAClashChangesNothing) {
  UserId alice = AddUser("alice");
  RoomId first = AddRoom("First", alice);
  RoomId second = AddRoom("Second", alice);
  ASSERT_TRUE(store_->SetAccess(first, StoredAccess{"111111", "tok-1"}).ok());
  ASSERT_TRUE(store_->RevokeAccess(first).ok());
  // Only a broken caller would hand out a remembered token again; the
  // database refuses to remember it twice, without naming it.
  ASSERT_TRUE(store_->SetAccess(second, StoredAccess{"222222", "tok-1"}).ok());
  absl::Status s = store_->RevokeAccess(second);
  EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists) << s;
  EXPECT_THAT(s.message(), Not(HasSubstr("tok-1")));
  std::vector<StoredRoom> rooms = Rooms();
  EXPECT_EQ(rooms[0].revoked_url_token, "tok-1");
  ASSERT_TRUE(rooms[1].access.has_value());
  EXPECT_EQ(rooms[1].access->url_token, "tok-1");
}

TEST_F(SqliteStoreTest, AccessCodesInUseAreAlreadyExistsAndNotRevealed) {
  UserId alice = AddUser("alice");
  RoomId first = AddRoom("First", alice);
  RoomId second = AddRoom("Second", alice);
  ASSERT_TRUE(store_->SetAccess(first, StoredAccess{"111111", "tok-1"}).ok());
  ASSERT_TRUE(store_->SetAccess(second, StoredAccess{"222222", "tok-2"}).ok());

  for (const StoredAccess& clash :
       {StoredAccess{"111111", "tok-new"}, StoredAccess{"999999", "tok-1"}}) {
    absl::Status s = store_->SetAccess(second, clash);
    EXPECT_EQ(s.code(), absl::StatusCode::kAlreadyExists);
    EXPECT_THAT(s.message(), Not(HasSubstr(clash.pin)));
    EXPECT_THAT(s.message(), Not(HasSubstr(clash.url_token)));
  }
  // The failed replacement kept the second room's previous codes.
  std::optional<StoredAccess> kept = Rooms()[1].access;
  ASSERT_TRUE(kept.has_value());
  EXPECT_EQ(kept->pin, "222222");
  EXPECT_EQ(kept->url_token, "tok-2");
}

// ---- deleting rooms ----

TEST_F(SqliteStoreTest, DeleteRoomTakesItsMembersAccessAndChatAlong) {
  UserId alice = AddUser("alice");
  UserId bob = AddUser("bob");
  RoomId doomed = AddRoom("Doomed", alice);
  RoomId kept = AddRoom("Kept", alice);
  ASSERT_TRUE(store_->AddMember(doomed, bob).ok());
  ASSERT_TRUE(store_->SetAccess(doomed, StoredAccess{"123", "tok"}).ok());
  AddChat(doomed, 1, "bye");
  AddChat(kept, 1, "stay");

  ASSERT_TRUE(store_->DeleteRoom(doomed).ok());

  std::vector<StoredRoom> rooms = Rooms();
  ASSERT_EQ(rooms.size(), 1u);
  EXPECT_EQ(rooms[0].id, kept);
  EXPECT_THAT(ChatTexts(doomed, std::nullopt), IsEmpty());
  EXPECT_THAT(ChatTexts(kept, std::nullopt), ElementsAre("stay"));
  // The freed codes can go to another room: the access row is gone too.
  EXPECT_TRUE(store_->SetAccess(kept, StoredAccess{"123", "tok"}).ok());
  // A membership row left behind would make this AlreadyExists, or keep bob
  // in a room that does not exist.
  absl::StatusOr<std::vector<StoredUser>> users = store_->LoadUsers();
  ASSERT_TRUE(users.ok());
  EXPECT_EQ(users->size(), 2u);
}

TEST_F(SqliteStoreTest, DeleteRoomForgetsItsRevokedUrlToken) {
  UserId alice = AddUser("alice");
  RoomId doomed = AddRoom("Doomed", alice);
  RoomId kept = AddRoom("Kept", alice);
  ASSERT_TRUE(store_->SetAccess(doomed, StoredAccess{"123", "tok"}).ok());
  ASSERT_TRUE(store_->RevokeAccess(doomed).ok());
  ASSERT_TRUE(store_->DeleteRoom(doomed).ok());
  // A row left behind would make remembering the same token AlreadyExists.
  ASSERT_TRUE(store_->SetAccess(kept, StoredAccess{"123", "tok"}).ok());
  ASSERT_TRUE(store_->RevokeAccess(kept).ok());
  std::vector<StoredRoom> rooms = Rooms();
  ASSERT_EQ(rooms.size(), 1u);
  EXPECT_EQ(rooms[0].revoked_url_token, "tok");
}

TEST_F(SqliteStoreTest, DeleteUnknownRoomIsNotFound) {
  EXPECT_EQ(store_->DeleteRoom(RoomId{3}).code(), absl::StatusCode::kNotFound);
}

TEST_F(SqliteStoreTest, DeletedRoomIdsAreNeverReused) {
  UserId alice = AddUser("alice");
  RoomId first = AddRoom("First", alice);
  ASSERT_TRUE(store_->DeleteRoom(first).ok());
  RoomId second = AddRoom("Second", alice);
  EXPECT_GT(ToInt(second), ToInt(first));
}

// ---- chat ----

TEST_F(SqliteStoreTest, ChatMessagesRoundTripEveryField) {
  UserId alice = AddUser("alice");
  RoomId room = AddRoom("Chat", alice);
  absl::Time sent = absl::FromUnixMicros(1700000000123456);
  absl::StatusOr<int64_t> from_member = store_->InsertChat(
      NewChat{.room = room,
              .conference_id = 3,
              .sender_user = alice,
              .sender_name = "Alice",
              .sender_role = ParticipantRole::kModerator,
              .text = "hello \xE2\x9C\x93",
              .sent_at = sent});
  absl::StatusOr<int64_t> from_phone = store_->InsertChat(
      NewChat{.room = room,
              .conference_id = 3,
              .sender_user = std::nullopt,
              .sender_name = "+49 30 1234",
              .sender_role = ParticipantRole::kPhoneGuest,
              .text = "",
              .sent_at = sent + absl::Seconds(1)});
  ASSERT_TRUE(from_member.ok()) << from_member.status();
  ASSERT_TRUE(from_phone.ok()) << from_phone.status();

  absl::StatusOr<std::vector<ChatMessage>> chat =
      store_->LoadChat(room, 3, 10);
  ASSERT_TRUE(chat.ok()) << chat.status();
  ASSERT_EQ(chat->size(), 2u);
  const ChatMessage& m = (*chat)[0];
  EXPECT_EQ(m.id, *from_member);
  EXPECT_EQ(m.room, room);
  EXPECT_EQ(m.conference_id, 3);
  EXPECT_EQ(m.sender_user, std::optional<UserId>(alice));
  EXPECT_EQ(m.sender_name, "Alice");
  EXPECT_EQ(m.sender_role, ParticipantRole::kModerator);
  EXPECT_EQ(m.text, "hello \xE2\x9C\x93");
  EXPECT_EQ(m.sent_at, sent);
  const ChatMessage& p = (*chat)[1];
  EXPECT_EQ(p.sender_user, std::nullopt);
  EXPECT_EQ(p.sender_role, ParticipantRole::kPhoneGuest);
  EXPECT_EQ(p.text, "");
  EXPECT_EQ(p.sent_at, sent + absl::Seconds(1));
}

TEST_F(SqliteStoreTest, ChatIdsStrictlyIncreaseAcrossRooms) {
  UserId alice = AddUser("alice");
  RoomId a = AddRoom("A", alice);
  RoomId b = AddRoom("B", alice);
  int64_t previous = 0;
  for (int i = 0; i < 6; ++i) {
    int64_t id = AddChat(i % 2 == 0 ? a : b, 1, "m");
    EXPECT_GT(id, previous);
    previous = id;
  }
}

TEST_F(SqliteStoreTest, LoadChatFiltersByConference) {
  UserId alice = AddUser("alice");
  RoomId room = AddRoom("Chat", alice);
  RoomId other = AddRoom("Other", alice);
  AddChat(room, 0, "between conferences");
  AddChat(room, 1, "first call");
  AddChat(room, 2, "second call");
  AddChat(other, 1, "elsewhere");
  AddChat(room, 1, "first call again");

  EXPECT_THAT(ChatTexts(room, 1), ElementsAre("first call", "first call again"));
  EXPECT_THAT(ChatTexts(room, 2), ElementsAre("second call"));
  EXPECT_THAT(ChatTexts(room, 0), ElementsAre("between conferences"));
  EXPECT_THAT(ChatTexts(room, std::nullopt),
              ElementsAre("between conferences", "first call", "second call",
                          "first call again"));
}

TEST_F(SqliteStoreTest, LoadChatReturnsTheNewestLimitInAscendingOrder) {
  UserId alice = AddUser("alice");
  RoomId room = AddRoom("Chat", alice);
  for (const char* text : {"1", "2", "3", "4", "5"}) AddChat(room, 1, text);
  AddChat(room, 2, "other conference");

  EXPECT_THAT(ChatTexts(room, 1, 3), ElementsAre("3", "4", "5"));
  EXPECT_THAT(ChatTexts(room, std::nullopt, 2),
              ElementsAre("5", "other conference"));
  EXPECT_THAT(ChatTexts(room, 1, 0), IsEmpty());
}

TEST_F(SqliteStoreTest, LoadChatWithNegativeLimitIsInvalidArgument) {
  EXPECT_EQ(store_->LoadChat(RoomId{1}, std::nullopt, -1).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST_F(SqliteStoreTest, ChatInUnknownRoomOrFromUnknownUserIsNotFound) {
  UserId alice = AddUser("alice");
  RoomId room = AddRoom("Chat", alice);
  NewChat chat;
  chat.room = RoomId{77};
  chat.sender_name = "x";
  chat.text = "t";
  absl::StatusOr<int64_t> no_room = store_->InsertChat(chat);
  EXPECT_EQ(no_room.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(no_room.status().message(), HasSubstr("room 77"));

  chat.room = room;
  chat.sender_user = UserId{76};
  absl::StatusOr<int64_t> no_user = store_->InsertChat(chat);
  EXPECT_EQ(no_user.status().code(), absl::StatusCode::kNotFound);
  EXPECT_THAT(no_user.status().message(), HasSubstr("user 76"));
  EXPECT_THAT(ChatTexts(room, std::nullopt), IsEmpty());
}

TEST_F(SqliteStoreTest, InsertChatKeepsTheNewestOfItsConferenceUpToTheCap) {
  UserId alice = AddUser("alice");
  RoomId room = AddRoom("Chat", alice);
  RoomId other = AddRoom("Other", alice);
  const absl::Time t = absl::FromUnixSeconds(1700000000);
  AddChat(room, 2, "other conference", t, 3);
  AddChat(other, 1, "other room", t, 3);
  for (const char* text : {"1", "2", "3", "4", "5"}) AddChat(room, 1, text, t, 3);
  EXPECT_THAT(ChatTexts(room, 1), ElementsAre("3", "4", "5"));
  EXPECT_THAT(ChatTexts(room, 2), ElementsAre("other conference"));
  EXPECT_THAT(ChatTexts(other, 1), ElementsAre("other room"));
  // Without a cap nothing goes.
  AddChat(room, 1, "6", t, 0);
  EXPECT_THAT(ChatTexts(room, 1), ElementsAre("3", "4", "5", "6"));
}

TEST_F(SqliteStoreTest, InsertChatWithANegativeCapIsInvalidAndInsertsNothing) {
  UserId alice = AddUser("alice");
  RoomId room = AddRoom("Chat", alice);
  absl::StatusOr<int64_t> id =
      InsertChat(room, 1, "t", absl::FromUnixSeconds(1700000000), -1);
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(ChatTexts(room, std::nullopt), IsEmpty());
}

TEST_F(SqliteStoreTest, DeleteChatBeforeDeletesOnlyOlderMessages) {
  UserId alice = AddUser("alice");
  RoomId room = AddRoom("Chat", alice);
  RoomId other = AddRoom("Other", alice);
  const absl::Time t = absl::FromUnixSeconds(1700000000);
  AddChat(room, 1, "old", t - absl::Seconds(1));
  AddChat(other, 7, "old elsewhere", t - absl::Hours(24 * 400));
  AddChat(room, 1, "at the cutoff", t);
  AddChat(room, 2, "new", t + absl::Seconds(1));
  absl::StatusOr<int64_t> deleted = store_->DeleteChatBefore(t);
  ASSERT_TRUE(deleted.ok()) << deleted.status();
  EXPECT_EQ(*deleted, 2);
  EXPECT_THAT(ChatTexts(room, std::nullopt), ElementsAre("at the cutoff", "new"));
  EXPECT_THAT(ChatTexts(other, std::nullopt), IsEmpty());
  EXPECT_EQ(store_->DeleteChatBefore(t).value_or(-1), 0);
}

TEST_F(SqliteStoreTest, MaxConferenceIdIsTheHighestOfTheRoomOrZero) {
  UserId alice = AddUser("alice");
  RoomId room = AddRoom("Chat", alice);
  RoomId other = AddRoom("Other", alice);
  EXPECT_EQ(store_->MaxConferenceId(room).value_or(-1), 0);

  AddChat(room, 4, "a");
  AddChat(room, 9, "b");
  AddChat(room, 2, "c");
  AddChat(other, 50, "d");
  EXPECT_EQ(store_->MaxConferenceId(room).value_or(-1), 9);
  EXPECT_EQ(store_->MaxConferenceId(other).value_or(-1), 50);
  EXPECT_EQ(store_->MaxConferenceId(RoomId{123}).value_or(-1), 0);
}

// ---- Sessions and secrets (schema 5) ----------------------------------------

TEST_F(SqliteStoreTest, SessionsRoundTripAndExpire) {
  const UserId alice = AddUser("alice");
  const UserId bob = AddUser("bob");
  const absl::Time now = absl::FromUnixSeconds(1700000000);
  ASSERT_TRUE(store_->InsertSession({"aa11", alice, now + absl::Hours(1)}).ok());
  ASSERT_TRUE(store_->InsertSession({"bb22", bob, now + absl::Hours(2)}).ok());
  ASSERT_TRUE(store_->InsertSession({"cc33", bob, now - absl::Seconds(1)}).ok());
  absl::StatusOr<std::vector<StoredSession>> live = store_->LoadSessions(now);
  ASSERT_TRUE(live.ok()) << live.status();
  ASSERT_EQ(live->size(), 2u);
  EXPECT_EQ((*live)[0].token_sha256, "aa11");
  EXPECT_EQ((*live)[0].user, alice);
  EXPECT_EQ((*live)[0].expires_at, now + absl::Hours(1));
  EXPECT_EQ((*live)[1].token_sha256, "bb22");
  // The expired one was deleted, not just skipped.
  EXPECT_EQ(store_->LoadSessions(now - absl::Hours(1))->size(), 2u);

  ASSERT_TRUE(store_->DeleteSession("aa11").ok());
  ASSERT_TRUE(store_->DeleteSession("unknown").ok());
  ASSERT_TRUE(store_->DeleteSessionsOf(bob).ok());
  EXPECT_THAT(*store_->LoadSessions(now), IsEmpty());
}

TEST_F(SqliteStoreTest, APasswordChangeEndsThatUsersStoredSessionsInTheSameWrite) {
  const UserId alice = AddUser("alice");
  const UserId bob = AddUser("bob");
  ASSERT_TRUE(store_->InsertSession({"aa11", alice, absl::InfiniteFuture()}).ok());
  ASSERT_TRUE(store_->InsertSession({"bb22", bob, absl::InfiniteFuture()}).ok());
  ASSERT_TRUE(store_->UpdatePasswordHash(alice, "$argon2id$new").ok());
  absl::StatusOr<std::vector<StoredSession>> live = store_->LoadSessions(absl::UnixEpoch());
  ASSERT_TRUE(live.ok());
  ASSERT_EQ(live->size(), 1u);
  EXPECT_EQ((*live)[0].user, bob);
}

TEST_F(SqliteStoreTest, ASessionOfAnUnknownUserIsNotFound) {
  absl::Status s = store_->InsertSession({"dd44", UserId{99}, absl::InfiniteFuture()});
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound) << s;
  EXPECT_THAT(*store_->LoadSessions(absl::UnixEpoch()), IsEmpty());
}

TEST_F(SqliteStoreTest, ASecretIsCreatedOnceAndThenKept) {
  absl::StatusOr<std::string> first = store_->GetOrCreateSecret("key", "first-candidate");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, "first-candidate");
  EXPECT_EQ(store_->GetOrCreateSecret("key", "second-candidate").value_or(""),
            "first-candidate");
  EXPECT_EQ(store_->GetOrCreateSecret("other", "x").value_or(""), "x");
}

}  // namespace
}  // namespace konfero::store
