// Query side: time parsing, the filter's SQL (and its escaping), output formats, ClickHouse
// URL parsing and DDL text, and the HTTP client's bounded retries against a fake server.
#include <sipdx/store/clickhouse.h>
#include <sipdx/store/query.h>
#include <sipdx/store/writer.h>

#include "store/detail/clickhouse_rows.h"
#include "store/detail/sql.h"
#include "unit/store/store_test_util.h"

#include <nlohmann/json.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <functional>
#include <thread>

using namespace sipdx;
using namespace sipdx::store;

TEST(Query, ParseTime) {
    const std::int64_t now = 1'780'000'000'000'000'000;
    EXPECT_EQ(*parse_time("2026-05-30", now), 1'780'099'200LL * 1'000'000'000);
    EXPECT_EQ(*parse_time("2026-05-30T12:00:00Z", now), 1'780'142'400LL * 1'000'000'000);
    EXPECT_EQ(*parse_time("2026-05-30 12:00:00.25", now),
              1'780'142'400LL * 1'000'000'000 + 250'000'000);
    EXPECT_EQ(*parse_time("1780142400.5", now), 1'780'142'400'500'000'000);
    EXPECT_EQ(*parse_time("36h", now), now - 36LL * 3600 * 1'000'000'000);
    EXPECT_EQ(*parse_time("7d", now), now - 7LL * 86400 * 1'000'000'000);
    for (const char* bad : {"", "yesterday", "2026-13-01", "2026-05-30T25:00", "5x", "-3h",
                            "2026-05-30T12:00:00Zjunk"})
        EXPECT_FALSE(parse_time(bad, now)) << bad;
    EXPECT_EQ(parse_time("yesterday", now).error().kind, ErrorKind::argument);
}

TEST(Query, FilterSqlEscapesLiterals) {
    QueryFilter f;
    f.from = "o'hara\\x";
    f.codes = {486, 503};
    f.classes = {4};
    f.outcomes = {session::Outcome::failed};
    f.since_ns = 5;
    const auto sqlite = detail::calls_where(f, detail::Dialect::sqlite);
    EXPECT_NE(sqlite.find("'o''hara\\x'"), std::string::npos) << sqlite;
    EXPECT_NE(sqlite.find("c.final_code IN (486, 503)"), std::string::npos);
    EXPECT_NE(sqlite.find("c.final_code / 100 IN (4)"), std::string::npos);
    EXPECT_NE(sqlite.find("c.outcome IN ('failed')"), std::string::npos);
    EXPECT_NE(sqlite.find("c.start_ns >= 5"), std::string::npos);
    const auto ch = detail::calls_where(f, detail::Dialect::clickhouse);
    EXPECT_NE(ch.find("'o\\'hara\\\\x'"), std::string::npos) << ch;
    EXPECT_NE(ch.find("intDiv(c.final_code, 100) IN (4)"), std::string::npos);
    EXPECT_EQ(detail::calls_where({}, detail::Dialect::sqlite), "1");
    EXPECT_TRUE(f.selects_calls());
    QueryFilter only_capture;
    only_capture.captures = {"abcdef0123"};
    EXPECT_FALSE(only_capture.selects_calls());
    EXPECT_NE(detail::captures_where(only_capture, detail::Dialect::sqlite).find("substr"),
              std::string::npos);
}

TEST(Query, SelectCallsFilters) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = test::temp_dir("query-filters");
    const std::string path = (dir / "s.db").string();
    const std::vector<std::string> files = test::sample_capture_paths();
    ASSERT_TRUE(ingest(files, test::db_options(path)));
    auto db = Database::open(path, test::open_options(OpenMode::read_only));
    ASSERT_TRUE(db);
    auto all = select_calls(*db, {});
    ASSERT_TRUE(all);
    ASSERT_GT(all->rows.size(), 5u);
    const auto col = [&](const std::string& name) {
        return static_cast<std::size_t>(std::find(all->columns.begin(), all->columns.end(), name) -
                                        all->columns.begin());
    };
    ASSERT_LT(col("start"), all->columns.size());
    // Each filter keeps exactly the rows that match it.
    for (int cls = 1; cls <= 6; ++cls) {
        QueryFilter f;
        f.classes = {cls};
        auto some = select_calls(*db, f);
        ASSERT_TRUE(some);
        std::size_t expected = 0;
        for (const auto& row : all->rows) {
            const auto& code = row[col("final_code")];
            if (code.type == Cell::Type::integer && code.integer / 100 == cls) ++expected;
        }
        EXPECT_EQ(some->rows.size(), expected) << cls;
    }
    QueryFilter failed;
    failed.outcomes = {session::Outcome::answered};
    auto answered = select_calls(*db, failed);
    ASSERT_TRUE(answered);
    EXPECT_GT(answered->rows.size(), 0u);
    for (const auto& row : answered->rows)
        EXPECT_EQ(row[col("outcome")].text, "answered");
    QueryFilter capture;
    capture.captures = {files[0]};
    auto one = select_calls(*db, capture);
    ASSERT_TRUE(one);
    EXPECT_GT(one->rows.size(), 0u);
    EXPECT_LT(one->rows.size(), all->rows.size());
    for (const auto& row : one->rows)
        EXPECT_EQ(row[0].text, files[0]);
    QueryFilter future;
    future.since_ns = parse_time("2100-01-01", 0).value();
    auto none = select_calls(*db, future);
    ASSERT_TRUE(none);
    EXPECT_TRUE(none->rows.empty());
    auto limited = select_calls(*db, {}, 2);
    ASSERT_TRUE(limited);
    EXPECT_EQ(limited->rows.size(), 2u);
    std::filesystem::remove_all(dir);
}

TEST(ClickHouse, ParsesUrls) {
    auto u = parse_clickhouse_url("http://127.0.0.1:8124/?database=sipdx&user=a%20b");
    ASSERT_TRUE(u);
    EXPECT_EQ(u->host, "127.0.0.1");
    EXPECT_EQ(u->port, 8124);
    EXPECT_EQ(u->database, "sipdx");
    EXPECT_EQ(u->user, "a b");
    auto v6 = parse_clickhouse_url("http://[::1]/");
    ASSERT_TRUE(v6);
    EXPECT_EQ(v6->host, "::1");
    EXPECT_EQ(v6->port, 8123);
    for (const char* bad :
         {"https://x/", "http://:80/", "http://h:99999/", "http://h/?foo=1", "ftp://h"})
        EXPECT_FALSE(parse_clickhouse_url(bad)) << bad;
}

TEST(ClickHouse, TsvEscapesWhatTabSeparatedReadsBack) {
    std::string out;
    using namespace std::string_literals;
    detail::ch::tsv(out, "a\tb\nc\rd\\e\0f\0"s);
    EXPECT_EQ(out, "a\\tb\\nc\\rd\\\\e\\0f\\0");
    out.clear();
    detail::ch::tsv(out, "plain 'text'");
    EXPECT_EQ(out, "plain 'text'");
}

TEST(ClickHouse, SchemaHasDayPartitionsAndDistributedForm) {
    const auto single = *clickhouse_schema({});
    for (const auto& t : clickhouse_tables())
        EXPECT_NE(single.find("CREATE TABLE IF NOT EXISTS sipdx." + t + "\n"), std::string::npos)
            << t;
    EXPECT_NE(single.find("PARTITION BY toDate(start)"), std::string::npos);
    EXPECT_EQ(single.find("Distributed"), std::string::npos);
    const auto cluster = *clickhouse_schema({"db2", "two"});
    EXPECT_NE(cluster.find("db2.calls_local"), std::string::npos);
    EXPECT_NE(cluster.find("Distributed(two, db2, calls_local, cityHash64(capture_sha256))"),
              std::string::npos);
    EXPECT_NE(cluster.find("Distributed(two, db2, captures_local, cityHash64(sha256))"),
              std::string::npos);
}

TEST(ClickHouse, SchemaVersion2ColumnsAndTheirUpgrade) {
    // New tables carry the columns last, in the order an upgraded table has them.
    const std::string columns = clickhouse_columns("messages");
    EXPECT_NE(columns.find("duplicate, file_offset, interface_id, encap, decode_findings, "
                           "sip_findings"),
              std::string::npos)
        << columns;
    EXPECT_EQ(clickhouse_columns("nope"), "");
    ChSchemaOptions upgrade;
    upgrade.database = "db2";
    upgrade.upgrade_from = 1;
    const auto single = *clickhouse_schema(upgrade);
    EXPECT_EQ(single, "ALTER TABLE db2.messages ADD COLUMN file_offset UInt64;\n"
                      "ALTER TABLE db2.messages ADD COLUMN interface_id UInt32;\n"
                      "ALTER TABLE db2.messages ADD COLUMN encap String;\n"
                      "ALTER TABLE db2.messages ADD COLUMN decode_findings String;\n"
                      "ALTER TABLE db2.messages ADD COLUMN sip_findings String;\n");
    upgrade.cluster = "two";
    const auto cluster = *clickhouse_schema(upgrade);
    EXPECT_NE(cluster.find("ALTER TABLE db2.messages_local ADD COLUMN encap String;\n"
                           "ALTER TABLE db2.messages ADD COLUMN encap String;\n"),
              std::string::npos)
        << cluster;
    EXPECT_EQ(cluster.find("CREATE"), std::string::npos);
}

TEST(ClickHouse, SchemaVersion3PolicyColumnAndCodeCounts) {
    EXPECT_NE(clickhouse_columns("captures").find("ingested_at, message_rows"), std::string::npos);
    EXPECT_EQ(clickhouse_columns("code_counts"), "capture_sha256, first_time, code, messages");
    ChSchemaOptions upgrade;
    upgrade.database = "db3";
    upgrade.upgrade_from = 2;
    upgrade.cluster = "two";
    const auto text = *clickhouse_schema(upgrade);
    EXPECT_NE(text.find("ALTER TABLE db3.captures_local ADD COLUMN message_rows String;\n"
                        "ALTER TABLE db3.captures ADD COLUMN message_rows String;\n"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("CREATE TABLE IF NOT EXISTS db3.code_counts_local"), std::string::npos);
    EXPECT_NE(text.find("Distributed(two, db3, code_counts_local, cityHash64(capture_sha256))"),
              std::string::npos);
    // Only version 3 things: no message columns, no other table created.
    EXPECT_EQ(text.find("file_offset"), std::string::npos);
    EXPECT_EQ(text.find("CREATE TABLE IF NOT EXISTS db3.calls"), std::string::npos);
    // From version 1 only the version 2 columns (then --upgrade-from 2).
    upgrade.upgrade_from = 1;
    EXPECT_EQ(clickhouse_schema(upgrade)->find("message_rows"), std::string::npos);
}

TEST(ClickHouse, SchemaVersion6SessionTables) {
    EXPECT_EQ(clickhouse_columns("session_links"),
              "capture_sha256, session, seq, start, a, b, kind, strength, evidence");
    ChSchemaOptions upgrade;
    upgrade.database = "db6";
    upgrade.upgrade_from = 5;
    upgrade.cluster = "two";
    const auto text = *clickhouse_schema(upgrade);
    // The four tables, per shard and Distributed, and nothing else.
    for (const std::string table : {"sessions", "session_legs", "session_links", "session_nodes"}) {
        EXPECT_NE(text.find("CREATE TABLE IF NOT EXISTS db6." + table + "_local\n"),
                  std::string::npos)
            << table;
        EXPECT_NE(
            text.find("Distributed(two, db6, " + table + "_local, cityHash64(capture_sha256))"),
            std::string::npos)
            << table;
    }
    EXPECT_EQ(text.find("ALTER"), std::string::npos) << text;
    EXPECT_EQ(text.find("media_streams"), std::string::npos);
    EXPECT_EQ(text.find("CREATE TABLE IF NOT EXISTS db6.calls"), std::string::npos);
    // The full DDL has them too; version 4 to 5 adds only media_streams.
    EXPECT_NE(clickhouse_schema({})->find("CREATE TABLE IF NOT EXISTS sipdx.session_nodes"),
              std::string::npos);
    upgrade.upgrade_from = 4;
    EXPECT_EQ(clickhouse_schema(upgrade)->find("session"), std::string::npos);
}

namespace {

// A loopback HTTP server that answers each connection with the next scripted reply ("" closes
// the connection without answering).
class FakeServer {
public:
    explicit FakeServer(std::vector<std::string> replies) : m_replies(std::move(replies)) {
        m_fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_in addr{};
        addr.sin_family = AF_INET;
        addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        ::bind(m_fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
        socklen_t len = sizeof addr;
        ::getsockname(m_fd, reinterpret_cast<sockaddr*>(&addr), &len);
        m_port = ntohs(addr.sin_port);
        ::listen(m_fd, 8);
        m_thread = std::thread([this] { serve(); });
    }
    ~FakeServer() {
        ::shutdown(m_fd, SHUT_RDWR);
        ::close(m_fd);
        m_thread.join();
    }
    std::uint16_t port() const { return m_port; }
    int connections() const { return m_connections.load(); }
    std::string last_request() const { return m_last; }

private:
    void serve() {
        for (std::size_t i = 0; i < m_replies.size(); ++i) {
            const int c = ::accept(m_fd, nullptr, nullptr);
            if (c < 0) return;
            ++m_connections;
            std::string request;
            char buf[4096];
            // Read the head and the announced body.
            for (int spins = 0; spins < 1000; ++spins) {
                const ssize_t n = ::recv(c, buf, sizeof buf, 0);
                if (n <= 0) break;
                request.append(buf, static_cast<std::size_t>(n));
                const auto end = request.find("\r\n\r\n");
                if (end == std::string::npos) continue;
                const auto cl = request.find("Content-Length: ");
                const std::size_t body =
                    cl == std::string::npos ? 0 : std::stoul(request.substr(cl + 16));
                if (request.size() >= end + 4 + body) break;
            }
            m_last = request;
            if (!m_replies[i].empty())
                (void)::send(c, m_replies[i].data(), m_replies[i].size(), MSG_NOSIGNAL);
            ::close(c);
        }
    }
    int m_fd = -1;
    std::uint16_t m_port = 0;
    std::vector<std::string> m_replies;
    std::atomic<int> m_connections{0};
    std::string m_last;
    std::thread m_thread;
};

std::string ok(std::string_view body) {
    return fmt::format("HTTP/1.0 200 OK\r\nContent-Length: {}\r\n\r\n{}", body.size(), body);
}

} // namespace

TEST(ClickHouse, RetriesTransientFailuresWithinTheBound) {
    FakeServer server({"", "HTTP/1.0 500 Internal\r\n\r\nCode: 210, e.displayText() = Net",
                       ok("x\tn\nString\tUInt64\nabc\t7\n")});
    auto ch = ClickHouse::connect(fmt::format("http://127.0.0.1:{}/?database=d", server.port()),
                                  ClickHouseOptions{2000, 3, 1});
    ASSERT_TRUE(ch);
    auto r = ch->select("SELECT 1");
    ASSERT_TRUE(r) << r.error().message;
    EXPECT_EQ(server.connections(), 3);
    ASSERT_EQ(r->rows.size(), 1u);
    EXPECT_EQ(r->rows[0][0].text, "abc");
    EXPECT_EQ(r->rows[0][1].integer, 7);
    EXPECT_NE(server.last_request().find("database=d"), std::string::npos);
    EXPECT_NE(server.last_request().find("readonly=1"), std::string::npos);
}

TEST(ClickHouse, GivesUpAfterTheRetriesAndNeverRetriesAQueryError) {
    {
        FakeServer server({"", "", "", "", ""});
        auto ch = ClickHouse::connect(fmt::format("http://127.0.0.1:{}/", server.port()),
                                      ClickHouseOptions{2000, 2, 1});
        auto r = ch->request_with_retry("SELECT 1");
        ASSERT_FALSE(r);
        EXPECT_EQ(server.connections(), 3);
        EXPECT_NE(r.error().message.find("after 3 attempts"), std::string::npos)
            << r.error().message;
        // Let the server's remaining accepts end.
        for (int i = 0; i < 2; ++i)
            (void)ch->request("SELECT 1");
    }
    FakeServer server({"HTTP/1.0 500 Internal\r\n\r\nCode: 62, e.displayText() = Syntax error"});
    auto ch = ClickHouse::connect(fmt::format("http://127.0.0.1:{}/", server.port()),
                                  ClickHouseOptions{2000, 5, 1});
    auto r = ch->request_with_retry("SELEC 1");
    ASSERT_FALSE(r);
    EXPECT_EQ(server.connections(), 1);
    EXPECT_NE(r.error().message.find("Syntax error"), std::string::npos);
}

TEST(ClickHouse, RefusesNonLoopbackHosts) {
    auto ch = ClickHouse::connect("http://192.0.2.1:8123/", ClickHouseOptions{100, 0, 200});
    ASSERT_TRUE(ch);
    auto r = ch->request("SELECT 1");
    ASSERT_FALSE(r);
    EXPECT_NE(r.error().message.find("loopback"), std::string::npos) << r.error().message;
}
