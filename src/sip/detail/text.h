// Small character helpers shared by the SIP parsers (ASCII only, no locale).
#pragma once

#include <sipdx/text/text.h>

#include <cstdint>
#if defined(__SSE2__)
#include <emmintrin.h>
#endif
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
using text::is_alpha;
constexpr bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
using text::to_lower;

// Character classes for the scanning loops of list and parameter splitting, which run over every
// Via, From and To of every message: one table load per byte instead of a chain of compares
// (docs/performance.md).
enum CharClass : std::uint8_t {
    list_special = 1u << 0,    // '"' '<' '>' '(' ')' ',': ListSplitter must look at it
    param_name_end = 1u << 1,  // '=' ';' or LWS ends a parameter name
    param_value_end = 1u << 2, // ';' or LWS ends an unquoted parameter value
    // RFC 3261 section 25.1: token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" /
    // "`" / "'" / "~"). sip::is_token_char() answers from this bit too.
    token = 1u << 3,
    // The plain top-Via reader's (Message::transaction_key) classes: a protocol part
    // (alphanumerics, '.' and '-') and an unquoted parameter value (token, ':', '=' or '/').
    via_protocol = 1u << 4,
    via_param_value = 1u << 5,
};
struct CharClasses {
    std::uint8_t of[256] = {};
};
constexpr CharClasses make_char_classes() {
    CharClasses t{};
    for (unsigned char c : std::string_view("\"<>(),"))
        t.of[c] |= list_special;
    for (unsigned char c : std::string_view("=; \t\r\n"))
        t.of[c] |= param_name_end;
    for (unsigned char c : std::string_view("; \t\r\n"))
        t.of[c] |= param_value_end;
    for (int c = '0'; c <= '9'; ++c)
        t.of[c] |= token;
    for (int c = 'a'; c <= 'z'; ++c)
        t.of[c] |= token;
    for (int c = 'A'; c <= 'Z'; ++c)
        t.of[c] |= token;
    for (unsigned char c : std::string_view("-.!%*_+`'~"))
        t.of[c] |= token;
    for (int c = 0; c < 256; ++c) {
        const bool alnum =
            (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
        if (alnum || c == '.' || c == '-') t.of[c] |= via_protocol;
        if ((t.of[c] & token) != 0 || c == ':' || c == '=' || c == '/') t.of[c] |= via_param_value;
    }
    return t;
}
inline constexpr CharClasses char_classes = make_char_classes();
constexpr bool has_class(char c, std::uint8_t cls) {
    return (char_classes.of[static_cast<unsigned char>(c)] & cls) != 0;
}

// First `c` in [p, end), or null. Header lines are short (30-60 bytes): a call to libc's memchr
// per line cost more in call overhead than it saved, so this scans 16 bytes at a time inline
// (SSE2 is part of x86-64; other targets take the byte loop).
inline const char* find_byte(const char* p, const char* end, char c) {
#if defined(__SSE2__)
    const __m128i needle = _mm_set1_epi8(c);
    while (end - p >= 16) {
        const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
        const int mask = _mm_movemask_epi8(_mm_cmpeq_epi8(block, needle));
        if (mask != 0) return p + __builtin_ctz(static_cast<unsigned>(mask));
        p += 16;
    }
#endif
    for (; p < end; ++p)
        if (*p == c) return p;
    return nullptr;
}

inline std::string_view skip_lws(std::string_view s) {
    std::size_t i = 0;
    while (i < s.size() && is_lws(s[i]))
        ++i;
    return s.substr(i);
}

// Trims LWS (SP, HTAB, CR, LF) from both ends.
using text::trim;

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
