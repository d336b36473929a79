// sipdx flow CAPTURE --call CALL_ID: the ladder diagram of one Call-ID (docs/analysis.md).
#include "command.h"
#include "command_helpers.h"

#include <sipdx/analysis/analyzer.h>
#include <sipdx/output/ladder.h>
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
    std::size_t max_hosts = output::LadderOptions{}.max_hosts;
};

// A Call-ID can carry any number of messages; beyond this many the ladder stops and says so.
constexpr std::size_t max_ladder_messages = 100000;

// The Call-ID to draw, with errors that say what to do next.
std::string one_call_id(const std::vector<std::string>& given) {
    if (given.empty())
        throw UsageError("flow draws one Call-ID: give --call ID (list them with 'sipdx calls "
                         "CAPTURE', the failed ones with 'sipdx calls CAPTURE --outcome failed')");
    if (given.size() > 1)
        throw UsageError(fmt::format("flow draws one Call-ID at a time, and --call was given {} "
                                     "times; run flow once per Call-ID",
                                     given.size()));
    return given.front();
}

int run(FlowCliOptions& options) {
    options.call_id = one_call_id(options.call_ids);
    analysis::AnalyzeOptions analyze_options;
    analyze_options.explain = false;
    std::vector<session::MessageRecord> messages;
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
    const auto run = analyzer.run(options.captures);
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
        text = "Call-ID " + text::visible(options.call_id, true) + "\n" +
               output::render_ladder_text(messages, ladder);
    }
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return code;
}

void setup(CLI::App& root, CliContext& context) {
    auto options = std::make_shared<FlowCliOptions>();
    CLI::App* cmd = root.add_subcommand(
        "flow", "Ladder diagram of one Call-ID: hosts as columns, arrows with method/status, "
                "time deltas, retransmissions marked");
    cmd->add_option("captures", options->captures, "Capture files or directories ('-' = stdin)")
        ->required();
    cmd->add_option("--call", options->call_ids,
                    "The Call-ID to draw (one; 'sipdx calls CAPTURE' lists them)")
        ->allow_extra_args(false);
    cmd->add_option("--format", options->format, "text (default), mermaid or svg")
        ->check(CLI::IsMember({"text", "mermaid", "svg"}));
    cmd->add_flag("--no-duplicates", options->no_duplicates,
                  "Leave out copies of the same transmission seen at several capture points");
    cmd->add_option("--max-hosts", options->max_hosts,
                    "At most this many host columns (default 16); later hosts share one last "
                    "column, \"others\"")
        ->check(CLI::Range(std::size_t{2}, std::size_t{1024}));
    cmd->callback([options, &context] { context.exit_code = run(*options); });
}

} // namespace

SIPDX_REGISTER_COMMAND(70, setup);

} // namespace sipdx::cli
