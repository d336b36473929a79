// Input classification for `sipdx explain`.
#include <sipdx/knowledge/explain.h>
#include <sipdx/text/text.h>

#include <fmt/format.h>

#include <cstddef>
#include <optional>

namespace sipdx::knowledge {
namespace {

using text::istarts_with;
using text::trim;

bool all_digits(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (c < '0' || c > '9') return false;
    }
    return true;
}

// Shortens user input for an error message so one bad paste cannot flood the terminal.
std::string shown(std::string_view s) {
    constexpr std::size_t limit = 60;
    if (s.size() <= limit) return std::string(s);
    return fmt::format("{}...", s.substr(0, limit));
}

// "Name: value" or "Name : value" with a case-insensitive name; the value, or nullopt.
std::optional<std::string_view> header_value(std::string_view line, std::string_view name) {
    if (!istarts_with(line, name)) return std::nullopt;
    auto rest = line.substr(name.size());
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == '\t'))
        rest.remove_prefix(1);
    if (rest.empty() || rest.front() != ':') return std::nullopt;
    return trim(rest.substr(1));
}

tl::expected<int, std::string> bounded(std::string_view digits, int low, int high,
                                       std::string_view what, std::string_view input) {
    if (!all_digits(digits) || digits.size() > 3) {
        return tl::unexpected(
            fmt::format("'{}' is not {} (expected {}-{})", shown(input), what, low, high));
    }
    int value = 0;
    for (char c : digits)
        value = value * 10 + (c - '0');
    if (value < low || value > high) {
        return tl::unexpected(
            fmt::format("'{}' is not {} (expected {}-{})", shown(input), what, low, high));
    }
    return value;
}

} // namespace

tl::expected<int, std::string> parse_response_code(std::string_view input) {
    const auto s = trim(input);
    if (s.empty()) {
        return tl::unexpected(
            std::string("empty input: expected a SIP response code (100-699), a status line or a "
                        "Reason/Warning header"));
    }
    if (istarts_with(s, "SIP/")) {
        // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 section 7.2).
        const auto space = s.find_first_of(" \t");
        if (space == std::string_view::npos) {
            return tl::unexpected(
                fmt::format("'{}' is a status line without a status code", shown(s)));
        }
        const auto after = trim(s.substr(space));
        const auto end = after.find_first_of(" \t");
        const auto digits = after.substr(0, end);
        return bounded(digits, 100, 699, "a status line with a SIP response code", s);
    }
    return bounded(s, 100, 699, "a SIP response code", s);
}

tl::expected<Query, std::string> parse_query(std::string_view input) {
    const auto s = trim(input);
    if (const auto value = header_value(s, "Reason")) {
        return Query{QueryKind::reason_header, 0, std::string(*value)};
    }
    if (const auto value = header_value(s, "Warning")) {
        return Query{QueryKind::warning_header, 0, std::string(*value)};
    }
    if (!s.empty() && !istarts_with(s, "SIP/") && !all_digits(s)) {
        return tl::unexpected(fmt::format(
            "'{}' is not a SIP response code (100-699), a status line or a Reason/Warning "
            "header",
            shown(s)));
    }
    auto code = parse_response_code(s);
    if (!code) return tl::unexpected(code.error());
    return Query{QueryKind::response_code, *code, {}};
}

tl::expected<int, std::string> parse_q850_cause(std::string_view input) {
    return bounded(trim(input), 0, 127, "a Q.850 cause value", input);
}

tl::expected<int, std::string> parse_warn_code(std::string_view input) {
    return bounded(trim(input), 300, 399, "a Warning warn-code", input);
}

} // namespace sipdx::knowledge
