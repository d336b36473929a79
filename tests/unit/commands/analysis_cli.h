// Helpers for the analyze/calls/flow/filter CLI tests: run the built sipdx and read the
// corpus truth.
#pragma once

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>

namespace sipdx::test {

struct CliRun {
    int exit_code = -1;
    std::string out;
};

// Runs `sipdx ARGS` (ARGS is a shell fragment; callers quote paths with quoted()).
inline CliRun run_sipdx(const std::string& args, bool keep_stderr = false) {
    const std::string command =
        std::string("'") + SIPDX_CLI + "' " + args + (keep_stderr ? " 2>&1" : " 2>/dev/null");
    CliRun run;
    FILE* pipe = popen(command.c_str(), "r");
    if (pipe == nullptr) return run;
    char buffer[8192];
    std::size_t n = 0;
    while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
        run.out.append(buffer, n);
    const int status = pclose(pipe);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    return run;
}

inline std::string quoted(const std::filesystem::path& path) {
    return "'" + path.string() + "'";
}

inline std::string slurp(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

inline std::filesystem::path corpus_dir() {
    return std::filesystem::path(SIPDX_SHARED_DIR) / "corpus";
}

inline std::filesystem::path sample_capture() {
    return std::filesystem::path(SIPDX_TEST_DATA_DIR) / "sample" / "sipdx-sample.pcap";
}

} // namespace sipdx::test
