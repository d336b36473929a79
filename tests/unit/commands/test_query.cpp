// `sipdx query` end to end: the summary equals `sipdx analyze` per capture, the filters and
// formats, read-only --sql, exit codes; and `sipdx ch-schema`.
#include "unit/store/store_test_util.h"

#include <nlohmann/json.hpp>

#include <set>

using namespace sipdx::store::test;
namespace fs = std::filesystem;

namespace {

class QueryCli : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        if (!have_corpus()) return;
        s_dir = temp_dir("cli-query");
        s_db = (s_dir / "s.db").string();
        std::string captures;
        for (const auto& name : sample_captures())
            captures += " " + q(corpus(name));
        ASSERT_EQ(cli("ingest -q" + captures + " --db " + q(s_db), s_dir).code, 0);
    }
    static void TearDownTestSuite() {
        if (!s_dir.empty()) fs::remove_all(s_dir);
    }
    void SetUp() override { SIPDX_REQUIRE_CORPUS(); }
    CliRun query(const std::string& args) {
        return cli("query --db " + q(s_db) + " " + args, s_dir);
    }

    static fs::path s_dir;
    static std::string s_db;
};
fs::path QueryCli::s_dir;
std::string QueryCli::s_db;

std::vector<nlohmann::json> ndjson(const std::string& text) {
    std::vector<nlohmann::json> out;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);)
        if (!line.empty()) out.push_back(nlohmann::json::parse(line));
    return out;
}

} // namespace

TEST_F(QueryCli, SummaryEqualsAnalyzePerCapture) {
    for (const auto& name : sample_captures()) {
        const std::string file = corpus(name);
        auto a = cli("analyze --json " + q(file), s_dir);
        ASSERT_EQ(a.code, 0) << name;
        auto responses = nlohmann::json::parse(a.out)["responses"];
        auto s = query("--summary --format ndjson --capture " + q(file));
        ASSERT_EQ(s.code, 0) << s.err;
        const auto rows = ndjson(s.out);
        ASSERT_EQ(rows.size(), responses.size()) << name;
        ASSERT_FALSE(rows.empty()) << name;
        for (std::size_t i = 0; i < rows.size(); ++i) {
            for (const char* key : {"code", "messages", "final_transactions", "final_calls"})
                EXPECT_EQ(rows[i][key], responses[i][key]) << name << " " << key;
            EXPECT_EQ(rows[i]["class"], responses[i]["class"]);
        }
    }
}

TEST_F(QueryCli, SummaryOfAllEqualsSumOfCaptures) {
    std::map<int, long> total;
    for (const auto& name : sample_captures())
        for (const auto& row :
             ndjson(query("--summary --format ndjson --capture " + q(corpus(name))).out))
            total[row["code"].get<int>()] += row["messages"].get<long>();
    std::map<int, long> all;
    for (const auto& row : ndjson(query("--summary --format ndjson").out))
        all[row["code"].get<int>()] += row["messages"].get<long>();
    EXPECT_EQ(all, total);
    auto table = query("--summary");
    EXPECT_EQ(table.out.rfind("Responses by class and code", 0), 0u);
    EXPECT_NE(table.out.find("2xx Success"), std::string::npos);
}

TEST_F(QueryCli, FiltersSelectMatchingCalls) {
    const auto all = ndjson(query("--format ndjson").out);
    ASSERT_GT(all.size(), 10u);
    auto fours = ndjson(query("--class 4xx --format ndjson").out);
    std::size_t expected = 0;
    for (const auto& r : all)
        if (r["final_code"].is_number() && r["final_code"].get<int>() / 100 == 4) ++expected;
    EXPECT_EQ(fours.size(), expected);
    EXPECT_GT(expected, 0u);
    for (const auto& r : ndjson(query("--code 200 --outcome answered --format ndjson").out)) {
        EXPECT_EQ(r["final_code"], 200);
        EXPECT_EQ(r["outcome"], "answered");
    }
    // Time window: calls that started in the window only.
    const std::string start = all[all.size() / 2]["start"];
    auto later = ndjson(query("--since " + start + " --format ndjson").out);
    auto earlier = ndjson(query("--until " + start + " --format ndjson").out);
    EXPECT_EQ(later.size() + earlier.size(), all.size());
    for (const auto& r : later)
        EXPECT_GE(r["start"].get<std::string>(), start.substr(0, 26));
    auto from = ndjson(query("--from @ --format ndjson --limit 3").out);
    EXPECT_LE(from.size(), 3u);
    // The filtered summary counts only the selected calls.
    auto s = ndjson(query("--summary --class 4 --format ndjson").out);
    long finals = 0;
    for (const auto& r : s)
        if (r["class"] == 4) finals += r["final_calls"].get<long>();
    EXPECT_EQ(static_cast<std::size_t>(finals), expected);
}

// One filter type: every filter of `sipdx calls` selects in the store the records `calls`
// selects from the capture.
TEST_F(QueryCli, EveryCallsFilterSelectsWhatCallsSelects) {
    const std::vector<std::string> filters = {"--kind registration",
                                              "--kind call,options",
                                              "--method INVITE",
                                              "--method REGISTER,OPTIONS",
                                              "--outcome answered,failed",
                                              "--class 2",
                                              "--code 200",
                                              "--from @",
                                              "--to sip:",
                                              "--kind call --method INVITE --class 2"};
    std::size_t selected = 0;
    for (const auto& name : sample_captures()) {
        const std::string file = corpus(name);
        for (const auto& filter : filters) {
            std::multiset<std::string> from_calls;
            auto c = cli("calls --format ndjson " + filter + " " + q(file), s_dir);
            ASSERT_EQ(c.code, 0) << c.err;
            for (const auto& r : ndjson(c.out))
                from_calls.insert(r["call_id"].get<std::string>());
            std::multiset<std::string> from_store;
            auto s = query("--format ndjson " + filter + " --capture " + q(file));
            ASSERT_EQ(s.code, 0) << s.err;
            for (const auto& r : ndjson(s.out))
                from_store.insert(r["call_id"].get<std::string>());
            EXPECT_EQ(from_store, from_calls) << name << " " << filter;
            selected += from_store.size();
        }
    }
    EXPECT_GT(selected, 20u);
    for (const auto& r : ndjson(query("--kind registration --format ndjson").out))
        EXPECT_EQ(r["kind"], "registration");
    for (const auto& r : ndjson(query("--method INVITE --format ndjson").out))
        EXPECT_EQ(r["first_method"], "INVITE");
    // SIP methods are case-sensitive, as in `calls`.
    EXPECT_TRUE(ndjson(query("--method invite --format ndjson").out).empty());
}

TEST_F(QueryCli, TimesOutOfRangeAreRefused) {
    // 99999999999 seconds overflowed to a time before 1970 and selected every row.
    for (const char* bad : {"--since 99999999999", "--until 99999999999", "--since 9999-01-01",
                            "--since 99999999999d", "--until 18446744073709551616.5"}) {
        auto r = query(bad);
        EXPECT_EQ(r.code, 2) << bad;
        EXPECT_TRUE(r.out.empty()) << bad;
        EXPECT_NE(r.err.find("range"), std::string::npos) << bad << ": " << r.err;
    }
    EXPECT_EQ(query("--since 2262-04-10").code, 0);
    EXPECT_TRUE(ndjson(query("--since 2262-04-10 --format ndjson").out).empty());
}

TEST_F(QueryCli, SqlRunsWithinItsLimits) {
    auto slow = query("--sql-time-limit 1 --sql \"WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL "
                      "SELECT x + 1 FROM r LIMIT 400000000) SELECT count(*) FROM r\"");
    EXPECT_EQ(slow.code, 2);
    EXPECT_NE(slow.err.find("time limit"), std::string::npos) << slow.err;
    auto big = query("--sql-memory-limit 16 --sql 'SELECT zeroblob(1e9)'");
    EXPECT_EQ(big.code, 2);
    EXPECT_NE(big.err.find("memory limit"), std::string::npos) << big.err;
    auto pointer = query("--sql \"SELECT fts3_tokenizer('simple')\"");
    EXPECT_EQ(pointer.code, 2);
    EXPECT_TRUE(pointer.out.empty());
    EXPECT_EQ(query("--sql-time-limit 0 --sql 'SELECT 1'").code, 2);
}

TEST_F(QueryCli, Formats) {
    auto csv = query("--code 200 --format csv");
    ASSERT_EQ(csv.code, 0);
    EXPECT_EQ(csv.out.rfind("capture,call_id,kind,", 0), 0u);
    EXPECT_NE(csv.out.find("\r\n"), std::string::npos);
    auto tsv = query("--code 200 --format tsv");
    EXPECT_EQ(tsv.out.rfind("capture\tcall_id\tkind\t", 0), 0u);
    auto table = query("--code 200 --format table");
    EXPECT_EQ(table.out.rfind("capture", 0), 0u);
    const auto lines_csv = std::count(csv.out.begin(), csv.out.end(), '\n');
    const auto lines_tsv = std::count(tsv.out.begin(), tsv.out.end(), '\n');
    EXPECT_EQ(lines_csv, lines_tsv);
    auto summary_csv = query("--summary --format csv");
    EXPECT_EQ(summary_csv.out.rfind("class,class_name,code,reason,messages,final_transactions,"
                                    "final_calls\r\n",
                                    0),
              0u);
}

TEST_F(QueryCli, SqlIsReadOnly) {
    auto ok = query("--sql \"SELECT outcome, count(*) AS n FROM calls GROUP BY outcome ORDER BY "
                    "n DESC\" --format ndjson");
    ASSERT_EQ(ok.code, 0) << ok.err;
    EXPECT_FALSE(ndjson(ok.out).empty());
    for (const char* sql : {"DELETE FROM calls", "UPDATE captures SET name = 'x'",
                            "CREATE TABLE t (x)", "SELECT 1; DROP TABLE calls",
                            "ATTACH '/tmp/x.db' AS x", "PRAGMA journal_mode = DELETE"}) {
        auto r = query(std::string("--sql \"") + sql + "\"");
        EXPECT_EQ(r.code, 2) << sql;
        EXPECT_FALSE(r.err.empty()) << sql;
    }
    auto still = query("--sql 'SELECT count(*) FROM calls' --format tsv");
    EXPECT_NE(std::stol(still.out.substr(still.out.find('\n') + 1)), 0);
    EXPECT_FALSE(fs::exists("/tmp/x.db"));
}

TEST_F(QueryCli, UsageErrors) {
    EXPECT_EQ(query("--code 99").code, 2);
    EXPECT_EQ(query("--class 7xx").code, 2);
    EXPECT_EQ(query("--outcome nope").code, 2);
    EXPECT_EQ(query("--since yesterday").code, 2);
    EXPECT_EQ(query("--sql 'SELECT 1' --summary").code, 2);
    EXPECT_EQ(query("--sql 'SELECT 1' --code 200").code, 2);
    EXPECT_EQ(query("--format xml").code, 2);
    EXPECT_EQ(query("--limit -1").code, 2);
    EXPECT_EQ(cli("query --db " + q(s_db) + " --clickhouse http://127.0.0.1:1/", s_dir).code, 2);
    auto missing = cli("query --db " + q((s_dir / "missing.db").string()), s_dir);
    EXPECT_EQ(missing.code, 2);
    EXPECT_NE(missing.err.find("missing.db"), std::string::npos);
    EXPECT_FALSE(fs::exists(s_dir / "missing.db"));
    auto no_scheme = cli("query --clickhouse 127.0.0.1:8123", s_dir);
    EXPECT_EQ(no_scheme.code, 2);
    EXPECT_NE(no_scheme.err.find("only http://"), std::string::npos) << no_scheme.err;
    EXPECT_FALSE(fs::exists(s_dir / "127.0.0.1:8123"));
    auto down = cli("query --clickhouse http://127.0.0.1:1/ --summary --retries 1", s_dir);
    EXPECT_EQ(down.code, 2);
    EXPECT_NE(down.err.find("127.0.0.1:1"), std::string::npos);
}

TEST(ChSchemaCli, PrintsDdl) {
    const auto dir = temp_dir("cli-chschema");
    auto single = cli("ch-schema", dir);
    ASSERT_EQ(single.code, 0);
    EXPECT_NE(single.out.find("ENGINE = MergeTree"), std::string::npos);
    EXPECT_NE(single.out.find("PARTITION BY toDate(time)"), std::string::npos);
    auto cluster = cli("ch-schema --cluster fleet --database probes", dir);
    ASSERT_EQ(cluster.code, 0);
    EXPECT_NE(cluster.out.find("CREATE DATABASE IF NOT EXISTS probes"), std::string::npos);
    EXPECT_NE(cluster.out.find("Distributed(fleet, probes, messages_local"), std::string::npos);
    // Names are written into the DDL as they are: only plain identifiers are accepted.
    for (const char* bad : {"--database 'x; DROP TABLE y'", "--cluster 'a b'", "--database 1db",
                            "--database ''", "--database 'db`x'", "--cluster 'c)--'"}) {
        auto r = cli(std::string("ch-schema ") + bad, dir);
        EXPECT_EQ(r.code, 2) << bad;
        EXPECT_TRUE(r.out.empty()) << bad << ": " << r.out;
        EXPECT_NE(r.err.find("letters, digits and _"), std::string::npos) << bad << ": " << r.err;
    }
    EXPECT_EQ(cli("ch-schema --database sipdx_2 --cluster _fleet9", dir).code, 0);
    fs::remove_all(dir);
}
