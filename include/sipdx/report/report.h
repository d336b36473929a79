// Trace reports: one self-contained HTML file for a whole trace (docs/report.md). The builder is
// fed by an analysis run (every message, every record) and keeps only aggregates and what the
// calls still open need; each finished call's data is compressed into a spool file at once, and
// write() streams the page (summary, charts, tables, then the spooled data) at the end.
//
//   report::ReportBuilder builder(report_options);
//   analysis::AnalyzeOptions options;
//   options.on_message = [&](const analysis::MessageContext& m) { builder.add_message(m); };
//   analysis::Analyzer analyzer(options);
//   analyzer.on_record([&](session::CallRecord&& r) { builder.add_record(r); });
//   auto run = analyzer.run(paths);
//   builder.write(out, {analyzer.summary(), run, analyzer.decode_stats()});
#pragma once

#include <sipdx/analysis/analyzer.h>
#include <sipdx/analysis/record_filter.h>
#include <sipdx/analysis/sessions.h>
#include <sipdx/analysis/summary.h>
#include <sipdx/decode/pipeline.h>
#include <sipdx/media/analyzer.h>
#include <sipdx/session/record.h>

#include <tl/expected.hpp>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace sipdx::report {

// Which calls carry their full message text in the report (the ladder skeleton of every call
// is always there).
enum class MessageText : std::uint8_t {
    failed, // calls that did not succeed or have a warning/error finding, within the budget
    all,    // every call, within the budget (small traces)
    none,   // no message text at all
};
std::string_view to_string(MessageText mode);
std::optional<MessageText> parse_message_text(std::string_view text);

struct ReportOptions {
    MessageText messages = MessageText::failed;
    // Message text embedded in total (bytes before compression); past it, calls keep their
    // ladder and the report says how many lost their text. 0: no limit.
    std::uint64_t message_budget_bytes = 16ull << 20;
    // Message text (and ladder rows) held for calls still open; past it, new messages of open
    // calls are kept as ladder rows only. This bounds memory whatever the trace.
    std::uint64_t open_budget_bytes = 96ull << 20;
    bool redact = false;   // user parts, numbers, addresses as pseudonyms (redact.h)
    bool media = true;     // RTP/RTCP quality per stream (docs/report.md "Media")
    bool sessions = false; // Call-IDs grouped into sessions across legs (docs/sessions.md)
    std::vector<std::string> correlate_headers; // for sessions, as `sipdx sessions`
    // Records the filter rejects leave the calls table, the grid and the per-call charts; the
    // response summary and the message charts always count the whole trace.
    analysis::RecordFilter filter;
    std::string title;                   // default: "sipdx report: <first input>"
    std::string generator;               // "sipdx 0.1.0", shown in the footer
    std::string command_hint;            // "sipdx flow CAPTURE --call" for the left-out messages
    int compression_level = 4;           // libdeflate 1..12; 4: 5% larger than 6 at 60% of the time
    std::size_t chunk_bytes = 256 << 10; // raw bytes per compressed chunk of call data
};

// What the run gave, for the page's summary and inputs sections.
struct RunView {
    const analysis::Summary& summary;
    const analysis::RunResult& run;
    const std::vector<decode::Stats>& decode;
    const media::MediaAnalyzer* media = nullptr;              // finished; null: not measured
    const std::vector<analysis::Session>* sessions = nullptr; // null: not grouped
};

struct ReportStats {
    std::uint64_t calls = 0;              // records in the table
    std::uint64_t calls_filtered_out = 0; // records the filter rejected
    std::uint64_t calls_with_text = 0;    // whose messages are embedded in full
    std::uint64_t calls_text_budget = 0;  // that lost their text to the message budget
    std::uint64_t calls_text_memory = 0;  // that lost (part of) it to the open budget
    std::uint64_t calls_text_mode = 0;    // that carry none because of MessageText
    std::uint64_t ladder_rows = 0;
    std::uint64_t text_bytes = 0;      // embedded message text, raw
    std::uint64_t spool_raw_bytes = 0; // call data before compression
    std::uint64_t spool_bytes = 0;     // call data as embedded (base64)
    std::uint64_t peak_open_bytes = 0; // held for open calls, at most
    std::uint64_t html_bytes = 0;      // the whole file
};

struct ReportError {
    std::string message;
};

class ReportBuilder {
public:
    explicit ReportBuilder(ReportOptions options = {});
    ~ReportBuilder();
    ReportBuilder(const ReportBuilder&) = delete;
    ReportBuilder& operator=(const ReportBuilder&) = delete;

    // In capture order, on the thread that tracks (AnalyzeOptions::on_message).
    void add_message(const analysis::MessageContext& message);
    // Every record as the analyzer emits it (Analyzer::on_record), explained.
    void add_record(const session::CallRecord& record);
    // The page, once the run is over. Fails only when writing fails.
    tl::expected<void, ReportError> write(std::FILE* out, const RunView& view);

    const ReportStats& stats() const;

    struct State;

private:
    std::unique_ptr<State> m_state;
};

// The whole job: analyses `paths` as one trace and writes the page to `out`.
struct ReportRun {
    analysis::RunResult run;
    ReportStats stats;
};
tl::expected<ReportRun, ReportError> write_report(const std::vector<std::string>& paths,
                                                  analysis::AnalyzeOptions analyze,
                                                  const ReportOptions& options, std::FILE* out);

} // namespace sipdx::report
