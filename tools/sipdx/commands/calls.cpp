// sipdx calls CAPTURE...: one record per Call-ID with its outcome and why (docs/analysis.md).
#include "command.h"

#include <sipdx/analysis/analyzer.h>
#include <sipdx/analysis/render.h>
#include <sipdx/session/record.h>

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace sipdx::cli {
namespace {

struct CallsCliOptions {
    std::vector<std::string> captures;
    std::string format;
    std::vector<std::string> outcomes;
    std::vector<int> codes;
    std::vector<std::string> classes;
    std::vector<std::string> methods;
    std::vector<std::string> kinds;
    std::string from;
    std::string to;
};

analysis::RecordFilter make_filter(const CallsCliOptions& o) {
    analysis::RecordFilter f;
    for (const auto& name : o.outcomes) {
        auto outcome = session::parse_outcome(name);
        if (!outcome) throw UsageError("unknown --outcome '" + name + "'");
        f.outcomes.push_back(*outcome);
    }
    for (const auto& name : o.kinds) {
        auto kind = session::parse_kind(name);
        if (!kind) throw UsageError("unknown --kind '" + name + "'");
        f.kinds.push_back(*kind);
    }
    for (int code : o.codes) {
        if (code < 100 || code > 699) throw UsageError("--code must be 100..699");
        f.codes.push_back(code);
    }
    for (const auto& text : o.classes) {
        // "4", "4xx" and "4XX" all name class 4.
        if (text.empty() || text[0] < '1' || text[0] > '6' ||
            (text.size() != 1 &&
             (text.size() != 3 || (text.substr(1) != "xx" && text.substr(1) != "XX"))))
            throw UsageError("--class must be 1..6 or 1xx..6xx, not '" + text + "'");
        f.classes.push_back(text[0] - '0');
    }
    f.methods = o.methods;
    f.from = o.from;
    f.to = o.to;
    return f;
}

int run(const CallsCliOptions& options) {
    const auto filter = make_filter(options);
    analysis::RecordFormat format =
        isatty(STDOUT_FILENO) ? analysis::RecordFormat::table : analysis::RecordFormat::ndjson;
    static const std::map<std::string, analysis::RecordFormat> formats{
        {"table", analysis::RecordFormat::table},
        {"ndjson", analysis::RecordFormat::ndjson},
        {"csv", analysis::RecordFormat::csv},
        {"tsv", analysis::RecordFormat::tsv}};
    if (!options.format.empty()) format = formats.at(options.format);

    analysis::Analyzer analyzer;
    std::vector<session::CallRecord> records;
    analyzer.on_record([&](session::CallRecord&& r) {
        if (filter.matches(r)) records.push_back(std::move(r));
    });
    const auto run = analyzer.run(options.captures);
    for (const auto& in : run.inputs)
        for (const auto& p : in.problems)
            std::fprintf(stderr, "sipdx: %s\n", p.c_str());
    if (run.inputs.empty()) throw UsageError("no capture files found in the given directories");
    const int code = run.exit_code();
    if (code == exit_unusable) return code;

    // Records leave the tracker as calls finish; print them in order of their first message.
    std::stable_sort(records.begin(), records.end(), [](const auto& a, const auto& b) {
        if (a.start_ns != b.start_ns) return a.start_ns < b.start_ns;
        return a.call_id < b.call_id;
    });
    const std::string text = analysis::render_records(records, format);
    std::fwrite(text.data(), 1, text.size(), stdout);
    std::fflush(stdout);
    return code;
}

} // namespace

// Shared with flow and filter: the selection options.
void add_record_filters(CLI::App* cmd, std::vector<std::string>& outcomes, std::vector<int>& codes,
                        std::vector<std::string>& classes, std::vector<std::string>& methods,
                        std::vector<std::string>& kinds, std::string& from, std::string& to);

void add_record_filters(CLI::App* cmd, std::vector<std::string>& outcomes, std::vector<int>& codes,
                        std::vector<std::string>& classes, std::vector<std::string>& methods,
                        std::vector<std::string>& kinds, std::string& from, std::string& to) {
    cmd->add_option("--outcome", outcomes,
                    "Only these outcomes (answered, failed, cancelled, redirected, timeout, "
                    "in-progress, registered, unregistered, challenged, completed)")
        ->delimiter(',');
    cmd->add_option("--code", codes, "Only these final codes (e.g. 486,503)")->delimiter(',');
    cmd->add_option("--class", classes, "Only these final classes (e.g. 4xx or 4)")->delimiter(',');
    cmd->add_option("--method", methods, "Only Call-IDs whose first method is one of these")
        ->delimiter(',');
    cmd->add_option("--kind", kinds,
                    "Only these kinds (call, registration, subscription, message, options, other)")
        ->delimiter(',');
    cmd->add_option("--from", from, "From URI contains this text");
    cmd->add_option("--to", to, "To URI contains this text");
}

namespace {
void setup(CLI::App& root, CliContext& context) {
    auto options = std::make_shared<CallsCliOptions>();
    CLI::App* cmd = root.add_subcommand(
        "calls", "One record per Call-ID: kind, outcome, final code, timings, evidence and a "
                 "plain-words explanation");
    cmd->add_option("captures", options->captures, "Capture files or directories ('-' = stdin)")
        ->required();
    cmd->add_option("--format", options->format,
                    "table (default on a terminal), ndjson (default otherwise), csv, tsv")
        ->check(CLI::IsMember({"table", "ndjson", "csv", "tsv"}));
    add_record_filters(cmd, options->outcomes, options->codes, options->classes, options->methods,
                       options->kinds, options->from, options->to);
    cmd->callback([options, &context] { context.exit_code = run(*options); });
}
} // namespace

SIPDX_REGISTER_COMMAND(60, setup);

} // namespace sipdx::cli
