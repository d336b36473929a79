// Protocol anomalies found while parsing SIP: data, not errors (docs/sip-parser.md lists every
// code with its meaning). The string codes are stable: reports, tests and other stages match on
// them, so a code is never renamed or reused once released; new codes are appended.
#pragma once

#include <sipdx/knowledge/severity.h>

#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

namespace sipdx::sip {

// The one severity scale shared by every stage (knowledge/severity.h).
using knowledge::Severity;
using knowledge::to_string;

// One value per anomaly. Keep in step with the table in src/sip/finding.cpp.
enum class FindingCode : std::uint16_t {
    none = 0,
    // framing
    junk_before_message, // sip.framing.junk-before-message
    truncated_headers,   // sip.framing.truncated-headers
    bare_lf,             // sip.framing.bare-lf
    trailing_bytes,      // sip.framing.trailing-bytes
    // start line
    start_line_malformed,        // sip.start-line.malformed
    start_line_extra_whitespace, // sip.start-line.extra-whitespace
    unsupported_version,         // sip.start-line.unsupported-version
    status_out_of_range,         // sip.status.out-of-range
    unknown_method,              // sip.method.unknown
    request_uri_malformed,       // sip.request-uri.malformed
    request_uri_headers,         // sip.request-uri.headers
    request_uri_unknown_scheme,  // sip.request-uri.unknown-scheme
    // header section
    header_line_malformed,     // sip.header.malformed-line
    header_name_invalid,       // sip.header.invalid-name
    header_value_invalid_char, // sip.header.invalid-char
    header_duplicate,          // sip.header.duplicate
    header_empty_element,      // sip.header.empty-element
    unknown_compact_form,      // sip.header.unknown-compact-form
    too_many_headers,          // sip.header.too-many
    missing_call_id,           // sip.missing-header.call-id
    missing_cseq,              // sip.missing-header.cseq
    missing_from,              // sip.missing-header.from
    missing_to,                // sip.missing-header.to
    missing_via,               // sip.missing-header.via
    missing_max_forwards,      // sip.missing-header.max-forwards
    // body framing
    content_length_missing,  // sip.content-length.missing
    content_length_invalid,  // sip.content-length.invalid
    content_length_exceeds,  // sip.content-length.exceeds-message
    content_length_short,    // sip.content-length.shorter-than-body
    content_length_conflict, // sip.content-length.conflict
    // values
    cseq_malformed,              // sip.cseq.malformed
    cseq_out_of_range,           // sip.cseq.out-of-range
    cseq_method_mismatch,        // sip.cseq.method-mismatch
    max_forwards_invalid,        // sip.max-forwards.invalid
    max_forwards_zero,           // sip.max-forwards.zero
    expires_invalid,             // sip.expires.invalid
    retry_after_invalid,         // sip.retry-after.invalid
    warning_invalid,             // sip.warning.invalid
    reason_invalid,              // sip.reason.invalid
    date_invalid,                // sip.date.invalid
    via_malformed,               // sip.via.malformed
    via_branch_missing,          // sip.via.branch-missing
    via_branch_cookie_only,      // sip.via.branch-cookie-only
    via_branch_not_rfc3261,      // sip.via.branch-not-rfc3261
    via_broadcast_sent_by,       // sip.via.broadcast-sent-by
    from_tag_missing,            // sip.from.tag-missing
    quoted_string_unterminated,  // sip.quoted-string.unterminated
    display_name_invalid,        // sip.display-name.invalid
    name_addr_malformed,         // sip.name-addr.malformed
    addr_spec_needs_brackets,    // sip.name-addr.unbracketed-reserved
    uri_malformed,               // sip.uri.malformed
    uri_bad_host,                // sip.uri.bad-host
    uri_bad_port,                // sip.uri.bad-port
    uri_ipv6_port_ambiguous,     // sip.uri.ipv6-port-ambiguous
    uri_unknown_scheme,          // sip.uri.unknown-scheme
    uri_headers_present,         // sip.uri.headers-present
    contact_unknown_param,       // sip.contact.unknown-param
    auth_malformed,              // sip.auth.malformed
    auth_unknown_scheme,         // sip.auth.unknown-scheme
    require_unknown_option,      // sip.require.unknown-option
    content_type_malformed,      // sip.content-type.malformed
    content_type_unknown,        // sip.body.unknown-content-type
    accept_excludes_body_type,   // sip.accept.excludes-body-type
    sdp_malformed,               // sip.sdp.malformed
    sdp_missing_line,            // sip.sdp.missing-line
    multipart_malformed,         // sip.multipart.malformed
    security_malformed,          // sip.security.malformed
    p_charging_vector_malformed, // sip.p-charging-vector.malformed
    rack_malformed,              // sip.rack.malformed
    rseq_malformed,              // sip.rseq.malformed
    uri_unknown_param,           // sip.uri.unknown-param
    param_malformed,             // sip.param.malformed
    count_                       // not a code: the number of codes
};

// "sip.missing-header.call-id"; empty for none/count_.
std::string_view to_string(FindingCode code);
// Inverse of to_string(FindingCode) (exact match).
std::optional<FindingCode> parse_finding_code(std::string_view name);
// The severity the parser gives this code.
Severity severity_of(FindingCode code);
// One line in plain words, e.g. "the message has no Call-ID header".
std::string_view describe(FindingCode code);

struct Finding {
    FindingCode code = FindingCode::none;
    Severity severity = Severity::info;
    std::uint32_t offset = 0; // byte offset from the start of the message (start line)
    std::string_view detail;  // the offending text (a view into the message) or a static note

    std::string_view code_name() const { return to_string(code); }
};

// A sink for typed parsers: offsets are computed from the position of `at` relative to `base`
// (the first byte of the message), so every view-based parser reports exact offsets.
struct FindingSink {
    std::vector<Finding>* out = nullptr; // null: findings are dropped
    const char* base = nullptr;          // start of the message; null: offsets are 0

    void add(FindingCode code, std::string_view at) const;
    void add(FindingCode code, std::string_view at, Severity severity) const;
    // False when findings are dropped: checks that only produce findings can be skipped.
    bool wanted() const { return out != nullptr; }
};

bool has_errors(std::span<const Finding> findings);
bool has_code(std::span<const Finding> findings, FindingCode code);

} // namespace sipdx::sip
