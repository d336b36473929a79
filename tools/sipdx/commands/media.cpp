// sipdx media CAPTURE...: one record per RTP stream, tied to its call's SDP (docs/media.md).
#include "command.h"
#include "command_helpers.h"
#include "terminal.h"

#include <sipdx/analysis/analyzer.h>
#include <sipdx/media/analyzer.h>
#include <sipdx/output/media.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace sipdx::cli {
namespace {

struct MediaCliOptions {
    bool quiet = false; // -q: no progress bar
    std::vector<std::string> captures;
    std::string format;
    std::string call_id;
    unsigned threads = 0;
    std::uint64_t max_state_mb = 0;
    bool with_sdp_only = false;
};

int run(const MediaCliOptions& options) {
    const output::Format format = pick_format(options.format);
    analysis::AnalyzeOptions analyze_options;
    analyze_options.threads = options.threads;
    analyze_options.explain = false;
    analyze_options.tracker.max_state_bytes = options.max_state_mb << 20;
    Progress progress(options.quiet);
    analyze_options.progress = [&](std::uint64_t done, std::uint64_t total) {
        progress.update(done, total);
    };
    media::MediaAnalyzer media;
    media.attach(analyze_options);
    analysis::Analyzer analyzer(analyze_options);
    const auto run = analyzer.run(options.captures);
    progress.clear();
    report_inputs(run);
    const int code = run.exit_code();
    if (code == exit_unusable) return code;
    media.finish();

    std::vector<const media::StreamReport*> streams;
    for (const auto& s : media.streams()) {
        if (!options.call_id.empty() && s.call_id != options.call_id) continue;
        if (options.with_sdp_only && s.call_id.empty()) continue;
        streams.push_back(&s);
    }
    std::stable_sort(streams.begin(), streams.end(),
                     [](const auto* a, const auto* b) { return a->first_ns < b->first_ns; });
    const std::string text = output::render_streams(streams, format, output_width());
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return code;
}

void setup(CLI::App& root, CliContext& context) {
    auto options = std::make_shared<MediaCliOptions>();
    CLI::App* cmd = root.add_subcommand(
        "media", "One record per RTP stream (SSRC and direction): the call it belongs to by "
                 "SDP, codec, packets, loss, jitter, MOS (G.107 E-model) and findings");
    cmd->add_option("captures", options->captures, "Capture files or directories ('-' = stdin)")
        ->required();
    add_listing_format_option(cmd, options->format);
    add_max_state_option(cmd, options->max_state_mb);
    cmd->add_option("--call", options->call_id, "Only the streams of this Call-ID");
    cmd->add_flag("--sdp-only", options->with_sdp_only,
                  "Leave out streams no SDP names (found by their RTP headers alone)");
    add_threads_option(cmd, options->threads, "records are");
    add_quiet_option(cmd, options->quiet);
    cmd->callback([options, &context] { context.exit_code = run(*options); });
}

} // namespace

SIPDX_REGISTER_COMMAND(66, setup, "media");

} // namespace sipdx::cli
