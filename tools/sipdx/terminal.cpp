#include "terminal.h"

#include <fmt/format.h>

#include <sys/ioctl.h>
#include <unistd.h>

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace sipdx::cli {

void add_color_option(CLI::App* cmd, std::string& choice) {
    choice = "auto";
    cmd->add_option("--color", choice,
                    "Colour the text: auto (on a terminal, unless NO_COLOR is set), always, never")
        ->check(CLI::IsMember({"auto", "always", "never"}))
        ->capture_default_str();
}

bool color_wanted(const std::string& choice) {
    if (choice == "always") return true;
    if (choice == "never") return false;
    const char* no_color = std::getenv("NO_COLOR");
    if (no_color != nullptr && *no_color != '\0') return false;
    return isatty(STDOUT_FILENO) != 0;
}

std::size_t output_width() {
    if (const char* columns = std::getenv("COLUMNS")) {
        std::size_t value = 0;
        const char* end = columns + std::strlen(columns);
        const auto [ptr, error] = std::from_chars(columns, end, value);
        if (error == std::errc() && ptr == end && value >= 20 && value <= 10000) return value;
    }
    struct winsize size {};
    if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &size) == 0 && size.ws_col >= 20)
        return size.ws_col;
    return 0;
}

output::TextStyle text_style(const std::string& color_choice) {
    return {color_wanted(color_choice), output_width()};
}

std::string for_terminal(const std::string& text, const output::TextStyle& style) {
    return output::highlight_report(output::wrap_lines(text, style.width, 2), style.color);
}

void add_quiet_option(CLI::App* cmd, bool& quiet) {
    cmd->add_flag("-q,--quiet", quiet, "No progress bar on stderr");
}

Progress::Progress(bool quiet) : m_enabled(!quiet && isatty(STDERR_FILENO)) {}

void Progress::update(std::uint64_t done, std::uint64_t total) {
    if (!m_enabled) return;
    const auto now = std::chrono::steady_clock::now();
    if (m_drawn && now - m_last < std::chrono::milliseconds(200)) return;
    // Nothing is drawn for work that ends within half a second: a bar that flashes is noise.
    if (!m_drawn && now - m_start < std::chrono::milliseconds(500)) return;
    m_last = now;
    m_drawn = true;
    const double seconds = std::chrono::duration<double>(now - m_start).count();
    const double rate = seconds > 0 ? static_cast<double>(done) / seconds : 0.0;
    std::string line;
    if (total > 0) {
        const double fraction = std::min(1.0, static_cast<double>(done) / total);
        const int filled = static_cast<int>(fraction * 30);
        const double eta =
            rate > 0 ? static_cast<double>(total - std::min(done, total)) / rate : 0.0;
        line = fmt::format("\r[{:<30}] {:5.1f}% {:7.1f} MB/s ETA {:4.0f} s",
                           std::string(static_cast<std::size_t>(filled), '#'), fraction * 100.0,
                           rate / 1e6, eta);
    } else {
        line = fmt::format("\r{:.1f} MB read, {:.1f} MB/s", done / 1e6, rate / 1e6);
    }
    std::fputs(line.c_str(), stderr);
    std::fflush(stderr);
}

void Progress::clear() {
    if (m_enabled && m_drawn) std::fputs("\r\033[K", stderr);
    m_drawn = false;
}

} // namespace sipdx::cli
