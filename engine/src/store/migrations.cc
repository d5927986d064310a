// migrations.cc: the schema history of the store; see migrations.h.
#include "store/migrations.h"

#include <array>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"

namespace konfero::store {
namespace {

// Version 1: the room domain's tables.
//
// Users and rooms use AUTOINCREMENT like chat messages: without it SQLite
// may hand a deleted room's id to the next new room, and anything still
// naming the old id (a guest link, a ban, an event in flight) would then
// silently point at a different room.
//
// PINs and URL tokens are UNIQUE because a guest is routed to a room by
// them; the database is the last line against a collision.
constexpr std::string_view kMigration1 = R"sql(
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
)sql";

// Version 2: LoadChat reads the newest messages of one room and conference,
// and MaxConferenceId the highest conference of a room; both become index
// range scans instead of full table scans.
constexpr std::string_view kMigration2 = R"sql(
CREATE INDEX chat_messages_by_conference
  ON chat_messages (room_id, conference_id, id);
)sql";

// Version 3: the URL token a room had when it was made private, so that a
// guest holding it is told "no longer public" rather than "wrong link",
// across restarts too. One per room; it goes when the room is made public
// again or deleted. UNIQUE for the same reason as room_access.url_token.
constexpr std::string_view kMigration3 = R"sql(
CREATE TABLE room_revoked_url (
  room_id   INTEGER PRIMARY KEY REFERENCES rooms (id) ON DELETE CASCADE,
  url_token TEXT    NOT NULL UNIQUE
);
)sql";

// Version 4: the chat retention purge deletes messages by age
// (DeleteChatBefore); without this index each purge would scan the table.
constexpr std::string_view kMigration4 = R"sql(
CREATE INDEX chat_messages_by_time ON chat_messages (sent_at_us);
)sql";

// Version 5: login sessions outlive a restart (a crash or kill -9 must not
// log every moderator out), stored by the SHA-256 of their token so the file
// holds nothing a reader could log in with; and the server's long-lived
// secrets (the device-cookie key, room_service.h: Login).
constexpr std::string_view kMigration5 = R"sql(
CREATE TABLE sessions (
  token_sha256  TEXT    PRIMARY KEY,
  user_id       INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  expires_at_us INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);

CREATE TABLE secrets (
  name  TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql";

constexpr std::array<std::string_view, 5> kMigrations = {
    kMigration1, kMigration2, kMigration3, kMigration4, kMigration5};

absl::StatusOr<int> ReadVersion(Db& db) {
  absl::StatusOr<Statement> st =
      db.Prepare("PRAGMA user_version", "read schema version");
  if (!st.ok()) return st.status();
  absl::StatusOr<bool> row = st->Step();
  if (!row.ok()) return row.status();
  if (!*row) return absl::InternalError("PRAGMA user_version returned no row");
  return static_cast<int>(st->Int(0));
}

absl::Status TooNew(int version) {
  return absl::FailedPreconditionError(absl::StrCat(
      "database schema version ", version, " is newer than this build's ",
      LatestSchemaVersion(), "; upgrade konfero or use another database"));
}

}  // namespace

std::span<const std::string_view> Migrations() { return kMigrations; }

int LatestSchemaVersion() { return static_cast<int>(kMigrations.size()); }

absl::StatusOr<int> ApplyMigrations(Db& db) {
  const int latest = LatestSchemaVersion();
  for (;;) {
    // Read without a lock first so an up-to-date database opens even while
    // another connection is writing.
    absl::StatusOr<int> version = ReadVersion(db);
    if (!version.ok()) return version.status();
    if (*version > latest) return TooNew(*version);
    if (*version == latest) return latest;
    if (*version < 0) {
      return absl::FailedPreconditionError(
          absl::StrCat("database schema version ", *version, " is invalid"));
    }

    Transaction txn(db);
    if (absl::Status s = txn.Begin(Transaction::kWrite); !s.ok()) return s;
    // Another process may have migrated while this one waited for the lock:
    // start over from what is there now.
    absl::StatusOr<int> locked = ReadVersion(db);
    if (!locked.ok()) return locked.status();
    if (*locked != *version) continue;

    // Exec needs NUL-terminated SQL.
    std::string sql(kMigrations[static_cast<size_t>(*version)]);
    std::string what = absl::StrCat("apply migration ", *version + 1);
    if (absl::Status s = db.Exec(sql.c_str(), what); !s.ok()) return s;
    // PRAGMA takes no bound parameters; the value is our own integer. The
    // version lives in the database header, so it commits or rolls back
    // with the migration.
    std::string set_version =
        absl::StrCat("PRAGMA user_version = ", *version + 1);
    if (absl::Status s = db.Exec(set_version.c_str(), what); !s.ok()) return s;
    if (absl::Status s = txn.Commit(); !s.ok()) return s;
  }
}

}  // namespace konfero::store
