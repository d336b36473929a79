// SIP/SIPS/TEL URI parsing (RFC 3261 section 19.1 and 25.1, RFC 3966, RFC 5118).
#include <sipdx/sip/uri.h>

#include "sip/detail/text.h"

#include <algorithm>

namespace sipdx::sip {
using namespace detail;

namespace {

// unreserved = alphanum / mark (RFC 3261 section 25.1), the base of every class below.
bool is_unreserved(char c) {
    if (is_alpha(c) || is_digit(c)) return true;
    switch (c) {
    case '-':
    case '_':
    case '.':
    case '!':
    case '~':
    case '*':
    case '\'':
    case '(':
    case ')':
        return true;
    default:
        return false;
    }
}

// Characters allowed (unescaped) in the user part: unreserved / user-unreserved, RFC 3261 25.1.
bool is_user_char(char c) {
    if (is_unreserved(c)) return true;
    switch (c) {
    case '&':
    case '=':
    case '+':
    case '$':
    case ',':
    case ';':
    case '?':
    case '/':
        return true;
    default:
        return false;
    }
}

bool is_password_char(char c) {
    if (is_unreserved(c)) return true;
    switch (c) {
    case '&':
    case '=':
    case '+':
    case '$':
    case ',':
        return true;
    default:
        return false;
    }
}

// paramchar and hnv chars: unreserved / escaped / "[]/:&+$" (params) or "[]/?:+$" (headers),
// plus '=' and '&' separators. We accept the union: the aim is to spot garbage, not to police.
bool is_param_char(char c) {
    if (is_unreserved(c)) return true;
    switch (c) {
    case '[':
    case ']':
    case '/':
    case ':':
    case '&':
    case '+':
    case '$':
    case '=':
    case ';':
    case '?':
    case '%':
    case '@':
    case ',':
        return true;
    default:
        return false;
    }
}

// Checks %HH escapes and the character class; returns false on the first bad character.
template <typename Pred>
bool check_escaped(std::string_view s, Pred ok) {
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '%') {
            if (i + 2 >= s.size() || !is_hex(s[i + 1]) || !is_hex(s[i + 2])) return false;
            i += 2;
        } else if (!ok(s[i])) {
            return false;
        }
    }
    return true;
}

bool is_hostname(std::string_view s) {
    if (s.empty() || s.size() > 255) return false;
    bool label_start = true;
    for (char c : s) {
        if (c == '.') {
            if (label_start) return false; // empty label
            label_start = true;
            continue;
        }
        // '_' is off the grammar but common in real deployments; accept it.
        if (!(is_alpha(c) || is_digit(c) || c == '-' || c == '_')) return false;
        label_start = false;
    }
    return true;
}

bool tel_char(char c) {
    return is_hex(c) || c == '+' || c == '-' || c == '.' || c == '(' || c == ')' || c == '*' ||
           c == '#' || c == '%';
}

} // namespace

bool is_ipv4_address(std::string_view s) {
    int parts = 0;
    std::size_t i = 0;
    while (i <= s.size()) {
        std::size_t j = i;
        while (j < s.size() && is_digit(s[j]))
            ++j;
        if (j == i || j - i > 3) return false;
        std::uint64_t v = 0;
        if (!parse_decimal(s.substr(i, j - i), 255, v)) return false;
        ++parts;
        if (j == s.size()) break;
        if (s[j] != '.') return false;
        i = j + 1;
    }
    return parts == 4;
}

bool is_ipv6_address(std::string_view s) {
    if (s.size() < 2 || s.size() > 64) return false;
    int groups = 0;
    bool compressed = false;
    std::size_t i = 0;
    if (s.starts_with("::")) {
        compressed = true;
        i = 2;
        if (i == s.size()) return true;
    } else if (s.front() == ':') {
        return false;
    }
    while (i < s.size()) {
        std::size_t j = i;
        while (j < s.size() && is_hex(s[j]))
            ++j;
        if (j < s.size() && s[j] == '.') {
            // Embedded IPv4 tail takes two groups.
            if (!is_ipv4_address(s.substr(i))) return false;
            groups += 2;
            break;
        }
        if (j == i || j - i > 4) return false;
        ++groups;
        if (j == s.size()) break;
        if (s[j] != ':') return false;
        if (j + 1 < s.size() && s[j + 1] == ':') {
            // RFC 5118 section 4.10: tolerate the ":::" that RFC 3261's ABNF allowed before an
            // IPv4 tail.
            std::size_t k = j + 2;
            if (k < s.size() && s[k] == ':') ++k;
            if (compressed) return false;
            compressed = true;
            i = k;
            if (i == s.size()) break;
            continue;
        }
        i = j + 1;
        if (i == s.size()) return false; // trailing single ':'
    }
    return compressed ? groups < 8 : groups == 8;
}

bool is_valid_host(std::string_view host) {
    if (host.size() >= 2 && host.front() == '[' && host.back() == ']')
        return is_ipv6_address(host.substr(1, host.size() - 2));
    if (!host.empty() && is_digit(host.back()) &&
        std::all_of(host.begin(), host.end(), [](char c) { return is_digit(c) || c == '.'; }))
        return is_ipv4_address(host);
    return is_hostname(host) || is_ipv4_address(host);
}

std::string_view Uri::host_port() const {
    if (host.empty()) return {};
    const char* b = host.data();
    const char* e =
        port_text.empty() ? host.data() + host.size() : port_text.data() + port_text.size();
    return std::string_view(b, static_cast<std::size_t>(e - b));
}

Uri parse_uri(std::string_view text, const FindingSink& sink) {
    Uri u;
    u.text = text;
    auto fail = [&](FindingCode code, std::string_view at) {
        if (u.problem == FindingCode::none) {
            u.problem = code;
            sink.add(code, at.empty() ? text : at);
        }
    };
    for (char c : text) {
        if (is_lws(c) || static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            fail(FindingCode::uri_malformed, text);
            break;
        }
    }
    std::size_t colon = text.find(':');
    if (colon == std::string_view::npos || colon == 0 || !is_alpha(text[0])) {
        fail(FindingCode::uri_malformed, text);
        return u;
    }
    u.scheme_text = text.substr(0, colon);
    for (char c : u.scheme_text) {
        if (!(is_alpha(c) || is_digit(c) || c == '+' || c == '-' || c == '.')) {
            fail(FindingCode::uri_malformed, u.scheme_text);
            return u;
        }
    }
    std::string_view rest = text.substr(colon + 1);
    if (iequals(u.scheme_text, "sip")) {
        u.scheme = UriScheme::sip;
    } else if (iequals(u.scheme_text, "sips")) {
        u.scheme = UriScheme::sips;
    } else if (iequals(u.scheme_text, "tel")) {
        u.scheme = UriScheme::tel;
    } else {
        u.scheme = UriScheme::other;
        u.opaque = rest;
        if (rest.empty()) fail(FindingCode::uri_malformed, text);
        return u;
    }

    if (u.scheme == UriScheme::tel) {
        std::size_t semi = rest.find(';');
        u.user = rest.substr(0, semi);
        if (semi != std::string_view::npos) u.params = ParamList(rest.substr(semi));
        if (u.user.empty() || !std::all_of(u.user.begin(), u.user.end(), tel_char))
            fail(FindingCode::uri_malformed, u.user);
        return u;
    }

    // Headers start at the first '?' after the host part; the user part may itself contain
    // '?' and ';' (RFC 3261 user-unreserved), so find '@' first.
    std::size_t at = rest.find('@');
    std::string_view hostpart = rest;
    if (at != std::string_view::npos) {
        std::string_view userinfo = rest.substr(0, at);
        hostpart = rest.substr(at + 1);
        std::size_t pc = userinfo.find(':');
        u.user = userinfo.substr(0, pc);
        if (pc != std::string_view::npos) u.password = userinfo.substr(pc + 1);
        if (u.user.empty() || !check_escaped(u.user, is_user_char))
            fail(FindingCode::uri_malformed, userinfo);
        if (!u.password.empty() && !check_escaped(u.password, is_password_char))
            fail(FindingCode::uri_malformed, userinfo);
    }
    std::size_t q = hostpart.find('?');
    if (q != std::string_view::npos) {
        u.headers = hostpart.substr(q + 1);
        hostpart = hostpart.substr(0, q);
        if (!check_escaped(u.headers, is_param_char)) fail(FindingCode::uri_malformed, u.headers);
    }
    std::size_t semi = hostpart.find(';');
    if (semi != std::string_view::npos) {
        u.params = ParamList(hostpart.substr(semi));
        if (!check_escaped(hostpart.substr(semi), is_param_char))
            fail(FindingCode::uri_malformed, hostpart.substr(semi));
        for (const Param& p : u.params)
            if (p.name.empty()) fail(FindingCode::header_empty_element, hostpart.substr(semi));
        hostpart = hostpart.substr(0, semi);
    }
    bool has_port = false;
    if (!hostpart.empty() && hostpart.front() == '[') {
        std::size_t close = hostpart.find(']');
        if (close == std::string_view::npos) {
            fail(FindingCode::uri_bad_host, hostpart);
            return u;
        }
        u.host = hostpart.substr(0, close + 1);
        u.host_is_ipv6 = true;
        std::string_view after = hostpart.substr(close + 1);
        if (!after.empty()) {
            if (after.front() != ':') {
                fail(FindingCode::uri_bad_host, hostpart);
            } else {
                u.port_text = after.substr(1);
                has_port = true;
            }
        }
        if (!is_valid_host(u.host)) fail(FindingCode::uri_bad_host, u.host);
    } else {
        std::size_t pc = hostpart.find(':');
        if (pc != std::string_view::npos && hostpart.find(':', pc + 1) != std::string_view::npos) {
            // Several colons: an IPv6 address without the [] that RFC 5118 section 4.2 requires.
            u.host = hostpart;
            fail(FindingCode::uri_bad_host, hostpart);
            return u;
        }
        u.host = hostpart.substr(0, pc);
        if (pc != std::string_view::npos) {
            u.port_text = hostpart.substr(pc + 1);
            has_port = true;
        }
        if (!is_valid_host(u.host)) fail(FindingCode::uri_bad_host, hostpart);
    }
    if (has_port) {
        std::uint64_t port = 0;
        if (parse_decimal(u.port_text, 65535, port)) {
            u.port = static_cast<std::int32_t>(port);
        } else {
            fail(FindingCode::uri_bad_port, u.port_text.empty() ? hostpart : u.port_text);
        }
    }
    return u;
}

} // namespace sipdx::sip
