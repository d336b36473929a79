// sipdx calls CAPTURE...: one record per Call-ID with its outcome and why (docs/analysis.md).
#include "command.h"
#include "command_helpers.h"
#include "record_filter_options.h"
#include "sorted_lines.h"
#include "terminal.h"

#include <sipdx/analysis/analyzer.h>
#include <sipdx/media/analyzer.h>
#include <sipdx/output/analysis.h>
#include <sipdx/output/call_view.h>
#include <sipdx/output/media.h>
#include <sipdx/session/record.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <map>
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
    std::vector<std::string> call_ids; // --call: the detail view of these Call-IDs
    std::string color;
    bool quiet = false;
    bool media = false;
};

// --call ID matches that Call-ID, or any that starts with it (a Call-ID cut in the table).
bool call_matches(const std::vector<std::string>& wanted, std::string_view call_id) {
    for (const auto& w : wanted)
        if (call_id.substr(0, w.size()) == w) return true;
    return false;
}

// Every message of the selected Call-IDs, for their ladders and the messages in full.
struct CallEvidence {
    std::vector<session::MessageRecord> ladder;
    std::vector<output::CallMessage> messages;
};
constexpr std::size_t max_messages_per_call = 100000;

// The detail view of each Call-ID --call selected; a prefix matching several is an error that
// lists them.
std::string render_details(const CallsCliOptions& options,
                           const std::vector<session::CallRecord>& records,
                           std::map<std::string, CallEvidence>& evidence) {
    std::string text;
    const output::TextStyle style = text_style(options.color);
    for (const auto& wanted : options.call_ids) {
        std::vector<std::string> ids;
        if (evidence.count(wanted)) {
            ids.push_back(wanted);
        } else {
            for (const auto& [id, unused] : evidence)
                if (id.compare(0, wanted.size(), wanted) == 0) ids.push_back(id);
        }
        if (ids.empty())
            throw UsageError("no message with Call-ID '" + wanted +
                             "' in the input (list them with 'sipdx calls CAPTURE')");
        if (ids.size() > 1) {
            std::string list;
            for (std::size_t i = 0; i < ids.size() && i < 10; ++i)
                list += (i ? ", " : "") + ids[i];
            throw UsageError(fmt::format("--call '{}' starts {} Call-IDs ({}{}): give more of it",
                                         wanted, ids.size(), list, ids.size() > 10 ? ", ..." : ""));
        }
        std::vector<session::CallRecord> mine;
        for (const auto& r : records)
            if (r.call_id == ids.front()) mine.push_back(r);
        const CallEvidence& e = evidence[ids.front()];
        if (!text.empty()) text += '\n';
        text += output::render_call_detail(mine, e.ladder, e.messages, style);
    }
    return text;
}

int run(const CallsCliOptions& options) {
    const auto filter = make_record_filter(options.filters);
    const output::Format format = pick_format(options.format);

    analysis::AnalyzeOptions analyze_options;
    analyze_options.threads = options.threads;
    analyze_options.tracker.max_state_bytes = options.max_state_mb << 20;
    // Rendering a line per record (and --call's evidence, --media's SDP) costs about what
    // tracking does: on a thread of its own the two overlap. Below, the callbacks keep to
    // their own state until run() returns.
    analyze_options.consume_apart = true;
    Progress progress(options.quiet);
    analyze_options.progress = [&](std::uint64_t done, std::uint64_t total) {
        progress.update(done, total);
    };
    const bool detail = !options.call_ids.empty();
    std::map<std::string, CallEvidence> evidence;
    if (detail) {
        analyze_options.on_message = [&](const analysis::MessageContext& m) {
            const session::SipEvent& e = m.event;
            if (!call_matches(options.call_ids, e.call_id)) return;
            CallEvidence& call = evidence[std::string(e.call_id)];
            if (call.ladder.size() >= max_messages_per_call) return;
            call.ladder.push_back(
                session::make_message_record(e, m.step.retransmission(), m.step.duplicate()));
            const std::string_view bytes = m.message.raw.empty() ? m.payload.bytes : m.message.raw;
            call.messages.push_back({{e.frame, e.time_ns, e.src.to_string(), e.dst.to_string(),
                                      std::string(decode::to_string(m.payload.transport))},
                                     std::string(bytes)});
        };
    }
    media::MediaAnalyzer media;
    if (options.media) media.attach(analyze_options);
    analysis::Analyzer analyzer(analyze_options);
    // --call shows the detail view, unless a machine format was asked for. The detail view and
    // the terminal table size their columns from every record, and --media completes the records
    // once the run is over, so they keep the records; the machine formats keep only each
    // record's line.
    const bool machine = !options.format.empty() && format != output::Format::table;
    const bool show_detail = detail && !machine;
    const bool keep_records = show_detail || format == output::Format::table || options.media;
    std::vector<session::CallRecord> records;
    // Each record is rendered as it arrives and only its line is kept (a record with its
    // message log is several times larger); lines beyond a budget are sorted and spilled to a
    // temporary file. The header is what the renderer writes for no records.
    const std::string header = keep_records ? std::string() : output::render_records({}, format);
    SortedLines lines;
    std::vector<session::CallRecord> one(1);
    analyzer.on_record([&](session::CallRecord&& r) {
        if (detail && !call_matches(options.call_ids, r.call_id)) return;
        if (!filter.matches(r)) return;
        if (keep_records) {
            records.push_back(std::move(r));
            return;
        }
        one.front() = std::move(r);
        const std::string text = output::render_records(one, format);
        lines.add(one.front().start_ns, one.front().call_id,
                  std::string_view(text).substr(header.size()));
    });
    const auto run = analyzer.run(options.captures);
    progress.clear();
    report_inputs(run);
    if (options.stats) print_limits_report(analyzer);
    const int code = run.exit_code();
    if (code == exit_unusable) return code;

    // Records leave the tracker as calls finish; print them in order of their first message.
    if (!keep_records) {
        std::fwrite(header.data(), 1, header.size(), stdout);
        lines.write_to(stdout); // a failed write is reported once, at exit (main.cpp)
        std::fflush(stdout);
        return code;
    }
    std::stable_sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
        if (a.start_ns != b.start_ns) return a.start_ns < b.start_ns;
        return a.call_id < b.call_id;
    });
    if (options.media) {
        media.finish();
        for (auto& r : records)
            media.annotate(r);
    }
    const std::string text = show_detail ? render_details(options, records, evidence)
                             : format == output::Format::table
                                 ? output::render_records_table(records, text_style(options.color))
                             : options.media
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
    add_threads_option(cmd, options->threads, "records are");
    add_record_filters(cmd, options->filters);
    cmd->add_option("--call", options->call_ids,
                    "Show this Call-ID in detail: its record, why, ladder and every message in "
                    "full with its SDP decoded (a start of the Call-ID is enough when only one "
                    "starts so; with --format ndjson/csv/tsv: its records only)")
        ->allow_extra_args(false);
    add_color_option(cmd, options->color);
    add_quiet_option(cmd, options->quiet);
    cmd->add_flag("--stats", options->stats,
                  "On stderr at the end: the bounds the run reached (docs/limits.md)");
    cmd->add_flag("--media", options->media,
                  "Also measure the calls' RTP: media fields at the end of each record and media "
                  "findings in the explanation (docs/media.md)");
    cmd->callback([options, &context] { context.exit_code = run(*options); });
}
} // namespace

SIPDX_REGISTER_COMMAND(60, setup, "calls");

} // namespace sipdx::cli
