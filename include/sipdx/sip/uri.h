// SIP, SIPS and TEL URIs (RFC 3261 section 19.1, RFC 3966), parsed into views of the input.
// Other absolute URIs (RFC 3986: "mailto:", "urn:", "soap.beep:") keep scheme and opaque part.
// Lifetime: every view points into the text given to parse_uri.
#pragma once

#include <cstdint>
#include <string_view>

#include <sipdx/sip/finding.h>
#include <sipdx/sip/params.h>

namespace sipdx::sip {

enum class UriScheme : std::uint8_t { none, sip, sips, tel, other };

struct Uri {
    UriScheme scheme = UriScheme::none;
    std::string_view text;        // the whole URI as parsed
    std::string_view scheme_text; // "sip", "SIPS", "tel", "urn", ...
    std::string_view user;        // userinfo user (still %-escaped); tel: the number
    std::string_view password;    // after ':' in userinfo, rarely used
    std::string_view host;        // hostname, IPv4, or IPv6 reference including the brackets
    std::string_view port_text;   // digits as written, empty when absent
    std::int32_t port = -1;       // -1 when absent
    bool host_is_ipv6 = false;
    std::string_view opaque;  // for UriScheme::other: everything after "scheme:"
    ParamList params;         // uri-parameters (";transport=tcp;lr"), or tel parameters
    std::string_view headers; // after '?', without the '?' ("Route=%3Csip:...%3E")
    FindingCode problem = FindingCode::none; // first syntax problem found; none when well formed

    bool valid() const { return problem == FindingCode::none; }
    bool is_sip() const { return scheme == UriScheme::sip || scheme == UriScheme::sips; }
    // "host[:port]" as written (for sent-by style comparisons and display).
    std::string_view host_port() const;
};

// Parses `text` as one URI (no surrounding <> or whitespace expected; whitespace inside is a
// problem). Never fails: problems are reported in Uri::problem and, when a sink is given, as
// findings at their offsets.
Uri parse_uri(std::string_view text, const FindingSink& sink = {});

// True when `host` is a syntactically valid hostname, IPv4 address or bracketed IPv6 reference
// (RFC 3261 section 25.1 host; RFC 5118 tolerates the "3 colons" IPv6 form).
bool is_valid_host(std::string_view host);
bool is_ipv4_address(std::string_view text);
// Accepts an IPv6 address without brackets (RFC 4291 text forms, with embedded IPv4).
bool is_ipv6_address(std::string_view text);

} // namespace sipdx::sip
