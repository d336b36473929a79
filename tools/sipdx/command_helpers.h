// Pieces several commands share: the --format option of the listings (`calls`, `messages`,
// `live`) and the report of a run's inputs (`calls`, `flow`, `filter`).
#pragma once

#include <sipdx/analysis/analyzer.h>
#include <sipdx/output/messages.h>

#include <CLI/CLI.hpp>

#include <cstdint>
#include <string>
#include <string_view>

namespace sipdx::cli {

// Adds --format (table, ndjson, csv, tsv) storing into `format` (which must outlive the parse).
void add_listing_format_option(CLI::App* cmd, std::string& format);
// The format named by --format; without one, a table on a terminal and NDJSON otherwise.
output::Format pick_format(const std::string& name);
// --csv-formulas neutralise|keep (output::set_csv_formulas); add_listing_format_option adds it.
void add_csv_formulas_option(CLI::App* cmd);

// --max-state-mb for the commands that analyse (AnalyzeOptions::tracker.max_state_bytes).
void add_max_state_option(CLI::App* cmd, std::uint64_t& max_state_mb);
// --threads N (0 = all cores, at most analysis::max_threads); `what` names the output that is
// the same for any value ("records", "report").
void add_threads_option(CLI::App* cmd, unsigned& threads, std::string_view what);

// The bounds a run reached (docs/limits.md), for --stats: Call-IDs emitted early for the state
// budget, transactions forgotten, TCP flows and IP fragment sets evicted. On stderr.
void print_limits_report(const analysis::Analyzer& analyzer);

// Prints each input's problems on stderr ("sipdx: ..."); throws UsageError when the paths held
// no capture file at all.
void report_inputs(const analysis::RunResult& run);

} // namespace sipdx::cli
