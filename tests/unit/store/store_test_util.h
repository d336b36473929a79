// Helpers for the store tests: temporary directories and the shared corpus.
#pragma once

#include <sipdx/store/database.h>
#include <sipdx/store/writer.h>

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <unistd.h>

#include <filesystem>
#include <string>

namespace sipdx::store::test {

inline std::filesystem::path temp_dir(const std::string& name) {
    const auto dir = std::filesystem::temp_directory_path() /
                     ("sipdx-store-" + name + "-" + std::to_string(getpid()));
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    return dir;
}

inline StoreOptions db_options(const std::string& path, std::size_t batch_rows = 20000,
                               std::int64_t max_pages = 0) {
    StoreOptions o;
    o.db = path;
    o.batch_rows = batch_rows;
    o.max_page_count = max_pages;
    return o;
}

inline OpenOptions open_options(OpenMode mode, int busy_timeout_ms = 5000) {
    OpenOptions o;
    o.mode = mode;
    o.busy_timeout_ms = busy_timeout_ms;
    return o;
}

inline std::string corpus(const std::string& name) {
    return std::string(SIPDX_SHARED_DIR) + "/corpus/" + name;
}

inline bool have_corpus() {
    return std::filesystem::exists(corpus("sip-udp-options-200.pcap"));
}

// Captures with responses of several classes, small enough for unit tests.
inline const std::vector<std::string>& sample_captures() {
    static const std::vector<std::string> names{
        "sip-udp-wireshark-sample-register-invite-cancel.pcap",
        "sip-websocket-and-udp-calls.pcap",
        "sip-udp-register-call-rtp-rtcp.pcap",
        "sip-tcp-port6060-segmented-ims-calls.pcap",
        "sip-udp-options-200.pcap",
    };
    return names;
}

// The sample captures' paths in the shared corpus.
inline std::vector<std::string> sample_capture_paths() {
    std::vector<std::string> out;
    for (const auto& name : sample_captures())
        out.push_back(corpus(name));
    return out;
}

#define SIPDX_REQUIRE_CORPUS()                                                                     \
    do {                                                                                           \
        if (!::sipdx::store::test::have_corpus())                                                  \
            GTEST_SKIP() << "shared corpus absent (" SIPDX_SHARED_DIR "/corpus)";                  \
    } while (0)

} // namespace sipdx::store::test

#include <sys/wait.h>

#include "unit/cli_run.h"

namespace sipdx::store::test {

struct CliRun {
    int code = -1; // exit code; 128 + signal when killed
    std::string out;
    std::string err;
};

inline std::string slurp(const std::filesystem::path& p) {
    return sipdx::test_cli::slurp_file(p);
}

// Runs a shell command line, capturing stdout, stderr and the exit code.
inline CliRun run_shell(const std::string& line, const std::filesystem::path& /*dir*/) {
    auto r = sipdx::test_cli::run_shell(line);
    return {r.exit_code, std::move(r.out), std::move(r.err)};
}

inline CliRun cli(const std::string& args, const std::filesystem::path& dir) {
    return run_shell(std::string(SIPDX_CLI) + " " + args, dir);
}

inline std::string q(const std::string& s) { // shell quoting
    std::string out = "'";
    for (char c : s)
        out += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return out + "'";
}

} // namespace sipdx::store::test
