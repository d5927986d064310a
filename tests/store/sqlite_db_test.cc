// sqlite_db_test.cc: a full disk, as store/sqlite_db reports it: Unavailable
// with "storage is full" (a locked database is Unavailable too, see
// sqlite_store_durability_test.cc), and the transaction rolled back. A full
// disk is SQLITE_FULL, which SQLite also reports when a database reaches
// its max_page_count: that pragma stands in for the disk here
// (tests/python/test_server_faults.py fills a real tmpfs).
#include "store/sqlite_db.h"

#include <cstdint>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace konfero::store {
namespace {

using ::testing::HasSubstr;

int64_t Rows(Db& db) {
  absl::StatusOr<Statement> count = db.Prepare("SELECT count(*) FROM t", "count");
  EXPECT_TRUE(count.ok()) << count.status();
  EXPECT_TRUE(*count->Step());
  return count->Int(0);
}

TEST(SqliteDbTest, AFullDiskIsUnavailableSaysSoAndWritesNothing) {
  absl::StatusOr<Db> db = Db::Open(":memory:", absl::Milliseconds(10));
  ASSERT_TRUE(db.ok()) << db.status();
  ASSERT_TRUE(db->Exec("CREATE TABLE t (v TEXT NOT NULL)", "create table").ok());
  ASSERT_TRUE(db->Exec("INSERT INTO t VALUES ('kept')", "insert row").ok());
  // No page may be added: the database is as full as a full disk.
  absl::StatusOr<Statement> pages = db->Prepare("PRAGMA page_count", "page count");
  ASSERT_TRUE(pages.ok() && *pages->Step());
  const std::string limit =
      "PRAGMA max_page_count = " + std::to_string(pages->Int(0));
  ASSERT_TRUE(db->Exec(limit.c_str(), "limit pages").ok());

  {
    Transaction txn(*db);
    ASSERT_TRUE(txn.Begin(Transaction::kWrite).ok());
    absl::StatusOr<Statement> insert =
        db->Prepare("INSERT INTO t VALUES (?1)", "insert chat");
    ASSERT_TRUE(insert.ok());
    insert->Bind(1, std::string(64 * 1024, 'x'));
    const absl::Status s = insert->Run();
    EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable) << s;
    EXPECT_THAT(s.message(), HasSubstr("storage is full (insert chat)"));
  }  // rolled back
  EXPECT_TRUE(db->autocommit());
  EXPECT_EQ(Rows(*db), 1);

  // Space again: the same write succeeds.
  ASSERT_TRUE(db->Exec("PRAGMA max_page_count = 1000000", "unlimit pages").ok());
  absl::StatusOr<Statement> insert = db->Prepare("INSERT INTO t VALUES (?1)", "insert chat");
  ASSERT_TRUE(insert.ok());
  insert->Bind(1, std::string(64 * 1024, 'x'));
  EXPECT_TRUE(insert->Run().ok());
  EXPECT_EQ(Rows(*db), 2);
}

}  // namespace
}  // namespace konfero::store
