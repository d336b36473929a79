// Schema migrations: a database written by schema version 1 (built here with the version 1
// DDL, as a sipdx of that version left it) is upgraded in place to the current version, keeps
// every row, and then takes new captures whose message rows carry the version 2 columns; a
// version 2 file gets the version 3 policy column and call links, and the version 4 index of
// captures by size.
#include <sipdx/store/database.h>
#include <sipdx/store/query.h>
#include <sipdx/store/writer.h>

#include "unit/store/store_test_util.h"

#include <sqlite3.h>

using namespace sipdx::store;

namespace {

// The schema of version 1, as released (src/store/database.cpp, migration 0).
constexpr const char* k_v1_ddl = R"sql(
CREATE TABLE captures (
    id            INTEGER PRIMARY KEY,
    sha256        TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL,
    size          INTEGER NOT NULL,
    state         TEXT NOT NULL CHECK (state IN ('ingesting', 'complete')),
    first_ns      INTEGER,
    last_ns       INTEGER,
    frames        INTEGER,
    sip_messages  INTEGER,
    calls         INTEGER,
    clean         INTEGER,
    ingested_at   TEXT NOT NULL,
    schema        INTEGER NOT NULL
);
CREATE TABLE calls (
    id                INTEGER PRIMARY KEY,
    capture_id        INTEGER NOT NULL REFERENCES captures(id),
    call_id           TEXT NOT NULL,
    kind              TEXT NOT NULL,
    first_method      TEXT NOT NULL,
    from_uri          TEXT NOT NULL,
    to_uri            TEXT NOT NULL,
    start_ns          INTEGER NOT NULL,
    end_ns            INTEGER NOT NULL,
    outcome           TEXT NOT NULL,
    final_code        INTEGER,
    final_reason      TEXT NOT NULL,
    class             INTEGER,
    category          TEXT NOT NULL,
    reason_header     TEXT NOT NULL,
    warning           TEXT NOT NULL,
    failed_by         TEXT,
    failed_by_product TEXT NOT NULL,
    icid              TEXT NOT NULL,
    bye_by            TEXT NOT NULL,
    pdd_ms            REAL,
    setup_ms          REAL,
    duration_s        REAL,
    messages          INTEGER NOT NULL,
    retransmissions   INTEGER NOT NULL,
    duplicates        INTEGER NOT NULL,
    transactions      INTEGER NOT NULL,
    attempts          INTEGER NOT NULL,
    challenges        INTEGER NOT NULL,
    dialogs           INTEGER NOT NULL,
    reinvites         INTEGER NOT NULL,
    pracks            INTEGER NOT NULL,
    hops              INTEGER NOT NULL,
    cancel_seen       INTEGER NOT NULL,
    has_sdp           INTEGER NOT NULL,
    registrations     INTEGER NOT NULL,
    registrations_ok  INTEGER NOT NULL,
    deregistrations   INTEGER NOT NULL,
    explanation       TEXT NOT NULL
);
CREATE INDEX calls_by_start ON calls (start_ns);
CREATE INDEX calls_by_code ON calls (final_code, start_ns);
CREATE INDEX calls_by_capture ON calls (capture_id, call_id);
CREATE TABLE call_finals (
    call       INTEGER NOT NULL REFERENCES calls(id),
    capture_id INTEGER NOT NULL REFERENCES captures(id),
    code       INTEGER NOT NULL,
    count      INTEGER NOT NULL,
    PRIMARY KEY (call, code)
) WITHOUT ROWID;
CREATE INDEX call_finals_by_capture ON call_finals (capture_id);
CREATE TABLE findings (
    call       INTEGER NOT NULL REFERENCES calls(id),
    capture_id INTEGER NOT NULL REFERENCES captures(id),
    code       TEXT NOT NULL,
    severity   TEXT NOT NULL,
    frame      INTEGER NOT NULL,
    count      INTEGER NOT NULL
);
CREATE INDEX findings_by_call ON findings (call);
CREATE INDEX findings_by_capture ON findings (capture_id, code);
CREATE TABLE messages (
    capture_id     INTEGER NOT NULL REFERENCES captures(id),
    seq            INTEGER NOT NULL,
    frame          INTEGER NOT NULL,
    time_ns        INTEGER NOT NULL,
    src            TEXT NOT NULL,
    sport          INTEGER NOT NULL,
    dst            TEXT NOT NULL,
    dport          INTEGER NOT NULL,
    transport      TEXT NOT NULL,
    kind           TEXT NOT NULL CHECK (kind IN ('request', 'response')),
    method         TEXT,
    status         INTEGER,
    reason         TEXT,
    call_id        TEXT,
    cseq_seq       INTEGER,
    cseq_method    TEXT,
    from_tag       TEXT,
    to_tag         TEXT,
    branch         TEXT,
    length         INTEGER NOT NULL,
    retransmission INTEGER NOT NULL,
    duplicate      INTEGER NOT NULL
);
CREATE INDEX messages_by_call ON messages (capture_id, call_id);
CREATE TABLE code_counts (
    capture_id         INTEGER NOT NULL REFERENCES captures(id),
    code               INTEGER NOT NULL,
    messages           INTEGER NOT NULL,
    final_transactions INTEGER NOT NULL,
    final_calls        INTEGER NOT NULL,
    PRIMARY KEY (capture_id, code)
) WITHOUT ROWID;
)sql";

void exec(sqlite3* db, const std::string& sql) {
    char* error = nullptr;
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error), SQLITE_OK)
        << (error ? error : "") << "\n"
        << sql;
}

// A version 1 file with one complete capture, one call and two messages.
void make_v1(const std::string& path) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    exec(db, "PRAGMA journal_mode = WAL");
    exec(db, k_v1_ddl);
    exec(db, "INSERT INTO captures VALUES (1, '" + std::string(64, 'a') +
                 "', 'old.pcap', 1000, 'complete', 5000000000, 6000000000, 10, 2, 1, 1, "
                 "'2026-01-01T00:00:00Z', 1)");
    exec(db, "INSERT INTO calls (id, capture_id, call_id, kind, first_method, from_uri, to_uri, "
             "start_ns, end_ns, outcome, final_code, final_reason, class, category, "
             "reason_header, warning, failed_by, failed_by_product, icid, bye_by, messages, "
             "retransmissions, duplicates, transactions, attempts, challenges, dialogs, "
             "reinvites, pracks, hops, cancel_seen, has_sdp, registrations, registrations_ok, "
             "deregistrations, explanation) VALUES (1, 1, 'old-call', 'call', 'INVITE', "
             "'sip:a@x', 'sip:b@x', 5000000000, 6000000000, 'failed', 503, 'Service "
             "Unavailable', 5, 'server', '', '', '10.0.0.2:5060', '', '', '', 2, 0, 0, 1, 1, 0, "
             "0, 0, 0, 1, 0, 1, 0, 0, 0, 'The call failed.')");
    exec(db, "INSERT INTO messages VALUES (1, 0, 3, 5000000000, '10.0.0.1', 5060, '10.0.0.2', "
             "5060, 'udp', 'request', 'INVITE', NULL, NULL, 'old-call', 1, 'INVITE', 'f1', NULL, "
             "'z9hG4bK1', 400, 0, 0)");
    exec(db, "INSERT INTO messages VALUES (1, 1, 4, 6000000000, '10.0.0.2', 5060, '10.0.0.1', "
             "5060, 'udp', 'response', NULL, 503, 'Service Unavailable', 'old-call', 1, "
             "'INVITE', 'f1', 't1', 'z9hG4bK1', 300, 0, 0)");
    exec(db, "INSERT INTO call_finals VALUES (1, 1, 503, 1)");
    exec(db, "INSERT INTO code_counts VALUES (1, 503, 1, 1, 1)");
    exec(db, "PRAGMA user_version = 1");
    sqlite3_close(db);
}

std::string text(const ResultSet& r, std::size_t row, std::size_t col) {
    const Cell& c = r.rows.at(row).at(col);
    if (c.type == Cell::Type::null) return "NULL";
    if (c.type == Cell::Type::integer) return std::to_string(c.integer);
    return c.text;
}

} // namespace

TEST(Migration, Version1FileIsUpgradedAndKeepsItsRows) {
    const auto dir = test::temp_dir("migrate-v1");
    const std::string path = (dir / "v1.db").string();
    make_v1(path);
    {
        auto db = Database::open(path);
        ASSERT_TRUE(db) << db.error().message;
    }
    auto db = Database::open(path, test::open_options(OpenMode::read_only));
    ASSERT_TRUE(db) << db.error().message;
    auto version = run_sql(*db, "PRAGMA user_version");
    ASSERT_TRUE(version);
    EXPECT_EQ(version->rows[0][0].integer, schema_version);
    // The old rows are all there, unchanged; the columns they did not record are NULL.
    auto rows = run_sql(*db, "SELECT seq, frame, status, call_id, length, file_offset, "
                             "interface_id, encap, decode_findings, sip_findings FROM messages "
                             "ORDER BY seq");
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->rows.size(), 2u);
    EXPECT_EQ(text(*rows, 0, 1), "3");
    EXPECT_EQ(text(*rows, 1, 2), "503");
    EXPECT_EQ(text(*rows, 1, 3), "old-call");
    EXPECT_EQ(text(*rows, 1, 4), "300");
    for (std::size_t col = 5; col < 10; ++col)
        EXPECT_EQ(text(*rows, 0, col), "NULL") << col;
    // Queries over the old capture still answer as before.
    auto s = summary(*db, {});
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_EQ(s->size(), 1u);
    EXPECT_EQ((*s)[0].code, 503);
    EXPECT_EQ((*s)[0].final_calls, 1u);
    auto calls = select_calls(*db, {});
    ASSERT_TRUE(calls);
    EXPECT_EQ(calls->rows.size(), 1u);
    std::filesystem::remove_all(dir);
}

TEST(Migration, UpgradedFileTakesNewCapturesWithTheNewColumns) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = test::temp_dir("migrate-ingest");
    const std::string path = (dir / "v1.db").string();
    make_v1(path);
    const std::string file = test::corpus("sip-tcp-port6060-segmented-ims-calls.pcap");
    auto result = ingest({file}, test::db_options(path));
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->exit_code, 0);
    auto db = Database::open(path, test::open_options(OpenMode::read_only));
    ASSERT_TRUE(db);
    auto rows = run_sql(*db, "SELECT c.name, count(*), count(m.encap), count(m.file_offset), "
                             "sum(m.decode_findings != ''), count(m.sip_findings) FROM messages m "
                             "JOIN captures c ON c.id = m.capture_id GROUP BY c.id ORDER BY c.id");
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->rows.size(), 2u);
    EXPECT_EQ(text(*rows, 0, 0), "old.pcap");
    EXPECT_EQ(text(*rows, 0, 1), "2");
    EXPECT_EQ(text(*rows, 0, 2), "0");
    EXPECT_EQ(text(*rows, 1, 0), file);
    const std::string n = text(*rows, 1, 1);
    EXPECT_EQ(n, "406");
    EXPECT_EQ(text(*rows, 1, 2), n);   // every new row has its encapsulation
    EXPECT_EQ(text(*rows, 1, 3), n);   // and its file offset
    EXPECT_NE(text(*rows, 1, 4), "0"); // segmented TCP: tcp_reassembled is recorded
    EXPECT_EQ(text(*rows, 1, 5), n);   // '' when the parser found nothing, never NULL
    auto s = summary(*db, {});
    ASSERT_TRUE(s);
    EXPECT_GT(s->size(), 1u);
    std::filesystem::remove_all(dir);
}

// A version 2 file: version 1 plus migration 1 (the five message columns), as that sipdx left
// it. Version 3 records the message-row policy and links each message to its Call-ID record.
TEST(Migration, Version2FileGetsMessageRowPolicyAndCallLinks) {
    const auto dir = test::temp_dir("migrate-v2");
    const std::string path = (dir / "v2.db").string();
    make_v1(path);
    {
        sqlite3* raw = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
        exec(raw, "ALTER TABLE messages ADD COLUMN file_offset INTEGER; ALTER TABLE messages ADD "
                  "COLUMN interface_id INTEGER; ALTER TABLE messages ADD COLUMN encap TEXT; "
                  "ALTER TABLE messages ADD COLUMN decode_findings TEXT; ALTER TABLE messages "
                  "ADD COLUMN sip_findings TEXT; PRAGMA user_version = 2");
        sqlite3_close(raw);
    }
    {
        auto db = Database::open(path);
        ASSERT_TRUE(db) << db.error().message;
    }
    auto db = Database::open(path, test::open_options(OpenMode::read_only));
    ASSERT_TRUE(db) << db.error().message;
    auto version = run_sql(*db, "PRAGMA user_version");
    ASSERT_TRUE(version);
    EXPECT_EQ(version->rows[0][0].integer, schema_version);
    // The stored capture kept every message row.
    auto policy = run_sql(*db, "SELECT message_rows FROM captures");
    ASSERT_TRUE(policy) << policy.error().message;
    ASSERT_EQ(policy->rows.size(), 1u);
    EXPECT_EQ(text(*policy, 0, 0), "all");
    // Both old messages now name their call record.
    auto links = run_sql(*db, "SELECT seq, call FROM messages ORDER BY seq");
    ASSERT_TRUE(links) << links.error().message;
    ASSERT_EQ(links->rows.size(), 2u);
    EXPECT_EQ(text(*links, 0, 1), "1");
    EXPECT_EQ(text(*links, 1, 1), "1");
    // The per-call index is the integer one, and the filtered summary (which counts messages
    // through it) still sees the old response.
    auto index = run_sql(*db, "SELECT sql FROM sqlite_master WHERE name = 'messages_by_call'");
    ASSERT_TRUE(index) << index.error().message;
    EXPECT_NE(text(*index, 0, 0).find("(capture_id, call)"), std::string::npos)
        << text(*index, 0, 0);
    QueryFilter f;
    f.since_ns = 0;
    auto s = summary(*db, f);
    ASSERT_TRUE(s) << s.error().message;
    ASSERT_EQ(s->size(), 1u);
    EXPECT_EQ((*s)[0].code, 503);
    EXPECT_EQ((*s)[0].messages, 1u);
    // Version 4: the ingest's "a capture of this size?" question is answered by an index.
    auto plan = run_sql(*db, "EXPLAIN QUERY PLAN SELECT 1 FROM captures WHERE size = 5 LIMIT 1");
    ASSERT_TRUE(plan) << plan.error().message;
    std::string steps;
    for (const auto& row : plan->rows)
        steps += row.back().text + "; ";
    EXPECT_NE(steps.find("captures_by_size"), std::string::npos) << steps;
    std::filesystem::remove_all(dir);
}

// A version 5 file: version 1 plus migrations 1 to 4 as released (the message columns, the
// message-row policy and call links, the captures-by-size index, media_streams). Version 6
// adds the session tables, captures.sessions and calls.session_id; the old capture keeps its
// rows and reads "sessions not built" (NULL), and the file then takes a capture with sessions.
TEST(Migration, Version5FileGetsSessionTablesAndTakesSessions) {
    const auto dir = test::temp_dir("migrate-v5");
    const std::string path = (dir / "v5.db").string();
    make_v1(path);
    {
        sqlite3* raw = nullptr;
        ASSERT_EQ(sqlite3_open(path.c_str(), &raw), SQLITE_OK);
        exec(raw, R"sql(
ALTER TABLE messages ADD COLUMN file_offset INTEGER;
ALTER TABLE messages ADD COLUMN interface_id INTEGER;
ALTER TABLE messages ADD COLUMN encap TEXT;
ALTER TABLE messages ADD COLUMN decode_findings TEXT;
ALTER TABLE messages ADD COLUMN sip_findings TEXT;
ALTER TABLE captures ADD COLUMN message_rows TEXT NOT NULL DEFAULT 'all';
ALTER TABLE messages ADD COLUMN call INTEGER;
UPDATE messages SET call = 1;
DROP INDEX messages_by_call;
CREATE INDEX messages_by_call ON messages (capture_id, call);
CREATE INDEX captures_by_size ON captures (size);
CREATE TABLE media_streams (
    capture_id INTEGER NOT NULL REFERENCES captures(id), call_id TEXT NOT NULL,
    ssrc INTEGER NOT NULL, src TEXT NOT NULL, dst TEXT NOT NULL, from_party TEXT NOT NULL,
    matched_by TEXT NOT NULL, payload_type INTEGER NOT NULL, codec TEXT NOT NULL,
    start_ns INTEGER NOT NULL, end_ns INTEGER NOT NULL, packets INTEGER NOT NULL,
    expected INTEGER NOT NULL, lost INTEGER NOT NULL, loss_pct REAL NOT NULL,
    duplicates INTEGER NOT NULL, out_of_order INTEGER NOT NULL, loss_bursts INTEGER NOT NULL,
    max_jitter_ms REAL NOT NULL, mean_jitter_ms REAL NOT NULL, max_delta_ms REAL NOT NULL,
    dtmf_digits TEXT NOT NULL, rtt_ms REAL, r_factor REAL, mos REAL, mos_model TEXT NOT NULL,
    findings TEXT NOT NULL);
CREATE INDEX media_streams_by_call ON media_streams (capture_id, call_id);
INSERT INTO media_streams VALUES (1, 'old-call', 7, '10.0.0.1:4000', '10.0.0.2:4000', 'caller',
    'sdp', 0, 'PCMU', 5000000000, 6000000000, 50, 50, 0, 0, 0, 0, 0, 1.5, 1.0, 20.0, '', NULL,
    93.2, 4.4, 'G.107', '');
PRAGMA user_version = 5;
)sql");
        sqlite3_close(raw);
    }
    {
        auto db = Database::open(path);
        ASSERT_TRUE(db) << db.error().message;
    }
    {
        auto db = Database::open(path, test::open_options(OpenMode::read_only));
        ASSERT_TRUE(db) << db.error().message;
        auto version = run_sql(*db, "PRAGMA user_version");
        ASSERT_TRUE(version);
        EXPECT_EQ(version->rows[0][0].integer, schema_version);
        auto old = run_sql(*db, "SELECT c.sessions, k.session_id, k.call_id, (SELECT count(*) FROM "
                                "messages), (SELECT count(*) FROM media_streams), (SELECT "
                                "count(*) FROM sessions) FROM captures c JOIN calls k ON "
                                "k.capture_id = c.id");
        ASSERT_TRUE(old) << old.error().message;
        ASSERT_EQ(old->rows.size(), 1u);
        EXPECT_EQ(text(*old, 0, 0), "NULL"); // not built, which is not "no sessions"
        EXPECT_EQ(text(*old, 0, 1), "NULL");
        EXPECT_EQ(text(*old, 0, 2), "old-call");
        EXPECT_EQ(text(*old, 0, 3), "2");
        EXPECT_EQ(text(*old, 0, 4), "1");
        EXPECT_EQ(text(*old, 0, 5), "0");
    }
    if (!test::have_corpus()) {
        std::filesystem::remove_all(dir);
        GTEST_SKIP() << "shared corpus absent: the new capture part is not run";
    }
    auto options = test::db_options(path);
    options.sessions = sipdx::analysis::SessionOptions{};
    const std::string file = test::corpus("sip-gre-teb-mirror-subscribe-notify-refer.pcapng");
    auto result = ingest({file}, options);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->exit_code, 0);
    auto db = Database::open(path, test::open_options(OpenMode::read_only));
    ASSERT_TRUE(db);
    auto rows = run_sql(*db, "SELECT c.name, c.sessions, (SELECT max(legs) FROM sessions s WHERE "
                             "s.capture_id = c.id), (SELECT count(*) FROM calls k WHERE "
                             "k.capture_id = c.id AND k.session_id IS NOT NULL) FROM captures c "
                             "ORDER BY c.id");
    ASSERT_TRUE(rows) << rows.error().message;
    ASSERT_EQ(rows->rows.size(), 2u);
    EXPECT_EQ(text(*rows, 0, 1), "NULL");
    EXPECT_EQ(text(*rows, 1, 0), file);
    EXPECT_EQ(text(*rows, 1, 1), "1"); // one session of three legs (tests/golden/sessions)
    EXPECT_EQ(text(*rows, 1, 2), "3");
    EXPECT_EQ(text(*rows, 1, 3), "3");
    std::filesystem::remove_all(dir);
}
