// The call-selection options shared by `calls`, `filter` and `query` (--outcome --code --class
// --method --kind --from --to), declared once so every command accepts and checks them the
// same way; they fill the one analysis::RecordFilter (`query` adds its time and capture
// options to it).
#pragma once

#include <sipdx/analysis/record_filter.h>

#include <CLI/CLI.hpp>

#include <string>
#include <vector>

namespace sipdx::cli {

struct RecordFilterOptions {
    std::vector<std::string> outcomes;
    std::vector<int> codes;
    std::vector<std::string> classes;
    std::vector<std::string> methods;
    std::vector<std::string> kinds;
    std::string from;
    std::string to;
};

// Adds the options to `cmd`, storing into `options` (which must outlive the parse).
void add_record_filters(CLI::App* cmd, RecordFilterOptions& options);

// Checks the values and builds the library's filter; throws UsageError on a bad value.
analysis::RecordFilter make_record_filter(const RecordFilterOptions& options);

} // namespace sipdx::cli
