// Typed header parsers (RFC 3261 section 20 and extensions). All work on views; the only
// allocations are the caller's output vectors.
#include <sipdx/sip/headers.h>

#include "sip/detail/text.h"

namespace sipdx::sip {
using namespace detail;

namespace {

std::size_t scan_token(std::string_view s, std::size_t i) {
    while (i < s.size() && has_class(s[i], token))
        ++i;
    return i;
}

std::size_t skip_lws_at(std::string_view s, std::size_t i) {
    while (i < s.size() && is_lws(s[i]))
        ++i;
    return i;
}

void report_empty_params(const ParamList& params, const FindingSink& sink) {
    for (const Param& p : params) {
        if (p.name.empty()) {
            sink.add(FindingCode::header_empty_element, params.text());
            return;
        }
        if (p.missing_separator) {
            sink.add(FindingCode::param_malformed, p.name);
            return;
        }
    }
}

} // namespace

// --- Via -------------------------------------------------------------------------------------

bool Via::rfc3261_branch() const {
    return branch.starts_with("z9hG4bK");
}

std::optional<Via> parse_via(std::string_view element, const FindingSink& sink) {
    std::string_view s = trim(element);
    Via v;
    auto bad = [&](std::string_view at) {
        sink.add(FindingCode::via_malformed, at.empty() ? element : at);
        return std::nullopt;
    };
    // sent-protocol = protocol-name SLASH protocol-version SLASH transport, SLASH = SWS "/" SWS
    std::size_t i = scan_token(s, 0);
    if (i == 0) return bad(s);
    std::size_t proto_begin = 0;
    i = skip_lws_at(s, i);
    if (i >= s.size() || s[i] != '/') return bad(s);
    i = skip_lws_at(s, i + 1);
    std::size_t ver_end = scan_token(s, i);
    if (ver_end == i) return bad(s);
    v.protocol = s.substr(proto_begin, ver_end - proto_begin);
    i = skip_lws_at(s, ver_end);
    if (i >= s.size() || s[i] != '/') return bad(s);
    i = skip_lws_at(s, i + 1);
    std::size_t tr_end = scan_token(s, i);
    if (tr_end == i) return bad(s);
    v.transport = s.substr(i, tr_end - i);
    i = skip_lws_at(s, tr_end);
    if (i == tr_end || i >= s.size()) return bad(s); // LWS then sent-by are mandatory
    std::size_t host_begin = i;
    if (s[i] == '[') {
        std::size_t close = s.find(']', i);
        if (close == std::string_view::npos) return bad(s.substr(i));
        i = close + 1;
    } else {
        while (i < s.size() && s[i] != ':' && s[i] != ';' && !is_lws(s[i]) && s[i] != '(')
            ++i;
    }
    v.host = s.substr(host_begin, i - host_begin);
    std::size_t sent_by_end = i;
    std::size_t j = skip_lws_at(s, i);
    if (j < s.size() && s[j] == ':') {
        j = skip_lws_at(s, j + 1);
        std::size_t p = j;
        while (p < s.size() && is_digit(s[p]))
            ++p;
        std::uint64_t port = 0;
        if (!parse_decimal(s.substr(j, p - j), 65535, port)) {
            sink.add(FindingCode::uri_bad_port, p > j ? s.substr(j, p - j) : s.substr(j));
        } else {
            v.port = static_cast<std::int32_t>(port);
        }
        sent_by_end = p;
        j = skip_lws_at(s, p);
    }
    v.sent_by = s.substr(host_begin, sent_by_end - host_begin);
    // Checks that only report are skipped when nobody keeps the findings (the transaction key
    // of every message parses its top Via this way).
    if (sink.wanted() && !is_valid_host(v.host)) sink.add(FindingCode::uri_bad_host, v.host);
    if (j < s.size() && s[j] != ';') return bad(s.substr(j));
    v.params = ParamList(s.substr(j));
    if (sink.wanted()) report_empty_params(v.params, sink);
    // The first occurrence of a parameter wins (as ParamList::find does).
    bool have_branch = false;
    bool have_received = false;
    for (const Param& p : v.params) {
        if (iequals(p.name, "branch")) {
            if (!have_branch) v.branch = unquote(p.value);
            have_branch = true;
        } else if (iequals(p.name, "received")) {
            if (!have_received) v.received = p.value;
            have_received = true;
        } else if (iequals(p.name, "rport") && !v.has_rport) {
            v.has_rport = true;
            std::uint64_t port = 0;
            if (p.has_value && parse_decimal(p.value, 65535, port))
                v.rport = static_cast<std::int32_t>(port);
        } else if (iequals(p.name, "maddr")) {
            v.maddr = p.value;
        } else if (iequals(p.name, "ttl")) {
            v.ttl = p.value;
        }
    }
    if (v.host == "255.255.255.255") sink.add(FindingCode::via_broadcast_sent_by, v.host);
    return v;
}

void parse_via_list(std::string_view value, std::vector<Via>& out, const FindingSink& sink) {
    ListSplitter split(value);
    while (auto element = split.next()) {
        if (element->empty()) {
            sink.add(FindingCode::header_empty_element, value);
            continue;
        }
        if (auto v = parse_via(*element, sink)) out.push_back(*v);
    }
}

// --- name-addr / addr-spec -------------------------------------------------------------------

std::string_view NameAddr::tag() const {
    auto t = params.value("tag");
    return t ? *t : std::string_view{};
}

std::optional<NameAddr> parse_name_addr(std::string_view element, const FindingSink& sink) {
    std::string_view s = trim(element);
    NameAddr na;
    if (s.empty()) {
        sink.add(FindingCode::name_addr_malformed, element);
        return std::nullopt;
    }
    if (s == "*") {
        na.wildcard = true;
        return na;
    }
    std::size_t i = 0;
    std::size_t laquot = std::string_view::npos;
    if (s.front() == '"') {
        std::size_t end = end_of_quoted(s, 0);
        if (end == std::string_view::npos) {
            sink.add(FindingCode::quoted_string_unterminated, s);
            return std::nullopt;
        }
        na.display_name = s.substr(1, end - 2);
        na.display_quoted = true;
        i = skip_lws_at(s, end);
        if (i >= s.size() || s[i] != '<') {
            sink.add(FindingCode::name_addr_malformed, s);
            return std::nullopt;
        }
        laquot = i;
    } else {
        // name-addr when a '<' comes before any ';' (a URI in addr-spec form has no '<').
        std::size_t lt = s.find('<');
        std::size_t semi = s.find(';');
        if (lt != std::string_view::npos && (semi == std::string_view::npos || lt < semi)) {
            laquot = lt;
            std::string_view dn = trim(s.substr(0, lt));
            na.display_name = dn;
            for (char c : sink.wanted() ? dn : std::string_view{}) {
                if (!has_class(c, token) && !is_lws(c)) {
                    sink.add(FindingCode::display_name_invalid, dn);
                    break;
                }
            }
        }
    }
    std::string_view after;
    if (laquot != std::string_view::npos) {
        std::size_t gt = s.find('>', laquot);
        if (gt == std::string_view::npos) {
            sink.add(FindingCode::name_addr_malformed, s.substr(laquot));
            return std::nullopt;
        }
        na.bracketed = true;
        std::string_view inner = s.substr(laquot + 1, gt - laquot - 1);
        std::string_view uri_text = trim(inner);
        if (uri_text.size() != inner.size()) sink.add(FindingCode::uri_malformed, inner);
        na.uri = parse_uri(uri_text, sink);
        after = s.substr(gt + 1);
    } else {
        // addr-spec: the URI ends at the first ';' (what follows are header parameters) or LWS.
        std::size_t end = 0;
        while (end < s.size() && s[end] != ';' && !is_lws(s[end]))
            ++end;
        std::string_view uri_text = s.substr(0, end);
        if (uri_text.find('?') != std::string_view::npos ||
            uri_text.find(',') != std::string_view::npos)
            sink.add(FindingCode::addr_spec_needs_brackets, uri_text);
        na.uri = parse_uri(uri_text, sink);
        after = s.substr(end);
    }
    std::string_view rest = skip_lws(after);
    if (!rest.empty() && rest.front() != ';') {
        sink.add(FindingCode::name_addr_malformed, rest);
        return na;
    }
    na.params = ParamList(rest);
    if (sink.wanted()) report_empty_params(na.params, sink);
    return na;
}

void parse_name_addr_list(std::string_view value, std::vector<NameAddr>& out,
                          const FindingSink& sink) {
    ListSplitter split(value);
    while (auto element = split.next()) {
        if (element->empty()) {
            sink.add(FindingCode::header_empty_element, value);
            continue;
        }
        if (auto na = parse_name_addr(*element, sink)) out.push_back(*na);
    }
}

// --- scalars ---------------------------------------------------------------------------------

std::optional<std::uint32_t> parse_uint(std::string_view value, std::uint64_t max) {
    std::uint64_t v = 0;
    if (!parse_decimal(trim(value), max, v)) return std::nullopt;
    return static_cast<std::uint32_t>(v);
}

std::optional<CSeq> parse_cseq(std::string_view value, const FindingSink& sink) {
    std::string_view s = trim(value);
    std::size_t i = 0;
    while (i < s.size() && is_digit(s[i]))
        ++i;
    std::size_t j = skip_lws_at(s, i);
    std::size_t k = scan_token(s, j);
    if (i == 0 || j == i || k == j || skip_lws_at(s, k) != s.size()) {
        sink.add(FindingCode::cseq_malformed, value);
        return std::nullopt;
    }
    CSeq c;
    c.method_text = s.substr(j, k - j);
    c.method = parse_method(c.method_text);
    std::uint64_t seq = 0;
    // RFC 3261 section 8.1.1.5: the sequence number MUST be less than 2^31.
    if (!parse_decimal(s.substr(0, i), 0x7FFFFFFFull, seq)) {
        sink.add(FindingCode::cseq_out_of_range, s.substr(0, i));
        if (!parse_decimal(s.substr(0, i), 0xFFFFFFFFull, seq)) seq = 0;
    }
    c.seq = static_cast<std::uint32_t>(seq);
    return c;
}

std::optional<RetryAfter> parse_retry_after(std::string_view value, const FindingSink& sink) {
    std::string_view s = trim(value);
    std::size_t i = 0;
    while (i < s.size() && is_digit(s[i]))
        ++i;
    std::uint64_t secs = 0;
    if (i == 0 || !parse_decimal(s.substr(0, i), 0xFFFFFFFFull, secs)) {
        sink.add(FindingCode::retry_after_invalid, value);
        return std::nullopt;
    }
    RetryAfter r;
    r.seconds = static_cast<std::uint32_t>(secs);
    i = skip_lws_at(s, i);
    if (i < s.size() && s[i] == '(') {
        int depth = 0;
        std::size_t j = i;
        for (; j < s.size(); ++j) {
            if (s[j] == '\\') {
                ++j;
            } else if (s[j] == '(') {
                ++depth;
            } else if (s[j] == ')' && --depth == 0) {
                break;
            }
        }
        if (j >= s.size()) {
            sink.add(FindingCode::retry_after_invalid, s.substr(i));
            return r;
        }
        r.comment = s.substr(i + 1, j - i - 1);
        i = skip_lws_at(s, j + 1);
    }
    if (i < s.size() && s[i] != ';') {
        sink.add(FindingCode::retry_after_invalid, s.substr(i));
        return r;
    }
    r.params = ParamList(s.substr(i));
    if (auto d = r.params.find("duration")) {
        std::uint64_t dv = 0;
        if (parse_decimal(d->value, 0xFFFFFFFFull, dv)) {
            r.duration = static_cast<std::uint32_t>(dv);
        } else {
            sink.add(FindingCode::retry_after_invalid, d->value);
        }
    }
    return r;
}

// --- media types -----------------------------------------------------------------------------

std::string_view MediaType::boundary() const {
    auto b = params.value("boundary");
    return b ? *b : std::string_view{};
}

bool MediaType::is(std::string_view type_name, std::string_view subtype_name) const {
    return iequals(type, type_name) && iequals(subtype, subtype_name);
}

std::optional<MediaType> parse_media_type(std::string_view value, const FindingSink& sink) {
    std::string_view s = trim(value);
    std::size_t i = scan_token(s, 0);
    std::size_t slash = skip_lws_at(s, i);
    if (i == 0 || slash >= s.size() || s[slash] != '/') {
        sink.add(FindingCode::content_type_malformed, value);
        return std::nullopt;
    }
    std::size_t sub_begin = skip_lws_at(s, slash + 1);
    std::size_t sub_end = scan_token(s, sub_begin);
    if (sub_end == sub_begin) {
        sink.add(FindingCode::content_type_malformed, value);
        return std::nullopt;
    }
    MediaType m;
    m.type = s.substr(0, i);
    m.subtype = s.substr(sub_begin, sub_end - sub_begin);
    std::size_t p = skip_lws_at(s, sub_end);
    if (p < s.size() && s[p] != ';') {
        sink.add(FindingCode::content_type_malformed, s.substr(p));
        return m;
    }
    m.params = ParamList(s.substr(p));
    return m;
}

// --- RAck ------------------------------------------------------------------------------------

std::optional<RAck> parse_rack(std::string_view value, const FindingSink& sink) {
    std::string_view s = trim(value);
    std::size_t a = 0;
    while (a < s.size() && is_digit(s[a]))
        ++a;
    std::size_t b0 = skip_lws_at(s, a);
    std::size_t b = b0;
    while (b < s.size() && is_digit(s[b]))
        ++b;
    std::size_t m0 = skip_lws_at(s, b);
    std::size_t m = scan_token(s, m0);
    std::uint64_t rseq = 0;
    std::uint64_t cseq = 0;
    if (a == 0 || b0 == a || b == b0 || m0 == b || m == m0 || skip_lws_at(s, m) != s.size() ||
        !parse_decimal(s.substr(0, a), 0xFFFFFFFFull, rseq) ||
        !parse_decimal(s.substr(b0, b - b0), 0xFFFFFFFFull, cseq)) {
        sink.add(FindingCode::rack_malformed, value);
        return std::nullopt;
    }
    RAck r;
    r.rseq = static_cast<std::uint32_t>(rseq);
    r.cseq = static_cast<std::uint32_t>(cseq);
    r.method_text = s.substr(m0, m - m0);
    r.method = parse_method(r.method_text);
    return r;
}

// --- token lists -----------------------------------------------------------------------------

void parse_token_list(std::string_view value, std::vector<std::string_view>& out,
                      const FindingSink& sink) {
    if (trim(value).empty()) return; // an empty Supported: is legal (RFC 3261 section 20.37)
    ListSplitter split(value);
    while (auto element = split.next()) {
        if (element->empty()) {
            sink.add(FindingCode::header_empty_element, value);
            continue;
        }
        out.push_back(*element);
    }
}

// --- authentication --------------------------------------------------------------------------

std::optional<std::string_view> Credentials::param(std::string_view name) const {
    for (const auto& p : params)
        if (iequals(p.name, name)) return p.value;
    return std::nullopt;
}

bool Credentials::is_digest() const {
    return iequals(scheme, "Digest");
}

bool Credentials::is_aka() const {
    auto alg = param("algorithm");
    return alg && alg->size() >= 4 && iequals(alg->substr(0, 4), "AKAv");
}

std::optional<Credentials> parse_credentials(std::string_view value, const FindingSink& sink) {
    std::string_view s = trim(value);
    std::size_t i = scan_token(s, 0);
    if (i == 0) {
        sink.add(FindingCode::auth_malformed, value);
        return std::nullopt;
    }
    Credentials c;
    c.scheme = s.substr(0, i);
    std::string_view rest = trim(s.substr(i));
    if (rest.empty()) return c;
    // token68 (RFC 7235): no auth-param, at most trailing '=' padding.
    bool token68 = rest.find('=') == std::string_view::npos;
    if (!token68 && rest.find(',') == std::string_view::npos &&
        rest.find('"') == std::string_view::npos) {
        token68 = rest.find_first_not_of('=', rest.find('=')) == std::string_view::npos;
    }
    if (token68) {
        c.token68 = rest;
        return c;
    }
    ListSplitter split(rest);
    while (auto element = split.next()) {
        if (element->empty()) {
            sink.add(FindingCode::header_empty_element, value);
            continue;
        }
        std::size_t eq = element->find('=');
        if (eq == std::string_view::npos) {
            sink.add(FindingCode::auth_malformed, *element);
            continue;
        }
        AuthParam p;
        p.name = trim(element->substr(0, eq));
        std::string_view v = trim(element->substr(eq + 1));
        if (!v.empty() && v.front() == '"' && end_of_quoted(v, 0) != v.size()) {
            sink.add(FindingCode::quoted_string_unterminated, v);
        }
        p.value = unquote(v);
        if (!is_token(p.name)) sink.add(FindingCode::auth_malformed, *element);
        c.params.push_back(p);
    }
    return c;
}

// --- Security-* ------------------------------------------------------------------------------

namespace {
std::optional<std::uint32_t> uint_param(const ParamList& params, std::string_view name) {
    auto v = params.value(name);
    if (!v) return std::nullopt;
    return parse_uint(*v);
}
std::string_view str_param(const ParamList& params, std::string_view name) {
    auto v = params.value(name);
    return v ? *v : std::string_view{};
}
} // namespace

std::optional<std::uint32_t> SecurityMechanism::spi_c() const {
    return uint_param(params, "spi-c");
}
std::optional<std::uint32_t> SecurityMechanism::spi_s() const {
    return uint_param(params, "spi-s");
}
std::optional<std::uint32_t> SecurityMechanism::port_c() const {
    return uint_param(params, "port-c");
}
std::optional<std::uint32_t> SecurityMechanism::port_s() const {
    return uint_param(params, "port-s");
}
std::string_view SecurityMechanism::alg() const {
    return str_param(params, "alg");
}
std::string_view SecurityMechanism::ealg() const {
    return str_param(params, "ealg");
}

void parse_security_list(std::string_view value, std::vector<SecurityMechanism>& out,
                         const FindingSink& sink) {
    ListSplitter split(value);
    while (auto element = split.next()) {
        std::size_t i = scan_token(*element, 0);
        std::size_t j = skip_lws_at(*element, i);
        if (i == 0 || (j < element->size() && (*element)[j] != ';')) {
            sink.add(FindingCode::security_malformed, element->empty() ? value : *element);
            continue;
        }
        SecurityMechanism m;
        m.mechanism = element->substr(0, i);
        m.params = ParamList(element->substr(j));
        report_empty_params(m.params, sink);
        out.push_back(m);
    }
}

// --- P-headers -------------------------------------------------------------------------------

std::optional<PChargingVector> parse_p_charging_vector(std::string_view value,
                                                       const FindingSink& sink) {
    PChargingVector v;
    v.params = ParamList(trim(value));
    for (const Param& p : v.params) {
        if (iequals(p.name, "icid-value")) {
            v.icid_value = unquote(p.value);
        } else if (iequals(p.name, "icid-generated-at")) {
            v.icid_generated_at = unquote(p.value);
        } else if (iequals(p.name, "orig-ioi")) {
            v.orig_ioi = unquote(p.value);
        } else if (iequals(p.name, "term-ioi")) {
            v.term_ioi = unquote(p.value);
        }
    }
    if (v.icid_value.empty()) {
        sink.add(FindingCode::p_charging_vector_malformed, value);
        return std::nullopt;
    }
    return v;
}

PChargingFunctionAddresses parse_p_charging_function_addresses(std::string_view value) {
    PChargingFunctionAddresses a;
    a.params = ParamList(trim(value));
    for (const Param& p : a.params) {
        if (iequals(p.name, "ccf")) {
            a.ccf.push_back(unquote(p.value));
        } else if (iequals(p.name, "ecf")) {
            a.ecf.push_back(unquote(p.value));
        }
    }
    return a;
}

std::string_view AccessNetworkInfo::cell_id() const {
    for (std::string_view name :
         {"utran-cell-id-3gpp", "cgi-3gpp", "i-wlan-node-id", "ci-3gpp2", "nrcgi"}) {
        if (auto v = params.value(name)) return *v;
    }
    return {};
}

ValueWithParams parse_value_params(std::string_view element) {
    std::string_view s = trim(element);
    std::size_t i = 0;
    while (i < s.size() && s[i] != ';') {
        if (s[i] == '"') {
            std::size_t e = end_of_quoted(s, i);
            i = e == std::string_view::npos ? s.size() : e;
            continue;
        }
        ++i;
    }
    ValueWithParams v;
    v.value = trim(s.substr(0, i));
    v.params = ParamList(s.substr(i));
    return v;
}

void parse_value_params_list(std::string_view value, std::vector<ValueWithParams>& out) {
    ListSplitter split(value);
    while (auto element = split.next())
        if (!element->empty()) out.push_back(parse_value_params(*element));
}

void parse_access_network_info(std::string_view value, std::vector<AccessNetworkInfo>& out) {
    ListSplitter split(value);
    while (auto element = split.next()) {
        if (element->empty()) continue;
        auto vp = parse_value_params(*element);
        out.push_back(AccessNetworkInfo{vp.value, vp.params});
    }
}

} // namespace sipdx::sip
