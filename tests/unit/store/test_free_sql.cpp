// `query --sql` on SQLite under attack: each statement here ran unbounded or handed out what a
// query must not have before run_sql() had its authorizer entries and limits.
#include <sipdx/store/query.h>

#include "unit/store/store_test_util.h"

#include <sqlite3.h>

#include <chrono>

using namespace sipdx;
using namespace sipdx::store;

namespace {

class FreeSql : public ::testing::Test {
protected:
    void SetUp() override {
        m_dir = test::temp_dir("free-sql");
        const std::string path = (m_dir / "s.db").string();
        ASSERT_TRUE(Database::open(path));
        auto db = Database::open(path, test::open_options(OpenMode::read_only));
        ASSERT_TRUE(db) << db.error().message;
        m_db.emplace(std::move(*db));
    }
    void TearDown() override {
        m_db.reset();
        std::filesystem::remove_all(m_dir);
    }
    Database& db() { return *m_db; }

    std::filesystem::path m_dir;
    std::optional<Database> m_db;
};

// Counts to a bound far beyond what a second allows (minutes unbounded), so that without the
// time limit the test fails in bounded time instead of hanging.
constexpr const char* k_long_count =
    "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r LIMIT 400000000) "
    "SELECT count(*) FROM r";

} // namespace

TEST_F(FreeSql, Fts3TokenizerIsRefused) {
    // It returned the address of the tokenizer module as a blob (and with two arguments
    // installs a module from an address).
    for (const char* sql :
         {"SELECT fts3_tokenizer('simple')", "SELECT hex(FTS3_TOKENIZER('porter'))"}) {
        auto r = run_sql(db(), sql);
        ASSERT_FALSE(r) << sql;
        EXPECT_EQ(r.error().kind, ErrorKind::rejected) << r.error().message;
    }
}

TEST_F(FreeSql, LoadExtensionIsRefusedWhenCompiled) {
    auto r = run_sql(db(), "SELECT load_extension('/tmp/nothing.so')");
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::rejected) << r.error().message;
    EXPECT_NE(r.error().message.find("not authorized"), std::string::npos) << r.error().message;
}

TEST_F(FreeSql, RecursiveQueryStopsAtTheTimeLimit) {
    const auto start = std::chrono::steady_clock::now();
    auto r = run_sql(db(), k_long_count, SqlLimits{300, std::int64_t{64} << 20});
    const auto took = std::chrono::steady_clock::now() - start;
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::rejected);
    EXPECT_NE(r.error().message.find("time limit (300 ms)"), std::string::npos)
        << r.error().message;
    EXPECT_LT(took, std::chrono::seconds(5));
    // The connection is usable afterwards, without the limit.
    auto again = run_sql(db(), "SELECT 1 AS one");
    ASSERT_TRUE(again) << again.error().message;
    EXPECT_EQ(again->rows.at(0).at(0).integer, 1);
}

TEST_F(FreeSql, HugeValuesStopAtTheMemoryLimit) {
    // zeroblob(1e9) was a 1 GB value (and 2 GB once copied out as text).
    const SqlLimits limits{60'000, std::int64_t{64} << 20};
    for (const char* sql : {"SELECT zeroblob(100000000)", "SELECT zeroblob(1e9)",
                            "SELECT length(hex(zeroblob(20000000)))"}) {
        auto r = run_sql(db(), sql, limits);
        ASSERT_FALSE(r) << sql;
        EXPECT_EQ(r.error().kind, ErrorKind::rejected) << sql;
        EXPECT_NE(r.error().message.find("memory limit"), std::string::npos) << r.error().message;
    }
    // A value below a quarter of the limit is fine.
    auto small = run_sql(db(), "SELECT length(zeroblob(1000000)) AS n", limits);
    ASSERT_TRUE(small) << small.error().message;
    EXPECT_EQ(small->rows.at(0).at(0).integer, 1'000'000);
}

TEST_F(FreeSql, LargeAnswersStopAtTheMemoryLimit) {
    // 200,000 rows of 1,000 bytes: 200 MB held before anything is printed.
    auto r = run_sql(db(),
                     "WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r LIMIT 200000) "
                     "SELECT hex(randomblob(500)) FROM r",
                     SqlLimits{60'000, std::int64_t{32} << 20});
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().kind, ErrorKind::rejected);
    EXPECT_NE(r.error().message.find("the answer is larger"), std::string::npos)
        << r.error().message;
}

TEST_F(FreeSql, PragmasThatChangeLimitsOrSettingsAreRefused) {
    for (const char* sql : {"PRAGMA hard_heap_limit = 0", "PRAGMA soft_heap_limit = 0",
                            "PRAGMA mmap_size = 1000000000", "PRAGMA cache_size = -1000000",
                            "PRAGMA temp_store = memory", "PRAGMA user_version = 7"}) {
        auto r = run_sql(db(), sql);
        ASSERT_FALSE(r) << sql;
        EXPECT_EQ(r.error().kind, ErrorKind::rejected) << sql;
    }
    // Descriptions stay available.
    for (const char* sql : {"PRAGMA user_version", "PRAGMA table_info(calls)"}) {
        auto r = run_sql(db(), sql);
        EXPECT_TRUE(r) << sql << ": " << r.error().message;
    }
}

TEST_F(FreeSql, LimitsAreTheStatementsOnly) {
    const auto heap_before = sqlite3_hard_heap_limit64(-1);
    const int length_before = sqlite3_limit(db().handle(), SQLITE_LIMIT_LENGTH, -1);
    auto r = run_sql(db(), "SELECT 1", SqlLimits{1000, std::int64_t{64} << 20});
    ASSERT_TRUE(r);
    EXPECT_EQ(sqlite3_hard_heap_limit64(-1), heap_before);
    EXPECT_EQ(sqlite3_limit(db().handle(), SQLITE_LIMIT_LENGTH, -1), length_before);
}
