// What the CLI knows of the terminal it writes to: --color (auto, always, never; NO_COLOR
// honoured), the width lines must fit (COLUMNS, else the terminal's size), -q and the progress
// bar on stderr that every command reading captures shows. docs/cli.md states the rules.
#pragma once

#include <sipdx/output/terminal.h>

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdint>
#include <string>

namespace sipdx::cli {

// Adds --color=auto|always|never (default auto) storing into `choice`.
void add_color_option(CLI::App* cmd, std::string& choice);
// auto: colour when stdout is a terminal and NO_COLOR is unset or empty; always; never.
bool color_wanted(const std::string& choice);
// The widest line for text on stdout: COLUMNS when it is a number, else the terminal's width,
// else 0 (no limit: stdout is a file or a pipe).
std::size_t output_width();
// Both, for the text renderers.
output::TextStyle text_style(const std::string& color_choice);

// A text report made ready for stdout: wrapped to the width, coloured when asked.
std::string for_terminal(const std::string& text, const output::TextStyle& style);

// Adds -q,--quiet: no progress bar (and nothing else).
void add_quiet_option(CLI::App* cmd, bool& quiet);

// A one-line progress bar on stderr when it is a terminal: percentage, MB/s and ETA. Cleared
// when done, so it never mixes with the output.
class Progress {
public:
    explicit Progress(bool quiet);
    ~Progress() { clear(); }
    Progress(const Progress&) = delete;
    Progress& operator=(const Progress&) = delete;
    // Whether a bar is drawn at all (stderr a terminal, no -q): callers may skip its cost.
    bool enabled() const { return m_enabled; }
    void update(std::uint64_t done, std::uint64_t total);
    void clear();

private:
    bool m_enabled;
    bool m_drawn = false;
    std::chrono::steady_clock::time_point m_start = std::chrono::steady_clock::now();
    std::chrono::steady_clock::time_point m_last;
};

} // namespace sipdx::cli
