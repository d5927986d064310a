// sqlite_db.h: the small RAII layer over the SQLite C API that the store uses.
//
// Db owns a connection, Statement a prepared statement, Transaction a
// BEGIN ... COMMIT that rolls back unless committed. Every SQLite error
// becomes an absl::Status with a canonical code (see SqliteError), so the
// store never handles raw result codes.
//
//   absl::StatusOr<Db> db = Db::Open("konfero.db", absl::Seconds(2));
//   Transaction txn(*db);
//   if (absl::Status s = txn.Begin(Transaction::kWrite); !s.ok()) return s;
//   absl::StatusOr<Statement> st = db->Prepare("DELETE FROM rooms WHERE id = ?1");
//   ...
//   return txn.Commit();
//
// Values are only ever passed as bound parameters: SQL text is constant.
// Error messages come from sqlite3_errmsg, which names tables and columns but
// never bound values, so secrets (hashes, PINs, tokens) cannot leak into them.
//
// Thread contract: a Db and everything made from it are used by one thread at
// a time (the connection is opened with SQLITE_OPEN_NOMUTEX).
#ifndef KONFERO_STORE_SQLITE_DB_H_
#define KONFERO_STORE_SQLITE_DB_H_

#include <sqlite3.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace konfero::store {

// Maps a failed SQLite result code to a Status:
//   SQLITE_BUSY, SQLITE_LOCKED           -> Unavailable ("database is locked")
//   SQLITE_FULL (disk or max_page_count) -> Unavailable ("storage is full")
//   UNIQUE / PRIMARY KEY constraint      -> AlreadyExists
//   FOREIGN KEY constraint               -> NotFound
//   anything else                        -> Internal
// `what` names the operation ("insert user"); the message appends errmsg.
absl::Status SqliteError(sqlite3* db, int rc, std::string_view what);

class Statement {
 public:
  Statement(Statement&&) noexcept = default;
  Statement& operator=(Statement&&) noexcept = default;

  // Parameters are numbered from 1. A failed bind is reported by the next
  // Step()/Run(), so call sites need not check each one.
  void Bind(int index, int64_t value);
  void Bind(int index, std::string_view value);
  void Bind(int index, std::optional<int64_t> value);  // nullopt binds NULL

  // true: a row is available; false: the statement is done.
  absl::StatusOr<bool> Step();
  // Steps a statement that returns no rows (INSERT, UPDATE, DELETE).
  absl::Status Run();

  // Columns of the current row, numbered from 0.
  int64_t Int(int column) const;
  std::optional<int64_t> OptionalInt(int column) const;  // NULL -> nullopt
  std::string Text(int column) const;

 private:
  friend class Db;
  struct Finalizer {
    void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
  };
  Statement(sqlite3_stmt* stmt, std::string_view what);
  void NoteBind(int rc);

  std::unique_ptr<sqlite3_stmt, Finalizer> stmt_;
  std::string what_;  // for error messages: the statement's purpose
  absl::Status bind_status_;
};

class Db {
 public:
  // Opens (creating if needed) `path`, a file name or ":memory:", with
  // extended result codes, foreign keys enforced and the busy timeout set.
  // Schema work (journal mode, migrations) is the caller's.
  static absl::StatusOr<Db> Open(std::string_view path,
                                 absl::Duration busy_timeout);

  Db(Db&&) noexcept = default;
  Db& operator=(Db&&) noexcept = default;

  // True for ":memory:" and temporary databases, which have no file (and
  // so no WAL).
  bool in_memory() const;

  // Runs constant SQL without parameters, possibly several statements
  // (migrations, pragmas, BEGIN/COMMIT).
  absl::Status Exec(const char* sql, std::string_view what);
  // `what` names the statement's purpose in error messages.
  absl::StatusOr<Statement> Prepare(std::string_view sql,
                                    std::string_view what);

  int64_t last_insert_rowid() const;
  // Rows changed by the last INSERT/UPDATE/DELETE, cascades not counted.
  int64_t changes() const;
  // False while a transaction is open.
  bool autocommit() const;

 private:
  struct Closer {
    void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  };
  explicit Db(sqlite3* db) : db_(db) {}

  std::unique_ptr<sqlite3, Closer> db_;
};

// A transaction that rolls back on destruction unless Commit() succeeded,
// so every early `return status;` leaves the database unchanged.
class Transaction {
 public:
  enum Kind {
    // BEGIN DEFERRED: a consistent snapshot for several SELECTs.
    kRead,
    // BEGIN IMMEDIATE: takes the write lock up front, so a busy database
    // fails at Begin() (after the busy timeout) rather than halfway through,
    // and two writers cannot deadlock upgrading their locks.
    kWrite,
  };

  explicit Transaction(Db& db) : db_(db) {}
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  ~Transaction();

  absl::Status Begin(Kind kind);
  // On failure (e.g. SQLITE_BUSY) the transaction is still open and the
  // destructor rolls it back.
  absl::Status Commit();

 private:
  Db& db_;
  bool open_ = false;
};

}  // namespace konfero::store

#endif  // KONFERO_STORE_SQLITE_DB_H_
