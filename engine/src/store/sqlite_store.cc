// sqlite_store.cc: the SQLite implementation of Store (see store.h).
//
// Every mutating method runs in one BEGIN IMMEDIATE transaction that rolls
// back on any error (Transaction's destructor), so a failed call leaves the
// database exactly as it was. Reads that span several tables (LoadRooms) run
// in one read transaction, so they see one consistent snapshot.
//
// File databases use WAL: readers and the writer do not block each other, so
// an operator can back up or inspect a live database. Synchronous stays at
// SQLite's default (FULL): a write that returned OK survives a power cut,
// which is what lets the RoomService update its memory after it.
//
// Thread contract: a SqliteStore is used by one thread at a time.
#include <algorithm>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "konfero/room_types.h"
#include "store/migrations.h"
#include "store/sqlite_db.h"
#include "store/store.h"

namespace konfero::store {
namespace {

// absl::string_view is not std::string_view in Debian's abseil build.
absl::string_view AsAbsl(std::string_view s) { return {s.data(), s.size()}; }

// The sender_role column's spelling, fixed by the schema's CHECK constraint
// (and so independent of ToString(ParticipantRole), which is for display).
std::optional<std::string_view> RoleToColumn(ParticipantRole role) {
  switch (role) {
    case ParticipantRole::kModerator:
      return "moderator";
    case ParticipantRole::kBrowserGuest:
      return "browser_guest";
    case ParticipantRole::kPhoneGuest:
      return "phone_guest";
  }
  return std::nullopt;  // a value cast from an out-of-range integer
}

std::optional<ParticipantRole> RoleFromColumn(std::string_view text) {
  for (ParticipantRole role :
       {ParticipantRole::kModerator, ParticipantRole::kBrowserGuest,
        ParticipantRole::kPhoneGuest}) {
    if (RoleToColumn(role) == text) return role;
  }
  return std::nullopt;
}

absl::Status EnableWal(Db& db) {
  absl::StatusOr<Statement> st =
      db.Prepare("PRAGMA journal_mode = WAL", "enable WAL journal mode");
  if (!st.ok()) return st.status();
  absl::StatusOr<bool> row = st->Step();
  if (!row.ok()) return row.status();
  // SQLite reports the mode in effect; it keeps the old one if it cannot
  // switch (e.g. a file system without shared memory).
  std::string mode = *row ? st->Text(0) : std::string();
  if (mode != "wal") {
    return absl::InternalError(absl::StrCat(
        "could not enable WAL journal mode (mode is '", mode, "')"));
  }
  return absl::OkStatus();
}

class SqliteStore final : public Store {
 public:
  SqliteStore(Db db, int version) : db_(std::move(db)), version_(version) {}

  int schema_version() const override { return version_; }

  absl::StatusOr<UserId> InsertUser(std::string_view login,
                                    std::string_view display_name,
                                    std::string_view password_hash,
                                    bool admin) override {
    Transaction txn(db_);
    if (absl::Status s = txn.Begin(Transaction::kWrite); !s.ok()) return s;
    absl::Status s = Run(
        "INSERT INTO users (login, display_name, password_hash, admin) "
        "VALUES (?1, ?2, ?3, ?4)",
        "insert user", login, display_name, password_hash,
        int64_t{admin ? 1 : 0});
    if (absl::IsAlreadyExists(s)) {
      return absl::AlreadyExistsError(
          absl::StrCat("login '", AsAbsl(login), "' already exists"));
    }
    if (!s.ok()) return s;
    UserId id{db_.last_insert_rowid()};
    if (absl::Status c = txn.Commit(); !c.ok()) return c;
    return id;
  }

  absl::Status UpdatePasswordHash(UserId user,
                                  std::string_view password_hash) override {
    return Write([&]() -> absl::Status {
      absl::Status s =
          Run("UPDATE users SET password_hash = ?2 WHERE id = ?1",
              "update password hash", ToInt(user), password_hash);
      if (!s.ok()) return s;
      if (db_.changes() == 0) return UserNotFound(user);
      return Run("DELETE FROM sessions WHERE user_id = ?1", "end the user's sessions",
                 ToInt(user));
    });
  }

  absl::StatusOr<std::vector<StoredUser>> LoadUsers() override {
    absl::StatusOr<Statement> st = db_.Prepare(
        "SELECT id, login, display_name, password_hash, admin "
        "FROM users ORDER BY id",
        "load users");
    if (!st.ok()) return st.status();
    std::vector<StoredUser> users;
    for (;;) {
      absl::StatusOr<bool> row = st->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      users.push_back(StoredUser{.id = UserId{st->Int(0)},
                                 .login = st->Text(1),
                                 .display_name = st->Text(2),
                                 .password_hash = st->Text(3),
                                 .admin = st->Int(4) != 0});
    }
    return users;
  }

  absl::StatusOr<RoomId> InsertRoom(std::string_view name,
                                    UserId creator) override {
    Transaction txn(db_);
    if (absl::Status s = txn.Begin(Transaction::kWrite); !s.ok()) return s;
    if (absl::Status s =
            Run("INSERT INTO rooms (name) VALUES (?1)", "insert room", name);
        !s.ok()) {
      return s;
    }
    RoomId room{db_.last_insert_rowid()};
    absl::Status s =
        Run("INSERT INTO room_members (room_id, user_id) VALUES (?1, ?2)",
            "insert room creator", ToInt(room), ToInt(creator));
    // The room was just inserted, so a foreign key can only miss the user.
    if (absl::IsNotFound(s)) return UserNotFound(creator);
    if (!s.ok()) return s;
    if (absl::Status c = txn.Commit(); !c.ok()) return c;
    return room;
  }

  absl::Status RenameRoom(RoomId room, std::string_view name) override {
    return Write([&]() -> absl::Status {
      absl::Status s = Run("UPDATE rooms SET name = ?2 WHERE id = ?1",
                           "rename room", ToInt(room), name);
      if (!s.ok()) return s;
      if (db_.changes() == 0) return RoomNotFound(room);
      return absl::OkStatus();
    });
  }

  absl::Status DeleteRoom(RoomId room) override {
    // Members, access (a remembered revoked URL too) and chat go with the
    // room by ON DELETE CASCADE, inside this statement's transaction.
    return Write([&]() -> absl::Status {
      absl::Status s =
          Run("DELETE FROM rooms WHERE id = ?1", "delete room", ToInt(room));
      if (!s.ok()) return s;
      if (db_.changes() == 0) return RoomNotFound(room);
      return absl::OkStatus();
    });
  }

  absl::Status AddMember(RoomId room, UserId user) override {
    return Write([&]() -> absl::Status {
      absl::Status s =
          Run("INSERT INTO room_members (room_id, user_id) VALUES (?1, ?2)",
              "add member", ToInt(room), ToInt(user));
      if (absl::IsAlreadyExists(s)) {
        return absl::AlreadyExistsError(
            absl::StrCat("user ", ToInt(user), " is already a member of room ",
                         ToInt(room)));
      }
      if (absl::IsNotFound(s)) return RoomOrUserNotFound(room, user);
      return s;
    });
  }

  absl::Status RemoveMember(RoomId room, UserId user) override {
    return Write([&]() -> absl::Status {
      absl::Status s = Run(
          "DELETE FROM room_members WHERE room_id = ?1 AND user_id = ?2",
          "remove member", ToInt(room), ToInt(user));
      if (!s.ok()) return s;
      if (db_.changes() == 0) {
        return absl::NotFoundError(absl::StrCat(
            "user ", ToInt(user), " is not a member of room ", ToInt(room)));
      }
      return absl::OkStatus();
    });
  }

  absl::Status SetAccess(RoomId room,
                         const std::optional<StoredAccess>& access) override {
    return Write([&]() -> absl::Status {
      absl::StatusOr<bool> exists = RoomExists(room);
      if (!exists.ok()) return exists.status();
      if (!*exists) return RoomNotFound(room);
      absl::Status s = Run("DELETE FROM room_access WHERE room_id = ?1",
                           "clear room access", ToInt(room));
      if (s.ok()) {
        s = Run("DELETE FROM room_revoked_url WHERE room_id = ?1",
                "forget revoked room URL", ToInt(room));
      }
      if (!s.ok() || !access.has_value()) return s;
      s = Run(
          "INSERT INTO room_access (room_id, pin, url_token) "
          "VALUES (?1, ?2, ?3)",
          "set room access", ToInt(room), std::string_view(access->pin),
          std::string_view(access->url_token));
      if (absl::IsAlreadyExists(s)) {
        // Which code collided is for the caller to regenerate, not to log:
        // the message names neither value.
        return absl::AlreadyExistsError(
            "the PIN or URL token is already used by another room");
      }
      return s;
    });
  }

  absl::Status RevokeAccess(RoomId room) override {
    return Write([&]() -> absl::Status {
      absl::StatusOr<bool> exists = RoomExists(room);
      if (!exists.ok()) return exists.status();
      if (!*exists) return RoomNotFound(room);
      // Both statements touch nothing for a private room, which keeps what
      // it remembers. (Not INSERT OR REPLACE: on a clash with another
      // room's token it would delete that room's row.)
      absl::Status s = Run(
          "DELETE FROM room_revoked_url WHERE room_id = ?1 "
          "AND EXISTS (SELECT 1 FROM room_access WHERE room_id = ?1)",
          "forget revoked room URL", ToInt(room));
      if (!s.ok()) return s;
      s = Run(
          "INSERT INTO room_revoked_url (room_id, url_token) "
          "SELECT room_id, url_token FROM room_access WHERE room_id = ?1",
          "remember revoked room URL", ToInt(room));
      if (absl::IsAlreadyExists(s)) {
        return absl::AlreadyExistsError(
            "the URL token is remembered for another room");
      }
      if (!s.ok()) return s;
      return Run("DELETE FROM room_access WHERE room_id = ?1",
                 "revoke room access", ToInt(room));
    });
  }

  absl::StatusOr<std::vector<StoredRoom>> LoadRooms() override {
    Transaction txn(db_);
    if (absl::Status s = txn.Begin(Transaction::kRead); !s.ok()) return s;

    std::vector<StoredRoom> rooms;
    absl::Status s = ForEachRow(
        "SELECT id, name FROM rooms ORDER BY id", "load rooms",
        [&](const Statement& st) {
          StoredRoom& room = rooms.emplace_back();
          room.id = RoomId{st.Int(0)};
          room.name = st.Text(1);
          return absl::OkStatus();
        });
    if (!s.ok()) return s;

    // Rooms are sorted by id, so rows of the other tables find their room by
    // binary search. A row whose room is missing would be a broken foreign
    // key: skip it rather than invent a room.
    auto find = [&rooms](int64_t id) -> StoredRoom* {
      auto it = std::lower_bound(
          rooms.begin(), rooms.end(), id,
          [](const StoredRoom& r, int64_t v) { return ToInt(r.id) < v; });
      return it != rooms.end() && ToInt(it->id) == id ? &*it : nullptr;
    };
    s = ForEachRow(
        "SELECT room_id, user_id FROM room_members ORDER BY room_id, user_id",
        "load room members", [&](const Statement& st) {
          if (StoredRoom* r = find(st.Int(0))) {
            r->members.push_back(UserId{st.Int(1)});
          }
          return absl::OkStatus();
        });
    if (!s.ok()) return s;
    s = ForEachRow("SELECT room_id, pin, url_token FROM room_access",
                   "load room access", [&](const Statement& st) {
                     if (StoredRoom* r = find(st.Int(0))) {
                       r->access = StoredAccess{.pin = st.Text(1),
                                                .url_token = st.Text(2)};
                     }
                     return absl::OkStatus();
                   });
    if (!s.ok()) return s;
    s = ForEachRow("SELECT room_id, url_token FROM room_revoked_url",
                   "load revoked room URLs", [&](const Statement& st) {
                     // SetAccess and RevokeAccess never leave both rows.
                     StoredRoom* r = find(st.Int(0));
                     if (r != nullptr && !r->access) {
                       r->revoked_url_token = st.Text(1);
                     }
                     return absl::OkStatus();
                   });
    if (!s.ok()) return s;
    if (absl::Status c = txn.Commit(); !c.ok()) return c;
    return rooms;
  }

  absl::StatusOr<int64_t> InsertChat(const NewChat& chat,
                                     int keep_per_conference) override {
    std::optional<std::string_view> role = RoleToColumn(chat.sender_role);
    if (!role.has_value()) {
      return absl::InvalidArgumentError("chat message has an invalid role");
    }
    if (keep_per_conference < 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "messages to keep per conference must not be negative, got ",
          keep_per_conference));
    }
    std::optional<int64_t> sender;
    if (chat.sender_user.has_value()) sender = ToInt(*chat.sender_user);

    Transaction txn(db_);
    if (absl::Status s = txn.Begin(Transaction::kWrite); !s.ok()) return s;
    absl::Status s = Run(
        "INSERT INTO chat_messages (room_id, conference_id, sender_user_id, "
        "sender_name, sender_role, text, sent_at_us) "
        "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        "insert chat message", ToInt(chat.room), chat.conference_id, sender,
        std::string_view(chat.sender_name), *role,
        std::string_view(chat.text), absl::ToUnixMicros(chat.sent_at));
    if (absl::IsNotFound(s)) {
      return chat.sender_user.has_value()
                 ? RoomOrUserNotFound(chat.room, *chat.sender_user)
                 : RoomNotFound(chat.room);
    }
    if (!s.ok()) return s;
    int64_t id = db_.last_insert_rowid();
    if (keep_per_conference > 0) {
      // Everything up to the newest message beyond the first `keep`, newest
      // first: an index range scan on (room_id, conference_id, id).
      s = Run(
          "DELETE FROM chat_messages WHERE room_id = ?1 AND conference_id = ?2 "
          "AND id <= (SELECT id FROM chat_messages "
          "WHERE room_id = ?1 AND conference_id = ?2 "
          "ORDER BY id DESC LIMIT 1 OFFSET ?3)",
          "trim conference chat", ToInt(chat.room), chat.conference_id,
          int64_t{keep_per_conference});
      if (!s.ok()) return s;
    }
    if (absl::Status c = txn.Commit(); !c.ok()) return c;
    return id;
  }

  absl::StatusOr<int64_t> DeleteChatBefore(absl::Time cutoff) override {
    int64_t deleted = 0;
    absl::Status s = Write([&]() -> absl::Status {
      absl::Status run = Run("DELETE FROM chat_messages WHERE sent_at_us < ?1",
                             "delete expired chat",
                             absl::ToUnixMicros(cutoff));
      if (run.ok()) deleted = db_.changes();
      return run;
    });
    if (!s.ok()) return s;
    return deleted;
  }

  absl::StatusOr<std::vector<ChatMessage>> LoadChat(
      RoomId room, std::optional<int64_t> conference_id, int limit) override {
    if (limit < 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("chat limit must not be negative, got ", limit));
    }
    // Newest first so LIMIT keeps the newest; reversed below. Two texts
    // rather than "?2 IS NULL OR ..." so the planner can use the
    // (room_id, conference_id, id) index for the conference query.
    constexpr std::string_view kColumns =
        "SELECT id, room_id, conference_id, sender_user_id, sender_name, "
        "sender_role, text, sent_at_us FROM chat_messages ";
    std::string sql =
        conference_id.has_value()
            ? absl::StrCat(AsAbsl(kColumns),
                           "WHERE room_id = ?1 AND conference_id = ?2 "
                           "ORDER BY id DESC LIMIT ?3")
            : absl::StrCat(AsAbsl(kColumns),
                           "WHERE room_id = ?1 ORDER BY id DESC LIMIT ?3");
    absl::StatusOr<Statement> st = db_.Prepare(sql, "load chat");
    if (!st.ok()) return st.status();
    st->Bind(1, ToInt(room));
    if (conference_id.has_value()) st->Bind(2, *conference_id);
    st->Bind(3, int64_t{limit});

    std::vector<ChatMessage> messages;
    for (;;) {
      absl::StatusOr<bool> row = st->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      std::optional<ParticipantRole> role = RoleFromColumn(st->Text(5));
      if (!role.has_value()) {
        return absl::InternalError(absl::StrCat(
            "chat message ", st->Int(0), " has an unknown sender role"));
      }
      std::optional<UserId> sender;
      if (std::optional<int64_t> u = st->OptionalInt(3)) sender = UserId{*u};
      messages.push_back(ChatMessage{
          .id = st->Int(0),
          .room = RoomId{st->Int(1)},
          .conference_id = st->Int(2),
          .sender_user = sender,
          .sender_name = st->Text(4),
          .sender_role = *role,
          .text = st->Text(6),
          .sent_at = absl::FromUnixMicros(st->Int(7)),
      });
    }
    std::reverse(messages.begin(), messages.end());
    return messages;
  }

  absl::StatusOr<int64_t> MaxConferenceId(RoomId room) override {
    absl::StatusOr<Statement> st = db_.Prepare(
        "SELECT COALESCE(MAX(conference_id), 0) FROM chat_messages "
        "WHERE room_id = ?1",
        "read highest conference id");
    if (!st.ok()) return st.status();
    st->Bind(1, ToInt(room));
    absl::StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    return *row ? st->Int(0) : 0;
  }

  absl::Status InsertSession(const StoredSession& session) override {
    return Write([&]() -> absl::Status {
      absl::Status s = Run(
          "INSERT INTO sessions (token_sha256, user_id, expires_at_us) VALUES (?1, ?2, ?3)",
          "insert session", std::string_view(session.token_sha256), ToInt(session.user),
          absl::ToUnixMicros(session.expires_at));
      if (absl::IsNotFound(s)) return UserNotFound(session.user);
      return s;
    });
  }

  absl::Status DeleteSession(std::string_view token_sha256) override {
    return Write([&] {
      return Run("DELETE FROM sessions WHERE token_sha256 = ?1", "delete session",
                 token_sha256);
    });
  }

  absl::Status DeleteSessionsOf(UserId user) override {
    return Write([&] {
      return Run("DELETE FROM sessions WHERE user_id = ?1", "delete user's sessions",
                 ToInt(user));
    });
  }

  absl::StatusOr<std::vector<StoredSession>> LoadSessions(absl::Time now) override {
    const int64_t now_us = absl::ToUnixMicros(now);
    if (absl::Status s = Write([&] {
          return Run("DELETE FROM sessions WHERE expires_at_us <= ?1",
                     "delete expired sessions", now_us);
        });
        !s.ok()) {
      return s;
    }
    absl::StatusOr<Statement> st = db_.Prepare(
        "SELECT token_sha256, user_id, expires_at_us FROM sessions ORDER BY user_id",
        "load sessions");
    if (!st.ok()) return st.status();
    std::vector<StoredSession> sessions;
    for (;;) {
      absl::StatusOr<bool> row = st->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      sessions.push_back(StoredSession{.token_sha256 = st->Text(0),
                                       .user = UserId{st->Int(1)},
                                       .expires_at = absl::FromUnixMicros(st->Int(2))});
    }
    return sessions;
  }

  absl::StatusOr<std::string> GetOrCreateSecret(std::string_view name,
                                                std::string_view candidate) override {
    if (absl::Status s = Write([&] {
          return Run("INSERT OR IGNORE INTO secrets (name, value) VALUES (?1, ?2)",
                     "store secret", name, candidate);
        });
        !s.ok()) {
      return s;
    }
    absl::StatusOr<Statement> st =
        db_.Prepare("SELECT value FROM secrets WHERE name = ?1", "read secret");
    if (!st.ok()) return st.status();
    st->Bind(1, name);
    absl::StatusOr<bool> row = st->Step();
    if (!row.ok()) return row.status();
    if (!*row) return absl::InternalError("a stored secret vanished");
    return st->Text(0);
  }

 private:
  // Prepares `sql`, binds `args` to ?1, ?2, ... in order and runs it.
  template <typename... Args>
  absl::Status Run(std::string_view sql, std::string_view what,
                   const Args&... args) {
    absl::StatusOr<Statement> st = db_.Prepare(sql, what);
    if (!st.ok()) return st.status();
    int index = 0;
    (st->Bind(++index, args), ...);
    return st->Run();
  }

  // Calls `on_row` for each row of a parameterless query.
  template <typename OnRow>
  absl::Status ForEachRow(std::string_view sql, std::string_view what,
                          OnRow on_row) {
    absl::StatusOr<Statement> st = db_.Prepare(sql, what);
    if (!st.ok()) return st.status();
    for (;;) {
      absl::StatusOr<bool> row = st->Step();
      if (!row.ok()) return row.status();
      if (!*row) return absl::OkStatus();
      if (absl::Status s = on_row(*st); !s.ok()) return s;
    }
  }

  // Runs `body` in a write transaction and commits if it succeeded.
  template <typename Body>
  absl::Status Write(Body body) {
    Transaction txn(db_);
    if (absl::Status s = txn.Begin(Transaction::kWrite); !s.ok()) return s;
    if (absl::Status s = body(); !s.ok()) return s;
    return txn.Commit();
  }

  absl::StatusOr<bool> RoomExists(RoomId room) {
    absl::StatusOr<Statement> st =
        db_.Prepare("SELECT 1 FROM rooms WHERE id = ?1", "look up room");
    if (!st.ok()) return st.status();
    st->Bind(1, ToInt(room));
    return st->Step();
  }

  static absl::Status RoomNotFound(RoomId room) {
    return absl::NotFoundError(absl::StrCat("room ", ToInt(room), " not found"));
  }
  static absl::Status UserNotFound(UserId user) {
    return absl::NotFoundError(absl::StrCat("user ", ToInt(user), " not found"));
  }
  // After a foreign key failure naming either: say which one is missing.
  absl::Status RoomOrUserNotFound(RoomId room, UserId user) {
    absl::StatusOr<bool> exists = RoomExists(room);
    if (exists.ok() && !*exists) return RoomNotFound(room);
    if (exists.ok()) return UserNotFound(user);
    return absl::NotFoundError(absl::StrCat("room ", ToInt(room), " or user ",
                                            ToInt(user), " not found"));
  }

  Db db_;
  int version_;
};

}  // namespace

absl::StatusOr<std::unique_ptr<Store>> Store::Open(
    std::string_view path, absl::Duration busy_timeout) {
  absl::StatusOr<Db> db = Db::Open(path, busy_timeout);
  if (!db.ok()) return db.status();
  // Migrate before switching to WAL so that a database from a newer build
  // is refused without being touched at all.
  absl::StatusOr<int> version = ApplyMigrations(*db);
  if (!version.ok()) return version.status();
  if (!db->in_memory()) {
    if (absl::Status s = EnableWal(*db); !s.ok()) return s;
  }
  return std::make_unique<SqliteStore>(std::move(*db), *version);
}

}  // namespace konfero::store
