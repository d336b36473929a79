// sipdx filter CAPTURE... [filters] -w OUT: the frames of the selected Call-IDs as a new
// capture, pcap or pcapng by the name of -w (docs/analysis.md).
#include "command.h"
#include "command_helpers.h"
#include "record_filter_options.h"
#include "terminal.h"

#include <sipdx/analysis/analyzer.h>
#include <sipdx/analysis/filter.h>
#include <sipdx/analysis/record_filter.h>
#include <sipdx/media/filter.h>
#include <sipdx/session/record.h>

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

namespace sipdx::cli {

namespace {

struct FilterCliOptions {
    std::vector<std::string> captures;
    std::string output;
    std::string call_id;
    RecordFilterOptions filters;
    bool quiet = false;
    bool media = false;
};

// The output is opened (and truncated) before the inputs are read, so `filter X -w X` would
// destroy X; refuse any output that is one of the inputs (also through another path or link).
void refuse_output_over_input(const FilterCliOptions& options) {
    if (options.output == "-") return;
    std::error_code ec;
    const auto output_dir = std::filesystem::absolute(options.output, ec).parent_path();
    for (const auto& capture : options.captures) {
        if (capture != "-" && std::filesystem::is_directory(capture, ec) &&
            std::filesystem::equivalent(capture, output_dir, ec) && !ec)
            throw UsageError(fmt::format("-w {}: that is inside the input directory {}, where it "
                                         "would be read as an input; write it elsewhere",
                                         options.output, capture));
    }
    if (!std::filesystem::exists(options.output, ec)) return;
    for (const auto& input : analysis::expand_inputs(options.captures)) {
        if (input == "-") continue;
        if (std::filesystem::equivalent(options.output, input, ec) && !ec)
            throw UsageError(fmt::format("-w {}: that is an input capture ({}), and writing "
                                         "would destroy it; write to another file",
                                         options.output, input));
    }
}

int run(const FilterCliOptions& options) {
    refuse_output_over_input(options);
    auto filter = make_record_filter(options.filters);
    filter.call_id = options.call_id;
    Progress progress(options.quiet);
    auto on_progress = [&](std::uint64_t done, std::uint64_t total) {
        progress.update(done, total);
    };
    auto result = options.media ? media::filter_capture_with_media(options.captures, filter,
                                                                   options.output, on_progress)
                                : analysis::filter_capture(options.captures, filter, options.output,
                                                           on_progress);
    progress.clear();
    if (!result) throw UsageError(result.error().message());
    report_inputs(result->run);
    std::fprintf(stderr, "sipdx: %s\n",
                 fmt::format("{} Call-IDs selected, {} messages, {} frames written to {}",
                             result->call_ids, result->messages, result->frames_written,
                             options.output)
                     .c_str());
    return result->run.exit_code();
}

void setup(CLI::App& root, CliContext& context) {
    auto options = std::make_shared<FilterCliOptions>();
    CLI::App* cmd = root.add_subcommand(
        "filter", "Write the frames of the selected Call-IDs (TCP segments and IP fragments "
                  "included) to a new capture (pcap or pcapng by the -w file name)");
    cmd->add_option("captures", options->captures, "Capture files or directories")->required();
    cmd->add_option("-w,--write", options->output,
                    "Output capture: classic pcap when it ends in .pcap, else pcapng ('-' = "
                    "stdout, pcapng)")
        ->required();
    cmd->add_option("--call", options->call_id, "Only this Call-ID");
    add_record_filters(cmd, options->filters);
    add_quiet_option(cmd, options->quiet);
    cmd->add_flag("--media", options->media,
                  "Also write the RTP/RTCP frames of the selected calls (matched by their SDP)");
    cmd->callback([options, &context] { context.exit_code = run(*options); });
}

} // namespace

SIPDX_REGISTER_COMMAND(80, setup, "filter");

} // namespace sipdx::cli
