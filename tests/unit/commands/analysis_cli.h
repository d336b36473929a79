// Helpers for the analyze/calls/flow/filter CLI tests: run the built sipdx and read the
// corpus truth.
#pragma once

#include "unit/cli_run.h"

#include <filesystem>
#include <string>

namespace sipdx::test {

using CliRun = test_cli::ShellRun;

// Runs `sipdx ARGS` (ARGS is a shell fragment; callers quote paths with quoted()).
inline CliRun run_sipdx(const std::string& args, bool keep_stderr = false) {
    return test_cli::run_cli(args, keep_stderr ? test_cli::Stderr::fold : test_cli::Stderr::drop);
}

inline std::string quoted(const std::filesystem::path& path) {
    return "'" + path.string() + "'";
}

inline std::string slurp(const std::filesystem::path& path) {
    return test_cli::slurp_file(path);
}

inline std::filesystem::path corpus_dir() {
    return std::filesystem::path(SIPDX_SHARED_DIR) / "corpus";
}

inline std::filesystem::path sample_capture() {
    return std::filesystem::path(SIPDX_TEST_DATA_DIR) / "sample" / "sipdx-sample.pcap";
}

} // namespace sipdx::test
