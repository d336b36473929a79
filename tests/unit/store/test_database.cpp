// Opening the SQLite store: creation and migration, WAL, refusal of newer schemas and of
// foreign files, read-only connections, locks and size quotas.
#include <sipdx/store/database.h>
#include <sipdx/store/query.h>

#include "unit/store/store_test_util.h"

#include <sqlite3.h>

#include <fstream>

using namespace sipdx::store;

namespace {

std::string scalar(const std::string& path, const std::string& sql) {
    sqlite3* db = nullptr;
    sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* s = nullptr;
    std::string out = "<error>";
    if (sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr) == SQLITE_OK &&
        sqlite3_step(s) == SQLITE_ROW) {
        const auto* t = sqlite3_column_text(s, 0);
        out = t ? reinterpret_cast<const char*>(t) : "";
    }
    sqlite3_finalize(s);
    sqlite3_close(db);
    return out;
}

using test::slurp;

} // namespace

TEST(Database, CreatesSchemaWithVersionAndWal) {
    const auto dir = test::temp_dir("db-create");
    const std::string path = (dir / "s.db").string();
    {
        auto db = Database::open(path);
        ASSERT_TRUE(db) << db.error().message;
    }
    EXPECT_EQ(scalar(path, "PRAGMA user_version"), std::to_string(schema_version));
    EXPECT_EQ(scalar(path, "PRAGMA journal_mode"), "wal");
    EXPECT_EQ(scalar(path, "PRAGMA page_size"), "16384"); // new files: bulk-insert friendly
    for (const char* table :
         {"captures", "calls", "call_finals", "findings", "messages", "code_counts"}) {
        EXPECT_EQ(scalar(path, std::string("SELECT count(*) FROM sqlite_master WHERE name = '") +
                                   table + "'"),
                  "1")
            << table;
    }
    // Opening again is a no-op.
    auto again = Database::open(path);
    ASSERT_TRUE(again);
    std::filesystem::remove_all(dir);
}

TEST(Database, NewerSchemaIsRefusedAndLeftUntouched) {
    const auto dir = test::temp_dir("db-newer");
    const std::string path = (dir / "s.db").string();
    {
        sqlite3* raw = nullptr;
        sqlite3_open(path.c_str(), &raw);
        sqlite3_exec(raw, "CREATE TABLE future (x); PRAGMA user_version = 99", nullptr, nullptr,
                     nullptr);
        sqlite3_close(raw);
    }
    const std::string before = slurp(path);
    for (auto mode : {OpenMode::read_write, OpenMode::read_only}) {
        auto db = Database::open(path, test::open_options(mode));
        ASSERT_FALSE(db);
        EXPECT_EQ(db.error().kind, ErrorKind::newer_schema);
        EXPECT_NE(db.error().message.find("99"), std::string::npos) << db.error().message;
    }
    EXPECT_EQ(slurp(path), before);
    EXPECT_FALSE(std::filesystem::exists(path + "-wal"));
    std::filesystem::remove_all(dir);
}

TEST(Database, ForeignFilesAreRefused) {
    const auto dir = test::temp_dir("db-foreign");
    const std::string text = (dir / "text.db").string();
    std::ofstream(text) << "this is not a database, just some text that is long enough to look "
                           "like a header of something else entirely";
    auto db = Database::open(text);
    ASSERT_FALSE(db);
    EXPECT_EQ(db.error().kind, ErrorKind::unusable);
    EXPECT_NE(db.error().message.find("text.db"), std::string::npos);

    // A SQLite file of another application (tables, no version) is not migrated.
    const std::string other = (dir / "other.db").string();
    {
        sqlite3* raw = nullptr;
        sqlite3_open(other.c_str(), &raw);
        sqlite3_exec(raw, "CREATE TABLE mine (x)", nullptr, nullptr, nullptr);
        sqlite3_close(raw);
    }
    auto o = Database::open(other);
    ASSERT_FALSE(o);
    EXPECT_EQ(o.error().kind, ErrorKind::unusable);
    EXPECT_EQ(scalar(other, "SELECT count(*) FROM sqlite_master"), "1");

    auto missing =
        Database::open((dir / "missing.db").string(), test::open_options(OpenMode::read_only));
    ASSERT_FALSE(missing);
    EXPECT_FALSE(std::filesystem::exists(dir / "missing.db"));
    std::filesystem::remove_all(dir);
}

TEST(Database, ReadOnlyConnectionRefusesWrites) {
    const auto dir = test::temp_dir("db-ro");
    const std::string path = (dir / "s.db").string();
    ASSERT_TRUE(Database::open(path));
    auto db = Database::open(path, test::open_options(OpenMode::read_only));
    ASSERT_TRUE(db) << db.error().message;
    EXPECT_FALSE(db->exec("CREATE TABLE x (y)"));
    for (const char* sql :
         {"DELETE FROM calls", "INSERT INTO captures (sha256) VALUES ('x')", "DROP TABLE calls",
          "PRAGMA user_version = 5", "SELECT 1; DELETE FROM calls", "ATTACH 'x.db' AS x"}) {
        auto r = run_sql(*db, sql);
        ASSERT_FALSE(r) << sql;
        EXPECT_EQ(r.error().kind, ErrorKind::rejected) << sql << ": " << r.error().message;
    }
    auto ok = run_sql(*db, "SELECT count(*) AS n FROM calls;");
    ASSERT_TRUE(ok) << ok.error().message;
    EXPECT_EQ(ok->columns, std::vector<std::string>{"n"});
    EXPECT_EQ(scalar(path, "PRAGMA user_version"), std::to_string(schema_version));
    std::filesystem::remove_all(dir);
}

TEST(Database, LockedDatabaseFailsAfterTheBusyTimeout) {
    const auto dir = test::temp_dir("db-locked");
    const std::string path = (dir / "s.db").string();
    ASSERT_TRUE(Database::open(path));
    sqlite3* holder = nullptr;
    sqlite3_open(path.c_str(), &holder);
    ASSERT_EQ(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
    auto db = Database::open(path, test::open_options(OpenMode::read_write, 50));
    ASSERT_TRUE(db); // opening needs no write lock on an up-to-date schema
    auto r = db->exec("BEGIN IMMEDIATE");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::locked) << r.error().message;
    sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(holder);
    EXPECT_TRUE(db->exec("BEGIN IMMEDIATE; COMMIT"));
    std::filesystem::remove_all(dir);
}
