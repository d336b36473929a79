// sipdx report CAPTURE... -o report.html: the whole trace as one self-contained HTML page
// (docs/report.md).
#include "command.h"
#include "command_helpers.h"
#include "record_filter_options.h"
#include "terminal.h"

#include <sipdx/report/report.h>
#include <sipdx/text/safe_file.h>

#include <fmt/format.h>

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

namespace sipdx::cli {
namespace {

struct ReportCliOptions {
    bool quiet = false; // -q: no progress bar
    std::vector<std::string> captures;
    std::string output;
    std::string messages = "failed";
    std::uint64_t message_budget_mb = 16;
    std::string title;
    bool redact = false;
    bool no_media = false;
    bool sessions = false;
    std::vector<std::string> correlate_headers;
    unsigned threads = 0;
    std::uint64_t max_state_mb = 0;
    RecordFilterOptions filters;
};

// The page is written to a temporary file beside the output and renamed at the end, so a
// failed run never leaves half a report, and an output that is one of the inputs is refused.
void refuse_output_over_input(const ReportCliOptions& options) {
    std::error_code ec;
    if (!std::filesystem::exists(options.output, ec)) return;
    if (std::filesystem::is_directory(options.output, ec))
        throw UsageError(
            fmt::format("-o {}: that is a directory; name the HTML file to write", options.output));
    for (const auto& input : analysis::expand_inputs(options.captures)) {
        if (input == "-") continue;
        if (std::filesystem::equivalent(options.output, input, ec) && !ec)
            throw UsageError(fmt::format("-o {}: that is an input capture ({}); write the report "
                                         "to another file",
                                         options.output, input));
    }
}

int run(const ReportCliOptions& options) {
    refuse_output_over_input(options);
    report::ReportOptions report_options;
    report_options.filter = make_record_filter(options.filters);
    report_options.messages = *report::parse_message_text(options.messages);
    report_options.message_budget_bytes = options.message_budget_mb << 20;
    report_options.redact = options.redact;
    report_options.media = !options.no_media;
    report_options.sessions = options.sessions;
    report_options.correlate_headers = options.correlate_headers;
    report_options.title = options.title;
    report_options.generator = std::string("sipdx ") + SIPDX_VERSION;
    std::string captures;
    for (const auto& c : options.captures)
        captures += (captures.empty() ? "" : " ") + c;
    report_options.command_hint =
        options.redact ? "sipdx flow CAPTURE --call" : "sipdx flow " + captures + " --call";

    analysis::AnalyzeOptions analyze_options;
    analyze_options.threads = options.threads;
    analyze_options.tracker.max_state_bytes = options.max_state_mb << 20;
    Progress progress(options.quiet);
    analyze_options.progress = [&](std::uint64_t done, std::uint64_t total) {
        progress.update(done, total);
    };

    const std::string temporary = options.output + ".sipdx-partial";
    // Opened without following a link planted at the temporary name (text/safe_file.h); the
    // rename below replaces a link at the output name, never what it points at.
    text::FileError open_error;
    std::FILE* out = text::open_output_file(temporary, open_error);
    if (out == nullptr)
        throw UsageError(
            fmt::format("-o {}: cannot write there ({})", options.output, open_error.message));
    std::vector<char> buffer(1 << 20);
    std::setvbuf(out, buffer.data(), _IOFBF, buffer.size());
    auto result = report::write_report(options.captures, analyze_options, report_options, out);
    progress.clear();
    const bool closed = std::fclose(out) == 0;
    if (!result || !closed) {
        std::remove(temporary.c_str());
        throw UsageError("writing the report failed: " +
                         (result ? std::string("cannot close the file") : result.error().message));
    }
    try {
        report_inputs(result->run);
    } catch (...) {
        std::remove(temporary.c_str()); // no capture at all: leave nothing behind
        throw;
    }
    const int code = result->run.exit_code();
    if (code == exit_unusable) {
        std::remove(temporary.c_str());
        return code;
    }
    std::error_code ec;
    std::filesystem::rename(temporary, options.output, ec);
    if (ec) {
        std::remove(temporary.c_str());
        throw UsageError(fmt::format("-o {}: {}", options.output, ec.message()));
    }
    const auto& st = result->stats;
    std::fprintf(stderr, "sipdx: wrote %s: %.1f MB, %llu calls, message text for %llu of them\n",
                 options.output.c_str(), static_cast<double>(st.html_bytes) / 1e6,
                 static_cast<unsigned long long>(st.calls),
                 static_cast<unsigned long long>(st.calls_with_text));
    return code;
}

void setup(CLI::App& root, CliContext& context) {
    auto options = std::make_shared<ReportCliOptions>();
    CLI::App* cmd = root.add_subcommand(
        "report", "The whole trace as one self-contained HTML file to look at and share: "
                  "responses by class and code, charts over time, where failures come from, "
                  "every call with its ladder and messages, findings, inputs");
    cmd->add_option("captures", options->captures, "Capture files or directories ('-' = stdin)")
        ->required();
    cmd->add_option("-o,--output", options->output, "The HTML file to write")->required();
    cmd->add_option("--messages", options->messages,
                    "Which calls carry their full message text: failed (failed, unanswered or "
                    "flagged calls), all, none; every call keeps its ladder")
        ->capture_default_str()
        ->check(CLI::IsMember({"failed", "all", "none"}));
    cmd->add_option("--message-budget-mb", options->message_budget_mb,
                    "Message text embedded at most, in MB before compression (0 = no limit)")
        ->capture_default_str()
        ->check(CLI::Range(std::uint64_t{0}, std::uint64_t{1} << 20));
    cmd->add_flag("--redact", options->redact,
                  "Replace user parts, display names, phone numbers and IP addresses by stable "
                  "pseudonyms everywhere in the file");
    cmd->add_flag("--no-media", options->no_media,
                  "Leave out the RTP/RTCP measurement (the media section and each call's streams)");
    cmd->add_flag("--sessions", options->sessions,
                  "Also group Call-IDs into sessions across legs (docs/sessions.md): the sessions "
                  "section");
    cmd->add_option("--correlate-header", options->correlate_headers,
                    "With --sessions: a header whose equal values tie Call-IDs (as in 'sessions')");
    cmd->add_option("--title", options->title, "The page title (default: from the inputs)");
    add_max_state_option(cmd, options->max_state_mb);
    add_threads_option(cmd, options->threads, "report is");
    add_quiet_option(cmd, options->quiet);
    add_record_filters(cmd, options->filters);
    cmd->callback([options, &context] { context.exit_code = run(*options); });
}

} // namespace

SIPDX_REGISTER_COMMAND(75, setup, "report");

} // namespace sipdx::cli
