// Writing analysis results into a store: one code path for `sipdx ingest` and `sipdx analyze
// --db`. The analysis (analysis::Analyzer) produces the records; the store's sinks keep them.
//
//   auto writer = store::AnalysisWriter::open(captures, {.db = "sipdx.db"});
//   analysis::AnalyzeOptions options;
//   (*writer)->attach(options);        // per-message rows
//   analysis::Analyzer analyzer(options);
//   (*writer)->attach(analyzer);       // per-Call-ID rows
//   auto run = analyzer.run(captures);
//   auto report = (*writer)->finish(run);
//
// Each capture file is identified by the SHA-256 of its bytes. A capture already stored is
// skipped; one whose earlier ingest was interrupted is cleared and written again. Rows are
// written in batches (one transaction each in SQLite); a capture becomes visible to queries
// only in the transaction that marks it complete, so a killed run never shows half a capture.
//
// Threads: the callbacks attached here run on the analysis' tracking thread and only copy the
// rows into batches; a writer thread owned by the AnalysisWriter does the database work, fed by
// a bounded queue (so memory stays bounded when the database is slower than the analysis).
// finish() drains the queue and joins that thread; so does the destructor. `sipdx ingest`
// keeps one writer for all its captures: the writer thread completes a capture while the next
// one is analysed.
#pragma once

#include <sipdx/analysis/analyzer.h>
#include <sipdx/analysis/sessions.h>
#include <sipdx/store/error.h>

#include <tl/expected.hpp>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sipdx::store {

struct CaptureMeta {
    std::string name; // the path as given
    std::uint64_t size = 0;
    std::string sha256; // lower-case hex
};

// Which per-message rows a capture keeps (docs/store.md "Message rows"). Calls, findings and
// per-code counts are always stored whole; the policy is recorded in captures.message_rows.
enum class MessageRows : std::uint8_t {
    all,    // every message (the default)
    failed, // the messages of Call-IDs whose outcome is not a success (see keeps_messages),
            // plus messages without a Call-ID
    none,   // no message rows
};
std::string_view to_string(MessageRows rows);
std::optional<MessageRows> parse_message_rows(std::string_view text);
// Under `failed`: whether a Call-ID's messages are kept. Successes (answered, registered,
// unregistered, completed) are dropped; every other outcome, in-progress included, is kept.
bool keeps_messages(session::Outcome outcome);

struct StoreOptions {
    std::string db;                 // SQLite file; empty: none
    std::string clickhouse;         // ClickHouse HTTP URL; empty: none
    std::size_t batch_rows = 20000; // rows per transaction / INSERT
    int busy_timeout_ms = 5000;
    std::int64_t max_page_count = 0; // SQLite size quota in pages (0: none)
    int retries = 5;                 // ClickHouse: attempts after the first, with back-off
    int retry_base_ms = 200;         // first back-off, doubled each time (capped at 5 s)
    int timeout_ms = 30000;          // ClickHouse: per request
    MessageRows message_rows = MessageRows::all;
    // Set: each capture's sessions (analysis::SessionBuilder with these options) are stored
    // with it (docs/store.md "Sessions"); unset: none are built (captures.sessions NULL).
    std::optional<analysis::SessionOptions> sessions;
};

enum class CaptureState : std::uint8_t { stored, skipped, failed };

struct CaptureReport {
    std::string name;
    std::string sha256;
    CaptureState state = CaptureState::stored;
    bool resumed = false; // an interrupted earlier ingest was completed
    std::uint64_t messages = 0;
    std::uint64_t calls = 0;
};

struct WriteReport {
    std::vector<CaptureReport> captures;
    std::uint64_t failed_batches = 0;  // ClickHouse batches not written after retries
    std::string failure;               // the last reason a batch failed
    std::vector<std::string> problems; // captures that could not be stored, one line each
    std::vector<std::string> notes;    // about the stores themselves, one line each
};

struct IngestResult;

class AnalysisWriter {
public:
    // Opens the store(s) and identifies the captures (directories are expanded as the analyzer
    // does); captures already stored everywhere are marked skipped. A capture whose size no
    // stored capture has cannot be stored already: it is hashed on a thread of its own while
    // the analysis runs; the others are hashed here. Fails on an unusable store, a capture
    // that cannot be read, or stdin ('-': it has no identity to store).
    [[nodiscard]] static tl::expected<std::unique_ptr<AnalysisWriter>, StoreError>
    open(const std::vector<std::string>& captures, const StoreOptions& options);
    ~AnalysisWriter();

    // Chains the per-message callback (keeps one already set) and turns the analyzer's
    // explanations off (AnalyzeOptions::explain): the writer thread explains the records it
    // stores, which keeps that work off the analysis thread.
    void attach(analysis::AnalyzeOptions& options);
    // Sets the analyzer's record callback.
    void attach(analysis::Analyzer& analyzer);
    // Completes the captures after the analysis; the first store error if any.
    [[nodiscard]] tl::expected<WriteReport, StoreError> finish(const analysis::RunResult& run);

private:
    // The store(s) opened, no capture yet (`sipdx ingest` adds one analysis run per capture).
    static tl::expected<std::unique_ptr<AnalysisWriter>, StoreError>
    open_store(const StoreOptions& options);
    friend tl::expected<IngestResult, StoreError>
    ingest(const std::vector<std::string>& captures, const StoreOptions& options,
           const analysis::AnalyzeOptions& analyze_options);

    AnalysisWriter() = default;
    struct Impl;
    std::unique_ptr<Impl> m_impl;
};

// For `sipdx analyze --db FILE [--message-rows POLICY]`: a null writer when store.db is
// empty (nothing to do); otherwise the writer is opened for `captures` and its message
// callback chained into `options`.
[[nodiscard]] tl::expected<std::unique_ptr<AnalysisWriter>, StoreError>
attach_options(const StoreOptions& store, const std::vector<std::string>& captures,
               analysis::AnalyzeOptions& options);
// Completes what attach_options began; a one-line summary ("stored 2 captures ...") or error.
[[nodiscard]] tl::expected<std::string, StoreError> write_analysis(AnalysisWriter& writer,
                                                                   const analysis::RunResult& run);

// `sipdx ingest`: every capture analysed on its own and written to the store(s).
struct IngestResult {
    WriteReport report;
    std::vector<std::string> problems; // capture read problems, one line each
    int exit_code = 0; // 0 ok, 1 some input or batch failed, 2 not one capture could be opened
};
[[nodiscard]] tl::expected<IngestResult, StoreError>
ingest(const std::vector<std::string>& captures, const StoreOptions& options,
       const analysis::AnalyzeOptions& analyze_options = {});

} // namespace sipdx::store
