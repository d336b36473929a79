// sipdx sessions CAPTURE...: one record per session (Call-IDs grouped across legs and hops),
// with the roles of its nodes and one verdict (docs/sessions.md).
#include "command.h"
#include "command_helpers.h"
#include "terminal.h"

#include <sipdx/analysis/analyzer.h>
#include <sipdx/analysis/sessions.h>
#include <sipdx/output/sessions.h>
#include <sipdx/session/record.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace sipdx::cli {
namespace {

struct SessionsCliOptions {
    bool quiet = false; // -q: no progress bar
    std::vector<std::string> captures;
    std::string format;
    unsigned threads = 0;
    std::uint64_t max_state_mb = 0;
    std::vector<std::string> correlate_headers;
    bool no_heuristics = false;
    std::vector<std::string> outcomes;
    std::vector<int> codes;
    bool multi_leg = false;
    std::string call_id;
};

bool keep(const analysis::Session& s, const SessionsCliOptions& o) {
    if (o.multi_leg && !s.multi_leg()) return false;
    if (!o.outcomes.empty()) {
        bool any = false;
        for (const auto& name : o.outcomes)
            any = any || session::to_string(s.outcome) == name;
        if (!any) return false;
    }
    if (!o.codes.empty()) {
        bool any = false;
        for (int code : o.codes)
            for (const auto& leg : s.legs)
                any = any || leg.final_code == code;
        if (!any) return false;
    }
    if (!o.call_id.empty()) {
        bool any = false;
        for (const auto& leg : s.legs)
            any = any || leg.call_id == o.call_id;
        if (!any) return false;
    }
    return true;
}

int run(const SessionsCliOptions& options) {
    const output::Format format = pick_format(options.format);
    analysis::SessionOptions session_options;
    session_options.correlate_headers = options.correlate_headers;
    session_options.heuristics = !options.no_heuristics;
    analysis::SessionBuilder builder(session_options);

    analysis::AnalyzeOptions analyze_options;
    analyze_options.threads = options.threads;
    analyze_options.explain = false;
    analyze_options.tracker.max_state_bytes = options.max_state_mb << 20;
    Progress progress(options.quiet);
    analyze_options.progress = [&](std::uint64_t done, std::uint64_t total) {
        progress.update(done, total);
    };
    analyze_options.on_message = [&](const analysis::MessageContext& m) { builder.observe(m); };
    analysis::Analyzer analyzer(analyze_options);
    analyzer.on_record([&](session::CallRecord&& r) { builder.add(r); });
    const auto run = analyzer.run(options.captures);
    progress.clear();
    report_inputs(run);
    const int code = run.exit_code();
    if (code == exit_unusable) return code;

    std::vector<analysis::Session> sessions;
    for (auto& s : builder.finish())
        if (keep(s, options)) sessions.push_back(std::move(s));
    const std::string text = output::render_sessions(sessions, format, output_width());
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return code;
}

void setup(CLI::App& root, CliContext& context) {
    auto options = std::make_shared<SessionsCliOptions>();
    CLI::App* cmd = root.add_subcommand(
        "sessions", "One record per session: the Call-IDs of one call across legs and hops "
                    "(icid, Session-ID, correlation headers, transfers, B2BUA guesses), each "
                    "link's evidence and strength, the nodes' IMS roles and one verdict");
    cmd->add_option("captures", options->captures, "Capture files or directories ('-' = stdin)")
        ->required();
    add_listing_format_option(cmd, options->format);
    add_max_state_option(cmd, options->max_state_mb);
    add_threads_option(cmd, options->threads, "records are");
    add_quiet_option(cmd, options->quiet);
    cmd->add_option("--correlate-header", options->correlate_headers,
                    "A header whose equal values tie Call-IDs into one session (X-CID, "
                    "X-Correlation-ID...); repeat for several")
        ->allow_extra_args(false);
    cmd->add_flag("--no-heuristics", options->no_heuristics,
                  "Link legs by protocol evidence only (no B2BUA guesses from SDP media or "
                  "parties)");
    cmd->add_option("--outcome", options->outcomes,
                    "Keep sessions whose caller saw this outcome (answered, failed, ...)")
        ->allow_extra_args(false);
    cmd->add_option("--code", options->codes, "Keep sessions with a leg ending in this code")
        ->allow_extra_args(false)
        ->check(CLI::Range(100, 699));
    cmd->add_flag("--multi-leg", options->multi_leg, "Keep sessions of more than one Call-ID");
    cmd->add_option("--call", options->call_id, "Keep the session holding this Call-ID");
    cmd->callback([options, &context] { context.exit_code = run(*options); });
}

} // namespace

SIPDX_REGISTER_COMMAND(65, setup, "sessions");

} // namespace sipdx::cli
