#include "command_helpers.h"

#include "command.h"

#include <sipdx/output/csv.h>

#include <fmt/format.h>

#include <unistd.h>

#include <cstdio>

namespace sipdx::cli {

void add_listing_format_option(CLI::App* cmd, std::string& format) {
    cmd->add_option("--format", format,
                    "table (default on a terminal), ndjson (default otherwise), csv, tsv")
        ->check(CLI::IsMember({"table", "ndjson", "csv", "tsv"}));
    add_csv_formulas_option(cmd);
}

void add_csv_formulas_option(CLI::App* cmd) {
    cmd->add_option_function<std::string>(
           "--csv-formulas",
           [](const std::string& name) {
               output::set_csv_formulas(output::parse_csv_formulas(name).value());
           },
           "CSV text fields starting with = + - @ TAB or CR: neutralise (default: a ' in "
           "front, so a spreadsheet shows them as text) or keep")
        ->check(CLI::IsMember({"neutralise", "neutralize", "keep"}));
}

output::Format pick_format(const std::string& name) {
    if (name.empty()) {
        return isatty(STDOUT_FILENO) ? output::Format::table : output::Format::ndjson;
    }
    return output::parse_format(name).value(); // CLI11 already checked the name
}

void add_max_state_option(CLI::App* cmd, std::uint64_t& max_state_mb) {
    cmd->add_option("--max-state-mb", max_state_mb,
                    "Memory for open Call-IDs (MiB; default: a quarter of the machine's); when "
                    "full, the least recently active are reported early, marked state-evicted")
        ->check(CLI::Range(std::uint64_t{16}, std::uint64_t{1} << 20));
}

void add_threads_option(CLI::App* cmd, unsigned& threads, std::string_view what) {
    cmd->add_option(
           "--threads", threads,
           fmt::format("Threads to use (0 = all cores); the {} the same for any value", what))
        ->capture_default_str()
        ->check(CLI::Range(0u, analysis::max_threads));
}

void print_limits_report(const analysis::Analyzer& analyzer) {
    std::uint64_t flows = 0;
    std::uint64_t fragments = 0;
    for (const auto& s : analyzer.decode_stats()) {
        flows += s.tcp_flows_evicted;
        fragments += s.fragment_sets_evicted;
    }
    const auto& t = analyzer.tracker_stats();
    std::fprintf(stderr,
                 "limits reached (docs/limits.md)\n"
                 "  %-44s %ju\n  %-44s %ju\n  %-44s %ju\n  %-44s %ju\n",
                 "Call-IDs emitted early (--max-state-mb)", static_cast<std::uintmax_t>(t.evicted),
                 "transactions forgotten (4096 per Call-ID)",
                 static_cast<std::uintmax_t>(t.transactions_dropped),
                 "tcp flows evicted (65536 at once)", static_cast<std::uintmax_t>(flows),
                 "ip fragment sets evicted (4096 at once)", static_cast<std::uintmax_t>(fragments));
}

void report_inputs(const analysis::RunResult& run) {
    for (const auto& in : run.inputs)
        for (const auto& p : in.problems)
            std::fprintf(stderr, "sipdx: %s\n", p.c_str());
    if (run.inputs.empty()) throw UsageError("no capture files found in the given directories");
}

} // namespace sipdx::cli
