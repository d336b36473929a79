// Text for a terminal: colour by SIP class and severity (SGR sequences, only when asked), the
// width a text takes on screen with those sequences left out, and re-wrapping of long lines at
// word boundaries so a report fits the terminal. The CLI decides whether colour and which width
// apply (tools/sipdx/terminal.h); everything here is pure text in, text out.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sipdx::output {

// How text is shown: colour or not, and the widest line (0: no limit).
struct TextStyle {
    bool color = false;
    std::size_t width = 0;
};

// SGR sequences used everywhere, so a reader learns one scheme: failures red, server and
// global failures bold red, client errors yellow, success green, provisional and redirect
// cyan, headings bold, secondary text dim.
namespace sgr {
inline constexpr std::string_view reset = "\033[0m";
inline constexpr std::string_view bold = "\033[1m";
inline constexpr std::string_view dim = "\033[2m";
inline constexpr std::string_view red = "\033[31m";
inline constexpr std::string_view bold_red = "\033[1;31m";
inline constexpr std::string_view green = "\033[32m";
inline constexpr std::string_view yellow = "\033[33m";
inline constexpr std::string_view cyan = "\033[36m";
} // namespace sgr

// The colour of a status code's class (1xx..6xx); empty for 0 and unknown classes.
std::string_view status_sgr(int code);
// The colour of an outcome name ("failed", "answered", ...); empty when it has none.
std::string_view outcome_sgr(std::string_view outcome);
// The colour of a severity name ("error", "warning", "info"...); empty when it has none.
std::string_view severity_sgr(std::string_view severity);

// `text` wrapped in `sgr` and a reset when `color` and `sgr` is not empty; else `text`.
std::string paint(std::string_view text, std::string_view sgr, bool color);

// Colours the first word of each line of a text report when it is a status code (486), a
// class (4xx) or a severity (error, warning): what `explain`, `codes` and `analyze` print.
// Returns `text` unchanged when `color` is false.
std::string highlight_report(std::string_view text, bool color);

// `text` without its SGR/CSI escape sequences.
std::string strip_ansi(std::string_view text);
// Columns a line takes on screen: code points, escape sequences left out.
std::size_t visible_width(std::string_view line);

// Every line wider than `width` broken at spaces into lines that fit; the continuation lines
// are indented as the line was, plus `hang` columns. A word longer than a whole line is the
// only thing ever cut. `width` 0 returns the text as it is. Escape sequences count nothing.
std::string wrap_lines(std::string_view text, std::size_t width, std::size_t hang = 2);

} // namespace sipdx::output
