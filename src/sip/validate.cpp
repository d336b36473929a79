// Message::validate: the full typed check. Every known header is parsed with a finding sink, so
// malformed values, ranges and cross-header rules (CSeq method, Accept vs body) become findings.
#include <sipdx/sip/message.h>
#include <sipdx/sip/multipart.h>

#include "sip/detail/text.h"

#include <algorithm>
#include <array>

namespace sipdx::sip {
using namespace detail;

namespace {

// Option tags sipdx knows (IANA "Option Tags" registry, the ones seen in SIP/IMS traffic).
constexpr std::array<std::string_view, 30> known_options{"100rel",
                                                         "precondition",
                                                         "timer",
                                                         "replaces",
                                                         "path",
                                                         "gruu",
                                                         "outbound",
                                                         "sec-agree",
                                                         "norefersub",
                                                         "histinfo",
                                                         "join",
                                                         "eventlist",
                                                         "from-change",
                                                         "tdialog",
                                                         "resource-priority",
                                                         "answermode",
                                                         "explicitsub",
                                                         "siprec",
                                                         "pref",
                                                         "privacy",
                                                         "recipient-list-invite",
                                                         "recipient-list-subscribe",
                                                         "multiple-refer",
                                                         "early-session",
                                                         "ice",
                                                         "uui",
                                                         "sdp-anat",
                                                         "199",
                                                         "record-aware",
                                                         "geolocation-sip"};

// Contact header parameters (RFC 3261, RFC 3840 feature tags, RFC 5626, RFC 5627).
constexpr std::array<std::string_view, 22> known_contact_params{
    "q",           "expires",  "reg-id",      "pub-gruu", "temp-gruu", "methods",
    "audio",       "video",    "automata",    "class",    "duplex",    "data",
    "control",     "mobility", "description", "events",   "priority",  "schemes",
    "application", "actor",    "isfocus",     "text"};

// URI parameters (RFC 3261 section 19.1.1 and the IANA "SIP/SIPS URI Parameters" registry).
constexpr std::array<std::string_view, 20> known_uri_params{
    "transport", "user",  "method", "ttl", "maddr",         "lr",   "comp", "sigcomp-id",
    "target",    "cause", "gr",     "ob",  "phone-context", "isub", "ext",  "npdi",
    "rn",        "sg",    "m",      "pres"};

template <std::size_t N>
bool known(const std::array<std::string_view, N>& list, std::string_view name) {
    for (auto k : list)
        if (iequals(k, name)) return true;
    return false;
}

// Body types sipdx decodes or that IMS traffic commonly carries.
bool known_body_type(const MediaType& t) {
    if (iequals(t.type, "multipart")) return true;
    static constexpr std::array<std::pair<std::string_view, std::string_view>, 16> types{{
        {"application", "sdp"},
        {"application", "isup"},
        {"application", "pidf+xml"},
        {"application", "reginfo+xml"},
        {"application", "dtmf-relay"},
        {"application", "dtmf"},
        {"application", "vnd.3gpp.sms"},
        {"application", "simple-message-summary"},
        {"application", "3gpp-ims+xml"},
        {"application", "vnd.etsi.cug+xml"},
        {"application", "xcap-diff+xml"},
        {"application", "conference-info+xml"},
        {"application", "resource-lists+xml"},
        {"message", "sipfrag"},
        {"text", "plain"},
        {"application", "media_control+xml"},
    }};
    for (const auto& [a, b] : types)
        if (t.is(a, b)) return true;
    return false;
}

// RFC 1123 date in GMT (RFC 3261 section 20.17): "Sat, 13 Nov 2010 23:29:00 GMT".
bool valid_sip_date(std::string_view v) {
    static constexpr std::array<std::string_view, 7> days{"Mon", "Tue", "Wed", "Thu",
                                                          "Fri", "Sat", "Sun"};
    static constexpr std::array<std::string_view, 12> months{
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    if (v.size() != 29) return false;
    bool day_ok = false;
    for (auto d : days)
        day_ok = day_ok || v.substr(0, 3) == d;
    bool month_ok = false;
    for (auto m : months)
        month_ok = month_ok || v.substr(8, 3) == m;
    auto digits = [&](std::size_t at, std::size_t n) {
        for (std::size_t i = 0; i < n; ++i)
            if (!is_digit(v[at + i])) return false;
        return true;
    };
    return day_ok && month_ok && v.substr(3, 2) == ", " && digits(5, 2) && v[7] == ' ' &&
           v[11] == ' ' && digits(12, 4) && v[16] == ' ' && digits(17, 2) && v[19] == ':' &&
           digits(20, 2) && v[22] == ':' && digits(23, 2) && v.substr(25) == " GMT";
}

// warning-value = warn-code SP warn-agent SP warn-text (RFC 3261 section 20.43).
bool valid_warning(std::string_view element) {
    std::string_view s = trim(element);
    if (s.size() < 4 || !is_digit(s[0]) || !is_digit(s[1]) || !is_digit(s[2]) || s[3] != ' ')
        return false;
    std::size_t agent_end = s.find(' ', 4);
    if (agent_end == std::string_view::npos || agent_end == 4) return false;
    std::string_view text = trim(s.substr(agent_end + 1));
    return text.size() >= 2 && text.front() == '"' && end_of_quoted(text, 0) == text.size();
}

bool accept_lists(std::string_view accept_value, const MediaType& body_type) {
    ListSplitter split(accept_value);
    while (auto element = split.next()) {
        std::string_view range = trim(element->substr(0, element->find(';')));
        std::size_t slash = range.find('/');
        if (slash == std::string_view::npos) continue;
        std::string_view t = trim(range.substr(0, slash));
        std::string_view st = trim(range.substr(slash + 1));
        if ((t == "*" || iequals(t, body_type.type)) &&
            (st == "*" || iequals(st, body_type.subtype)))
            return true;
    }
    return false;
}

} // namespace

void Message::validate() {
    if (validated) return;
    validated = true;
    if (raw.data() == nullptr) return;
    // Headers may grow `findings` while we hold views: views point into raw, never into the
    // vector, so pushing is safe.
    FindingSink sink{&findings, raw.data()};

    // Request-URI (RFC 3261 section 19.1; RFC 5118 for IPv6 references).
    if (is_request() && !request_uri.empty() &&
        !has_code(findings, FindingCode::request_uri_malformed)) {
        if (request_uri.front() == '<') {
            sink.add(FindingCode::request_uri_malformed, request_uri);
        } else {
            std::vector<Finding> uri_findings;
            Uri uri = parse_uri(request_uri, FindingSink{&uri_findings, raw.data()});
            if (!uri.valid()) {
                sink.add(FindingCode::request_uri_malformed, request_uri);
            } else if (!uri.headers.empty()) {
                sink.add(FindingCode::request_uri_headers, uri.headers);
            }
            if (uri.scheme == UriScheme::other)
                sink.add(FindingCode::request_uri_unknown_scheme, uri.scheme_text);
            for (const Finding& f : uri_findings)
                if (f.code == FindingCode::uri_ipv6_port_ambiguous) findings.push_back(f);
            if (uri.host_is_ipv6 && uri.port < 0 && uri.valid()) {
                // RFC 5118 section 4.3: "[2001:db8::10:5070]" is a valid address, but the last
                // group looks like a port typed inside the brackets.
                std::string_view inside = uri.host.substr(1, uri.host.size() - 2);
                std::string_view last = inside.substr(inside.rfind(':') + 1);
                if (last.size() == 4 && std::all_of(last.begin(), last.end(), is_digit) &&
                    inside.find('.') == std::string_view::npos)
                    sink.add(FindingCode::uri_ipv6_port_ambiguous, uri.host);
            }
            for (const Param& p : uri.params)
                if (uri.is_sip() && !p.name.empty() && !known(known_uri_params, p.name))
                    sink.add(FindingCode::uri_unknown_param, p.name);
        }
    }

    std::optional<MediaType> body_type;
    bool seen_warning_header = false;
    for (const Header& h : headers) {
        // Control characters other than HTAB (and the CR LF of folds) in a value.
        // A quoted-pair ("\\" then any byte but CR/LF) may carry one (RFC 3261 section 25.1).
        for (std::size_t i = 0; i < h.value.size(); ++i) {
            char c = h.value[i];
            auto u = static_cast<unsigned char>(c);
            if (c == '\\') {
                ++i;
                continue;
            }
            // CR and LF may only appear as the CRLF of a fold.
            bool fold = (c == '\r' && i + 2 < h.value.size() && h.value[i + 1] == '\n' &&
                         (h.value[i + 2] == ' ' || h.value[i + 2] == '\t')) ||
                        (c == '\n' && i + 1 < h.value.size() &&
                         (h.value[i + 1] == ' ' || h.value[i + 1] == '\t'));
            if ((u < 0x20 && c != '\t' && !fold) || u == 0x7f) {
                sink.add(FindingCode::header_value_invalid_char, h.value);
                break;
            }
        }
        switch (h.id) {
        case HeaderId::cseq:
            if (&h == find(HeaderId::cseq)) {
                auto c = parse_cseq(h.value, sink);
                if (c && is_request() && c->method_text != method_text && !method_text.empty())
                    sink.add(FindingCode::cseq_method_mismatch, c->method_text);
            } else {
                parse_cseq(h.value, sink);
            }
            break;
        case HeaderId::from:
        case HeaderId::to: {
            auto na = parse_name_addr(h.value, sink);
            if (na && na->uri.scheme == UriScheme::other)
                sink.add(FindingCode::uri_unknown_scheme, na->uri.scheme_text);
            if (na && h.id == HeaderId::from && na->tag().empty() && &h == find(HeaderId::from))
                sink.add(FindingCode::from_tag_missing, h.value);
            break;
        }
        case HeaderId::contact: {
            std::vector<NameAddr> list;
            parse_name_addr_list(h.value, list, sink);
            for (const NameAddr& na : list) {
                if (na.uri.scheme == UriScheme::other)
                    sink.add(FindingCode::uri_unknown_scheme, na.uri.scheme_text);
                if (!na.uri.headers.empty())
                    sink.add(FindingCode::uri_headers_present, na.uri.headers);
                for (const Param& p : na.uri.params)
                    if (na.uri.is_sip() && !p.name.empty() && !known(known_uri_params, p.name))
                        sink.add(FindingCode::uri_unknown_param, p.name);
                for (const Param& p : na.params) {
                    if (p.name.empty()) continue;
                    if (iequals(p.name, "expires") && !parse_uint(p.value))
                        sink.add(FindingCode::expires_invalid, p.value);
                    if (p.name.front() != '+' && !known(known_contact_params, p.name))
                        sink.add(FindingCode::contact_unknown_param, p.name);
                }
            }
            break;
        }
        case HeaderId::route:
        case HeaderId::record_route:
        case HeaderId::path:
        case HeaderId::service_route:
        case HeaderId::p_asserted_identity:
        case HeaderId::p_preferred_identity:
        case HeaderId::p_associated_uri:
        case HeaderId::p_called_party_id:
        case HeaderId::refer_to:
        case HeaderId::referred_by:
        case HeaderId::reply_to: {
            std::vector<NameAddr> list;
            if (is_list_header(h.id)) {
                parse_name_addr_list(h.value, list, sink);
            } else {
                parse_name_addr(h.value, sink);
            }
            break;
        }
        case HeaderId::via: {
            std::vector<Via> list;
            parse_via_list(h.value, list, sink);
            if (&h == find(HeaderId::via) && !list.empty()) {
                const Via& top = list.front();
                if (top.branch.empty()) {
                    sink.add(FindingCode::via_branch_missing, h.value);
                } else if (top.branch == "z9hG4bK") {
                    sink.add(FindingCode::via_branch_cookie_only, top.branch);
                } else if (!top.rfc3261_branch()) {
                    sink.add(FindingCode::via_branch_not_rfc3261, top.branch);
                }
            }
            break;
        }
        case HeaderId::max_forwards:
            if (auto mf = parse_uint(h.value, 255); !mf) {
                sink.add(FindingCode::max_forwards_invalid, h.value);
            } else if (*mf == 0) {
                sink.add(FindingCode::max_forwards_zero, h.value);
            }
            break;
        case HeaderId::expires:
        case HeaderId::min_expires:
            if (!parse_uint(h.value)) sink.add(FindingCode::expires_invalid, h.value);
            break;
        case HeaderId::retry_after:
            parse_retry_after(h.value, sink);
            break;
        case HeaderId::content_type:
            if (&h == find(HeaderId::content_type)) {
                body_type = parse_media_type(h.value, sink);
            } else {
                parse_media_type(h.value, sink);
            }
            break;
        case HeaderId::rseq: {
            auto r = parse_uint(h.value);
            if (!r || *r == 0) sink.add(FindingCode::rseq_malformed, h.value);
            break;
        }
        case HeaderId::rack:
            parse_rack(h.value, sink);
            break;
        case HeaderId::require:
        case HeaderId::proxy_require: {
            std::vector<std::string_view> tags;
            parse_token_list(h.value, tags, sink);
            for (auto t : tags)
                if (!known(known_options, t)) sink.add(FindingCode::require_unknown_option, t);
            break;
        }
        case HeaderId::supported:
        case HeaderId::unsupported:
        case HeaderId::allow:
        case HeaderId::allow_events: {
            std::vector<std::string_view> tags;
            parse_token_list(h.value, tags, sink);
            break;
        }
        case HeaderId::www_authenticate:
        case HeaderId::proxy_authenticate:
        case HeaderId::authorization:
        case HeaderId::proxy_authorization:
            if (auto c = parse_credentials(h.value, sink); c && !c->is_digest())
                sink.add(FindingCode::auth_unknown_scheme, c->scheme);
            break;
        case HeaderId::security_client:
        case HeaderId::security_server:
        case HeaderId::security_verify: {
            std::vector<SecurityMechanism> list;
            parse_security_list(h.value, list, sink);
            break;
        }
        case HeaderId::p_charging_vector:
            parse_p_charging_vector(h.value, sink);
            break;
        case HeaderId::warning: {
            seen_warning_header = true;
            ListSplitter split(h.value);
            while (auto element = split.next())
                if (!valid_warning(*element))
                    sink.add(FindingCode::warning_invalid, element->empty() ? h.value : *element);
            break;
        }
        case HeaderId::reason: {
            // reason-value = protocol *(SEMI reason-params), cause = 1*DIGIT (RFC 3326 2).
            ListSplitter split(h.value);
            while (auto element = split.next()) {
                ValueWithParams v = parse_value_params(*element);
                auto cause = v.params.find("cause");
                if (!is_token(v.value) || (cause && !parse_uint(cause->value, 0xFFFFFFFFull)))
                    sink.add(FindingCode::reason_invalid, element->empty() ? h.value : *element);
            }
            break;
        }
        case HeaderId::date:
            if (!valid_sip_date(h.value)) sink.add(FindingCode::date_invalid, h.value);
            break;
        default:
            break;
        }
    }
    (void)seen_warning_header;

    // Body: type, Accept, SDP and multipart content.
    if (!body.empty() && body_type) {
        if (!known_body_type(*body_type)) {
            sink.add(FindingCode::content_type_unknown, value(HeaderId::content_type));
        }
        if (is_request()) {
            const Header* accept = find(HeaderId::accept);
            if (accept != nullptr && !accept_lists(accept->value, *body_type))
                sink.add(FindingCode::accept_excludes_body_type, accept->value);
        }
        auto add_sdp = [&](std::string_view sdp_body) {
            Sdp sdp = parse_sdp(sdp_body);
            for (Finding f : sdp.findings) {
                f.offset += offset_of(sdp_body);
                findings.push_back(f);
            }
        };
        if (body_type->is("application", "sdp")) {
            add_sdp(body);
        } else if (iequals(body_type->type, "multipart")) {
            for (const BodyPart& part : split_multipart(body, body_type->boundary(), sink)) {
                auto part_type = parse_media_type(part.content_type);
                if (part_type && part_type->is("application", "sdp")) add_sdp(part.body);
            }
        }
    }
}

} // namespace sipdx::sip
