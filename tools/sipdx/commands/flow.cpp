// sipdx flow CAPTURE --call CALL_ID: the ladder diagram of one Call-ID (docs/analysis.md).
#include "command.h"
#include "command_helpers.h"
#include "terminal.h"

#include <sipdx/analysis/analyzer.h>
#include <sipdx/analysis/sessions.h>
#include <sipdx/output/call_view.h>
#include <sipdx/output/ladder.h>
#include <sipdx/output/sessions.h>
#include <sipdx/output/terminal.h>
#include <sipdx/session/record.h>
#include <sipdx/text/escape.h>

#include <fmt/format.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace sipdx::cli {
namespace {

struct FlowCliOptions {
    std::vector<std::string> captures;
    std::vector<std::string> call_ids; // exactly one is drawn; more is a usage error
    std::string call_id;
    std::string format = "text";
    bool no_duplicates = false;
    std::string session;                        // --session: every leg of one session
    std::vector<std::string> correlate_headers; // as `sessions`
    bool quiet = false;
    std::string color;
    std::size_t max_hosts = output::LadderOptions{}.max_hosts;
};

// A Call-ID can carry any number of messages; beyond this many the ladder stops and says so.
constexpr std::size_t max_ladder_messages = 100000;

// The Call-ID to draw, with errors that say what to do next.
std::string one_call_id(const std::vector<std::string>& given) {
    if (given.empty())
        throw UsageError("flow draws one Call-ID or session: give --call ID or --session ID (list "
                         "them with 'sipdx calls "
                         "CAPTURE', the failed ones with 'sipdx calls CAPTURE --outcome failed')");
    if (given.size() > 1)
        throw UsageError(fmt::format("flow draws one Call-ID at a time, and --call was given {} "
                                     "times; run flow once per Call-ID",
                                     given.size()));
    return given.front();
}

// --session: one pass keeps every message (bounded) and the session keys, then draws the legs
// of the session asked for.
int run_session(const FlowCliOptions& options) {
    analysis::SessionOptions session_options;
    session_options.correlate_headers = options.correlate_headers;
    analysis::SessionBuilder builder(session_options);
    analysis::AnalyzeOptions analyze_options;
    analyze_options.explain = false;
    constexpr std::size_t max_messages = 200000;
    std::vector<session::MessageRecord> messages;
    std::vector<std::string> call_ids;
    analyze_options.on_message = [&](const analysis::MessageContext& m) {
        builder.observe(m);
        if (messages.size() < max_messages) {
            messages.push_back(
                session::make_message_record(m.event, m.step.retransmission(), m.step.duplicate()));
            call_ids.emplace_back(m.event.call_id);
        }
    };
    analysis::Analyzer analyzer(analyze_options);
    analyzer.on_record([&](session::CallRecord&& r) { builder.add(r); });
    const auto run = analyzer.run(options.captures);
    report_inputs(run);
    const int code = run.exit_code();
    if (code == exit_unusable) return code;
    const auto sessions = builder.finish();
    const analysis::Session* session = analysis::find_session(sessions, options.session);
    if (!session)
        throw UsageError("no session '" + options.session +
                         "' in the input (list them with 'sipdx sessions CAPTURE'; a session "
                         "is named by its id, its icid or one of its Call-IDs)");
    std::vector<session::MessageRecord> picked;
    std::vector<std::string> picked_ids;
    for (std::size_t i = 0; i < messages.size(); ++i)
        for (const auto& leg : session->legs)
            if (leg.call_id == call_ids[i]) {
                picked.push_back(std::move(messages[i]));
                picked_ids.push_back(call_ids[i]);
                break;
            }
    output::LadderOptions ladder = output::session_ladder_options(*session, picked, picked_ids);
    ladder.show_duplicates = !options.no_duplicates;
    ladder.max_hosts = options.max_hosts;
    std::string text;
    if (options.format == "mermaid") {
        text = output::render_ladder_mermaid(picked, ladder);
    } else if (options.format == "svg") {
        text = output::render_ladder_svg(picked, ladder);
    } else {
        // Fitted to the terminal as the one-Call-ID ladder is.
        const output::TextStyle style = text_style(options.color);
        ladder.max_width = style.width;
        ladder.color = style.color;
        text = output::wrap_lines(output::session_ladder_header(*session), style.width, 4) +
               output::render_ladder_text(picked, ladder);
    }
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return code;
}

int run(FlowCliOptions& options) {
    if (!options.session.empty()) {
        if (!options.call_ids.empty())
            throw UsageError("flow draws a Call-ID (--call) or a session (--session), not both");
        return run_session(options);
    }
    options.call_id = one_call_id(options.call_ids);
    analysis::AnalyzeOptions analyze_options;
    Progress progress(options.quiet);
    analyze_options.progress = [&](std::uint64_t done, std::uint64_t total) {
        progress.update(done, total);
    };
    std::vector<session::MessageRecord> messages;
    std::vector<session::CallRecord> records;
    std::string explanation;
    std::uint64_t left_out = 0;
    analyze_options.on_message = [&](const analysis::MessageContext& m) {
        const session::SipEvent& e = m.event;
        const session::FeedResult& r = m.step;
        if (e.call_id != options.call_id) return;
        if (messages.size() < max_ladder_messages)
            messages.push_back(session::make_message_record(e, r.retransmission(), r.duplicate()));
        else
            ++left_out;
    };
    analysis::Analyzer analyzer(analyze_options);
    analyzer.on_record([&](session::CallRecord&& r) {
        if (r.call_id == options.call_id) records.push_back(std::move(r));
    });
    const auto run = analyzer.run(options.captures);
    progress.clear();
    report_inputs(run);
    const int code = run.exit_code();
    if (code == exit_unusable) return code;
    if (messages.empty())
        throw UsageError("no message with Call-ID '" + options.call_id + "' in the input");

    output::LadderOptions ladder;
    ladder.show_duplicates = !options.no_duplicates;
    ladder.max_hosts = options.max_hosts;
    if (left_out > 0)
        std::fprintf(stderr,
                     "sipdx: flow: only the first %zu messages are drawn, %ju more left out\n",
                     max_ladder_messages, static_cast<std::uintmax_t>(left_out));
    if (const auto folded = output::ladder_folded_hosts(messages, ladder); folded > 0)
        std::fprintf(stderr,
                     "sipdx: flow: %zu hosts beyond the first %zu drawn in one column, \"others\" "
                     "(--max-hosts)\n",
                     folded, options.max_hosts - 1);
    std::string text;
    if (options.format == "mermaid") {
        text = output::render_ladder_mermaid(messages, ladder);
    } else if (options.format == "svg") {
        text = output::render_ladder_svg(messages, ladder);
    } else {
        // The outcome and its why first, then the ladder, both fitted to the terminal.
        const output::TextStyle style = text_style(options.color);
        ladder.max_width = style.width;
        ladder.color = style.color;
        std::string head = "Call-ID " + text::visible(options.call_id, true) + "\n";
        for (const auto& r : records) {
            const std::string outcome(session::to_string(r.outcome));
            head += "  " + output::paint(outcome, output::outcome_sgr(outcome), style.color);
            if (r.final_code)
                head += " " + output::paint(fmt::format("{} {}", r.final_code,
                                                        text::visible(r.final_reason, true)),
                                            output::status_sgr(r.final_code), style.color);
            head += ": " + text::visible(output::first_sentence(r.explanation), true) + "\n";
        }
        text =
            output::wrap_lines(head, style.width, 2) + output::render_ladder_text(messages, ladder);
    }
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return code;
}

void setup(CLI::App& root, CliContext& context) {
    auto options = std::make_shared<FlowCliOptions>();
    CLI::App* cmd =
        root.add_subcommand("flow", "Ladder diagram of one Call-ID (or of a session's legs): hosts "
                                    "as columns, arrows with method/status, "
                                    "time deltas, retransmissions marked");
    cmd->add_option("captures", options->captures, "Capture files or directories ('-' = stdin)")
        ->required();
    cmd->add_option("--call", options->call_ids,
                    "The Call-ID to draw (one; 'sipdx calls CAPTURE' lists them)")
        ->allow_extra_args(false);
    cmd->add_option("--session", options->session,
                    "Draw every leg of one session instead: its id (S3), icid or one of its "
                    "Call-IDs ('sipdx sessions CAPTURE' lists them); nodes carry their roles, "
                    "legs are marked L1, L2... (coloured in SVG)");
    cmd->add_option("--correlate-header", options->correlate_headers,
                    "With --session: a header whose equal values tie Call-IDs (as in 'sessions')")
        ->allow_extra_args(false);
    cmd->add_option("--format", options->format, "text (default), mermaid or svg")
        ->check(CLI::IsMember({"text", "mermaid", "svg"}));
    cmd->add_flag("--no-duplicates", options->no_duplicates,
                  "Leave out copies of the same transmission seen at several capture points");
    add_color_option(cmd, options->color);
    add_quiet_option(cmd, options->quiet);
    cmd->add_option("--max-hosts", options->max_hosts,
                    "At most this many host columns (default 16); later hosts share one last "
                    "column, \"others\"")
        ->check(CLI::Range(std::size_t{2}, std::size_t{1024}));
    cmd->callback([options, &context] { context.exit_code = run(*options); });
}

} // namespace

SIPDX_REGISTER_COMMAND(70, setup, "flow");

} // namespace sipdx::cli
