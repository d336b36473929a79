// Typed header values, parsed on demand from the raw header value views that the message index
// holds (RFC 3261 section 20 and the extension RFCs named below). Each parse_* function takes
// one header value (or one element of a comma-separated list) and never fails: anomalies go to
// the optional FindingSink. Lifetime: every view points into the value given.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>
#include <vector>

#include <sipdx/sip/finding.h>
#include <sipdx/sip/method.h>
#include <sipdx/sip/params.h>
#include <sipdx/sip/uri.h>

namespace sipdx::sip {

// Via (RFC 3261 section 20.42): one hop.
struct Via {
    std::string_view protocol;  // "SIP/2.0"
    std::string_view transport; // "UDP", "TCP", "TLS", "SCTP", "WS", "WSS", or any token
    std::string_view host;      // sent-by host (IPv6 with brackets)
    std::int32_t port = -1;     // sent-by port, -1 when absent
    std::string_view sent_by;   // "host[:port]" as written
    ParamList params;
    std::string_view branch;   // empty when absent
    std::string_view received; // empty when absent
    bool has_rport = false;
    std::int32_t rport = -1; // the rport value, -1 when absent or empty (";rport")
    std::string_view maddr;
    std::string_view ttl;
    // RFC 3261 section 8.1.1.7: a branch beginning with the magic cookie "z9hG4bK".
    bool rfc3261_branch() const;
};
// One via-parm (one element of the list). Returns nullopt when the element is not a Via at all.
std::optional<Via> parse_via(std::string_view element, const FindingSink& sink = {});
// Every hop in a header value (which may hold several).
void parse_via_list(std::string_view value, std::vector<Via>& out, const FindingSink& sink = {});

// name-addr or addr-spec with header parameters: From, To, Contact, Route, Record-Route, Path,
// Service-Route, P-Asserted-Identity, P-Preferred-Identity, P-Called-Party-ID, Refer-To, ...
struct NameAddr {
    std::string_view display_name; // quotes removed, escapes kept; empty when absent
    bool display_quoted = false;
    bool bracketed = false; // the URI was inside <> (name-addr form)
    Uri uri;
    ParamList params;      // header params after the URI (";tag=...;expires=...")
    bool wildcard = false; // Contact: *

    std::string_view tag() const; // the tag parameter, empty when absent
};
std::optional<NameAddr> parse_name_addr(std::string_view element, const FindingSink& sink = {});
void parse_name_addr_list(std::string_view value, std::vector<NameAddr>& out,
                          const FindingSink& sink = {});

// CSeq (RFC 3261 section 20.16).
struct CSeq {
    std::uint32_t seq = 0;
    Method method = Method::unknown;
    std::string_view method_text;
};
std::optional<CSeq> parse_cseq(std::string_view value, const FindingSink& sink = {});

// A non-negative decimal (Content-Length, Max-Forwards, Expires, RSeq, Min-Expires ...).
// nullopt on anything else or when it exceeds `max`.
std::optional<std::uint32_t> parse_uint(std::string_view value, std::uint64_t max = 0xFFFFFFFFull);

// Retry-After (RFC 3261 section 20.33): seconds, optional comment and duration.
struct RetryAfter {
    std::uint32_t seconds = 0;
    std::string_view comment;
    std::optional<std::uint32_t> duration;
    ParamList params;
};
std::optional<RetryAfter> parse_retry_after(std::string_view value, const FindingSink& sink = {});

// Content-Type (RFC 3261 section 20.15): "type/subtype;params".
struct MediaType {
    std::string_view type;
    std::string_view subtype;
    ParamList params;
    std::string_view boundary() const; // multipart boundary without quotes, or empty
    bool is(std::string_view type_name, std::string_view subtype_name) const;
};
std::optional<MediaType> parse_media_type(std::string_view value, const FindingSink& sink = {});

// RAck (RFC 3262 section 7.2).
struct RAck {
    std::uint32_t rseq = 0;
    std::uint32_t cseq = 0;
    Method method = Method::unknown;
    std::string_view method_text;
};
std::optional<RAck> parse_rack(std::string_view value, const FindingSink& sink = {});

// Token lists: Require, Supported, Proxy-Require, Unsupported, Allow, Allow-Events, Privacy ...
void parse_token_list(std::string_view value, std::vector<std::string_view>& out,
                      const FindingSink& sink = {});

// WWW-Authenticate, Proxy-Authenticate, Authorization, Proxy-Authorization (RFC 3261 section
// 20.7; AKA per RFC 3310: algorithm=AKAv1-MD5, nonce = base64(RAND|AUTN|...), auts).
struct AuthParam {
    std::string_view name;
    std::string_view value; // quotes removed, escapes kept
};
struct Credentials {
    std::string_view scheme;       // "Digest", or any token
    std::vector<AuthParam> params; // in order
    std::string_view token68;      // a scheme without auth-params ("Basic xyz=")
    std::optional<std::string_view> param(std::string_view name) const; // case-insensitive
    bool is_digest() const;
    bool is_aka() const; // algorithm starts with "AKAv" (RFC 3310, RFC 4169)
};
std::optional<Credentials> parse_credentials(std::string_view value, const FindingSink& sink = {});

// Security-Client / Security-Server / Security-Verify (RFC 3329; ipsec-3gpp params per
// 3GPP TS 33.203: alg, ealg, spi-c, spi-s, port-c, port-s, prot, mod, q).
struct SecurityMechanism {
    std::string_view mechanism; // "ipsec-3gpp", "tls", "digest", ...
    ParamList params;
    std::optional<std::uint32_t> spi_c() const;
    std::optional<std::uint32_t> spi_s() const;
    std::optional<std::uint32_t> port_c() const;
    std::optional<std::uint32_t> port_s() const;
    std::string_view alg() const;
    std::string_view ealg() const;
};
void parse_security_list(std::string_view value, std::vector<SecurityMechanism>& out,
                         const FindingSink& sink = {});

// P-Charging-Vector (RFC 7315 section 5.6).
struct PChargingVector {
    std::string_view icid_value;
    std::string_view icid_generated_at;
    std::string_view orig_ioi;
    std::string_view term_ioi;
    ParamList params; // all parameters, including the above
};
std::optional<PChargingVector> parse_p_charging_vector(std::string_view value,
                                                       const FindingSink& sink = {});

// P-Charging-Function-Addresses (RFC 7315 section 5.5): ccf and ecf, in order.
struct PChargingFunctionAddresses {
    std::vector<std::string_view> ccf;
    std::vector<std::string_view> ecf;
    ParamList params;
};
PChargingFunctionAddresses parse_p_charging_function_addresses(std::string_view value);

// P-Access-Network-Info (RFC 7315 section 5.4): access type plus parameters
// ("3GPP-E-UTRAN-FDD; utran-cell-id-3gpp=..."), one element of the list.
struct AccessNetworkInfo {
    std::string_view access_type;
    ParamList params;
    std::string_view cell_id() const; // utran-cell-id-3gpp / cgi-3gpp / i-wlan-node-id, or empty
};
void parse_access_network_info(std::string_view value, std::vector<AccessNetworkInfo>& out);

// Generic "value;params" elements: Accept-Contact, Reject-Contact, Feature-Caps (RFC 3841,
// RFC 6809: "*;+g.3gpp.icsi-ref=..."), P-Visited-Network-ID, Event, Subscription-State,
// Session-Expires, Content-Disposition, Privacy, Reason-less P-headers.
struct ValueWithParams {
    std::string_view value;
    ParamList params;
};
void parse_value_params_list(std::string_view value, std::vector<ValueWithParams>& out);
ValueWithParams parse_value_params(std::string_view element);

} // namespace sipdx::sip
