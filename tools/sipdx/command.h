// The CLI's command registry. Each file in commands/ defines one subcommand and registers it
// with a static SIPDX_REGISTER_COMMAND(order, setup, "name") so that main.cpp never changes when
// a command is added. Commands stay thin: parse options, call the library, print.
#pragma once

#include <CLI/CLI.hpp>

#include <stdexcept>
#include <string>

namespace sipdx::cli {

// Documented exit codes of the whole CLI (README "Exit codes").
enum ExitCode : int {
    exit_ok = 0,           // success
    exit_input_errors = 1, // input processed, but it had errors (the command says which)
    exit_unusable = 2,     // usage error, or input that could not be read at all
};

// Thrown by a command for a usage error or unreadable input; main prints it as one line on
// stderr ("sipdx: <message>") and exits 2.
struct UsageError : std::runtime_error {
    using std::runtime_error::runtime_error;
};

struct CliContext {
    int exit_code = exit_ok;
};

using CommandSetup = void (*)(CLI::App& root, CliContext& context);

struct CommandRegistration {
    // `name` is the subcommand's name as `setup` adds it, or null: a named command's options are
    // only set up when it is the one chosen (CLI11 allocates every option it is given, ~1,800
    // allocations at every start otherwise). Unnamed commands are always set up.
    CommandRegistration(int order, CommandSetup setup, const char* name = nullptr);
};

// Registers a subcommand; `order` places it in --help (lower first); the optional third
// argument is its name (see CommandRegistration).
#define SIPDX_REGISTER_COMMAND(order, setup, ...)                                                  \
    static const ::sipdx::cli::CommandRegistration sipdx_command_registration_##order {            \
        order, setup __VA_OPT__(, ) __VA_ARGS__                                                    \
    }

} // namespace sipdx::cli
