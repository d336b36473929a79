// ASCII text helpers every stage shares: case-insensitive comparison, lower-casing and trimming.
// No locale is consulted (SIP and the formats sipdx reads are case-insensitive in ASCII only).
// Inline: the SIP parser calls them on every header of every message.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace sipdx::text {

constexpr bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

constexpr bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// RFC 3261 section 25.1 token: alphanumerics and - . ! % * _ + ` ' ~
constexpr bool is_token_char(char c) {
    if (is_alpha(c) || is_digit(c)) return true;
    switch (c) {
    case '-':
    case '.':
    case '!':
    case '%':
    case '*':
    case '_':
    case '+':
    case '`':
    case '\'':
    case '~':
        return true;
    default:
        return false;
    }
}

constexpr char to_lower(char c) {
    return (c >= 'A' && c <= 'Z') ? static_cast<char>(c | 0x20) : c;
}

// SP, HTAB, CR and LF: the white space of SIP header values (LWS, with the CRLF of a fold).
constexpr bool is_space(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

// ASCII case-insensitive equality. Names on the wire are nearly always spelled as expected:
// equal bytes cost one compare, and two different bytes match only as the two cases of one
// letter (lower-casing both sides of every byte was 2% of `analyze`).
constexpr bool iequals(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
        const char x = a[i];
        const char y = b[i];
        if (x == y) continue;
        if ((x ^ y) != 0x20 || !is_alpha(x)) return false;
    }
    return true;
}

constexpr bool istarts_with(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && iequals(s.substr(0, prefix.size()), prefix);
}

// True when `needle` occurs in `haystack`, ignoring ASCII case; an empty needle always occurs.
constexpr bool icontains(std::string_view haystack, std::string_view needle) {
    if (needle.size() > haystack.size()) return false;
    for (std::size_t i = 0; i + needle.size() <= haystack.size(); ++i)
        if (iequals(haystack.substr(i, needle.size()), needle)) return true;
    return false;
}

inline std::string lower(std::string_view s) {
    std::string out(s);
    for (char& c : out)
        c = to_lower(c);
    return out;
}

// Without leading and trailing SP, HTAB, CR and LF.
constexpr std::string_view trim(std::string_view s) {
    std::size_t b = 0;
    std::size_t e = s.size();
    while (b < e && is_space(s[b]))
        ++b;
    while (e > b && is_space(s[e - 1]))
        --e;
    return s.substr(b, e - b);
}

} // namespace sipdx::text
