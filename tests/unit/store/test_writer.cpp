// Writing analyses into SQLite: the stored per-code counts equal the analyzer's own summary,
// ingest is idempotent, an interrupted capture stays invisible and is completed, a full
// database rolls back cleanly, and the `analyze --db` path stores the same rows as ingest.
#include <sipdx/analysis/analyzer.h>
#include <sipdx/store/database.h>
#include <sipdx/store/query.h>
#include <sipdx/store/sha256.h>
#include <sipdx/store/writer.h>

#include "unit/store/store_test_util.h"

#include <sqlite3.h>

#include <fstream>

using namespace sipdx;
using namespace sipdx::store;

namespace {

std::vector<CodeCount> analyzer_counts(const std::vector<std::string>& files) {
    analysis::Analyzer analyzer;
    analyzer.run(files);
    std::vector<CodeCount> out;
    for (const auto& row : analyzer.summary().codes())
        out.push_back({row.code, row.messages, row.final_transactions, row.final_calls});
    return out;
}

std::int64_t count(Database& db, const std::string& sql) {
    auto r = run_sql(db, sql);
    EXPECT_TRUE(r) << (r ? "" : r.error().message);
    if (!r || r->rows.empty()) return -1;
    return r->rows[0][0].integer;
}

// A writer opened on `db` for `file`, fed by one analysis of it, not finished yet.
struct Analysed {
    std::unique_ptr<AnalysisWriter> writer;
    analysis::RunResult run;
};
Analysed analyse_into(const std::string& db, const std::string& file, std::size_t batch_rows) {
    Analysed out;
    auto writer = AnalysisWriter::open({file}, test::db_options(db, batch_rows));
    EXPECT_TRUE(writer) << (writer ? "" : writer.error().message);
    if (!writer) return out;
    out.writer = std::move(*writer);
    analysis::AnalyzeOptions options;
    out.writer->attach(options);
    analysis::Analyzer analyzer(options);
    out.writer->attach(analyzer);
    out.run = analyzer.run({file});
    return out;
}

Database open_ro(const std::string& path) {
    auto db = Database::open(path, test::open_options(OpenMode::read_only));
    EXPECT_TRUE(db) << (db ? "" : db.error().message);
    return std::move(*db);
}

} // namespace

TEST(Writer, StoredCountsEqualTheAnalyzerPerCapture) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = test::temp_dir("writer-counts");
    const std::string path = (dir / "s.db").string();
    const std::vector<std::string> files = test::sample_capture_paths();
    auto result = ingest(files, test::db_options(path, 7));
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->exit_code, 0);
    auto db = open_ro(path);
    for (const auto& file : files) {
        QueryFilter f;
        f.captures = {file};
        auto stored = summary(db, f);
        ASSERT_TRUE(stored) << stored.error().message;
        const auto expected = analyzer_counts({file});
        EXPECT_EQ(*stored, expected) << file;
        EXPECT_FALSE(expected.empty()) << file;
        // The same selection through the per-call path (a filter that keeps every call).
        f.since_ns = 0;
        auto computed = summary(db, f);
        ASSERT_TRUE(computed);
        EXPECT_EQ(*computed, expected) << file << " (computed from rows)";
    }
    // Every capture complete, with its time range and counters.
    EXPECT_EQ(count(db, "SELECT count(*) FROM captures WHERE state = 'complete' AND first_ns > 0 "
                        "AND last_ns >= first_ns AND length(sha256) = 64"),
              static_cast<std::int64_t>(files.size()));
    EXPECT_EQ(count(db, "SELECT count(*) FROM captures c WHERE c.calls != (SELECT count(*) FROM "
                        "calls WHERE capture_id = c.id)"),
              0);
    EXPECT_EQ(count(db, "SELECT count(*) FROM captures c WHERE c.sip_messages != (SELECT "
                        "count(*) FROM messages WHERE capture_id = c.id)"),
              0);
    std::filesystem::remove_all(dir);
}

TEST(Writer, CallRowsCarryTheRecord) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = test::temp_dir("writer-record");
    const std::string path = (dir / "s.db").string();
    const std::string file = test::corpus("sip-udp-wireshark-sample-register-invite-cancel.pcap");
    ASSERT_TRUE(ingest({file}, test::db_options(path)));
    std::vector<session::CallRecord> records;
    analysis::Analyzer analyzer;
    analyzer.on_record([&](session::CallRecord&& r) { records.push_back(std::move(r)); });
    analyzer.run({file});
    auto db = open_ro(path);
    ASSERT_EQ(count(db, "SELECT count(*) FROM calls"), static_cast<std::int64_t>(records.size()));
    for (const auto& r : records) {
        auto row = run_sql(db, "SELECT kind, outcome, coalesce(final_code, 0), start_ns, end_ns, "
                               "messages, retransmissions, transactions, explanation, "
                               "(SELECT count(*) FROM findings f WHERE f.call = c.id), "
                               "(SELECT coalesce(sum(count), 0) FROM call_finals f WHERE f.call "
                               "= c.id) FROM calls c WHERE call_id = '" +
                                   r.call_id + "' AND start_ns = " + std::to_string(r.start_ns));
        ASSERT_TRUE(row && row->rows.size() == 1) << r.call_id;
        const auto& v = row->rows[0];
        EXPECT_EQ(v[0].text, session::to_string(r.kind));
        EXPECT_EQ(v[1].text, session::to_string(r.outcome));
        EXPECT_EQ(v[2].integer, r.final_code);
        EXPECT_EQ(v[3].integer, r.start_ns);
        EXPECT_EQ(v[4].integer, r.end_ns);
        EXPECT_EQ(v[5].integer, r.messages);
        EXPECT_EQ(v[6].integer, r.retransmissions);
        EXPECT_EQ(v[7].integer, r.transactions);
        EXPECT_EQ(v[8].text, r.explanation);
        EXPECT_EQ(v[9].integer, static_cast<std::int64_t>(r.findings.size()));
        std::int64_t finals = 0;
        for (const auto& [code, n] : r.transaction_finals)
            finals += n;
        EXPECT_EQ(v[10].integer, finals);
    }
    std::filesystem::remove_all(dir);
}

TEST(Writer, IngestIsIdempotentBySha256) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = test::temp_dir("writer-idem");
    const std::string path = (dir / "s.db").string();
    const std::string file = test::corpus("sip-websocket-and-udp-calls.pcap");
    auto first = ingest({file}, test::db_options(path));
    ASSERT_TRUE(first);
    ASSERT_EQ(first->report.captures.size(), 1u);
    EXPECT_EQ(first->report.captures[0].state, CaptureState::stored);
    // The same bytes under another name are the same capture.
    std::filesystem::copy_file(file, dir / "copy.pcap");
    auto second = ingest({file, (dir / "copy.pcap").string()}, test::db_options(path));
    ASSERT_TRUE(second);
    for (const auto& c : second->report.captures)
        EXPECT_EQ(c.state, CaptureState::skipped) << c.name;
    auto db = open_ro(path);
    EXPECT_EQ(count(db, "SELECT count(*) FROM captures"), 1);
    EXPECT_EQ(count(db, "SELECT count(*) FROM messages"),
              static_cast<std::int64_t>(first->report.captures[0].messages));
    std::filesystem::remove_all(dir);
}

// One ingest of many captures keeps one store and one writer thread, and completes each
// capture while the next is analysed: what it stores must equal ingesting each capture in a
// run of its own. A copy of a capture begun unhashed (its sha256 still being computed) is
// recognised as the same bytes within the run.
TEST(Writer, OneRunOfManyCapturesStoresWhatSeparateRunsStore) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = test::temp_dir("writer-many");
    const std::vector<std::string> files = test::sample_capture_paths();
    const std::string copy = (dir / "copy-of-first.pcap").string();
    std::filesystem::copy_file(files.front(), copy);
    const std::string together = (dir / "together.db").string();
    const std::string apart = (dir / "apart.db").string();
    auto options = test::db_options(together, 9); // small batches: captures share transactions
    // The copy right after its original: the original is then most likely still being
    // written (not yet findable by its sha256) when the copy is begun.
    auto all_files = files;
    all_files.insert(all_files.begin() + 1, copy);
    auto result = ingest(all_files, options);
    ASSERT_TRUE(result) << result.error().message;
    EXPECT_EQ(result->exit_code, 0);
    ASSERT_EQ(result->report.captures.size(), all_files.size());
    for (std::size_t i = 0; i < all_files.size(); ++i) {
        EXPECT_EQ(result->report.captures[i].name, all_files[i]);
        EXPECT_EQ(result->report.captures[i].state,
                  i == 1 ? CaptureState::skipped : CaptureState::stored)
            << all_files[i];
    }
    for (const auto& file : files) {
        auto one = ingest({file}, test::db_options(apart, 9));
        ASSERT_TRUE(one) << one.error().message;
    }
    // Per capture: its row, its calls and its messages, each message pointing at a call of
    // its own capture with its own Call-ID.
    const std::string per_capture =
        "SELECT k.name, k.sha256, k.state, k.first_ns, k.last_ns, k.frames, k.sip_messages, "
        "k.calls, k.clean, (SELECT count(*) FROM calls c WHERE c.capture_id = k.id), "
        "(SELECT count(*) FROM messages m WHERE m.capture_id = k.id), "
        "(SELECT group_concat(code || ':' || messages || ':' || final_transactions || ':' || "
        "final_calls) FROM code_counts x WHERE x.capture_id = k.id), "
        "(SELECT count(*) FROM messages m JOIN calls c ON c.id = m.call WHERE m.capture_id = "
        "k.id AND (c.capture_id != k.id OR c.call_id != m.call_id)) "
        "FROM captures k ORDER BY k.name";
    auto a = open_ro(together);
    auto b = open_ro(apart);
    auto rows_a = run_sql(a, per_capture);
    auto rows_b = run_sql(b, per_capture);
    ASSERT_TRUE(rows_a && rows_b);
    ASSERT_EQ(rows_a->rows.size(), files.size()); // the copy added no capture
    ASSERT_EQ(rows_a->rows.size(), rows_b->rows.size());
    for (std::size_t r = 0; r < rows_a->rows.size(); ++r) {
        const auto& x = rows_a->rows[r];
        const auto& y = rows_b->rows[r];
        ASSERT_EQ(x.size(), y.size());
        for (std::size_t c = 0; c < x.size(); ++c) {
            EXPECT_EQ(x[c].type, y[c].type) << x[0].text << " column " << c;
            EXPECT_EQ(x[c].integer, y[c].integer) << x[0].text << " column " << c;
            EXPECT_EQ(x[c].text, y[c].text) << x[0].text << " column " << c;
        }
        EXPECT_EQ(x.back().integer, 0) << x[0].text << ": messages pointing at another call";
        EXPECT_EQ(x[2].text, "complete");
    }
    std::filesystem::remove_all(dir);
}

// A capture that is still being written (it grows while it is ingested) is not stored: its
// rows and its hash could describe different bytes. It is reported, its rows are removed,
// and ingesting it again once it is complete stores it.
TEST(Writer, CaptureThatChangesWhileIngestedIsNotStored) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = test::temp_dir("writer-growing");
    const std::string path = (dir / "s.db").string();
    const std::string file = (dir / "growing.pcap").string();
    std::filesystem::copy_file(test::corpus("sip-udp-wireshark-sample-register-invite-cancel.pcap"),
                               file);
    {
        auto analysed = analyse_into(path, file, 5);
        ASSERT_TRUE(analysed.writer);
        std::ofstream(file, std::ios::app | std::ios::binary) << std::string(100, '\0');
        auto report = analysed.writer->finish(analysed.run);
        ASSERT_TRUE(report) << report.error().message;
        ASSERT_EQ(report->captures.size(), 1u);
        EXPECT_EQ(report->captures[0].state, CaptureState::failed);
        ASSERT_EQ(report->problems.size(), 1u);
        EXPECT_NE(report->problems[0].find("changed while being ingested"), std::string::npos)
            << report->problems[0];
    }
    {
        auto db = open_ro(path);
        for (const char* table : {"captures", "calls", "messages", "call_finals", "code_counts"})
            EXPECT_EQ(count(db, std::string("SELECT count(*) FROM ") + table), 0) << table;
    }
    auto again = ingest({file}, test::db_options(path));
    ASSERT_TRUE(again) << again.error().message;
    ASSERT_EQ(again->report.captures.size(), 1u);
    EXPECT_EQ(again->report.captures[0].state, CaptureState::stored);
    std::filesystem::remove_all(dir);
}

TEST(Writer, InterruptedCaptureIsInvisibleAndCompletedByTheNextRun) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = test::temp_dir("writer-resume");
    const std::string path = (dir / "s.db").string();
    const std::string file = test::corpus("sip-udp-wireshark-sample-register-invite-cancel.pcap");
    // A writer abandoned after the analysis began: its batches are committed, the capture is not.
    {
        auto analysed = analyse_into(path, file, 5);
        ASSERT_TRUE(analysed.writer);
        // no finish(): as if the process died here
    }
    {
        auto db = open_ro(path);
        EXPECT_GT(count(db, "SELECT count(*) FROM messages"), 0); // batches were committed
        EXPECT_EQ(count(db, "SELECT count(*) FROM captures WHERE sha256 LIKE 'pending:%'"), 1);
        EXPECT_EQ(count(db, "SELECT count(*) FROM captures WHERE state = 'complete'"), 0);
        auto calls = select_calls(db, {});
        ASSERT_TRUE(calls);
        EXPECT_TRUE(calls->rows.empty());
        auto s = summary(db, {});
        ASSERT_TRUE(s);
        EXPECT_TRUE(s->empty());
    }
    auto rerun = ingest({file}, test::db_options(path, 5));
    ASSERT_TRUE(rerun);
    ASSERT_EQ(rerun->report.captures.size(), 1u);
    EXPECT_TRUE(rerun->report.captures[0].resumed);
    auto db = open_ro(path);
    QueryFilter f;
    auto s = summary(db, f);
    ASSERT_TRUE(s);
    EXPECT_EQ(*s, analyzer_counts({file}));
    EXPECT_EQ(count(db, "SELECT count(*) FROM messages"),
              static_cast<std::int64_t>(rerun->report.captures[0].messages));
    // The abandoned run wrote under a provisional identity (its hash was being computed
    // alongside); the rerun removed those rows and completed the capture under its sha256.
    EXPECT_EQ(count(db, "SELECT count(*) FROM captures"), 1);
    auto sha = sha256_file(file);
    ASSERT_TRUE(sha);
    EXPECT_EQ(count(db, "SELECT count(*) FROM captures WHERE sha256 = '" + *sha +
                            "' AND state = 'complete'"),
              1);
    EXPECT_EQ(rerun->report.captures[0].sha256, *sha);
    std::filesystem::remove_all(dir);
}

TEST(Writer, FullDatabaseRollsBackAndStaysConsistent) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = test::temp_dir("writer-full");
    const std::string path = (dir / "s.db").string();
    const std::string small = test::corpus("sip-udp-options-200.pcap");
    ASSERT_TRUE(ingest({small}, test::db_options(path)));
    const std::string big = test::corpus("sip-tcp-port6060-segmented-ims-calls.pcap");
    auto full = ingest({big}, test::db_options(path, 50, 20)); // 16 KiB pages; it needs 25
    ASSERT_FALSE(full);
    EXPECT_EQ(full.error().kind, ErrorKind::full) << full.error().message;
    EXPECT_NE(full.error().message.find("s.db"), std::string::npos);
    auto db = open_ro(path);
    auto check = run_sql(db, "PRAGMA integrity_check");
    ASSERT_TRUE(check);
    EXPECT_EQ(check->rows[0][0].text, "ok");
    EXPECT_EQ(count(db, "SELECT count(*) FROM captures WHERE state = 'complete'"), 1);
    QueryFilter f;
    f.captures = {big};
    auto s = summary(db, f);
    ASSERT_TRUE(s);
    EXPECT_TRUE(s->empty());
    std::filesystem::remove_all(dir);
}

TEST(Writer, AnalyzeDbPathStoresWhatIngestStores) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = test::temp_dir("writer-analyze");
    const std::vector<std::string> files = test::sample_capture_paths();
    // What `sipdx analyze --db` does: one analysis over all inputs, records split by source.
    const std::string a = (dir / "a.db").string();
    analysis::AnalyzeOptions options;
    StoreOptions store;
    store.db = a;
    auto writer = attach_options(store, files, options);
    ASSERT_TRUE(writer && *writer) << (writer ? "" : writer.error().message);
    analysis::Analyzer analyzer(options);
    (**writer).attach(analyzer);
    const auto run = analyzer.run(files);
    auto line = write_analysis(**writer, run);
    ASSERT_TRUE(line) << line.error().message;
    EXPECT_NE(line->find("stored 5 captures"), std::string::npos) << *line;
    // A null writer when no --db is given.
    analysis::AnalyzeOptions untouched;
    auto none = attach_options(StoreOptions{}, files, untouched);
    ASSERT_TRUE(none);
    EXPECT_FALSE(*none);
    EXPECT_FALSE(untouched.on_message);

    const std::string b = (dir / "b.db").string();
    ASSERT_TRUE(ingest(files, test::db_options(b)));
    auto da = open_ro(a);
    auto db = open_ro(b);
    for (const auto& file : files) {
        QueryFilter f;
        f.captures = {file};
        auto sa = summary(da, f);
        auto sb = summary(db, f);
        ASSERT_TRUE(sa && sb);
        EXPECT_EQ(*sa, *sb) << file;
    }
    const std::string q = "SELECT count(*) FROM messages";
    EXPECT_EQ(count(da, q), count(db, q));
    std::filesystem::remove_all(dir);
}

TEST(Writer, StdinAndUnreadableInputsAreNotStored) {
    const auto dir = test::temp_dir("writer-stdin");
    const std::string path = (dir / "s.db").string();
    auto w = AnalysisWriter::open({"-"}, test::db_options(path));
    ASSERT_FALSE(w);
    EXPECT_EQ(w.error().kind, ErrorKind::input);
    const std::string text = std::string(SIPDX_TEST_DATA_DIR) + "/pcaps/not-a-capture.txt";
    auto r = ingest({text}, test::db_options(path));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->exit_code, 2); // not one capture could be opened: 2, as in every command
    ASSERT_EQ(r->problems.size(), 1u);
    EXPECT_NE(r->problems[0].find("not-a-capture.txt"), std::string::npos);
    EXPECT_FALSE(std::filesystem::exists(path)); // nothing to store: no database made
    std::filesystem::remove_all(dir);
}

// --message-rows: every policy stores the same calls and per-code counts (the analyzer's);
// `failed` keeps exactly the rows of the Call-IDs that did not succeed (plus rows without a
// Call-ID), `none` keeps no rows; each capture row says which policy it was written with.
TEST(Writer, MessageRowPoliciesKeepCountsAndRecordThePolicy) {
    SIPDX_REQUIRE_CORPUS();
    const auto dir = test::temp_dir("writer-policy");
    const std::vector<std::string> files = test::sample_capture_paths();
    const auto expected = analyzer_counts(files);
    for (const auto policy : {MessageRows::all, MessageRows::failed, MessageRows::none}) {
        const std::string path = (dir / (std::string(to_string(policy)) + ".db")).string();
        auto options = test::db_options(path, 50); // small batches: rows buffered across them
        options.message_rows = policy;
        auto result = ingest(files, options);
        ASSERT_TRUE(result) << result.error().message;
        EXPECT_EQ(result->exit_code, 0);
        auto db = open_ro(path);
        auto stored = summary(db, {});
        ASSERT_TRUE(stored) << stored.error().message;
        EXPECT_EQ(*stored, expected) << to_string(policy);
        EXPECT_EQ(count(db, "SELECT count(*) FROM captures WHERE message_rows = '" +
                                std::string(to_string(policy)) + "'"),
                  static_cast<std::int64_t>(files.size()));
        // Every stored message names the record of its own Call-ID in its capture.
        EXPECT_EQ(count(db, "SELECT count(*) FROM messages m LEFT JOIN calls c ON c.id = m.call "
                            "WHERE (m.call_id IS NULL) != (m.call IS NULL) OR (m.call IS NOT NULL "
                            "AND (c.id IS NULL OR c.call_id != m.call_id OR c.capture_id != "
                            "m.capture_id))"),
                  0)
            << to_string(policy);
    }
    auto all = open_ro((dir / "all.db").string());
    auto failed = open_ro((dir / "failed.db").string());
    auto none = open_ro((dir / "none.db").string());
    EXPECT_EQ(count(none, "SELECT count(*) FROM messages"), 0);
    EXPECT_EQ(count(all, "SELECT count(*) FROM calls"), count(none, "SELECT count(*) FROM calls"));
    // The rows `failed` keeps, listed from the all-rows file by the outcome of their record.
    const std::string kept_in_all =
        "SELECT cap.name || ':' || m.seq FROM messages m JOIN captures cap ON cap.id = "
        "m.capture_id LEFT JOIN calls c ON c.id = m.call WHERE c.id IS NULL OR c.outcome NOT IN "
        "('answered', 'registered', 'unregistered', 'completed', 'ended') ORDER BY 1";
    const std::string kept_in_failed = "SELECT cap.name || ':' || m.seq FROM messages m JOIN "
                                       "captures cap ON cap.id = m.capture_id ORDER BY 1";
    auto want = run_sql(all, kept_in_all);
    auto got = run_sql(failed, kept_in_failed);
    ASSERT_TRUE(want && got);
    EXPECT_GT(want->rows.size(), 0u);
    EXPECT_LT(want->rows.size(), static_cast<std::size_t>(count(all, "SELECT count(*) FROM "
                                                                     "messages")));
    ASSERT_EQ(got->rows.size(), want->rows.size());
    for (std::size_t i = 0; i < want->rows.size(); ++i)
        EXPECT_EQ(got->rows[i][0].text, want->rows[i][0].text);
    std::filesystem::remove_all(dir);
}

TEST(Writer, MessageRowPolicyNames) {
    for (const auto policy : {MessageRows::all, MessageRows::failed, MessageRows::none})
        EXPECT_EQ(parse_message_rows(to_string(policy)), policy);
    EXPECT_FALSE(parse_message_rows("some"));
    EXPECT_FALSE(keeps_messages(session::Outcome::answered));
    EXPECT_FALSE(keeps_messages(session::Outcome::registered));
    EXPECT_TRUE(keeps_messages(session::Outcome::failed));
    EXPECT_TRUE(keeps_messages(session::Outcome::timeout));
    EXPECT_TRUE(keeps_messages(session::Outcome::in_progress));
}
