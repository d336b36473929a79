// Input classification for `sipdx explain`.
#include <sipdx/knowledge/explain.h>
#include <sipdx/text/escape.h>
#include <sipdx/text/text.h>

#include <fmt/format.h>

#include <cstddef>
#include <optional>

namespace sipdx::knowledge {
namespace {

using text::icontains;
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
// Control bytes are made visible: the message goes to a terminal.
std::string shown(std::string_view s) {
    constexpr std::size_t limit = 60;
    if (s.size() <= limit) return text::visible(s);
    return fmt::format("{}...", text::visible(s.substr(0, limit)));
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

// A Reason header's value without its name: protocol ";" then parameters with a cause
// ("Q.850;cause=17", "SIP ;cause=487;text=\"x\"", RFC 3326 section 2).
bool looks_like_reason_value(std::string_view s) {
    const auto semicolon = s.find(';');
    if (semicolon == std::string_view::npos || semicolon == 0) return false;
    const auto protocol = trim(s.substr(0, semicolon));
    if (protocol.empty()) return false;
    for (char c : protocol) {
        const bool token = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                           (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_';
        if (!token) return false;
    }
    return icontains(s.substr(semicolon), "cause");
}

tl::expected<int, QueryError> bounded(std::string_view digits, int low, int high,
                                      std::string_view what, std::string_view input) {
    auto error = [&](QueryErrorCode code) {
        return tl::unexpected(QueryError{
            code, fmt::format("'{}' is not {} (expected {}-{})", shown(input), what, low, high)});
    };
    if (!all_digits(digits) || digits.size() > 3) return error(QueryErrorCode::malformed);
    int value = 0;
    for (char c : digits)
        value = value * 10 + (c - '0');
    if (value < low || value > high) return error(QueryErrorCode::out_of_range);
    return value;
}

} // namespace

tl::expected<int, QueryError> parse_response_code(std::string_view input) {
    const auto s = trim(input);
    if (s.empty()) {
        return tl::unexpected(
            QueryError{QueryErrorCode::empty,
                       "empty input: expected a SIP response code (100-699), a status line or a "
                       "Reason/Warning header"});
    }
    if (istarts_with(s, "SIP/")) {
        // Status-Line = SIP-Version SP Status-Code SP Reason-Phrase (RFC 3261 section 7.2).
        const auto space = s.find_first_of(" \t");
        if (space == std::string_view::npos) {
            return tl::unexpected(
                QueryError{QueryErrorCode::malformed,
                           fmt::format("'{}' is a status line without a status code", shown(s))});
        }
        const auto after = trim(s.substr(space));
        const auto end = after.find_first_of(" \t");
        const auto digits = after.substr(0, end);
        return bounded(digits, 100, 699, "a status line with a SIP response code", s);
    }
    return bounded(s, 100, 699, "a SIP response code", s);
}

tl::expected<Query, QueryError> parse_query(std::string_view input) {
    auto s = trim(input);
    // Wireshark and many logs print the status line behind a name.
    for (std::string_view name : {"Status-Line", "Status Line", "Status"}) {
        if (const auto value = header_value(s, name)) {
            s = *value;
            break;
        }
    }
    if (const auto value = header_value(s, "Reason")) {
        return Query{QueryKind::reason_header, 0, std::string(*value), {}};
    }
    if (const auto value = header_value(s, "Warning")) {
        return Query{QueryKind::warning_header, 0, std::string(*value), {}};
    }
    if (const auto value = header_value(s, "P-Access-Network-Info")) {
        return Query{QueryKind::access_network, 0, std::string(*value), {}};
    }
    if (looks_like_reason_value(s)) return Query{QueryKind::reason_header, 0, std::string(s), {}};
    if (const auto cls = parse_response_class(s)) {
        return Query{QueryKind::response_class, *cls, {}, {}};
    }
    // "486 Busy Here": a code followed by its phrase, as copied from a ladder or a log.
    const auto first_word = s.substr(0, s.find_first_of(" \t"));
    if (!istarts_with(s, "SIP/") && all_digits(first_word) && first_word.size() != s.size()) {
        auto code = parse_response_code(first_word);
        if (!code) return tl::unexpected(code.error());
        return Query{QueryKind::response_code, *code, {}, {}};
    }
    if (!s.empty() && !istarts_with(s, "SIP/") && !all_digits(s)) {
        if (!search_codes(s).empty()) return Query{QueryKind::search, 0, {}, std::string(s)};
        return tl::unexpected(QueryError{
            QueryErrorCode::no_match,
            fmt::format("'{}' names no response code; try 486, 4xx, 'SIP/2.0 486 Busy Here', a "
                        "Reason header or a word (busy)",
                        shown(s))});
    }
    auto code = parse_response_code(s);
    if (!code) return tl::unexpected(code.error());
    return Query{QueryKind::response_code, *code, {}, {}};
}

std::optional<int> parse_response_class(std::string_view input, bool bare_digit) {
    const auto s = trim(input);
    if (s.empty() || s.front() < '1' || s.front() > '6') return std::nullopt;
    if (s.size() == 1) return bare_digit ? std::optional<int>(s.front() - '0') : std::nullopt;
    if (s.size() == 3 && text::to_lower(s[1]) == 'x' && text::to_lower(s[2]) == 'x')
        return s.front() - '0';
    return std::nullopt;
}

std::vector<const ResponseCode*> search_codes(std::string_view term) {
    const auto t = trim(term);
    std::vector<const ResponseCode*> by_phrase;
    std::vector<const ResponseCode*> by_meaning;
    if (t.size() < 2) return by_phrase; // one letter would name half the registry
    for (const auto& code : registered_codes()) {
        bool phrase = icontains(code.reason, t);
        for (const auto& seen : code.seen_phrases)
            phrase = phrase || icontains(seen, t);
        if (phrase) {
            by_phrase.push_back(&code);
        } else if (icontains(code.meaning, t) || icontains(category_label(code.category), t)) {
            by_meaning.push_back(&code);
        }
    }
    return by_phrase.empty() ? by_meaning : by_phrase;
}

tl::expected<int, QueryError> parse_q850_cause(std::string_view input) {
    return bounded(trim(input), 0, 127, "a Q.850 cause value", input);
}

tl::expected<int, QueryError> parse_warn_code(std::string_view input) {
    return bounded(trim(input), 300, 399, "a Warning warn-code", input);
}

tl::expected<CauseQuery, QueryError> parse_cause_value(CauseTable table, std::string_view input) {
    const auto& info = cause_table_info(table);
    auto value = bounded(trim(input), 0, info.max_value,
                         fmt::format("a {} cause value", info.protocol), input);
    if (!value) return tl::unexpected(value.error());
    return CauseQuery{&info, *value};
}

tl::expected<CauseQuery, QueryError> parse_cause_query(std::string_view input) {
    const auto s = trim(input);
    const auto separator = s.find_first_of(":= ");
    if (s.empty() || separator == std::string_view::npos) {
        return tl::unexpected(QueryError{
            s.empty() ? QueryErrorCode::empty : QueryErrorCode::malformed,
            fmt::format("'{}' is not TABLE:VALUE (e.g. emm:15, release-cause:1, s1ap-rnl:21)",
                        shown(s))});
    }
    const auto* table = find_cause_table(trim(s.substr(0, separator)));
    if (table == nullptr) {
        std::string names;
        for (const auto& info : cause_tables())
            names += fmt::format("{}{}", names.empty() ? "" : ", ", info.id);
        return tl::unexpected(QueryError{QueryErrorCode::no_match,
                                         fmt::format("'{}' names no 3GPP cause table (one of: {})",
                                                     shown(trim(s.substr(0, separator))), names)});
    }
    return parse_cause_value(table->table, s.substr(separator + 1));
}

} // namespace sipdx::knowledge
