// `sipdx ingest` end to end: stored and skipped captures, a run killed mid-ingest (SIGKILL
// from the test hook) that leaves no half capture and is completed by the next run, and the
// database faults (locked, newer schema, full, read-only) that exit 2 without damage.
#include "unit/store/store_test_util.h"

#include <nlohmann/json.hpp>

#include <sqlite3.h>

#include <set>

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

using namespace sipdx::store::test;
namespace fs = std::filesystem;

namespace {

std::string integrity(const fs::path& dir, const fs::path& db) {
    return cli("query --db " + q(db.string()) + " --sql 'PRAGMA integrity_check' --format tsv", dir)
        .out;
}

// Response rows (code, messages, final_transactions, final_calls) from NDJSON.
std::vector<std::array<long, 4>> rows_of(const std::string& ndjson) {
    std::vector<std::array<long, 4>> out;
    std::istringstream in(ndjson);
    for (std::string line; std::getline(in, line);) {
        if (line.empty()) continue;
        auto j = nlohmann::json::parse(line);
        out.push_back({j["code"].get<long>(), j["messages"].get<long>(),
                       j["final_transactions"].get<long>(), j["final_calls"].get<long>()});
    }
    return out;
}

std::vector<std::array<long, 4>> analyze_rows(const std::string& capture, const fs::path& dir) {
    auto r = cli("analyze --json " + q(capture), dir);
    std::vector<std::array<long, 4>> out;
    auto j = nlohmann::json::parse(r.out);
    for (const auto& row : j["responses"])
        out.push_back({row["code"].get<long>(), row["messages"].get<long>(),
                       row["final_transactions"].get<long>(), row["final_calls"].get<long>()});
    return out;
}

bool can_unshare_mounts(const fs::path& dir) {
    return run_shell("unshare -m true", dir).code == 0;
}

} // namespace

TEST(IngestCli, StoresThenSkips) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = temp_dir("cli-ingest");
    const auto db = dir / "s.db";
    std::string captures;
    for (const auto& name : sample_captures())
        captures += " " + q(corpus(name));
    auto first = cli("ingest" + captures + " --db " + q(db.string()), dir);
    EXPECT_EQ(first.code, 0) << first.err;
    EXPECT_NE(first.err.find("stored ("), std::string::npos) << first.err;
    auto second = cli("ingest" + captures + " --db " + q(db.string()), dir);
    EXPECT_EQ(second.code, 0) << second.err;
    EXPECT_EQ(second.err.find("stored ("), std::string::npos) << second.err;
    EXPECT_NE(second.err.find("already stored"), std::string::npos);
    auto count =
        cli("query --db " + q(db.string()) + " --sql 'SELECT count(*) FROM captures' --format tsv",
            dir);
    EXPECT_EQ(count.out, "count(*)\n5\n");
    fs::remove_all(dir);
}

TEST(IngestCli, UsageErrors) {
    const auto dir = temp_dir("cli-ingest-usage");
    auto none = cli("ingest x.pcap", dir);
    EXPECT_EQ(none.code, 2);
    EXPECT_NE(none.err.find("--db"), std::string::npos);
    auto stdin_input = cli("ingest - --db " + q((dir / "s.db").string()), dir);
    EXPECT_EQ(stdin_input.code, 2);
    EXPECT_NE(stdin_input.err.find("stdin"), std::string::npos);
    auto bad_url = cli("ingest x.pcap --clickhouse https://x/", dir);
    EXPECT_EQ(bad_url.code, 2);
    auto not_capture =
        cli("ingest " + q(std::string(SIPDX_TEST_DATA_DIR) + "/pcaps/not-a-capture.txt") +
                " --db " + q((dir / "s.db").string()),
            dir);
    EXPECT_EQ(not_capture.code, 2); // nothing could be read: 2, as in every command
    EXPECT_NE(not_capture.err.find("not-a-capture.txt"), std::string::npos);
    fs::remove_all(dir);
}

TEST(IngestCli, KilledRunLeavesNoHalfCaptureAndIsCompleted) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = temp_dir("cli-ingest-kill");
    const auto db = dir / "s.db";
    const std::string big = corpus("sip-tcp-port6060-segmented-ims-calls.pcap");
    const std::string small = corpus("sip-udp-options-200.pcap");
    ASSERT_EQ(cli("ingest " + q(small) + " --db " + q(db.string()), dir).code, 0);
    auto killed =
        run_shell("SIPDX_STORE_TEST_KILL_AFTER_BATCHES=3 " + std::string(SIPDX_CLI) + " ingest " +
                      q(big) + " --db " + q(db.string()) + " --batch-rows 25",
                  dir);
    EXPECT_EQ(killed.code, 128 + 9) << "expected SIGKILL: " << killed.err;
    // Committed batches are in the file, but the capture is not visible.
    auto partial =
        cli("query --db " + q(db.string()) + " --sql 'SELECT count(*) FROM messages' --format tsv",
            dir);
    EXPECT_EQ(partial.code, 0);
    EXPECT_GT(std::stol(partial.out.substr(partial.out.find('\n') + 1)), 25);
    auto summary =
        cli("query --db " + q(db.string()) + " --summary --format ndjson --capture " + q(big), dir);
    EXPECT_EQ(summary.code, 0);
    EXPECT_EQ(summary.out, "");
    auto calls = cli("query --db " + q(db.string()) + " --format ndjson", dir);
    EXPECT_EQ(calls.out.find(big), std::string::npos);
    EXPECT_EQ(integrity(dir, db), "integrity_check\nok\n");

    auto rerun = cli("ingest " + q(big) + " " + q(small) + " --db " + q(db.string()), dir);
    EXPECT_EQ(rerun.code, 0) << rerun.err;
    EXPECT_NE(rerun.err.find("completed an interrupted ingest"), std::string::npos) << rerun.err;
    auto after =
        cli("query --db " + q(db.string()) + " --summary --format ndjson --capture " + q(big), dir);
    EXPECT_EQ(rows_of(after.out), analyze_rows(big, dir));
    auto messages = cli("query --db " + q(db.string()) +
                            " --sql \"SELECT count(*), count(DISTINCT seq) FROM messages m "
                            "JOIN captures c ON c.id = m.capture_id WHERE c.name = '" +
                            big + "'\" --format tsv",
                        dir);
    EXPECT_EQ(messages.out, "count(*)\tcount(DISTINCT seq)\n406\t406\n");
    fs::remove_all(dir);
}

TEST(IngestCli, LockedDatabaseExitsTwo) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = temp_dir("cli-ingest-locked");
    const auto db = dir / "s.db";
    ASSERT_EQ(
        cli("ingest " + q(corpus("sip-udp-options-200.pcap")) + " --db " + q(db.string()), dir)
            .code,
        0);
    sqlite3* holder = nullptr;
    sqlite3_open(db.c_str(), &holder);
    ASSERT_EQ(sqlite3_exec(holder, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
    auto r = cli("ingest " + q(corpus("sip-websocket-and-udp-calls.pcap")) + " --db " +
                     q(db.string()) + " --busy-timeout 100",
                 dir);
    sqlite3_exec(holder, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_close(holder);
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("s.db"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("locked"), std::string::npos) << r.err;
    EXPECT_EQ(integrity(dir, db), "integrity_check\nok\n");
    fs::remove_all(dir);
}

TEST(IngestCli, SecondWriterWaitsThenExitsTwo) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = temp_dir("cli-ingest-writer");
    const auto db = dir / "s.db";
    ASSERT_EQ(
        cli("ingest " + q(corpus("sip-udp-options-200.pcap")) + " --db " + q(db.string()), dir)
            .code,
        0);
    // An ingest removes its lock file as it ends (issue 18: no *.db-ingest.lock left behind).
    EXPECT_FALSE(fs::exists(db.string() + "-ingest.lock"));
    // What a running ingest holds for its whole life.
    const int fd =
        ::open((db.string() + "-ingest.lock").c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    ASSERT_GE(fd, 0);
    ASSERT_EQ(::flock(fd, LOCK_EX | LOCK_NB), 0);
    auto r = cli("ingest " + q(corpus("sip-websocket-and-udp-calls.pcap")) + " --db " +
                     q(db.string()) + " --busy-timeout 100",
                 dir);
    ::close(fd);
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("another sipdx ingest"), std::string::npos) << r.err;
    auto after = cli(
        "ingest " + q(corpus("sip-websocket-and-udp-calls.pcap")) + " --db " + q(db.string()), dir);
    EXPECT_EQ(after.code, 0) << after.err;
    EXPECT_FALSE(fs::exists(db.string() + "-ingest.lock"));
    fs::remove_all(dir);
}

TEST(IngestCli, NewerSchemaExitsTwoAndIsUntouched) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = temp_dir("cli-ingest-newer");
    const auto db = dir / "s.db";
    {
        sqlite3* raw = nullptr;
        sqlite3_open(db.c_str(), &raw);
        sqlite3_exec(raw, "CREATE TABLE calls (x); PRAGMA user_version = 7", nullptr, nullptr,
                     nullptr);
        sqlite3_close(raw);
    }
    const auto before = slurp(db);
    auto r =
        cli("ingest " + q(corpus("sip-udp-options-200.pcap")) + " --db " + q(db.string()), dir);
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("schema version 7 is newer"), std::string::npos) << r.err;
    auto query = cli("query --db " + q(db.string()) + " --summary", dir);
    EXPECT_EQ(query.code, 2);
    EXPECT_EQ(slurp(db), before);
    fs::remove_all(dir);
}

TEST(IngestCli, FullDatabaseExitsTwoWithoutDamage) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = temp_dir("cli-ingest-full");
    const auto db = dir / "s.db";
    auto r = cli("ingest " + q(corpus("sip-tcp-port6060-segmented-ims-calls.pcap")) + " --db " +
                     q(db.string()) + " --max-db-pages 18 --batch-rows 20",
                 dir);
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find("full"), std::string::npos) << r.err;
    EXPECT_EQ(integrity(dir, db), "integrity_check\nok\n");
    auto visible = cli("query --db " + q(db.string()) + " --format ndjson", dir);
    EXPECT_EQ(visible.code, 0);
    EXPECT_EQ(visible.out, "");
    fs::remove_all(dir);
}

TEST(IngestCli, FullFileSystemExitsTwoWithoutDamage) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = temp_dir("cli-ingest-tmpfs");
    if (!can_unshare_mounts(dir)) GTEST_SKIP() << "no mount namespace (needs root)";
    const auto mnt = dir / "mnt";
    fs::create_directories(mnt);
    // A 320 KiB file system: the schema (16 KiB pages) fits, the capture's rows do not.
    const std::string db = (mnt / "s.db").string();
    auto r = run_shell(
        "unshare -m sh -c " +
            q("mount -t tmpfs -o size=320k tmpfs " + q(mnt.string()) + " && " + SIPDX_CLI +
              " ingest " + q(corpus("sip-tcp-port6060-segmented-ims-calls.pcap")) + " --db " +
              q(db) + " --batch-rows 50; echo rc=$? >&2; " + SIPDX_CLI + " query --db " + q(db) +
              " --sql 'PRAGMA integrity_check' --format tsv"),
        dir);
    EXPECT_NE(r.err.find("rc=2"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("full"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "integrity_check\nok\n") << r.err;
    fs::remove_all(dir);
}

TEST(IngestCli, ReadOnlyFileSystemExitsTwo) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = temp_dir("cli-ingest-ro");
    if (!can_unshare_mounts(dir)) GTEST_SKIP() << "no mount namespace (needs root)";
    const auto data = dir / "data";
    fs::create_directories(data);
    const std::string db = (data / "s.db").string();
    ASSERT_EQ(cli("ingest " + q(corpus("sip-udp-options-200.pcap")) + " --db " + q(db), dir).code,
              0);
    const auto before = slurp(db);
    auto r = run_shell("unshare -m sh -c " + q("mount -o bind,ro " + q(data.string()) + " " +
                                               q(data.string()) + " && " + SIPDX_CLI + " ingest " +
                                               q(corpus("sip-websocket-and-udp-calls.pcap")) +
                                               " --db " + q(db) + "; echo rc=$? >&2; " + SIPDX_CLI +
                                               " query --db " + q(db) + " --summary --format tsv"),
                       dir);
    EXPECT_NE(r.err.find("rc=2"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("s.db"), std::string::npos) << r.err;
    EXPECT_NE(r.out.find("200\tOK"), std::string::npos) << "query on read-only media: " << r.err;
    EXPECT_EQ(slurp(db), before);
    fs::remove_all(dir);
}

// The message rows carry what `sipdx messages` prints of each message: the same frames in the
// same order, the encapsulation, the length and the findings (its `findings` field is the
// decoder's codes followed by the parser's, which the store keeps in two columns).
TEST(IngestCli, MessageRowsMatchSipdxMessages) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = temp_dir("cli-ingest-messages");
    const auto db = dir / "s.db";
    std::size_t with_decode_findings = 0;
    std::size_t with_sip_findings = 0;
    std::set<long> interfaces;
    // The last one (tests/data) has SIP on several pcapng interfaces.
    for (const std::string& file :
         {corpus("sip-gre-pptp-vlan-qinq-multi-interface.pcapng"),
          corpus("sip-udp-fuzzed-malformed.pcap"),
          corpus("sip-tcp-port6060-segmented-ims-calls.pcap"),
          corpus("sip-esp-null-gtpu-volte-nanosec.pcapng"),
          corpus("sip-udp-junk-before-request.pcap"),
          std::string(SIPDX_TEST_DATA_DIR) + "/pcaps/multi-section-interface.pcapng"}) {
        const std::string name = fs::path(file).filename().string();
        auto stored = cli("ingest -q " + q(file) + " --db " + q(db.string()), dir);
        ASSERT_LE(stored.code, 1) << stored.err;
        auto rows = cli("query --db " + q(db.string()) +
                            " --format ndjson --sql \"SELECT m.frame, m.encap, m.length, "
                            "m.decode_findings, m.sip_findings, m.interface_id FROM messages m "
                            "JOIN captures c ON c.id = m.capture_id WHERE c.name = '" +
                            file + "' ORDER BY m.seq\"",
                        dir);
        ASSERT_EQ(rows.code, 0) << rows.err;
        auto printed = cli("messages --format ndjson " + q(file), dir);
        std::istringstream a(rows.out);
        std::istringstream b(printed.out);
        std::string row;
        std::string message;
        std::size_t n = 0;
        while (std::getline(b, message)) {
            ASSERT_TRUE(std::getline(a, row)) << name << ": fewer rows than messages (" << n << ")";
            const auto r = nlohmann::json::parse(row);
            const auto m = nlohmann::json::parse(message);
            EXPECT_EQ(r["frame"], m["frame"]) << name << " #" << n;
            EXPECT_EQ(r["encap"], m["encap"]) << name << " #" << n;
            EXPECT_EQ(r["length"], m["length"]) << name << " #" << n;
            // `sipdx messages`: decoder codes, then parser codes not already named.
            std::string findings = r["decode_findings"].get<std::string>();
            std::istringstream codes(r["sip_findings"].get<std::string>());
            for (std::string code; std::getline(codes, code, ',');) {
                if (findings.find(code) != std::string::npos) continue;
                findings += (findings.empty() ? "" : ",") + code;
            }
            // NDJSON gives the findings as a list (issue 18: one shape, as in `calls`).
            std::string listed;
            for (const auto& code : m["findings"])
                listed += (listed.empty() ? "" : ",") + code.get<std::string>();
            EXPECT_EQ(findings, listed) << name << " #" << n;
            with_decode_findings += r["decode_findings"] != "" ? 1 : 0;
            with_sip_findings += r["sip_findings"] != "" ? 1 : 0;
            interfaces.insert(r["interface_id"].get<long>());
            ++n;
        }
        EXPECT_FALSE(std::getline(a, row)) << name << ": more rows than messages";
        EXPECT_GT(n, 0u) << name;
    }
    // The captures were chosen so that every column is exercised.
    EXPECT_GT(with_decode_findings, 0u);
    EXPECT_GT(with_sip_findings, 0u);
    EXPECT_GT(interfaces.size(), 1u);
    fs::remove_all(dir);
}

// file_offset is where the frame's record starts in the file: a classic pcap record header
// there holds the message's capture time, a pcapng block there is an Enhanced Packet Block.
TEST(IngestCli, FileOffsetPointsAtTheFrameRecord) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = temp_dir("cli-ingest-offset");
    const auto db = dir / "s.db";
    auto le32 = [](const std::string& bytes, std::size_t at) {
        std::uint32_t v = 0;
        for (int i = 3; i >= 0; --i)
            v = (v << 8) | static_cast<unsigned char>(bytes.at(at + static_cast<std::size_t>(i)));
        return v;
    };
    for (const char* name : {"sip-udp-wireshark-sample-register-invite-cancel.pcap",
                             "sip-udp-register-digest-200.pcapng"}) {
        const std::string file = corpus(name);
        ASSERT_EQ(cli("ingest -q " + q(file) + " --db " + q(db.string()), dir).code, 0);
        const std::string bytes = slurp(file);
        const bool pcapng = le32(bytes, 0) == 0x0A0D0D0A;
        auto rows = cli("query --db " + q(db.string()) +
                            " --format tsv --sql \"SELECT file_offset, time_ns FROM messages m "
                            "JOIN captures c ON c.id = m.capture_id WHERE c.name = '" +
                            file + "' ORDER BY seq\"",
                        dir);
        ASSERT_EQ(rows.code, 0) << rows.err;
        std::istringstream in(rows.out);
        std::string line;
        std::getline(in, line); // header
        std::size_t n = 0;
        for (; std::getline(in, line); ++n) {
            const auto tab = line.find('\t');
            const std::size_t offset = std::stoull(line.substr(0, tab));
            const long long time_ns = std::stoll(line.substr(tab + 1));
            ASSERT_LT(offset + 16, bytes.size()) << name;
            if (pcapng) {
                EXPECT_EQ(le32(bytes, offset), 6u) << name << " offset " << offset;
            } else {
                EXPECT_EQ(le32(bytes, offset), static_cast<std::uint32_t>(time_ns / 1'000'000'000))
                    << name << " offset " << offset;
            }
        }
        EXPECT_GT(n, 0u) << name;
    }
    fs::remove_all(dir);
}

// --message-rows: a bad value is a usage error, and the policy lands in the captures row; the
// summary still equals `sipdx analyze`.
TEST(IngestCli, MessageRowsPolicy) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = temp_dir("cli-ingest-policy");
    const auto db = dir / "s.db";
    const std::string capture = corpus("sip-udp-wireshark-sample-register-invite-cancel.pcap");
    auto bad =
        cli("ingest " + q(capture) + " --db " + q(db.string()) + " --message-rows some", dir);
    EXPECT_EQ(bad.code, 2);
    EXPECT_NE(bad.err.find("--message-rows"), std::string::npos) << bad.err;
    EXPECT_FALSE(fs::exists(db));
    auto stored =
        cli("ingest " + q(capture) + " --db " + q(db.string()) + " --message-rows none", dir);
    EXPECT_EQ(stored.code, 0) << stored.err;
    auto row = cli("query --db " + q(db.string()) +
                       " --sql 'SELECT message_rows, sip_messages > 0, (SELECT count(*) FROM "
                       "messages) FROM captures' --format tsv",
                   dir);
    EXPECT_EQ(row.out,
              "message_rows\tsip_messages > 0\t(SELECT count(*) FROM messages)\nnone\t1\t0\n");
    auto summary = cli("query --db " + q(db.string()) + " --summary --format ndjson", dir);
    EXPECT_EQ(summary.code, 0);
    EXPECT_EQ(rows_of(summary.out), analyze_rows(capture, dir));
    EXPECT_FALSE(rows_of(summary.out).empty());
    EXPECT_EQ(summary.err.find("--message-rows"), std::string::npos) << summary.err;
    // A filtered summary counts responses from the kept rows: it says so.
    auto filtered = cli("query --db " + q(db.string()) + " --summary --class 4", dir);
    EXPECT_EQ(filtered.code, 0);
    EXPECT_NE(filtered.err.find("--message-rows failed or none"), std::string::npos)
        << filtered.err;
    fs::remove_all(dir);
}
