// sqlite_db.cc: the RAII layer over the SQLite C API; see sqlite_db.h.
#include "store/sqlite_db.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <cstdint>
#include <string>
#include <utility>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace konfero::store {
namespace {

// absl::string_view is not std::string_view in Debian's abseil build.
absl::string_view AsAbsl(std::string_view s) { return {s.data(), s.size()}; }

// A database file holds password hashes and room secrets: only its owner
// may read it. It is created 0600 before SQLite opens it (SQLite gives its
// -wal and -shm files the database file's mode), and an existing file is
// narrowed to 0600. In-memory and temporary databases have no file.
absl::Status MakeFilePrivate(const std::string& name) {
  if (name.empty() || name == ":memory:" || name.rfind("file:", 0) == 0) {
    return absl::OkStatus();
  }
  const int fd = ::open(name.c_str(), O_RDWR | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) {
    return absl::UnavailableError(
        absl::StrCat("cannot open database '", name, "': ", std::strerror(errno)));
  }
  const int rc = ::fchmod(fd, 0600);
  const int err = errno;
  ::close(fd);
  if (rc != 0) {
    return absl::UnavailableError(absl::StrCat("cannot make database '", name,
                                               "' private (chmod 0600): ", std::strerror(err)));
  }
  return absl::OkStatus();
}

int BusyTimeoutMs(absl::Duration timeout) {
  if (timeout <= absl::ZeroDuration()) return 0;
  if (timeout >= absl::Milliseconds(INT_MAX)) return INT_MAX;
  return static_cast<int>(absl::ToInt64Milliseconds(timeout));
}

}  // namespace

absl::Status SqliteError(sqlite3* db, int rc, std::string_view what) {
  // The connection's message belongs to the last failed call; without a
  // connection (open failed for lack of memory) only the code is known.
  const char* msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
  switch (rc & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return absl::UnavailableError(
          absl::StrCat("database is locked (", AsAbsl(what), "): ", msg));
    case SQLITE_FULL:
      // The disk (or the database's max_page_count) is full: the write was
      // rolled back, and retrying succeeds once space is freed.
      return absl::UnavailableError(
          absl::StrCat("storage is full (", AsAbsl(what), "): ", msg));
    case SQLITE_CONSTRAINT:
      switch (rc) {
        case SQLITE_CONSTRAINT_UNIQUE:
        case SQLITE_CONSTRAINT_PRIMARYKEY:
          return absl::AlreadyExistsError(
              absl::StrCat(AsAbsl(what), ": ", msg));
        case SQLITE_CONSTRAINT_FOREIGNKEY:
          return absl::NotFoundError(absl::StrCat(AsAbsl(what), ": ", msg));
        default:
          break;
      }
      break;
    default:
      break;
  }
  return absl::InternalError(absl::StrCat(AsAbsl(what), ": ", msg));
}

// ---- Statement ----

Statement::Statement(sqlite3_stmt* stmt, std::string_view what)
    : stmt_(stmt), what_(what) {}

void Statement::NoteBind(int rc) {
  if (rc != SQLITE_OK && bind_status_.ok()) {
    bind_status_ = SqliteError(sqlite3_db_handle(stmt_.get()), rc,
                               absl::StrCat(what_, " (bind)"));
  }
}

void Statement::Bind(int index, int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_.get(), index, value));
}

void Statement::Bind(int index, std::string_view value) {
  // SQLITE_TRANSIENT copies: the view need not outlive the binding. A null
  // data() would bind NULL, so an empty view binds an empty string instead.
  const char* data = value.data() != nullptr ? value.data() : "";
  NoteBind(sqlite3_bind_text64(stmt_.get(), index, data, value.size(),
                               SQLITE_TRANSIENT, SQLITE_UTF8));
}

void Statement::Bind(int index, std::optional<int64_t> value) {
  NoteBind(value.has_value() ? sqlite3_bind_int64(stmt_.get(), index, *value)
                             : sqlite3_bind_null(stmt_.get(), index));
}

absl::StatusOr<bool> Statement::Step() {
  if (!bind_status_.ok()) return bind_status_;
  int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return SqliteError(sqlite3_db_handle(stmt_.get()), rc, what_);
}

absl::Status Statement::Run() {
  absl::StatusOr<bool> row = Step();
  if (!row.ok()) return row.status();
  if (*row) {
    return absl::InternalError(
        absl::StrCat(what_, ": statement unexpectedly returned rows"));
  }
  return absl::OkStatus();
}

int64_t Statement::Int(int column) const {
  return sqlite3_column_int64(stmt_.get(), column);
}

std::optional<int64_t> Statement::OptionalInt(int column) const {
  if (sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL) {
    return std::nullopt;
  }
  return sqlite3_column_int64(stmt_.get(), column);
}

std::string Statement::Text(int column) const {
  // column_text before column_bytes: the documented order that yields the
  // UTF-8 length.
  const unsigned char* text = sqlite3_column_text(stmt_.get(), column);
  if (text == nullptr) return {};
  int size = sqlite3_column_bytes(stmt_.get(), column);
  return std::string(reinterpret_cast<const char*>(text),
                     static_cast<size_t>(size));
}

// ---- Db ----

absl::StatusOr<Db> Db::Open(std::string_view path,
                            absl::Duration busy_timeout) {
  std::string name(path);
  if (absl::Status s = MakeFilePrivate(name); !s.ok()) return s;
  sqlite3* raw = nullptr;
  // NOMUTEX: the store is used by one thread at a time, so SQLite's
  // per-connection mutex would only cost time.
  int rc = sqlite3_open_v2(
      name.c_str(), &raw,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
      nullptr);
  // sqlite3_open_v2 returns a handle even on failure (for errmsg); owning
  // it at once closes it on every path.
  Db db(raw);
  if (rc != SQLITE_OK) {
    absl::Status s = SqliteError(raw, rc, "open database");
    if ((rc & 0xff) == SQLITE_CANTOPEN) {
      return absl::UnavailableError(
          absl::StrCat("cannot open database '", name, "': ", s.message()));
    }
    return s;
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, BusyTimeoutMs(busy_timeout));

  // Off by default in SQLite, and a no-op inside a transaction: set it here,
  // once per connection, then check it took (builds may omit FK support).
  if (absl::Status s = db.Exec("PRAGMA foreign_keys = ON", "enable foreign keys");
      !s.ok()) {
    return s;
  }
  absl::StatusOr<Statement> check =
      db.Prepare("PRAGMA foreign_keys", "check foreign keys");
  if (!check.ok()) return check.status();
  absl::StatusOr<bool> row = check->Step();
  if (!row.ok()) return row.status();
  if (!*row || check->Int(0) != 1) {
    return absl::InternalError("this SQLite build does not enforce foreign keys");
  }
  return db;
}

bool Db::in_memory() const {
  // ":memory:" and "" (a temporary database) report an empty file name.
  const char* file = sqlite3_db_filename(db_.get(), "main");
  return file == nullptr || file[0] == '\0';
}

absl::Status Db::Exec(const char* sql, std::string_view what) {
  int rc = sqlite3_exec(db_.get(), sql, nullptr, nullptr, nullptr);
  if (rc != SQLITE_OK) return SqliteError(db_.get(), rc, what);
  return absl::OkStatus();
}

absl::StatusOr<Statement> Db::Prepare(std::string_view sql,
                                      std::string_view what) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v2(db_.get(), sql.data(),
                              static_cast<int>(sql.size()), &stmt, nullptr);
  Statement owned(stmt, what);
  if (rc != SQLITE_OK) return SqliteError(db_.get(), rc, what);
  if (stmt == nullptr) {
    return absl::InternalError(absl::StrCat(AsAbsl(what), ": empty SQL"));
  }
  return owned;
}

int64_t Db::last_insert_rowid() const {
  return sqlite3_last_insert_rowid(db_.get());
}

int64_t Db::changes() const { return sqlite3_changes64(db_.get()); }

bool Db::autocommit() const { return sqlite3_get_autocommit(db_.get()) != 0; }

// ---- Transaction ----

Transaction::~Transaction() {
  // Some errors (SQLITE_FULL, IOERR, NOMEM, ...) already rolled the
  // transaction back; a second ROLLBACK would only fail.
  if (open_ && !db_.autocommit()) {
    (void)db_.Exec("ROLLBACK", "roll back");
  }
}

absl::Status Transaction::Begin(Kind kind) {
  absl::Status s = kind == kWrite
                       ? db_.Exec("BEGIN IMMEDIATE", "begin write transaction")
                       : db_.Exec("BEGIN DEFERRED", "begin read transaction");
  open_ = s.ok();
  return s;
}

absl::Status Transaction::Commit() {
  absl::Status s = db_.Exec("COMMIT", "commit");
  if (s.ok()) open_ = false;
  return s;
}

}  // namespace konfero::store
