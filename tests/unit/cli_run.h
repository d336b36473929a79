// Running the built sipdx (or any shell line) from a test: its stdout, its stderr and how it
// ended. One implementation for every CLI-level test.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace sipdx::test_cli {

struct ShellRun {
    int exit_code = -1; // the exit status; 128 + N when killed by signal N
    std::string out;
    std::string err; // empty unless Stderr::capture
};

enum class Stderr { capture, fold, drop };

inline std::string slurp_file(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream out;
    out << in.rdbuf();
    return out.str();
}

// Runs `line` with /bin/sh. stderr is read separately (capture), mixed into `out` (fold) or
// discarded (drop).
inline ShellRun run_shell(const std::string& line, Stderr mode = Stderr::capture) {
    ShellRun run;
    std::string err_path;
    std::string command = "(" + line + ")";
    if (mode == Stderr::capture) {
        std::string pattern =
            (std::filesystem::temp_directory_path() / "sipdx-test-stderr-XXXXXX").string();
        const int fd = ::mkstemp(pattern.data());
        if (fd < 0) return run;
        ::close(fd);
        err_path = pattern;
        command += " 2>'" + err_path + "'";
    } else {
        command += mode == Stderr::fold ? " 2>&1" : " 2>/dev/null";
    }
    FILE* pipe = ::popen(command.c_str(), "r");
    if (pipe != nullptr) {
        char buffer[8192];
        std::size_t n = 0;
        while ((n = std::fread(buffer, 1, sizeof buffer, pipe)) > 0)
            run.out.append(buffer, n);
        const int status = ::pclose(pipe);
        run.exit_code = WIFEXITED(status)     ? WEXITSTATUS(status)
                        : WIFSIGNALED(status) ? 128 + WTERMSIG(status)
                                              : -1;
    }
    if (!err_path.empty()) {
        run.err = slurp_file(err_path);
        std::filesystem::remove(err_path);
    }
    return run;
}

// The built sipdx with `args` (a shell fragment: quote paths).
inline ShellRun run_cli(const std::string& args, Stderr mode = Stderr::capture) {
    return run_shell("'" + std::string(SIPDX_CLI) + "' " + args, mode);
}

} // namespace sipdx::test_cli
