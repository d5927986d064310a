// sqlite_store_durability_test.cc: the store on a file: persistence across
// reopen, schema migrations, and that a write which fails (locked database,
// aborted statement) leaves the data exactly as it was.
//
// A raw sqlite3 connection plays "someone else": it builds old schemas,
// holds locks and installs triggers, independently of the store's own code.
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "konfero/room_types.h"
#include "store/store.h"

namespace konfero::store {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// Schema version 1 exactly as it shipped, written out rather than taken from
// migrations.cc: databases in the field were made by this text, so an edit
// to migration 1 must fail MigratedDatabaseHasTheSameSchemaAsAFreshOne.
constexpr const char* kSchemaV1 = R"sql(
CREATE TABLE users (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  login         TEXT    NOT NULL UNIQUE,
  display_name  TEXT    NOT NULL,
  password_hash TEXT    NOT NULL,
  admin         INTEGER NOT NULL DEFAULT 0 CHECK (admin IN (0, 1))
);
CREATE TABLE rooms (
  id   INTEGER PRIMARY KEY AUTOINCREMENT,
  name TEXT    NOT NULL
);
CREATE TABLE room_members (
  room_id INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  PRIMARY KEY (room_id, user_id)
);
CREATE TABLE room_access (
  room_id   INTEGER PRIMARY KEY REFERENCES rooms (id) ON DELETE CASCADE,
  pin       TEXT    NOT NULL UNIQUE,
  url_token TEXT    NOT NULL UNIQUE
);
CREATE TABLE chat_messages (
  id             INTEGER PRIMARY KEY AUTOINCREMENT,
  room_id        INTEGER NOT NULL REFERENCES rooms (id) ON DELETE CASCADE,
  conference_id  INTEGER NOT NULL,
  sender_user_id INTEGER REFERENCES users (id) ON DELETE SET NULL,
  sender_name    TEXT    NOT NULL,
  sender_role    TEXT    NOT NULL
                 CHECK (sender_role IN ('moderator', 'browser_guest',
                                        'phone_guest')),
  text           TEXT    NOT NULL,
  sent_at_us     INTEGER NOT NULL
);
PRAGMA user_version = 1;
)sql";

// A plain sqlite3 connection; failures are test failures.
class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    EXPECT_EQ(sqlite3_open(path.c_str(), &db_), SQLITE_OK) << path;
    sqlite3_busy_timeout(db_, 2000);
  }
  RawDb(const RawDb&) = delete;
  RawDb& operator=(const RawDb&) = delete;
  ~RawDb() { sqlite3_close(db_); }

  void Exec(const char* sql) {
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db_, sql, nullptr, nullptr, &error), SQLITE_OK)
        << (error != nullptr ? error : "") << "\n in: " << sql;
    sqlite3_free(error);
  }

  // Every row of `sql`, columns joined by '|'.
  std::vector<std::string> Rows(const char* sql) {
    std::vector<std::string> rows;
    sqlite3_stmt* stmt = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db_, sql, -1, &stmt, nullptr), SQLITE_OK)
        << sqlite3_errmsg(db_);
    while (sqlite3_step(stmt) == SQLITE_ROW) {
      std::string row;
      for (int i = 0; i < sqlite3_column_count(stmt); ++i) {
        const unsigned char* text = sqlite3_column_text(stmt, i);
        if (i > 0) row += '|';
        row += text != nullptr ? reinterpret_cast<const char*>(text) : "NULL";
      }
      rows.push_back(std::move(row));
    }
    sqlite3_finalize(stmt);
    return rows;
  }

  std::string One(const char* sql) {
    std::vector<std::string> rows = Rows(sql);
    return rows.empty() ? "<no row>" : rows[0];
  }

 private:
  sqlite3* db_ = nullptr;
};

// Everything the store can report, as text, to compare before and after.
std::string Dump(Store& store) {
  std::string out;
  absl::StatusOr<std::vector<StoredUser>> users = store.LoadUsers();
  EXPECT_TRUE(users.ok()) << users.status();
  for (const StoredUser& u : users.value_or(std::vector<StoredUser>{})) {
    absl::StrAppend(&out, "user ", ToInt(u.id), " ", u.login, " ",
                    u.display_name, " ", u.password_hash,
                    u.admin ? " admin" : "", "\n");
  }
  absl::StatusOr<std::vector<StoredRoom>> rooms = store.LoadRooms();
  EXPECT_TRUE(rooms.ok()) << rooms.status();
  for (const StoredRoom& r : rooms.value_or(std::vector<StoredRoom>{})) {
    absl::StrAppend(&out, "room ", ToInt(r.id), " ", r.name, " members");
    for (UserId m : r.members) absl::StrAppend(&out, " ", ToInt(m));
    if (r.access) {
      absl::StrAppend(&out, " access ", r.access->pin, " ",
                      r.access->url_token);
    }
    if (r.revoked_url_token) {
      absl::StrAppend(&out, " revoked ", *r.revoked_url_token);
    }
    absl::StrAppend(&out, "\n");
    absl::StatusOr<std::vector<ChatMessage>> chat =
        store.LoadChat(r.id, std::nullopt, 1000);
    EXPECT_TRUE(chat.ok()) << chat.status();
    for (const ChatMessage& m : chat.value_or(std::vector<ChatMessage>{})) {
      absl::StrAppend(
          &out, "  chat ", m.id, " ", m.conference_id, " ",
          m.sender_user ? absl::StrCat(ToInt(*m.sender_user)) : "-", " ",
          m.sender_name, " ", static_cast<int>(m.sender_role), " ", m.text,
          " ", absl::ToUnixMicros(m.sent_at), "\n");
    }
  }
  return out;
}

class SqliteStoreFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    // Per process as well as per test: a sanitizer build may run the same
    // tests at the same time.
    dir_ = std::filesystem::path(::testing::TempDir()) /
           absl::StrCat("konfero_store_", getpid(), "_",
                        ::testing::UnitTest::GetInstance()
                            ->current_test_info()
                            ->name());
    std::filesystem::remove_all(dir_);
    std::filesystem::create_directories(dir_);
    path_ = (dir_ / "konfero.db").string();
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<Store> Open(absl::Duration busy_timeout = absl::Seconds(2)) {
    absl::StatusOr<std::unique_ptr<Store>> store =
        Store::Open(path_, busy_timeout);
    EXPECT_TRUE(store.ok()) << store.status();
    return store.ok() ? std::move(*store) : nullptr;
  }

  // From now on every deletion of a chat message fails ("refused by test"),
  // whichever statement it is part of.
  void RefuseChatDeletes() {
    RawDb other(path_);
    other.Exec(
        "CREATE TRIGGER refuse_chat_delete BEFORE DELETE ON chat_messages "
        "BEGIN SELECT RAISE(ABORT, 'refused by test'); END;");
  }

  // A user, a public room with two members, chat in two conferences, and a
  // room made private.
  void Populate(Store& store) {
    absl::StatusOr<UserId> alice =
        store.InsertUser("alice", "Alice", "$argon2id$alice-hash", true);
    absl::StatusOr<UserId> bob =
        store.InsertUser("bob", "Bob", "$argon2id$bob-hash", false);
    ASSERT_TRUE(alice.ok() && bob.ok());
    absl::StatusOr<RoomId> room = store.InsertRoom("Weekly", *alice);
    ASSERT_TRUE(room.ok()) << room.status();
    ASSERT_TRUE(store.AddMember(*room, *bob).ok());
    ASSERT_TRUE(store.SetAccess(*room, StoredAccess{"482913", "tok-weekly"}).ok());
    absl::StatusOr<RoomId> closed = store.InsertRoom("Closed", *alice);
    ASSERT_TRUE(closed.ok()) << closed.status();
    ASSERT_TRUE(store.SetAccess(*closed, StoredAccess{"100200", "tok-closed"}).ok());
    ASSERT_TRUE(store.RevokeAccess(*closed).ok());
    for (int64_t conference : {1, 1, 2}) {
      ASSERT_TRUE(store
                      .InsertChat(NewChat{.room = *room,
                                          .conference_id = conference,
                                          .sender_user = *alice,
                                          .sender_name = "Alice",
                                          .sender_role =
                                              ParticipantRole::kModerator,
                                          .text = "hi",
                                          .sent_at = absl::FromUnixMicros(7)})
                      .ok());
    }
  }

  std::filesystem::path dir_;
  std::string path_;
};

TEST_F(SqliteStoreFileTest, DataSurvivesCloseAndReopen) {
  std::string before;
  {
    std::unique_ptr<Store> store = Open();
    ASSERT_NE(store, nullptr);
    Populate(*store);
    before = Dump(*store);
  }
  std::unique_ptr<Store> reopened = Open();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(reopened->schema_version(), 5);
  EXPECT_THAT(before, HasSubstr("room 2 Closed members 1 revoked tok-closed\n"));
  EXPECT_EQ(Dump(*reopened), before);
  EXPECT_EQ(reopened->MaxConferenceId(RoomId{1}).value_or(-1), 2);
}

TEST_F(SqliteStoreFileTest, FileDatabaseUsesWriteAheadLogging) {
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  RawDb raw(path_);
  EXPECT_EQ(raw.One("PRAGMA journal_mode"), "wal");
  EXPECT_EQ(raw.One("PRAGMA user_version"), "5");
}

TEST_F(SqliteStoreFileTest, DatabaseFilesAreReadableByTheirOwnerOnly) {
  const auto mode = [](const std::string& file) {
    struct stat st {};
    EXPECT_EQ(::stat(file.c_str(), &st), 0) << file;
    return st.st_mode & 0777;
  };
  {
    std::unique_ptr<Store> store = Open();
    ASSERT_NE(store, nullptr);
    Populate(*store);
    EXPECT_EQ(mode(path_), 0600u);
    EXPECT_EQ(mode(path_ + "-wal"), 0600u);
  }
  // A file left world-readable (an older version, a copy) is narrowed.
  ASSERT_EQ(::chmod(path_.c_str(), 0644), 0);
  std::unique_ptr<Store> reopened = Open();
  ASSERT_NE(reopened, nullptr);
  EXPECT_EQ(mode(path_), 0600u);
}

TEST_F(SqliteStoreFileTest, UnopenablePathIsUnavailable) {
  absl::StatusOr<std::unique_ptr<Store>> store =
      Store::Open((dir_ / "missing" / "konfero.db").string());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kUnavailable);
}

TEST_F(SqliteStoreFileTest, Version1DatabaseIsMigratedAndKeepsItsData) {
  {
    RawDb raw(path_);
    raw.Exec(kSchemaV1);
    raw.Exec(
        "INSERT INTO users (login, display_name, password_hash, admin) "
        "VALUES ('alice', 'Alice', 'h', 1);"
        "INSERT INTO rooms (name) VALUES ('Old room');"
        "INSERT INTO room_members VALUES (1, 1);"
        "INSERT INTO room_access VALUES (1, '1234', 'tok');"
        "INSERT INTO chat_messages (room_id, conference_id, sender_user_id, "
        "  sender_name, sender_role, text, sent_at_us) "
        "VALUES (1, 5, NULL, 'Guest', 'browser_guest', 'old text', 42);");
  }

  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->schema_version(), 5);
  EXPECT_EQ(Dump(*store),
            "user 1 alice Alice h admin\n"
            "room 1 Old room members 1 access 1234 tok\n"
            "  chat 1 5 - Guest 1 old text 42\n");
  // Ids continue after the old data rather than restarting.
  absl::StatusOr<RoomId> room = store->InsertRoom("New room", UserId{1});
  ASSERT_TRUE(room.ok()) << room.status();
  EXPECT_EQ(*room, RoomId{2});

  RawDb raw(path_);
  EXPECT_EQ(raw.One("PRAGMA user_version"), "5");
  EXPECT_EQ(raw.Rows("SELECT name FROM sqlite_master WHERE type = 'index' "
                     "AND tbl_name = 'chat_messages' AND sql IS NOT NULL "
                     "ORDER BY name"),
            (std::vector<std::string>{"chat_messages_by_conference",
                                      "chat_messages_by_time"}));
  // The migrated database remembers revoked links like a fresh one.
  ASSERT_TRUE(store->RevokeAccess(RoomId{1}).ok());
  EXPECT_EQ(raw.One("SELECT room_id, url_token FROM room_revoked_url"), "1|tok");
}

TEST_F(SqliteStoreFileTest, Version2DatabaseIsMigratedAndKeepsItsAccess) {
  {
    // Version 2 as it shipped: version 1 and the chat index.
    RawDb raw(path_);
    raw.Exec(kSchemaV1);
    raw.Exec(
        "CREATE INDEX chat_messages_by_conference "
        "  ON chat_messages (room_id, conference_id, id);"
        "PRAGMA user_version = 2;"
        "INSERT INTO users (login, display_name, password_hash, admin) "
        "VALUES ('alice', 'Alice', 'h', 1);"
        "INSERT INTO rooms (name) VALUES ('Public'), ('Private');"
        "INSERT INTO room_members VALUES (1, 1), (2, 1);"
        "INSERT INTO room_access VALUES (1, '1234', 'tok');");
  }
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  EXPECT_EQ(store->schema_version(), 5);
  // A room that went private before the upgrade remembers no link: a guest
  // with it is told the link is not valid, as before.
  EXPECT_EQ(Dump(*store),
            "user 1 alice Alice h admin\n"
            "room 1 Public members 1 access 1234 tok\n"
            "room 2 Private members 1\n");
}

TEST_F(SqliteStoreFileTest, MigratedDatabaseHasTheSameSchemaAsAFreshOne) {
  {
    RawDb raw(path_);
    raw.Exec(kSchemaV1);
  }
  ASSERT_NE(Open(), nullptr);
  std::string fresh_path = (dir_ / "fresh.db").string();
  ASSERT_TRUE(Store::Open(fresh_path).ok());

  // sqlite_master keeps each CREATE statement's text; compare it with runs
  // of whitespace folded, so only layout may differ.
  auto schema = [](const std::string& path) {
    RawDb raw(path);
    std::vector<std::string> rows = raw.Rows(
        "SELECT type, name, tbl_name, sql FROM sqlite_master ORDER BY name");
    for (std::string& row : rows) {
      std::string folded;
      for (char c : row) {
        bool space = std::isspace(static_cast<unsigned char>(c)) != 0;
        if (!space) {
          folded += c;
        } else if (!folded.empty() && folded.back() != ' ') {
          folded += ' ';
        }
      }
      row = folded;
    }
    return rows;
  };
  EXPECT_EQ(schema(path_), schema(fresh_path));
}

TEST_F(SqliteStoreFileTest, FailedMigrationLeavesTheOldVersion) {
  {
    RawDb raw(path_);
    raw.Exec(kSchemaV1);
    // Takes the name migration 2 wants for its index.
    raw.Exec("CREATE TABLE chat_messages_by_conference (x);");
  }
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path_);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kInternal);
  EXPECT_THAT(store.status().message(), HasSubstr("migration 2"));
  RawDb raw(path_);
  EXPECT_EQ(raw.One("PRAGMA user_version"), "1");
}

TEST_F(SqliteStoreFileTest, DatabaseFromTheFutureIsRefusedUntouched) {
  {
    RawDb raw(path_);
    raw.Exec("CREATE TABLE future (x); PRAGMA user_version = 999;");
  }
  absl::StatusOr<std::unique_ptr<Store>> store = Store::Open(path_);
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), HasSubstr("999"));

  RawDb raw(path_);
  EXPECT_EQ(raw.One("PRAGMA user_version"), "999");
  EXPECT_EQ(raw.One("PRAGMA journal_mode"), "delete");
  EXPECT_THAT(raw.Rows("SELECT name FROM sqlite_master"),
              ElementsAre("future"));
}

TEST_F(SqliteStoreFileTest, WritesWhileLockedAreUnavailableAndChangeNothing) {
  std::unique_ptr<Store> store = Open(absl::Milliseconds(10));
  ASSERT_NE(store, nullptr);
  Populate(*store);
  const std::string before = Dump(*store);
  const RoomId room{1};
  const UserId alice{1};
  const UserId bob{2};

  RawDb other(path_);
  other.Exec("BEGIN EXCLUSIVE");

  auto expect_locked = [](const absl::Status& s, const char* call) {
    EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << call << ": " << s;
    EXPECT_THAT(s.message(), HasSubstr("database is locked")) << call;
    EXPECT_THAT(s.message(), Not(HasSubstr("hash"))) << call;
  };
  expect_locked(store->InsertUser("carol", "Carol", "$argon2id$carol-hash",
                                  false)
                    .status(),
                "InsertUser");
  expect_locked(store->UpdatePasswordHash(alice, "$argon2id$new-hash"),
                "UpdatePasswordHash");
  expect_locked(store->InsertRoom("Another", alice).status(), "InsertRoom");
  expect_locked(store->RenameRoom(room, "Renamed"), "RenameRoom");
  expect_locked(store->DeleteRoom(room), "DeleteRoom");
  expect_locked(store->AddMember(room, alice), "AddMember");
  expect_locked(store->RemoveMember(room, bob), "RemoveMember");
  expect_locked(store->SetAccess(room, StoredAccess{"999999", "tok-new"}),
                "SetAccess");
  expect_locked(store->SetAccess(room, std::nullopt), "SetAccess(clear)");
  expect_locked(store->RevokeAccess(room), "RevokeAccess");
  expect_locked(store
                    ->InsertChat(NewChat{.room = room,
                                         .conference_id = 3,
                                         .sender_user = std::nullopt,
                                         .sender_name = "Guest",
                                         .sender_role =
                                             ParticipantRole::kBrowserGuest,
                                         .text = "lost",
                                         .sent_at = absl::FromUnixMicros(8)})
                    .status(),
                "InsertChat");
  expect_locked(store->DeleteChatBefore(absl::InfiniteFuture()).status(),
                "DeleteChatBefore");
  // WAL: readers are not blocked by the writer.
  EXPECT_EQ(Dump(*store), before);

  other.Exec("ROLLBACK");
  EXPECT_EQ(Dump(*store), before);
  ASSERT_TRUE(store->RenameRoom(room, "Renamed").ok());
  EXPECT_NE(Dump(*store), before);
}

TEST_F(SqliteStoreFileTest, DeleteRoomThatFailsHalfwayChangesNothing) {
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  Populate(*store);
  const std::string before = Dump(*store);
  // The cascade fails on the chat, after deleting whatever of members and
  // access it reached first.
  RefuseChatDeletes();
  absl::Status s = store->DeleteRoom(RoomId{1});
  EXPECT_EQ(s.code(), absl::StatusCode::kInternal) << s;
  EXPECT_THAT(s.message(), HasSubstr("refused by test"));
  EXPECT_EQ(Dump(*store), before);
}

TEST_F(SqliteStoreFileTest, AChatInsertWhoseTrimFailsInsertsNothing) {
  std::unique_ptr<Store> store = Open();
  ASSERT_NE(store, nullptr);
  Populate(*store);
  const std::string before = Dump(*store);
  RefuseChatDeletes();
  // Keeping one message of the conference means deleting the older ones.
  absl::StatusOr<int64_t> id = store->InsertChat(
      NewChat{.room = RoomId{1},
              .conference_id = 2,
              .sender_user = std::nullopt,
              .sender_name = "Guest",
              .sender_role = ParticipantRole::kBrowserGuest,
              .text = "new",
              .sent_at = absl::FromUnixMicros(9)},
      /*keep_per_conference=*/1);
  EXPECT_EQ(id.status().code(), absl::StatusCode::kInternal) << id.status();
  EXPECT_EQ(Dump(*store), before);
  EXPECT_EQ(store->DeleteChatBefore(absl::InfiniteFuture()).status().code(),
            absl::StatusCode::kInternal);
  EXPECT_EQ(Dump(*store), before);
}

}  // namespace
}  // namespace konfero::store
