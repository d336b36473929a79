// sipdx ingest CAPTURE... --db FILE [--clickhouse URL]: keep the per-call and per-message
// records of captures in a database (docs/store.md).
#include "command.h"
#include "command_helpers.h"
#include "terminal.h"

#include <sipdx/analysis/analyzer.h>
#include <sipdx/media/analyzer.h>
#include <sipdx/store/clickhouse.h>
#include <sipdx/store/media.h>
#include <sipdx/store/writer.h>

#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include <sched.h>

namespace sipdx::cli {
namespace {

struct IngestCliOptions {
    std::vector<std::string> captures;
    store::StoreOptions store;
    unsigned threads = 0;
    std::uint64_t max_state_mb = 0; // 0: a quarter of the machine's memory
    std::string message_rows = "all";
    bool quiet = false;
    bool media = false;
    bool sessions = false;
    std::vector<std::string> correlate_headers;
    bool no_heuristics = false;
};

// --media: each stored capture read once more for its RTP, into media_streams (SQLite and/or
// ClickHouse).
int store_media(const IngestCliOptions& options, const store::WriteReport& report,
                const analysis::AnalyzeOptions& analyze) {
    int code = 0;
    for (const auto& c : report.captures) {
        if (c.state == store::CaptureState::failed || c.sha256.empty()) continue;
        media::MediaAnalyzer media;
        analysis::AnalyzeOptions options_for_media = analyze;
        options_for_media.explain = false;
        media.attach(options_for_media);
        analysis::Analyzer analyzer(options_for_media);
        analyzer.run({c.name});
        media.finish();
        std::vector<tl::expected<std::uint64_t, store::StoreError>> written;
        if (!options.store.db.empty())
            written.push_back(store::write_media_streams(options.store.db, c.sha256, media));
        if (!options.store.clickhouse.empty())
            written.push_back(store::write_media_streams_clickhouse(
                options.store.clickhouse,
                {options.store.timeout_ms, options.store.retries, options.store.retry_base_ms},
                c.sha256, media));
        bool ok = true;
        for (const auto& rows : written) {
            if (rows) continue;
            std::fprintf(stderr, "sipdx: %s\n", rows.error().message.c_str());
            code = exit_input_errors;
            ok = false;
        }
        if (ok && !options.quiet)
            std::fprintf(stderr, "%s: %llu media streams\n", c.name.c_str(),
                         static_cast<unsigned long long>(media.streams().size()));
    }
    return code;
}

// The analysis threads when --threads is not given: the writer thread and, for a new capture,
// the hashing thread each keep a core busy, so the analysis gets the others (at least one).
// On 2 cores one analysis thread was measured best (docs/store.md "Performance").
unsigned default_threads() {
    cpu_set_t set;
    CPU_ZERO(&set);
    const int cores = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 1;
    return static_cast<unsigned>(std::max(1, cores - 2));
}

int run(const IngestCliOptions& options) {
    if (options.store.db.empty() && options.store.clickhouse.empty())
        throw UsageError("ingest: give --db FILE and/or --clickhouse URL");
    store::StoreOptions store = options.store;
    const auto rows = store::parse_message_rows(options.message_rows);
    if (!rows) throw UsageError("ingest: --message-rows must be all, failed or none");
    store.message_rows = *rows;
    if ((!options.correlate_headers.empty() || options.no_heuristics) && !options.sessions)
        throw UsageError("ingest: --correlate-header and --no-heuristics need --sessions");
    if (options.sessions) {
        // The options of `sipdx sessions`, so that the stored sessions are the ones it shows.
        analysis::SessionOptions session_options;
        session_options.correlate_headers = options.correlate_headers;
        session_options.heuristics = !options.no_heuristics;
        store.sessions = session_options;
    }
    // An empty directory used to store nothing and exit 0 without a word.
    if (analysis::expand_inputs(options.captures).empty())
        throw UsageError("no capture files found in the given directories");
    analysis::AnalyzeOptions analyze;
    analyze.threads = options.threads == 0 ? default_threads() : options.threads;
    analyze.tracker.max_state_bytes = options.max_state_mb << 20;
    Progress progress(options.quiet);
    analyze.progress = [&](std::uint64_t done, std::uint64_t total) {
        progress.update(done, total);
    };
    auto result = store::ingest(options.captures, store, analyze);
    progress.clear();
    if (!result) throw UsageError(result.error().message);
    for (const auto& n : result->report.notes)
        std::fprintf(stderr, "sipdx: %s\n", n.c_str());
    for (const auto& p : result->problems)
        std::fprintf(stderr, "sipdx: %s\n", p.c_str());
    if (!options.quiet) {
        for (const auto& c : result->report.captures) {
            const char* state = c.state == store::CaptureState::stored    ? "stored"
                                : c.state == store::CaptureState::skipped ? "already stored"
                                                                          : "FAILED";
            std::string line = fmt::format("{}: {}", c.name, state);
            if (c.state == store::CaptureState::stored)
                line += fmt::format(" ({} messages, {} Call-IDs{})", c.messages, c.calls,
                                    c.resumed ? "; completed an interrupted ingest" : "");
            std::fprintf(stderr, "%s\n", line.c_str());
        }
    }
    if (result->report.failed_batches > 0) {
        if (!result->report.failure.empty())
            std::fprintf(stderr, "sipdx: %s\n", result->report.failure.c_str());
        std::fprintf(stderr,
                     "sipdx: %s: %llu batch%s not written after retries; run the same ingest "
                     "again to complete them\n",
                     options.store.clickhouse.c_str(),
                     static_cast<unsigned long long>(result->report.failed_batches),
                     result->report.failed_batches == 1 ? " was" : "es were");
        return exit_input_errors;
    }
    if (options.media) {
        const int media_code = store_media(options, result->report, analyze);
        if (media_code != 0 && result->exit_code == 0) return media_code;
    }
    return result->exit_code;
}

void setup(CLI::App& root, CliContext& context) {
    auto options = std::make_shared<IngestCliOptions>();
    CLI::App* cmd = root.add_subcommand(
        "ingest", "Store the calls, messages and findings of captures in SQLite and/or "
                  "ClickHouse (idempotent: a capture already stored is skipped)");
    cmd->add_option("captures", options->captures, "Capture files or directories")->required();
    cmd->add_option("--db", options->store.db, "SQLite database file (created when missing)");
    cmd->add_option("--clickhouse", options->store.clickhouse,
                    "ClickHouse HTTP URL, e.g. http://127.0.0.1:8123/?database=sipdx");
    cmd->add_option("--batch-rows", options->store.batch_rows,
                    "Rows per transaction / INSERT (default 20000)")
        ->check(CLI::Range(1, 10'000'000));
    cmd->add_option("--busy-timeout", options->store.busy_timeout_ms,
                    "Milliseconds to wait for another writer's lock (default 5000)")
        ->check(CLI::Range(0, 3'600'000));
    cmd->add_option("--max-db-pages", options->store.max_page_count,
                    "Size quota of the SQLite file in pages (PRAGMA max_page_count; 0: none): "
                    "beyond it the batch is rolled back and ingest stops with exit 2")
        ->check(CLI::Range(0LL, 1LL << 40));
    cmd->add_option("--retries", options->store.retries,
                    "ClickHouse: retries per batch, with doubling back-off (default 5)")
        ->check(CLI::Range(0, 20));
    add_max_state_option(cmd, options->max_state_mb);
    cmd->add_option("--threads", options->threads,
                    "Analysis threads as for analyze; default (0): the cores less two, at least "
                    "one, since the database is written on one more thread and a new capture "
                    "hashed on another")
        ->check(CLI::Range(0u, analysis::max_threads));
    cmd->add_option("--message-rows", options->message_rows,
                    "Which per-message rows to keep: all (default), failed (the messages of "
                    "Call-IDs that did not succeed) or none; calls, findings and per-code "
                    "counts are always kept")
        ->check(CLI::IsMember({"all", "failed", "none"}));
    cmd->add_flag("-q,--quiet", options->quiet,
                  "No progress on stderr: no progress bar, no per-capture line");
    cmd->add_flag("--media", options->media,
                  "Also store each capture's RTP streams (table media_streams, in SQLite and "
                  "ClickHouse; each capture is read once more for them)");
    cmd->add_flag("--sessions", options->sessions,
                  "Also store each capture's sessions as `sipdx sessions` groups them (tables "
                  "sessions, session_legs, session_links, session_nodes; calls.session_id)");
    cmd->add_option("--correlate-header", options->correlate_headers,
                    "With --sessions: a header whose equal values tie Call-IDs into one session "
                    "(as for `sipdx sessions`); repeat for several")
        ->allow_extra_args(false);
    cmd->add_flag("--no-heuristics", options->no_heuristics,
                  "With --sessions: link legs by protocol evidence only (no B2BUA guesses)");
    cmd->callback([options, &context] { context.exit_code = run(*options); });
}

} // namespace

SIPDX_REGISTER_COMMAND(100, setup, "ingest");

} // namespace sipdx::cli
