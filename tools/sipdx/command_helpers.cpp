#include "command_helpers.h"

#include "command.h"

#include <unistd.h>

#include <cstdio>
#include <map>

namespace sipdx::cli {

void add_listing_format_option(CLI::App* cmd, std::string& format) {
    cmd->add_option("--format", format,
                    "table (default on a terminal), ndjson (default otherwise), csv, tsv")
        ->check(CLI::IsMember({"table", "ndjson", "csv", "tsv"}));
}

output::Format pick_format(const std::string& name) {
    if (name.empty()) {
        return isatty(STDOUT_FILENO) ? output::Format::table : output::Format::ndjson;
    }
    static const std::map<std::string, output::Format> names{{"table", output::Format::table},
                                                             {"ndjson", output::Format::ndjson},
                                                             {"csv", output::Format::csv},
                                                             {"tsv", output::Format::tsv}};
    return names.at(name); // CLI11 already checked the name
}

void report_inputs(const analysis::RunResult& run) {
    for (const auto& in : run.inputs)
        for (const auto& p : in.problems)
            std::fprintf(stderr, "sipdx: %s\n", p.c_str());
    if (run.inputs.empty()) throw UsageError("no capture files found in the given directories");
}

} // namespace sipdx::cli
