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
struct Registered {
    int order;
    CommandSetup setup;
    const char* name; // null: always set up
};

std::vector<Registered>& registry() {
    static std::vector<Registered> commands;
    return commands;
}
} // namespace

CommandRegistration::CommandRegistration(int order, CommandSetup setup, const char* name) {
    registry().push_back({order, setup, name});
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
bool named(const Registered& command, const char* name) {
    return command.name != nullptr && std::strcmp(command.name, name) == 0;
}

// The command whose options alone need setting up, or null for all of them. Only when the first
// argument names a command (no root option before it: `sipdx --help analyze` lists every
// command) and no later argument names another one (CLI11 could take it for a second
// subcommand, and its error must stay the same). Everything CLI11 prints is then what the full
// set-up would print.
const char* only_command(const std::vector<Registered>& commands, int argc, char** argv) {
    if (argc < 2) return nullptr;
    const char* chosen = argv[1];
    if (std::none_of(commands.begin(), commands.end(),
                     [&](const Registered& c) { return named(c, chosen); }))
        return nullptr;
    for (int i = 2; i < argc; ++i) {
        for (const auto& c : commands)
            if (c.name != nullptr && std::strcmp(c.name, argv[i]) == 0) return nullptr;
    }
    return chosen;
}

bool has_subcommand(const CLI::App& app, const char* name) {
    return !app.get_subcommands([name](const CLI::App* s) { return s->get_name() == name; })
                .empty();
}

void set_up(CLI::App& app, CliContext& context, std::vector<Registered> commands, int argc,
            char** argv) {
    std::sort(commands.begin(), commands.end(),
              [](const auto& a, const auto& b) { return a.order < b.order; });
    const char* only = only_command(commands, argc, argv);
    for (const auto& c : commands)
        if (only == nullptr || c.name == nullptr || named(c, only)) c.setup(app, context);
    // A registration whose name differs from its subcommand's: the rest as well, as before.
    if (only != nullptr && !has_subcommand(app, only))
        for (const auto& c : commands)
            if (c.name != nullptr && !named(c, only)) c.setup(app, context);
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
    set_up(app, context, registry(), argc, argv);

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
