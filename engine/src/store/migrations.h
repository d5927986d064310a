// migrations.h: the store's schema, as an ordered list of migrations.
//
// PRAGMA user_version holds how many migrations a database has applied.
// ApplyMigrations() brings a database up to the latest version, one
// transaction per migration, and refuses a database from a newer build.
//
// Rules for whoever changes the schema: never edit a migration that has
// shipped (databases in the field already ran it); append a new one.
//
// Thread contract: as Db, one thread at a time.
#ifndef KONFERO_STORE_MIGRATIONS_H_
#define KONFERO_STORE_MIGRATIONS_H_

#include <span>
#include <string_view>

#include "absl/status/statusor.h"
#include "store/sqlite_db.h"

namespace konfero::store {

// The migration SQL, oldest first; migration i (0-based) takes a database
// from version i to version i + 1.
std::span<const std::string_view> Migrations();

// The version of a fully migrated database: Migrations().size().
int LatestSchemaVersion();

// Applies the missing migrations and returns the resulting version.
// FailedPrecondition if the database's version is newer than this build
// knows; Unavailable if another connection holds the write lock for longer
// than the busy timeout. A failed migration leaves the database at the
// version before it.
absl::StatusOr<int> ApplyMigrations(Db& db);

}  // namespace konfero::store

#endif  // KONFERO_STORE_MIGRATIONS_H_
