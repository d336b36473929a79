// Header names: ids for the headers sipdx knows, their canonical spelling and compact forms
// (RFC 3261 section 7.3.3 and the extension RFCs; IANA "Header Fields" registry).
// Header names are case-insensitive (RFC 3261 section 7.3.1).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace sipdx::sip {

enum class HeaderId : std::uint8_t {
    unknown = 0, // any other header: the name is kept as written
    accept,
    accept_contact, // a (RFC 3841)
    accept_encoding,
    accept_language,
    alert_info,
    allow,
    allow_events, // u (RFC 6665)
    authentication_info,
    authorization,
    call_id, // i
    call_info,
    contact, // m
    content_disposition,
    content_encoding, // e
    content_language,
    content_length, // l
    content_type,   // c
    cseq,
    date,
    error_info,
    event, // o (RFC 6665)
    expires,
    feature_caps,  // RFC 6809
    from,          // f
    history_info,  // RFC 7044
    identity,      // y (RFC 8224)
    identity_info, // n (RFC 4474)
    in_reply_to,
    max_forwards,
    min_expires,
    min_se, // RFC 4028
    mime_version,
    organization,
    p_access_network_info,         // RFC 7315
    p_asserted_identity,           // RFC 3325
    p_asserted_service,            // RFC 6050
    p_associated_uri,              // RFC 7315
    p_called_party_id,             // RFC 7315
    p_charging_function_addresses, // RFC 7315
    p_charging_vector,             // RFC 7315
    p_early_media,                 // RFC 5009
    p_preferred_identity,          // RFC 3325
    p_preferred_service,           // RFC 6050
    p_served_user,                 // RFC 5502
    p_visited_network_id,          // RFC 7315
    path,                          // RFC 3327
    priority,
    privacy, // RFC 3323
    proxy_authenticate,
    proxy_authorization,
    proxy_require,
    rack,   // RFC 3262
    reason, // RFC 3326
    record_route,
    refer_to,       // r (RFC 3515)
    referred_by,    // b (RFC 3892)
    reject_contact, // j (RFC 3841)
    reply_to,
    request_disposition, // d (RFC 3841)
    require,
    retry_after,
    route,
    rseq,            // RFC 3262
    security_client, // RFC 3329
    security_server, // RFC 3329
    security_verify, // RFC 3329
    server,
    service_route,      // RFC 3608
    session_expires,    // x (RFC 4028)
    session_id,         // RFC 7989
    sip_etag,           // RFC 3903
    sip_if_match,       // RFC 3903
    subject,            // s
    subscription_state, // RFC 6665
    supported,          // k
    timestamp,
    to, // t
    unsupported,
    user_agent,
    via, // v
    warning,
    www_authenticate,
    count_ // not a header: the number of ids
};

inline constexpr std::size_t header_id_count = static_cast<std::size_t>(HeaderId::count_);

// Case-insensitive lookup of a full or compact name ("Call-ID", "call-id", "i", "I").
// HeaderId::unknown for names sipdx does not know.
HeaderId lookup_header(std::string_view name);
// Canonical spelling ("Call-ID", "CSeq", "WWW-Authenticate"); "" for unknown.
std::string_view to_string(HeaderId id);
// The compact form letter (lower case), or '\0' when the header has none.
char compact_form(HeaderId id);
// The header a compact letter stands for (either case); unknown when the letter is not assigned.
HeaderId header_from_compact(char letter);
// True for headers that may occur at most once (RFC 3261 section 7.3.1 and the extension
// RFCs): Call-ID, CSeq, From, To, Max-Forwards, Content-Length, Content-Type, ...
bool is_single_value(HeaderId id);
// True for headers whose value is a comma-separated list that may also be split over several
// header lines (Via, Contact, Route, Record-Route, Allow, Supported, ...).
bool is_list_header(HeaderId id);

} // namespace sipdx::sip
