// sipdx analyze CAPTURE...: what happened in the trace, and why (docs/analysis.md).
#include "command.h"
#include "command_helpers.h"
#include "terminal.h"

#include <sipdx/analysis/analyzer.h>
#include <sipdx/analysis/sessions.h>
#include <sipdx/output/analysis.h>
#include <sipdx/output/messages.h>
#include <sipdx/output/sessions.h>
#include <sipdx/store/writer.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace sipdx::cli {
namespace {

struct AnalyzeCliOptions {
    std::vector<std::string> captures;
    bool json = false;
    std::string format;
    std::string color;
    bool quiet = false;
    unsigned threads = 0;
    std::uint64_t max_state_mb = 0; // 0: a quarter of the machine's memory
    std::string db; // --db: also store the records (the same code path as `sipdx ingest`)
    std::string message_rows = "all"; // with --db: which per-message rows to keep
    bool sessions = false;            // --sessions: session counts (docs/sessions.md)
    std::vector<std::string> correlate_headers;
};

int run(AnalyzeCliOptions& options) {
    if (options.format == "json") options.json = true;
    Progress progress(options.quiet);
    analysis::AnalyzeOptions analyze_options;
    analyze_options.threads = options.threads;
    analyze_options.tracker.max_state_bytes = options.max_state_mb << 20;
    analyze_options.progress = [&](std::uint64_t done, std::uint64_t total) {
        progress.update(done, total);
    };
    store::StoreOptions store_options;
    store_options.db = options.db;
    const auto rows = store::parse_message_rows(options.message_rows);
    if (!rows) throw UsageError("analyze: --message-rows must be all, failed or none");
    store_options.message_rows = *rows;
    // Sessions (docs/sessions.md): keys from the messages, legs from the records. On request
    // only: reading the keys costs about as much again as the rest of the analysis.
    analysis::SessionOptions session_options;
    session_options.correlate_headers = options.correlate_headers;
    analysis::SessionBuilder sessions(session_options);
    if (options.sessions)
        analyze_options.on_message = [&sessions](const analysis::MessageContext& m) {
            sessions.observe(m);
        };
    auto store = store::attach_options(store_options, options.captures, analyze_options);
    if (!store) throw UsageError(store.error().message);
    analysis::Analyzer analyzer(analyze_options);
    if (*store) (*store)->attach(analyzer);
    if (options.sessions)
        analyzer.on_record([&sessions, next = analyzer.record_sink()](session::CallRecord&& r) {
            sessions.add(r);
            if (next) next(std::move(r));
        });
    const auto run = analyzer.run(options.captures);
    progress.clear();

    for (std::size_t i = 0; i < run.inputs.size(); ++i) {
        const auto& in = run.inputs[i];
        for (const auto& p : in.problems)
            std::fprintf(stderr, "sipdx: %s\n", p.c_str());
        const auto& decoded = analyzer.decode_stats()[i];
        if (decoded.sip_messages == 0 && decoded.tls_flows > 0)
            std::fprintf(stderr, "sipdx: %s: %s", in.path.c_str(),
                         output::tls_hint(decoded).c_str());
    }
    if (run.inputs.empty()) throw UsageError("no capture files found in the given directories");
    int code = run.exit_code();
    if (code == exit_unusable) return code;
    if (*store) {
        auto stored = store::write_analysis(**store, run);
        if (!stored && stored.error().kind != store::ErrorKind::input)
            throw UsageError(stored.error().message);
        if (!stored) {
            // A capture that changed while it was read is not stored; the analysis of what
            // was read is still printed.
            std::fprintf(stderr, "sipdx: %s\n", stored.error().message.c_str());
            code = std::max(code, static_cast<int>(exit_input_errors));
        } else if (!options.quiet) {
            std::fprintf(stderr, "sipdx: %s\n", stored->c_str());
        }
    }

    std::string text;
    if (options.json) {
        auto j = output::summary_json(analyzer.summary(), run);
        if (options.sessions)
            j["sessions"] = output::session_summary_json(analysis::summarize(sessions.finish()));
        text = j.dump(2, ' ', false, nlohmann::ordered_json::error_handler_t::replace) + "\n";
    } else {
        text = output::render_summary_text(analyzer.summary(), run);
        if (options.sessions)
            text +=
                "\n" + output::render_session_summary_text(analysis::summarize(sessions.finish()));
        text = for_terminal(text, text_style(options.color));
    }
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return code;
}

void setup(CLI::App& root, CliContext& context) {
    auto options = std::make_shared<AnalyzeCliOptions>();
    CLI::App* cmd = root.add_subcommand(
        "analyze", "What happened in the trace and why: responses by class and code, outcomes, "
                   "KPIs, findings (several files or a directory are one trace)");
    cmd->add_option("captures", options->captures, "Capture files or directories ('-' = stdin)")
        ->required();
    cmd->add_option("--format", options->format,
                    "text (default) or json (schema sipdx.analyze/1, docs/analysis.md)")
        ->check(CLI::IsMember({"text", "json"}));
    cmd->add_flag("--json", options->json, "The same as --format json");
    add_color_option(cmd, options->color);
    add_quiet_option(cmd, options->quiet);
    add_max_state_option(cmd, options->max_state_mb);
    add_threads_option(cmd, options->threads, "report is");
    cmd->add_option("--db", options->db,
                    "Also store the captures' calls, messages and findings in this SQLite file, "
                    "as `sipdx ingest` does (docs/store.md)");
    cmd->add_option("--message-rows", options->message_rows,
                    "With --db: which per-message rows to keep, as for ingest: all (default), "
                    "failed or none")
        ->check(CLI::IsMember({"all", "failed", "none"}));
    cmd->add_flag("--sessions", options->sessions,
                  "Also count sessions (Call-IDs of one call across legs, docs/sessions.md): "
                  "sessions, multi-leg sessions, outcomes per session");
    cmd->add_option("--correlate-header", options->correlate_headers,
                    "With --sessions: a header whose equal values tie Call-IDs (as in "
                    "'sessions')")
        ->allow_extra_args(false);
    cmd->callback([options, &context] { context.exit_code = run(*options); });
}

} // namespace

SIPDX_REGISTER_COMMAND(50, setup, "analyze");

} // namespace sipdx::cli
