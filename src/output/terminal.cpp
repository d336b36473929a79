#include <sipdx/output/terminal.h>

#include <algorithm>
#include <cctype>

namespace sipdx::output {

std::string_view status_sgr(int code) {
    switch (code / 100) {
    case 1:
    case 3:
        return sgr::cyan;
    case 2:
        return sgr::green;
    case 4:
        return sgr::yellow;
    case 5:
    case 6:
        return sgr::bold_red;
    default:
        return {};
    }
}

std::string_view outcome_sgr(std::string_view outcome) {
    if (outcome == "failed" || outcome == "timeout") return sgr::bold_red;
    if (outcome == "cancelled" || outcome == "challenged") return sgr::yellow;
    if (outcome == "answered" || outcome == "registered" || outcome == "completed" ||
        outcome == "unregistered" || outcome == "ended")
        return sgr::green;
    if (outcome == "redirected" || outcome == "in-progress") return sgr::cyan;
    return {};
}

std::string_view severity_sgr(std::string_view severity) {
    if (severity == "error" || severity == "critical" || severity == "major") return sgr::bold_red;
    if (severity == "warning" || severity == "minor") return sgr::yellow;
    if (severity == "info" || severity == "notice") return sgr::cyan;
    return {};
}

std::string paint(std::string_view text, std::string_view code, bool color) {
    if (!color || code.empty() || text.empty()) return std::string(text);
    std::string out;
    out.reserve(text.size() + code.size() + sgr::reset.size());
    out += code;
    out += text;
    out += sgr::reset;
    return out;
}

namespace {

std::string_view first_word_sgr(std::string_view word) {
    const bool digits3 = word.size() == 3 && std::isdigit(static_cast<unsigned char>(word[0])) &&
                         std::isdigit(static_cast<unsigned char>(word[1])) &&
                         std::isdigit(static_cast<unsigned char>(word[2]));
    if (digits3) {
        const int code = (word[0] - '0') * 100 + (word[1] - '0') * 10 + (word[2] - '0');
        return code >= 100 && code <= 699 ? status_sgr(code) : std::string_view();
    }
    if (word.size() == 3 && word[1] == 'x' && word[2] == 'x' && word[0] >= '1' && word[0] <= '6')
        return status_sgr((word[0] - '0') * 100);
    return severity_sgr(word);
}

} // namespace

std::string highlight_report(std::string_view text, bool color) {
    if (!color) return std::string(text);
    std::string out;
    out.reserve(text.size() + text.size() / 4);
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        const std::size_t begin = line.find_first_not_of(' ');
        const std::size_t word_end =
            begin == std::string_view::npos ? line.size() : line.find(' ', begin);
        const std::string_view word =
            begin == std::string_view::npos
                ? std::string_view()
                : line.substr(begin, word_end == std::string_view::npos ? std::string_view::npos
                                                                        : word_end - begin);
        const std::string_view style = word.empty() ? std::string_view() : first_word_sgr(word);
        if (style.empty()) {
            out += line;
        } else {
            out += line.substr(0, begin);
            out += paint(word, style, true);
            out += line.substr(begin + word.size());
        }
        if (end == std::string_view::npos) break;
        out += '\n';
        text.remove_prefix(end + 1);
    }
    return out;
}

namespace {

// Length of the escape sequence starting at `i` (ESC '[' params final-byte), 0 when none.
std::size_t escape_length(std::string_view s, std::size_t i) {
    if (s[i] != '\033' || i + 1 >= s.size() || s[i + 1] != '[') return 0;
    std::size_t j = i + 2;
    while (j < s.size() &&
           (static_cast<unsigned char>(s[j]) < 0x40 || static_cast<unsigned char>(s[j]) > 0x7e))
        ++j;
    return j < s.size() ? j - i + 1 : s.size() - i;
}

bool starts_code_point(char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
}

} // namespace

std::string strip_ansi(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size();) {
        if (const std::size_t n = escape_length(text, i)) {
            i += n;
            continue;
        }
        out += text[i++];
    }
    return out;
}

std::size_t visible_width(std::string_view line) {
    std::size_t width = 0;
    for (std::size_t i = 0; i < line.size();) {
        if (const std::size_t n = escape_length(line, i)) {
            i += n;
            continue;
        }
        width += starts_code_point(line[i]) ? 1 : 0;
        ++i;
    }
    return width;
}

namespace {

void wrap_one(std::string& out, std::string_view line, std::size_t width, std::size_t hang) {
    // The indentation: leading spaces, escape sequences before or among them counting nothing.
    std::size_t indent = 0;  // bytes
    std::size_t columns = 0; // spaces
    while (indent < line.size()) {
        if (const std::size_t n = escape_length(line, indent)) {
            indent += n;
        } else if (line[indent] == ' ') {
            ++indent;
            ++columns;
        } else {
            break;
        }
    }
    // A continuation never starts past half the line: the text needs the room.
    const std::string prefix(std::min(columns + hang, width / 2), ' ');
    std::string_view rest = line;
    bool first = true;
    // Each pass emits at least one code point, so the loop ends within the line's length.
    while (!rest.empty()) {
        const std::size_t room = first ? width : width - prefix.size();
        if (!first) out += prefix;
        if (visible_width(rest) <= room) {
            out += rest;
            break;
        }
        // Find the byte where column `room` is passed and the last space before it.
        std::size_t column = 0;
        std::size_t i = 0;
        std::size_t last_space = std::string_view::npos;
        const std::size_t leading = first ? indent : 0;
        while (i < rest.size()) {
            if (const std::size_t n = escape_length(rest, i)) {
                i += n;
                continue;
            }
            if (starts_code_point(rest[i])) {
                if (column == room) break;
                ++column;
                if (rest[i] == ' ' && i > leading) last_space = i;
            }
            ++i;
        }
        std::size_t cut = i;
        if (i < rest.size() && rest[i] == ' ') last_space = i;
        if (last_space != std::string_view::npos && last_space > leading) cut = last_space;
        std::string_view piece = rest.substr(0, cut);
        while (!piece.empty() && piece.back() == ' ')
            piece.remove_suffix(1);
        out += piece;
        out += '\n';
        rest.remove_prefix(cut);
        while (!rest.empty() && rest.front() == ' ')
            rest.remove_prefix(1);
        first = false;
    }
}

} // namespace

std::string wrap_lines(std::string_view text, std::size_t width, std::size_t hang) {
    if (width == 0) return std::string(text);
    std::string out;
    out.reserve(text.size() + text.size() / 8);
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        const std::string_view line = text.substr(0, end);
        if (visible_width(line) <= width) {
            out += line;
        } else {
            wrap_one(out, line, width, hang);
        }
        if (end == std::string_view::npos) break;
        out += '\n';
        text.remove_prefix(end + 1);
    }
    return out;
}

} // namespace sipdx::output
