// Small character helpers shared by the SIP parsers (ASCII only, no locale).
#pragma once

#include <cstdint>
#include <string_view>

namespace sipdx::sip::detail {

// LWS inside a header value: SP, HTAB, and the CR/LF of a fold (the indexer only ever leaves
// CR/LF in a value when it is followed by SP/HTAB).
constexpr bool is_lws(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}
constexpr bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
constexpr bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
constexpr bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
constexpr char to_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c;
}

inline std::string_view skip_lws(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size() && is_lws(s[i]))
        ++i;
    return s.substr(i);
}

inline std::string_view trim(std::string_view s) {
    std::size_t b = 0;
    std::size_t e = s.size();
    while (b < e && is_lws(s[b]))
        ++b;
    while (e > b && is_lws(s[e - 1]))
        --e;
    return s.substr(b, e - b);
}

// Parses a decimal number without sign; fails on empty input, non-digits or overflow of `max`.
inline bool parse_decimal(std::string_view s, std::uint64_t max, std::uint64_t& out) {
    if (s.empty() || s.size() > 20) return false;
    std::uint64_t v = 0;
    for (char c : s) {
        if (!is_digit(c)) return false;
        std::uint64_t d = static_cast<std::uint64_t>(c - '0');
        if (v > (max - d) / 10) return false;
        v = v * 10 + d;
    }
    out = v;
    return true;
}

// Index just past the closing quote of a quoted string starting at s[pos] == '"', honouring
// quoted-pair escapes; npos when the string is not closed.
inline std::size_t end_of_quoted(std::string_view s, std::size_t pos) {
    for (std::size_t i = pos + 1; i < s.size(); ++i) {
        if (s[i] == '\\') {
            ++i;
        } else if (s[i] == '"') {
            return i + 1;
        }
    }
    return std::string_view::npos;
}

} // namespace sipdx::sip::detail
