// Tolerant decoding of Reason (RFC 3326) and Warning (RFC 3261 section 20.43) header values.
// Every anomaly becomes a line in `problems`; nothing throws and every loop is bounded by the
// input length.
#include <sipdx/knowledge/reason.h>

#include <sipdx/knowledge/q850.h>
#include <sipdx/knowledge/response_codes.h>
#include <sipdx/text/text.h>

#include <fmt/format.h>

#include <cstddef>

namespace sipdx::knowledge {
namespace {

using text::iequals;
using text::is_space;
using text::is_token_char;
using text::trim;

bool is_token(std::string_view s) {
    if (s.empty()) return false;
    for (char c : s) {
        if (!is_token_char(c)) return false;
    }
    return true;
}

// Splits on `separator` outside double quotes (a backslash escapes the next character inside
// quotes). An unterminated quote runs to the end of the input.
std::vector<std::string_view> split_outside_quotes(std::string_view s, char separator) {
    std::vector<std::string_view> parts;
    bool quoted = false;
    std::size_t start = 0;
    for (std::size_t i = 0; i < s.size(); ++i) {
        const char c = s[i];
        if (quoted && c == '\\') {
            ++i; // skip the escaped character
        } else if (c == '"') {
            quoted = !quoted;
        } else if (!quoted && c == separator) {
            parts.push_back(s.substr(start, i - start));
            start = i + 1;
        }
    }
    parts.push_back(s.substr(start));
    return parts;
}

struct Unquoted {
    std::string text;
    bool was_quoted = false;
    bool terminated = true;
    std::string_view rest; // what followed the closing quote
};

// Undoes a quoted-string (RFC 3261 section 25.1): strips the quotes and the quoted-pair
// backslashes. A value without a leading quote is returned as is.
Unquoted unquote(std::string_view s) {
    Unquoted out;
    if (s.empty() || s.front() != '"') {
        out.text = std::string(s);
        return out;
    }
    out.was_quoted = true;
    out.terminated = false;
    std::size_t i = 1;
    for (; i < s.size(); ++i) {
        const char c = s[i];
        if (c == '\\' && i + 1 < s.size()) {
            out.text.push_back(s[++i]);
        } else if (c == '"') {
            out.terminated = true;
            ++i;
            break;
        } else {
            out.text.push_back(c);
        }
    }
    out.rest = s.substr(i);
    return out;
}

// Parses a run of decimal digits that fits comfortably in an int.
std::optional<int> parse_number(std::string_view s) {
    if (s.empty() || s.size() > 9) return std::nullopt;
    int value = 0;
    for (char c : s) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + (c - '0');
    }
    return value;
}

ReasonValue parse_reason_value(std::string_view raw) {
    ReasonValue value;
    const auto pieces = split_outside_quotes(raw, ';');
    const auto protocol = trim(pieces.front());
    value.protocol = std::string(protocol);
    if (protocol.empty()) {
        value.problems.emplace_back("missing protocol (expected SIP, Q.850 or another token)");
    } else if (!is_token(protocol)) {
        value.problems.push_back(fmt::format("protocol '{}' is not a token", protocol));
    }
    bool seen_cause = false;
    bool seen_text = false;
    for (std::size_t i = 1; i < pieces.size(); ++i) {
        const auto param = trim(pieces[i]);
        if (param.empty()) {
            value.problems.emplace_back("empty parameter (stray ';')");
            continue;
        }
        const auto eq = param.find('=');
        const auto name = trim(param.substr(0, eq));
        const auto raw_value =
            eq == std::string_view::npos ? std::string_view{} : trim(param.substr(eq + 1));
        if (!is_token(name)) {
            value.problems.push_back(fmt::format("parameter name '{}' is not a token", name));
        }
        if (iequals(name, "cause")) {
            if (seen_cause) {
                value.problems.emplace_back("cause appears more than once; the first is used");
                continue;
            }
            seen_cause = true;
            const auto number = parse_number(raw_value);
            if (eq == std::string_view::npos || raw_value.empty()) {
                value.problems.emplace_back("cause has no value");
            } else if (!number) {
                value.problems.push_back(
                    fmt::format("cause '{}' is not a number of at most 9 digits", raw_value));
            } else {
                value.cause = number;
            }
        } else if (iequals(name, "text")) {
            if (seen_text) {
                value.problems.emplace_back("text appears more than once; the first is used");
                continue;
            }
            seen_text = true;
            auto text = unquote(raw_value);
            if (!text.was_quoted) {
                value.problems.emplace_back("text is not a quoted-string");
            } else if (!text.terminated) {
                value.problems.emplace_back("text has no closing quote");
            } else if (!trim(text.rest).empty()) {
                value.problems.push_back(
                    fmt::format("unexpected characters after text: '{}'", trim(text.rest)));
            }
            value.text = std::move(text.text);
        } else {
            value.params.emplace_back(std::string(name), std::string(raw_value));
        }
    }
    if (!seen_cause && !protocol.empty()) {
        value.problems.emplace_back("no cause parameter");
    }
    if (value.cause) {
        const int cause = *value.cause;
        if (iequals(value.protocol, "Q.850") && (cause < 1 || cause > 127)) {
            value.problems.push_back(fmt::format("Q.850 cause {} is out of range (1-127)", cause));
        } else if (iequals(value.protocol, "SIP") && (cause < 100 || cause > 699)) {
            value.problems.push_back(
                fmt::format("SIP cause {} is not a response code (100-699)", cause));
        } else if (const auto* table = find_cause_table(value.protocol);
                   table != nullptr && iequals(table->protocol, value.protocol) &&
                   (cause < 0 || cause > table->max_value)) {
            value.problems.push_back(fmt::format("{} cause {} is out of range (0-{})",
                                                 table->protocol, cause, table->max_value));
        }
    }
    return value;
}

WarningValue parse_warning_value(std::string_view raw) {
    WarningValue value;
    auto rest = trim(raw);
    // warn-code: exactly three digits.
    std::size_t digits = 0;
    while (digits < rest.size() && rest[digits] >= '0' && rest[digits] <= '9')
        ++digits;
    const auto code_text = rest.substr(0, digits);
    if (digits == 3) {
        value.code = *parse_number(code_text);
        if (value.code < 300 || value.code > 399) {
            value.problems.push_back(
                fmt::format("warn-code {} is outside the 3xx range of RFC 3261", value.code));
        }
    } else if (digits == 0) {
        value.problems.emplace_back("missing warn-code (three digits expected)");
    } else {
        value.problems.push_back(fmt::format("warn-code '{}' is not three digits", code_text));
    }
    rest = rest.substr(digits);
    if (!rest.empty() && !is_space(rest.front())) {
        // Something glued to the digits, e.g. "399x": keep going from the next space.
        const auto space = rest.find_first_of(" \t");
        value.problems.push_back(
            fmt::format("unexpected characters after warn-code: '{}'", rest.substr(0, space)));
        rest = space == std::string_view::npos ? std::string_view{} : rest.substr(space);
    }
    rest = trim(rest);
    // warn-agent: hostport or pseudonym, up to the next whitespace or quote.
    std::size_t agent_end = 0;
    while (agent_end < rest.size() && !is_space(rest[agent_end]) && rest[agent_end] != '"')
        ++agent_end;
    value.agent = std::string(rest.substr(0, agent_end));
    if (value.agent.empty()) value.problems.emplace_back("missing warn-agent");
    rest = trim(rest.substr(agent_end));
    // warn-text: a quoted-string.
    if (rest.empty()) {
        value.problems.emplace_back("missing warn-text");
        return value;
    }
    auto text = unquote(rest);
    if (!text.was_quoted) {
        value.problems.emplace_back("warn-text is not a quoted-string");
    } else if (!text.terminated) {
        value.problems.emplace_back("warn-text has no closing quote");
    } else if (!trim(text.rest).empty()) {
        value.problems.push_back(
            fmt::format("unexpected characters after warn-text: '{}'", trim(text.rest)));
    }
    value.text = std::move(text.text);
    return value;
}

// The IANA "Reason Protocols" registry (RFC 3326 section 3.2 and later registrations).
constexpr ReasonProtocol protocol_table[] = {
    {"SIP", "a SIP response code", "RFC 3261"},
    {"Q.850", "an ITU-T Q.850 cause value", "ITU-T Q.850"},
    {"Preemption", "a preemption cause value", "RFC 4411"},
    {"EMM", "an EPS mobility management (NAS) cause", "3GPP TS 24.301"},
    {"ESM", "an EPS session management (NAS) cause", "3GPP TS 24.301"},
    {"S1AP-RNL", "an S1AP radio network layer cause", "3GPP TS 36.413"},
    {"S1AP-TL", "an S1AP transport layer cause", "3GPP TS 36.413"},
    {"S1AP-NAS", "an S1AP non-access stratum cause", "3GPP TS 36.413"},
    {"S1AP-MISC", "an S1AP miscellaneous cause", "3GPP TS 36.413"},
    {"S1AP-PROT", "an S1AP protocol cause", "3GPP TS 36.413"},
    {"DIAMETER", "a Diameter cause from untrusted WLAN access procedures", "3GPP TS 29.274"},
    {"IKEV2", "an IKEv2 cause from untrusted WLAN access procedures", "3GPP TS 29.274"},
    {"RELEASE_CAUSE",
     "the reason the UE or the network released the session (for example RTP/RTCP "
     "time-out, media bearer loss, SIP time-out)",
     "3GPP TS 24.229"},
    {"FAILURE_CAUSE",
     "the reason a session failed (for example loss of the media bearer or QoS, "
     "failed resource allocation)",
     "3GPP TS 24.229"},
    {"STIR", "a STIR verification error (a SIP response code of RFC 8224)", "RFC 8224"},
    {"5GMM", "a 5G mobility management (NAS) cause", "3GPP TS 24.501"},
    {"5GSM", "a 5G session management (NAS) cause", "3GPP TS 24.501"},
    {"NGAP-RNL", "an NGAP radio network layer cause", "3GPP TS 38.413"},
    {"NGAP-TL", "an NGAP transport layer cause", "3GPP TS 38.413"},
    {"NGAP-NAS", "an NGAP non-access stratum cause", "3GPP TS 38.413"},
    {"NGAP-MISC", "an NGAP miscellaneous cause", "3GPP TS 38.413"},
    {"NGAP-PROT", "an NGAP protocol cause", "3GPP TS 38.413"},
};

} // namespace

std::span<const ReasonProtocol> reason_protocols() {
    return protocol_table;
}

const ReasonProtocol* find_reason_protocol(std::string_view name) {
    for (const auto& p : protocol_table) {
        if (iequals(p.name, name)) return &p;
    }
    return nullptr;
}

std::string_view ReasonValue::cause_meaning() const {
    if (!cause) return {};
    if (iequals(protocol, "Q.850")) {
        if (const auto* q = find_q850(*cause)) return q->name;
    } else if (iequals(protocol, "SIP")) {
        if (const auto* r = find_registered(*cause)) return r->reason;
    } else if (const auto* c = cause_3gpp()) {
        return c->name;
    }
    return {};
}

const CauseTableInfo* ReasonValue::cause_table() const {
    // Only the registered protocol tokens: "emm" matches, "release-cause" (a CLI id) does not.
    const auto* table = find_cause_table(protocol);
    return table != nullptr && iequals(table->protocol, protocol) ? table : nullptr;
}

const Cause3gpp* ReasonValue::cause_3gpp() const {
    const auto* table = cause_table();
    if (table == nullptr || !cause) return nullptr;
    return find_cause(table->table, *cause);
}

std::vector<ReasonValue> parse_reason(std::string_view header_value) {
    std::vector<ReasonValue> values;
    if (trim(header_value).empty()) {
        ReasonValue empty;
        empty.problems.emplace_back("empty Reason header value");
        values.push_back(std::move(empty));
        return values;
    }
    for (const auto part : split_outside_quotes(header_value, ',')) {
        if (trim(part).empty()) {
            ReasonValue empty;
            empty.problems.emplace_back("empty reason-value (stray ',')");
            values.push_back(std::move(empty));
            continue;
        }
        values.push_back(parse_reason_value(part));
    }
    return values;
}

std::string_view WarningValue::code_meaning() const {
    if (const auto* w = find_warning(code)) return w->text;
    return {};
}

std::vector<WarningValue> parse_warning(std::string_view header_value) {
    std::vector<WarningValue> values;
    if (trim(header_value).empty()) {
        WarningValue empty;
        empty.problems.emplace_back("empty Warning header value");
        values.push_back(std::move(empty));
        return values;
    }
    for (const auto part : split_outside_quotes(header_value, ',')) {
        if (trim(part).empty()) {
            WarningValue empty;
            empty.problems.emplace_back("empty warning-value (stray ',')");
            values.push_back(std::move(empty));
            continue;
        }
        values.push_back(parse_warning_value(part));
    }
    return values;
}

} // namespace sipdx::knowledge
