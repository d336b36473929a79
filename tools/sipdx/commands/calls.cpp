// sipdx calls CAPTURE...: one record per Call-ID with its outcome and why (docs/analysis.md).
#include "command.h"
#include "command_helpers.h"
#include "record_filter_options.h"
#include "sorted_lines.h"

#include <sipdx/analysis/analyzer.h>
#include <sipdx/output/analysis.h>
#include <sipdx/session/record.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace sipdx::cli {
namespace {

struct CallsCliOptions {
    std::vector<std::string> captures;
    std::string format;
    unsigned threads = 0;
    std::uint64_t max_state_mb = 0; // 0: a quarter of the machine's memory
    bool stats = false;
    RecordFilterOptions filters;
};

int run(const CallsCliOptions& options) {
    const auto filter = make_record_filter(options.filters);
    const output::Format format = pick_format(options.format);

    analysis::AnalyzeOptions analyze_options;
    analyze_options.threads = options.threads;
    analyze_options.tracker.max_state_bytes = options.max_state_mb << 20;
    analysis::Analyzer analyzer(analyze_options);
    // Each record is rendered as it arrives and only its line is kept (a record with its
    // message log is several times larger); lines beyond a budget are sorted and spilled to a
    // temporary file. The header is what the renderer writes for no records.
    const std::string header = output::render_records({}, format);
    SortedLines lines;
    std::vector<session::CallRecord> one(1);
    analyzer.on_record([&](session::CallRecord&& r) {
        if (!filter.matches(r)) return;
        one.front() = std::move(r);
        const std::string text = output::render_records(one, format);
        lines.add(one.front().start_ns, one.front().call_id,
                  std::string_view(text).substr(header.size()));
    });
    const auto run = analyzer.run(options.captures);
    report_inputs(run);
    if (options.stats) print_limits_report(analyzer);
    const int code = run.exit_code();
    if (code == exit_unusable) return code;

    // Records leave the tracker as calls finish; print them in order of their first message.
    std::fwrite(header.data(), 1, header.size(), stdout);
    lines.write_to(stdout); // a failed write is reported once, at exit (main.cpp)
    std::fflush(stdout);
    return code;
}

} // namespace

namespace {
void setup(CLI::App& root, CliContext& context) {
    auto options = std::make_shared<CallsCliOptions>();
    CLI::App* cmd = root.add_subcommand(
        "calls", "One record per Call-ID: kind, outcome, final code, timings, evidence and a "
                 "plain-words explanation (a Call-ID that goes on after its record was emitted, "
                 "e.g. a registration refresh, gives a further record marked record_part)");
    cmd->add_option("captures", options->captures, "Capture files or directories ('-' = stdin)")
        ->required();
    add_listing_format_option(cmd, options->format);
    add_max_state_option(cmd, options->max_state_mb);
    cmd->add_option("--threads", options->threads,
                    "Threads to use (0 = all cores); the records are the same for any value")
        ->capture_default_str()
        ->check(CLI::Range(0u, analysis::max_threads));
    add_record_filters(cmd, options->filters);
    cmd->add_flag("--stats", options->stats,
                  "On stderr at the end: the bounds the run reached (docs/limits.md)");
    cmd->callback([options, &context] { context.exit_code = run(*options); });
}
} // namespace

SIPDX_REGISTER_COMMAND(60, setup);

} // namespace sipdx::cli
