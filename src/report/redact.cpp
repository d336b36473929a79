#include <sipdx/report/redact.h>

#include <arpa/inet.h>

#include <array>
#include <cstring>

namespace sipdx::report {
namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}
bool is_alpha(char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
bool is_hex(char c) {
    return is_digit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}
char lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

bool starts_with_nocase(std::string_view s, std::size_t pos, std::string_view prefix) {
    if (s.size() - pos < prefix.size()) return false;
    for (std::size_t i = 0; i < prefix.size(); ++i)
        if (lower(s[pos + i]) != prefix[i]) return false;
    return true;
}

// Characters that end a URI's user part or a tel number when no '@' comes first.
bool ends_uri_part(char c) {
    return c == '>' || c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '"' || c == ',' ||
           c == '<';
}

// RFC 3261 user characters (unreserved and user-unreserved, escapes).
bool is_user_char(char c) {
    return is_alpha(c) || is_digit(c) ||
           std::string_view("-_.!~*'+%=&$").find(c) != std::string_view::npos;
}

// A dotted quad at pos (each part 0..255) not continued by a digit or a dot-digit; its length.
std::size_t ipv4_at(std::string_view s, std::size_t pos) {
    std::size_t i = pos;
    for (int part = 0; part < 4; ++part) {
        if (part > 0) {
            if (i >= s.size() || s[i] != '.') return 0;
            ++i;
        }
        const std::size_t start = i;
        int value = 0;
        while (i < s.size() && is_digit(s[i]) && i - start < 3)
            value = value * 10 + (s[i++] - '0');
        if (i == start || value > 255) return 0;
    }
    if (i < s.size() && is_digit(s[i])) return 0;
    if (i + 1 < s.size() && s[i] == '.' && is_digit(s[i + 1])) return 0;
    return i - pos;
}

// An IPv6 address at pos (validated by inet_pton): the longest run of hex, ':' and '.' that
// holds "::" or seven colons, trimmed from the right until it parses; its length.
std::size_t ipv6_at(std::string_view s, std::size_t pos) {
    std::size_t end = pos;
    int colons = 0;
    bool double_colon = false;
    while (end < s.size() && end - pos < 45 && (is_hex(s[end]) || s[end] == ':' || s[end] == '.')) {
        if (s[end] == ':') {
            ++colons;
            if (end > pos && s[end - 1] == ':') double_colon = true;
        }
        ++end;
    }
    if (colons < 2 || (!double_colon && colons < 7)) return 0;
    std::array<char, 64> buffer{};
    unsigned char parsed[16];
    for (std::size_t len = end - pos; len >= 2; --len) {
        std::memcpy(buffer.data(), s.data() + pos, len);
        buffer[len] = '\0';
        if (::inet_pton(AF_INET6, buffer.data(), parsed) == 1) return len;
        if (end - pos - len > 6) break; // a port or a word after it, not a longer address
    }
    return 0;
}

// A phone number in a user part: optional '+', then digits with visual separators.
bool looks_like_number(std::string_view user) {
    std::size_t digits = 0;
    for (std::size_t i = 0; i < user.size(); ++i) {
        const char c = user[i];
        if (is_digit(c)) {
            ++digits;
        } else if (!(c == '+' && i == 0) && c != '-' && c != '.' && c != '(' && c != ')') {
            return false;
        }
    }
    return digits >= 3;
}

std::string digits_of(std::string_view text) {
    std::string out;
    for (char c : text)
        if (is_digit(c)) out += c;
    return out;
}

} // namespace

std::size_t Redactor::distinct() const {
    std::size_t n = 0;
    for (const auto& map : m_maps)
        n += map.size();
    return n;
}

void Redactor::append_pseudonym(std::string& out, Kind kind, std::string_view value) {
    static constexpr std::string_view prefixes[] = {"user-", "name-", "tel-", "ip-"};
    auto& map = m_maps[static_cast<int>(kind)];
    auto [it, inserted] =
        map.try_emplace(std::string(value), static_cast<std::uint32_t>(map.size() + 1));
    out += prefixes[static_cast<int>(kind)];
    out += std::to_string(it->second);
    ++m_replaced;
}

std::string Redactor::apply(std::string_view text) {
    std::string out;
    out.reserve(text.size());
    append(out, text);
    return out;
}

void Redactor::append(std::string& out, std::string_view s) {
    std::size_t i = 0;
    const std::size_t n = s.size();
    while (i < n) {
        const char c = s[i];
        const bool boundary = i == 0 || !(is_alpha(s[i - 1]) || is_digit(s[i - 1]));
        // URI schemes with a user part: sip:, sips:, tel:.
        if (boundary && (c == 's' || c == 'S' || c == 't' || c == 'T')) {
            std::size_t after = 0;
            if (starts_with_nocase(s, i, "sips:"))
                after = 5;
            else if (starts_with_nocase(s, i, "sip:"))
                after = 4;
            else if (starts_with_nocase(s, i, "tel:"))
                after = 4;
            if (after != 0) {
                const std::size_t start = i + after;
                std::size_t end = start;
                const bool tel = after == 4 && lower(c) == 't';
                while (end < n && !ends_uri_part(s[end]) && s[end] != '@' &&
                       !(tel && s[end] == ';') && end - start < 256)
                    ++end;
                out.append(s.substr(i, after));
                const std::string_view user = s.substr(start, end - start);
                if ((tel || (end < n && s[end] == '@')) && !user.empty()) {
                    if (looks_like_number(user))
                        append_pseudonym(out, Kind::tel, digits_of(user));
                    else
                        append_pseudonym(out, Kind::user, user);
                    i = end;
                } else {
                    i = start; // no user part: the host is read on (an address is redacted)
                }
                continue;
            }
        }
        // user@host without a scheme (From and To as records keep them, Call-IDs, Message-IDs).
        if (boundary && (is_alpha(c) || is_digit(c) || c == '+')) {
            std::size_t end = i;
            while (end < n && end - i < 256 && is_user_char(s[end]))
                ++end;
            if (end < n && s[end] == '@' && end > i) {
                const std::string_view user = s.substr(i, end - i);
                if (looks_like_number(user))
                    append_pseudonym(out, Kind::tel, digits_of(user));
                else
                    append_pseudonym(out, Kind::user, user);
                i = end;
                continue;
            }
        }
        // Digest username="...".
        if (boundary && (c == 'u' || c == 'U') && starts_with_nocase(s, i, "username=\"")) {
            const std::size_t start = i + 10;
            const std::size_t close = s.find('"', start);
            if (close != std::string_view::npos && close - start < 256) {
                out.append(s.substr(i, 10));
                const std::string_view user = s.substr(start, close - start);
                if (looks_like_number(user))
                    append_pseudonym(out, Kind::tel, digits_of(user));
                else if (!user.empty())
                    append_pseudonym(out, Kind::user, user);
                i = close;
                continue;
            }
        }
        // A quoted display name: "..." followed by <.
        if (c == '"') {
            const std::size_t close = s.find('"', i + 1);
            if (close != std::string_view::npos && close - i < 130) {
                std::size_t next = close + 1;
                while (next < n && s[next] == ' ')
                    ++next;
                const std::string_view name = s.substr(i + 1, close - i - 1);
                if (next < n && s[next] == '<' && !name.empty() &&
                    name.find_first_of("\r\n") == std::string_view::npos) {
                    out += '"';
                    append_pseudonym(out, Kind::name, name);
                    out += '"';
                    i = close + 1;
                    continue;
                }
            }
        }
        const bool hex_boundary = i == 0 || !(is_hex(s[i - 1]) || s[i - 1] == ':' ||
                                              s[i - 1] == '.' || is_alpha(s[i - 1]));
        // A dotted quad after an escaped '@' ("%40"), as in a Replaces header inside a URI.
        if (c == '%' && i + 3 < n && s[i + 1] == '4' && s[i + 2] == '0') {
            if (const std::size_t len = ipv4_at(s, i + 3); len != 0) {
                out.append(s.substr(i, 3));
                append_pseudonym(out, Kind::ip, s.substr(i + 3, len));
                i += 3 + len;
                continue;
            }
        }
        // A dotted quad right after a colon: a URI without a user part ("sip:10.0.0.1:5060").
        // The colon rule below is for IPv6 groups, which are no dotted quads.
        const bool after_colon = i != 0 && s[i - 1] == ':';
        if (after_colon && is_digit(c)) {
            if (const std::size_t len = ipv4_at(s, i); len != 0) {
                append_pseudonym(out, Kind::ip, s.substr(i, len));
                i += len;
                continue;
            }
        }
        if (hex_boundary && (is_hex(c) || c == ':')) {
            if (is_digit(c)) {
                if (const std::size_t len = ipv4_at(s, i); len != 0) {
                    append_pseudonym(out, Kind::ip, s.substr(i, len));
                    i += len;
                    continue;
                }
            }
            if (const std::size_t len = ipv6_at(s, i); len != 0) {
                append_pseudonym(out, Kind::ip, s.substr(i, len));
                i += len;
                continue;
            }
        }
        // Runs of six or more digits (phone numbers, IMSIs, IMEIs), wherever they are.
        if (is_digit(c) && (i == 0 || !is_digit(s[i - 1]))) {
            std::size_t end = i;
            while (end < n && is_digit(s[end]))
                ++end;
            if (end - i >= 6) {
                if (!out.empty() && out.back() == '+') out.pop_back();
                append_pseudonym(out, Kind::tel, s.substr(i, end - i));
                i = end;
                continue;
            }
            out.append(s.substr(i, end - i));
            i = end;
            continue;
        }
        out += c;
        ++i;
    }
}

} // namespace sipdx::report
