// sipdx calls CAPTURE...: one record per Call-ID with its outcome and why (docs/analysis.md).
#include "command.h"
#include "command_helpers.h"
#include "record_filter_options.h"

#include <sipdx/analysis/analyzer.h>
#include <sipdx/media/analyzer.h>
#include <sipdx/output/analysis.h>
#include <sipdx/output/media.h>
#include <sipdx/session/record.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace sipdx::cli {
namespace {

struct CallsCliOptions {
    std::vector<std::string> captures;
    std::string format;
    unsigned threads = 0;
    std::uint64_t max_state_mb = 0; // 0: a quarter of the machine's memory
    RecordFilterOptions filters;
    bool media = false;
};

int run(const CallsCliOptions& options) {
    const auto filter = make_record_filter(options.filters);
    const output::Format format = pick_format(options.format);

    analysis::AnalyzeOptions analyze_options;
    analyze_options.threads = options.threads;
    analyze_options.tracker.max_state_bytes = options.max_state_mb << 20;
    media::MediaAnalyzer media;
    if (options.media) media.attach(analyze_options);
    analysis::Analyzer analyzer(analyze_options);
    std::vector<session::CallRecord> records;
    analyzer.on_record([&](session::CallRecord&& r) {
        if (filter.matches(r)) records.push_back(std::move(r));
    });
    const auto run = analyzer.run(options.captures);
    report_inputs(run);
    const int code = run.exit_code();
    if (code == exit_unusable) return code;

    // Records leave the tracker as calls finish; print them in order of their first message.
    std::stable_sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
        if (a.start_ns != b.start_ns) return a.start_ns < b.start_ns;
        return a.call_id < b.call_id;
    });
    if (options.media) {
        media.finish();
        for (auto& r : records)
            media.annotate(r);
    }
    const std::string text = options.media
                                 ? output::render_records_with_media(records, media, format)
                                 : output::render_records(records, format);
    std::fwrite(text.data(), 1, text.size(), stdout);
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
    cmd->add_flag("--media", options->media,
                  "Also measure the calls' RTP: media fields at the end of each record and media "
                  "findings in the explanation (docs/media.md)");
    cmd->callback([options, &context] { context.exit_code = run(*options); });
}
} // namespace

SIPDX_REGISTER_COMMAND(60, setup);

} // namespace sipdx::cli
