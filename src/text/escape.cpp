#include <sipdx/text/escape.h>

#include <array>

namespace sipdx::text {

namespace {

constexpr std::string_view replacement = "\xEF\xBF\xBD"; // U+FFFD
constexpr std::string_view hex_digits = "0123456789abcdef";

void append_hex_byte(std::string& out, std::string_view prefix, unsigned char c) {
    out += prefix;
    out += hex_digits[c >> 4];
    out += hex_digits[c & 0x0F];
}

bool is_continuation(unsigned char c) {
    return (c & 0xC0) == 0x80;
}

} // namespace

std::size_t utf8_sequence_length(std::string_view s, std::size_t pos) {
    const auto at = [&](std::size_t k) { return static_cast<unsigned char>(s[pos + k]); };
    const unsigned char c = at(0);
    if (c < 0x80) return 1;
    // RFC 3629 section 4: the second byte's range depends on the first, which rules out
    // overlong forms (E0, F0), surrogates (ED) and code points above U+10FFFF (F4).
    std::size_t n = 0;
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    if (c >= 0xC2 && c <= 0xDF) {
        n = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
        n = 3;
        if (c == 0xE0) low = 0xA0;
        if (c == 0xED) high = 0x9F;
    } else if (c >= 0xF0 && c <= 0xF4) {
        n = 4;
        if (c == 0xF0) low = 0x90;
        if (c == 0xF4) high = 0x8F;
    } else {
        return 0;
    }
    if (pos + n > s.size()) return 0;
    if (at(1) < low || at(1) > high) return 0;
    for (std::size_t k = 2; k < n; ++k)
        if (!is_continuation(at(k))) return 0;
    return n;
}

bool is_valid_utf8(std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto n = utf8_sequence_length(s, i);
        if (n == 0) return false;
        i += n;
    }
    return true;
}

namespace {
// Copies the well-formed UTF-8 sequence at s[i], or writes U+FFFD for a broken one; returns the
// bytes consumed. `xml`: U+FFFE and U+FFFF (EF BF BE, EF BF BF) are not XML 1.0 characters
// either, while JSON keeps them.
std::size_t append_utf8(std::string& out, std::string_view s, std::size_t i, bool xml) {
    const auto n = utf8_sequence_length(s, i);
    const bool bad = n == 0 || (xml && n == 3 && static_cast<unsigned char>(s[i]) == 0xEF &&
                                static_cast<unsigned char>(s[i + 1]) == 0xBF &&
                                static_cast<unsigned char>(s[i + 2]) >= 0xBE);
    if (bad) {
        out += replacement;
        return n == 0 ? 1 : n;
    }
    out.append(s.substr(i, n));
    return n;
}
} // namespace

void append_json(std::string& out, std::string_view s) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            i += append_utf8(out, s, i, false);
            continue;
        }
        ++i;
        switch (c) {
        case '"':
            out += "\\\"";
            break;
        case '\\':
            out += "\\\\";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\t':
            out += "\\t";
            break;
        default:
            if (c < 0x20 || c == 0x7F) {
                append_hex_byte(out, "\\u00", c);
            } else {
                out += static_cast<char>(c);
            }
        }
    }
}

std::string json_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    append_json(out, s);
    return out;
}

std::string json_quote(std::string_view s) {
    std::string out;
    out.reserve(s.size() + 2);
    out += '"';
    append_json(out, s);
    out += '"';
    return out;
}

void append_csv(std::string& out, std::string_view s) {
    if (s.find_first_of(",\"\r\n") == std::string_view::npos) {
        out += s;
        return;
    }
    out += '"';
    for (const char c : s) {
        if (c == '"') out += '"';
        out += c;
    }
    out += '"';
}

std::string csv_field(std::string_view s) {
    std::string out;
    out.reserve(s.size());
    append_csv(out, s);
    return out;
}

void append_tsv(std::string& out, std::string_view s, TsvStyle style) {
    for (const char c : s) {
        if (style == TsvStyle::spaces) {
            out += (c == '\t' || c == '\n' || c == '\r') ? ' ' : c;
            continue;
        }
        switch (c) {
        case '\t':
            out += "\\t";
            break;
        case '\n':
            out += "\\n";
            break;
        case '\r':
            out += "\\r";
            break;
        case '\\':
            out += "\\\\";
            break;
        default:
            out += c;
        }
    }
}

std::string tsv_field(std::string_view s, TsvStyle style) {
    std::string out;
    out.reserve(s.size());
    append_tsv(out, s, style);
    return out;
}

namespace {

void append_markup(std::string& out, std::string_view s, bool apostrophe) {
    for (std::size_t i = 0; i < s.size();) {
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            i += append_utf8(out, s, i, true);
            continue;
        }
        ++i;
        switch (c) {
        case '&':
            out += "&amp;";
            break;
        case '<':
            out += "&lt;";
            break;
        case '>':
            out += "&gt;";
            break;
        case '"':
            out += "&quot;";
            break;
        case '\'':
            out += apostrophe ? "&#39;" : "'";
            break;
        case '\t':
        case '\n':
        case '\r':
            out += static_cast<char>(c);
            break;
        default:
            if (c < 0x20) {
                out += replacement;
            } else {
                out += static_cast<char>(c);
            }
        }
    }
}

} // namespace

void append_xml(std::string& out, std::string_view s) {
    append_markup(out, s, false);
}

std::string xml_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    append_xml(out, s);
    return out;
}

void append_html(std::string& out, std::string_view s) {
    append_markup(out, s, true);
}

std::string html_escape(std::string_view s) {
    std::string out;
    out.reserve(s.size() + s.size() / 8);
    append_html(out, s);
    return out;
}

void append_visible(std::string& out, std::string_view s, bool flatten_whitespace) {
    for (std::size_t i = 0; i < s.size();) {
        // Printable ASCII, nearly all of any SIP text, is copied a run at a time.
        std::size_t run = i;
        while (run < s.size() && s[run] >= 0x20 && s[run] < 0x7F)
            ++run;
        if (run > i) {
            out.append(s.substr(i, run - i));
            i = run;
            continue;
        }
        const auto c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            const auto n = utf8_sequence_length(s, i);
            if (n == 0) {
                append_hex_byte(out, "\\x", c);
                ++i;
            } else if (n == 2 && c == 0xC2 && static_cast<unsigned char>(s[i + 1]) < 0xA0) {
                // U+0080..U+009F: C1 controls (U+009B is CSI on some terminals).
                append_hex_byte(out, "\\x", static_cast<unsigned char>(s[i + 1]));
                i += n;
            } else {
                out.append(s.substr(i, n));
                i += n;
            }
            continue;
        }
        ++i;
        if (flatten_whitespace && (c == '\t' || c == '\n' || c == '\r')) {
            out += ' ';
        } else if (c < 0x20 || c == 0x7F) {
            append_hex_byte(out, "\\x", c);
        } else {
            out += static_cast<char>(c);
        }
    }
}

std::string visible(std::string_view s, bool flatten_whitespace) {
    std::string out;
    out.reserve(s.size());
    append_visible(out, s, flatten_whitespace);
    return out;
}

} // namespace sipdx::text
