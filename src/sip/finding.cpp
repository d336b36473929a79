// The findings catalogue: stable code names, default severities and one-line descriptions.
#include <sipdx/sip/finding.h>

#include <algorithm>
#include <array>

namespace sipdx::sip {
namespace {

struct CodeInfo {
    FindingCode code;
    std::string_view name;
    Severity severity;
    std::string_view description;
};

using enum FindingCode;
constexpr Severity I = Severity::info;
constexpr Severity W = Severity::warning;
constexpr Severity E = Severity::error;

// Indexed by the enum value; a static_assert below keeps it complete and in order.
constexpr std::array<CodeInfo, static_cast<std::size_t>(count_)> table{{
    {none, "", I, ""},
    {junk_before_message, "sip.framing.junk-before-message", W,
     "bytes that are neither a keep-alive nor SIP precede the message"},
    {truncated_headers, "sip.framing.truncated-headers", E,
     "the header section does not end with an empty line"},
    {bare_lf, "sip.framing.bare-lf", W, "a line ends with LF alone instead of CRLF"},
    {trailing_bytes, "sip.framing.trailing-bytes", W,
     "bytes after the Content-Length body were ignored"},
    {start_line_malformed, "sip.start-line.malformed", E,
     "the start line is neither a request line nor a status line"},
    {start_line_extra_whitespace, "sip.start-line.extra-whitespace", E,
     "the start line has more than one SP between elements or trailing whitespace"},
    {unsupported_version, "sip.start-line.unsupported-version", E,
     "the SIP version is not SIP/2.0 (answer 505)"},
    {status_out_of_range, "sip.status.out-of-range", E, "the status code is not in 100..699"},
    {unknown_method, "sip.method.unknown", I, "the request method is an extension method"},
    {request_uri_malformed, "sip.request-uri.malformed", E, "the Request-URI is malformed"},
    {request_uri_headers, "sip.request-uri.headers", E,
     "the Request-URI carries ?headers, which RFC 3261 section 19.1.5 forbids there"},
    {request_uri_unknown_scheme, "sip.request-uri.unknown-scheme", W,
     "the Request-URI scheme is not sip, sips or tel (a UAS answers 416)"},
    {header_line_malformed, "sip.header.malformed-line", E, "a header line has no ':'"},
    {header_name_invalid, "sip.header.invalid-name", E,
     "a header name holds characters that are not token characters"},
    {header_value_invalid_char, "sip.header.invalid-char", E,
     "a header value holds a control character (a bare CR, NUL, ...) outside a quoted-pair"},
    {header_duplicate, "sip.header.duplicate", E,
     "a header that may occur once occurs several times"},
    {header_empty_element, "sip.header.empty-element", E,
     "a header holds an empty list element or an empty parameter (',,' or ';;')"},
    {unknown_compact_form, "sip.header.unknown-compact-form", W,
     "a one-letter header name is not an assigned compact form"},
    {too_many_headers, "sip.header.too-many", E, "more header lines than the parser indexes"},
    {missing_call_id, "sip.missing-header.call-id", E, "the message has no Call-ID header"},
    {missing_cseq, "sip.missing-header.cseq", E, "the message has no CSeq header"},
    {missing_from, "sip.missing-header.from", E, "the message has no From header"},
    {missing_to, "sip.missing-header.to", E, "the message has no To header"},
    {missing_via, "sip.missing-header.via", E, "the message has no Via header"},
    {missing_max_forwards, "sip.missing-header.max-forwards", W,
     "the request has no Max-Forwards header (RFC 2543 peers omit it)"},
    {content_length_missing, "sip.content-length.missing", W,
     "no Content-Length: mandatory on streams, the body runs to the end of a datagram"},
    {content_length_invalid, "sip.content-length.invalid", E,
     "Content-Length is not a non-negative decimal number"},
    {content_length_exceeds, "sip.content-length.exceeds-message", E,
     "Content-Length is larger than the bytes that follow the headers"},
    {content_length_short, "sip.content-length.shorter-than-body", W,
     "Content-Length is smaller than the datagram's body; the rest was ignored"},
    {content_length_conflict, "sip.content-length.conflict", E,
     "several Content-Length headers with different values: framing is lost"},
    {cseq_malformed, "sip.cseq.malformed", E, "CSeq is not '<number> <method>'"},
    {cseq_out_of_range, "sip.cseq.out-of-range", E, "the CSeq number exceeds 2^31-1"},
    {cseq_method_mismatch, "sip.cseq.method-mismatch", E,
     "the CSeq method differs from the request method"},
    {max_forwards_invalid, "sip.max-forwards.invalid", E, "Max-Forwards is not a number 0..255"},
    {max_forwards_zero, "sip.max-forwards.zero", I,
     "Max-Forwards is 0: a proxy answers 483, an endpoint processes the request"},
    {expires_invalid, "sip.expires.invalid", E, "an expires value is not a number 0..2^32-1"},
    {retry_after_invalid, "sip.retry-after.invalid", E,
     "Retry-After is not a number 0..2^32-1 with optional comment and parameters"},
    {warning_invalid, "sip.warning.invalid", E, "a Warning value is malformed"},
    {reason_invalid, "sip.reason.invalid", W, "a Reason value is malformed"},
    {date_invalid, "sip.date.invalid", E, "the Date header is not an RFC 1123 date in GMT"},
    {via_malformed, "sip.via.malformed", E,
     "a Via value is not 'SIP/2.0/<transport> host[:port]' with parameters"},
    {via_branch_missing, "sip.via.branch-missing", W,
     "the top Via has no branch: RFC 2543 transaction matching applies"},
    {via_branch_cookie_only, "sip.via.branch-cookie-only", W,
     "the branch is only the magic cookie z9hG4bK: it identifies no transaction"},
    {via_branch_not_rfc3261, "sip.via.branch-not-rfc3261", I,
     "the top Via branch lacks the z9hG4bK cookie: RFC 2543 transaction matching applies"},
    {via_broadcast_sent_by, "sip.via.broadcast-sent-by", W,
     "a Via sent-by is a broadcast address (255.255.255.255)"},
    {from_tag_missing, "sip.from.tag-missing", I, "the From header has no tag (RFC 2543 peer)"},
    {quoted_string_unterminated, "sip.quoted-string.unterminated", E,
     "a quoted string is not closed"},
    {display_name_invalid, "sip.display-name.invalid", E,
     "an unquoted display name holds characters that need quoting"},
    {name_addr_malformed, "sip.name-addr.malformed", E,
     "a name-addr / addr-spec value cannot be read"},
    {addr_spec_needs_brackets, "sip.name-addr.unbracketed-reserved", E,
     "a URI with ',', ';' or '?' in its own syntax must be enclosed in <>"},
    {uri_malformed, "sip.uri.malformed", E, "a URI is malformed"},
    {uri_bad_host, "sip.uri.bad-host", E, "a URI host is not a hostname, IPv4 or [IPv6]"},
    {uri_bad_port, "sip.uri.bad-port", E, "a URI port is not a number 0..65535"},
    {uri_ipv6_port_ambiguous, "sip.uri.ipv6-port-ambiguous", W,
     "an IPv6 reference may hold a port typed inside the brackets (RFC 5118 section 4.3)"},
    {uri_unknown_scheme, "sip.uri.unknown-scheme", I, "a URI scheme is not sip, sips or tel"},
    {uri_headers_present, "sip.uri.headers-present", I,
     "a URI carries ?headers (escaped header fields)"},
    {contact_unknown_param, "sip.contact.unknown-param", I,
     "a Contact carries a header parameter sipdx does not know"},
    {auth_malformed, "sip.auth.malformed", E, "an authentication header is malformed"},
    {auth_unknown_scheme, "sip.auth.unknown-scheme", W,
     "an authentication scheme other than Digest"},
    {require_unknown_option, "sip.require.unknown-option", W,
     "Require / Proxy-Require lists an option tag sipdx does not know (a UAS answers 420)"},
    {content_type_malformed, "sip.content-type.malformed", E,
     "Content-Type is not 'type/subtype' with parameters"},
    {content_type_unknown, "sip.body.unknown-content-type", I,
     "the body's type is not one sipdx decodes (a UAS may answer 415)"},
    {accept_excludes_body_type, "sip.accept.excludes-body-type", W,
     "the request's Accept does not list the type of its own body (a UAS may answer 406)"},
    {sdp_malformed, "sip.sdp.malformed", W, "an SDP line is malformed"},
    {sdp_missing_line, "sip.sdp.missing-line", W,
     "the SDP lacks a mandatory v=, o=, s= or t= line"},
    {multipart_malformed, "sip.multipart.malformed", W,
     "a multipart body has no boundary or no closing delimiter"},
    {security_malformed, "sip.security.malformed", E,
     "a Security-Client/Server/Verify value is malformed"},
    {p_charging_vector_malformed, "sip.p-charging-vector.malformed", W,
     "P-Charging-Vector lacks icid-value or is malformed"},
    {rack_malformed, "sip.rack.malformed", E, "RAck is not '<rseq> <cseq> <method>'"},
    {rseq_malformed, "sip.rseq.malformed", E, "RSeq is not a number 1..2^32-1"},
    {uri_unknown_param, "sip.uri.unknown-param", I,
     "a SIP URI carries a parameter sipdx does not know (kept by registrars and proxies)"},
    {param_malformed, "sip.param.malformed", E,
     "header parameters are not separated by ';' (e.g. a value with whitespace inside)"},
}};

constexpr bool table_in_order() {
    for (std::size_t i = 0; i < table.size(); ++i)
        if (static_cast<std::size_t>(table[i].code) != i) return false;
    return true;
}
static_assert(table_in_order(), "finding table out of order with FindingCode");

const CodeInfo& info(FindingCode code) {
    auto i = static_cast<std::size_t>(code);
    return i < table.size() ? table[i] : table[0];
}

} // namespace

std::string_view to_string(FindingCode code) {
    return info(code).name;
}

std::optional<FindingCode> parse_finding_code(std::string_view name) {
    if (name.empty()) return std::nullopt;
    auto it =
        std::find_if(table.begin(), table.end(), [&](const CodeInfo& c) { return c.name == name; });
    if (it == table.end()) return std::nullopt;
    return it->code;
}

Severity severity_of(FindingCode code) {
    return info(code).severity;
}
std::string_view describe(FindingCode code) {
    return info(code).description;
}

void FindingSink::add(FindingCode code, std::string_view at) const {
    add(code, at, severity_of(code));
}

void FindingSink::add(FindingCode code, std::string_view at, Severity severity) const {
    if (out == nullptr) return;
    std::uint32_t offset = 0;
    if (base != nullptr && at.data() != nullptr && at.data() >= base)
        offset = static_cast<std::uint32_t>(at.data() - base);
    out->push_back(Finding{code, severity, offset, at});
}

bool has_errors(std::span<const Finding> findings) {
    return std::any_of(findings.begin(), findings.end(),
                       [](const Finding& f) { return f.severity == Severity::error; });
}

bool has_code(std::span<const Finding> findings, FindingCode code) {
    return std::any_of(findings.begin(), findings.end(),
                       [&](const Finding& f) { return f.code == code; });
}

} // namespace sipdx::sip
