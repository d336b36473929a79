// sipdx filter CAPTURE... [filters] -w OUT: the frames of the selected Call-IDs as a new
// pcapng capture (docs/analysis.md).
#include "command.h"

#include <sipdx/analysis/filter.h>
#include <sipdx/analysis/render.h>
#include <sipdx/session/record.h>

#include <fmt/format.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace sipdx::cli {

// Defined in calls.cpp: the selection options shared by calls and filter.
void add_record_filters(CLI::App* cmd, std::vector<std::string>& outcomes, std::vector<int>& codes,
                        std::vector<std::string>& classes, std::vector<std::string>& methods,
                        std::vector<std::string>& kinds, std::string& from, std::string& to);

namespace {

struct FilterCliOptions {
    std::vector<std::string> captures;
    std::string output;
    std::string call_id;
    std::vector<std::string> outcomes;
    std::vector<int> codes;
    std::vector<std::string> classes;
    std::vector<std::string> methods;
    std::vector<std::string> kinds;
    std::string from;
    std::string to;
};

analysis::RecordFilter make_filter(const FilterCliOptions& o) {
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
        if (text.empty() || text[0] < '1' || text[0] > '6' ||
            (text.size() != 1 && text.substr(1) != "xx" && text.substr(1) != "XX"))
            throw UsageError("--class must be 1..6 or 1xx..6xx, not '" + text + "'");
        f.classes.push_back(text[0] - '0');
    }
    f.methods = o.methods;
    f.from = o.from;
    f.to = o.to;
    f.call_id = o.call_id;
    return f;
}

int run(const FilterCliOptions& options) {
    const auto filter = make_filter(options);
    auto result = analysis::filter_capture(options.captures, filter, options.output);
    if (!result) throw UsageError(result.error());
    for (const auto& in : result->run.inputs)
        for (const auto& p : in.problems)
            std::fprintf(stderr, "sipdx: %s\n", p.c_str());
    if (result->run.inputs.empty())
        throw UsageError("no capture files found in the given directories");
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
                  "included) to a new pcapng capture");
    cmd->add_option("captures", options->captures, "Capture files or directories")->required();
    cmd->add_option("-w,--write", options->output, "Output capture (pcapng; '-' = stdout)")
        ->required();
    cmd->add_option("--call", options->call_id, "Only this Call-ID");
    add_record_filters(cmd, options->outcomes, options->codes, options->classes, options->methods,
                       options->kinds, options->from, options->to);
    cmd->callback([options, &context] { context.exit_code = run(*options); });
}

} // namespace

SIPDX_REGISTER_COMMAND(80, setup);

} // namespace sipdx::cli
