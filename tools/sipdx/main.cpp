// sipdx: the command-line face of the sipdx library. All the work is in the library; the
// commands in commands/ register themselves (see command.h).
#include "command.h"

#include <sipdx/text/escape.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <exception>
#include <string>
#include <utility>
#include <vector>

namespace sipdx::cli {
namespace {
std::vector<std::pair<int, CommandSetup>>& registry() {
    static std::vector<std::pair<int, CommandSetup>> commands;
    return commands;
}
} // namespace

CommandRegistration::CommandRegistration(int order, CommandSetup setup) {
    registry().emplace_back(order, setup);
}

namespace {
// An error message names what the user gave, which may hold escape sequences: they are shown,
// never sent to the terminal.
std::string shown(const char* message) {
    return text::visible(message);
}

// Every command writes its output through stdout's buffer; a write that failed (a full disk, a
// closed file) leaves the stream's error flag set. A command that ran to its end would
// otherwise exit 0 with its output lost, so the last flush is checked here, once for all.
// A reader that closed the pipe early (`| head`) ends the process by SIGPIPE as for any Unix
// tool, quietly; EPIPE is only seen when SIGPIPE is ignored, and is quiet too.
int check_output_written(int exit_code) {
    errno = 0;
    const bool flushed = std::fflush(stdout) == 0;
    if (flushed && !std::ferror(stdout)) return exit_code;
    const int error = errno;
    if (error != EPIPE)
        std::fprintf(stderr, "sipdx: writing the output failed: %s\n",
                     error != 0 ? std::strerror(error) : "not all of it could be written");
    return exit_unusable;
}
} // namespace
} // namespace sipdx::cli

int main(int argc, char** argv) {
    using namespace sipdx::cli;
    CLI::App app{"sipdx: what happened in a SIP/IMS signalling trace, and why.", "sipdx"};
    app.set_version_flag("--version", SIPDX_VERSION);
    app.require_subcommand(1);
    app.fallthrough(false);

    CliContext context;
    auto commands = registry();
    std::sort(commands.begin(), commands.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [order, setup] : commands) {
        setup(app, context);
    }

    try {
        app.parse(argc, argv);
    } catch (const CLI::CallForHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForAllHelp& e) {
        return app.exit(e);
    } catch (const CLI::CallForVersion& e) {
        return app.exit(e);
    } catch (const CLI::ParseError& e) {
        std::fprintf(stderr, "sipdx: %s (see 'sipdx --help')\n", shown(e.what()).c_str());
        return exit_unusable;
    } catch (const UsageError& e) {
        std::fprintf(stderr, "sipdx: %s\n", shown(e.what()).c_str());
        return exit_unusable;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "sipdx: %s\n", shown(e.what()).c_str());
        return exit_unusable;
    }
    return check_output_written(context.exit_code);
}
