#include <sipdx/session/adapter.h>
#include <sipdx/text/text.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <optional>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace sipdx::session {

std::string_view uri_text_parsed(const sip::Message& message, sip::HeaderId id) {
    auto addr = id == sip::HeaderId::from ? message.from() : message.to();
    if (!addr) return message.value(id);
    const sip::Uri& uri = addr->uri;
    if (!uri.user.empty() && !uri.host.empty() && uri.host.data() > uri.user.data()) {
        return {uri.user.data(),
                static_cast<std::size_t>(uri.host.data() + uri.host.size() - uri.user.data())};
    }
    if (!uri.host.empty()) return uri.host;
    if (!uri.user.empty()) return uri.user;
    return uri.text;
}

namespace {
// The everyday From/To: `[display name] <sip:user@host[:port][;uri-params]>[;params]` or the
// same without brackets, or a tel: number, with plain characters only. Full name-addr and URI
// parsing of every From and To was 10% of `analyze` (docs/performance.md); this answers the common
// case in one pass and returns nothing when anything is unusual, so the full parser decides those.
// 0: not plain; 1: plain; 2: plain and it shapes the URI (';', '@', ':', '=').
struct PlainChars {
    std::uint8_t of[256] = {};
};
constexpr PlainChars make_plain_chars() {
    PlainChars t{};
    for (int c = 'a'; c <= 'z'; ++c)
        t.of[c] = 1;
    for (int c = 'A'; c <= 'Z'; ++c)
        t.of[c] = 1;
    for (int c = '0'; c <= '9'; ++c)
        t.of[c] = 1;
    for (unsigned char c : std::string_view(".-_+"))
        t.of[c] = 1;
    for (unsigned char c : std::string_view("@:;="))
        t.of[c] = 2;
    return t;
}
constexpr PlainChars plain_chars = make_plain_chars();
std::uint8_t plain_class(char c) {
    return plain_chars.of[static_cast<unsigned char>(c)];
}
bool plain_uri_char(char c) {
    return plain_class(c) != 0;
}

// Calls shape(c, k) for each ';', '@', ':' and '=' of `text` in order; false when a character
// is not plain or shape() refuses. Sixteen bytes at a time where SSE2 is there: the byte loop
// was the top symbol of the From/To path (IMS URIs run to 80 characters).
template <typename Shape>
bool for_each_shaping_char(std::string_view text, Shape&& shape) {
    const char* const data = text.data();
    const std::size_t n = text.size();
    std::size_t k = 0;
#if defined(__SSE2__)
    auto in_range = [](__m128i b, char lo, char hi) {
        return _mm_and_si128(_mm_cmpgt_epi8(b, _mm_set1_epi8(static_cast<char>(lo - 1))),
                             _mm_cmplt_epi8(b, _mm_set1_epi8(static_cast<char>(hi + 1))));
    };
    auto is = [](__m128i b, char c) { return _mm_cmpeq_epi8(b, _mm_set1_epi8(c)); };
    for (; k + 16 <= n; k += 16) {
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + k));
        const __m128i shaping = _mm_or_si128(_mm_or_si128(is(b, ';'), is(b, '@')),
                                             _mm_or_si128(is(b, ':'), is(b, '=')));
        const __m128i other = _mm_or_si128(_mm_or_si128(is(b, '.'), is(b, '-')),
                                           _mm_or_si128(is(b, '_'), is(b, '+')));
        const __m128i letters = _mm_or_si128(in_range(b, 'a', 'z'), in_range(b, 'A', 'Z'));
        const __m128i plain = _mm_or_si128(_mm_or_si128(in_range(b, '0', '9'), letters),
                                           _mm_or_si128(shaping, other));
        if (_mm_movemask_epi8(plain) != 0xFFFF) return false;
        for (auto mask = static_cast<unsigned>(_mm_movemask_epi8(shaping)); mask != 0;
             mask &= mask - 1) {
            const std::size_t at = k + static_cast<std::size_t>(__builtin_ctz(mask));
            if (!shape(data[at], at)) return false;
        }
    }
#endif
    for (; k < n; ++k) {
        const std::uint8_t kind = plain_class(data[k]);
        if (kind == 0 || (kind == 2 && !shape(data[k], k))) return false;
    }
    return true;
}

std::optional<std::string_view> plain_uri_text(std::string_view value) {
    constexpr std::size_t none = std::string_view::npos;
    // One scan for the characters that decide the shape, 16 bytes at a time where SSE2 is
    // there (x86-64): eight finds per header were a third of this function's cost, and a
    // byte-by-byte switch cost twice as much as the finds.
    std::size_t lt = none;
    std::size_t semi = none;
    std::size_t first_gt = none;
    std::size_t first_space = none;
    bool quote = false;
    auto note = [&](char c, std::size_t i) {
        switch (c) {
        case '<':
            if (lt == none) lt = i;
            break;
        case '>':
            if (first_gt == none) first_gt = i;
            break;
        case ';':
            if (semi == none) semi = i;
            break;
        case '"':
            quote = true;
            break;
        case ' ':
        case '\t':
            if (first_space == none) first_space = i;
            break;
        default:
            break;
        }
    };
    const char* const data = value.data();
    std::size_t i = 0;
#if defined(__SSE2__)
    const __m128i lt_v = _mm_set1_epi8('<');
    const __m128i gt_v = _mm_set1_epi8('>');
    const __m128i semi_v = _mm_set1_epi8(';');
    const __m128i quote_v = _mm_set1_epi8('"');
    const __m128i space_v = _mm_set1_epi8(' ');
    const __m128i tab_v = _mm_set1_epi8('\t');
    for (; i + 16 <= value.size(); i += 16) {
        const __m128i b = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
        const __m128i hit = _mm_or_si128(
            _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(b, lt_v), _mm_cmpeq_epi8(b, gt_v)),
                         _mm_or_si128(_mm_cmpeq_epi8(b, semi_v), _mm_cmpeq_epi8(b, quote_v))),
            _mm_or_si128(_mm_cmpeq_epi8(b, space_v), _mm_cmpeq_epi8(b, tab_v)));
        for (auto mask = static_cast<unsigned>(_mm_movemask_epi8(hit)); mask != 0;
             mask &= mask - 1) {
            const std::size_t at = i + static_cast<std::size_t>(__builtin_ctz(mask));
            note(data[at], at);
        }
    }
#endif
    for (; i < value.size(); ++i)
        note(data[i], i);
    std::size_t begin = 0;
    std::size_t end = value.size();
    if (!value.empty() && value.front() == '"') {
        // A quoted display name without escapes, then LWS and the bracketed URI.
        const std::size_t close = value.find('"', 1);
        if (close == none || value.substr(1, close - 1).find('\\') != none) return std::nullopt;
        lt = close + 1;
        while (lt < value.size() && (value[lt] == ' ' || value[lt] == '\t'))
            ++lt;
        if (lt >= value.size() || value[lt] != '<') return std::nullopt;
        const std::size_t gt = value.find('>', lt);
        if (gt == none) return std::nullopt;
        begin = lt + 1;
        end = gt;
    } else if (quote) {
        return std::nullopt;
    } else if (lt != none && (semi == none || lt < semi)) {
        const std::size_t gt = first_gt != none && first_gt > lt ? first_gt : value.find('>', lt);
        if (gt == none) return std::nullopt;
        begin = lt + 1;
        end = gt;
    } else {
        end = semi == none ? value.size() : semi;
        if (first_space < end || first_gt != none) return std::nullopt;
    }
    const std::string_view uri = value.substr(begin, end - begin);
    if (uri.size() > 4 && (uri[0] | 0x20) == 't' && (uri[1] | 0x20) == 'e' &&
        (uri[2] | 0x20) == 'l' && uri[3] == ':') {
        // tel: has no host; the number (up to its parameters) is the answer.
        const std::string_view number = uri.substr(4, uri.find(';') - 4);
        for (char c : number)
            if (!plain_uri_char(c) || c == '@' || c == ':' || c == '=') return std::nullopt;
        if (number.empty()) return std::nullopt;
        return number;
    }
    std::size_t scheme = 0;
    if (uri.size() > 4 && (uri[0] | 0x20) == 's' && (uri[1] | 0x20) == 'i' &&
        (uri[2] | 0x20) == 'p') {
        if (uri[3] == ':') {
            scheme = 4;
        } else if ((uri[3] | 0x20) == 's' && uri.size() > 5 && uri[4] == ':') {
            scheme = 5;
        }
    }
    if (scheme == 0) return std::nullopt;
    const std::string_view rest = uri.substr(scheme);
    // Like parse_uri: the first '@' ends the user part, which may itself hold ';' and '='
    // (RFC 3261 user-unreserved, e.g. IMS `+491234;verstat=...;cpc=ordinary@host`); the host
    // part ends at the URI parameters. Only plain characters, one '@' at most, no password,
    // one port colon at most, no '=' in host or port.
    std::size_t params = none;
    std::size_t at = none;
    std::size_t port_colon = none; // first ':' of the host part
    int colons = 0;                // ':' in the host part
    bool user_colon = false;
    bool any_colon = false;
    bool hostport_equals = false;
    const bool plain = for_each_shaping_char(rest, [&](char c, std::size_t k) {
        if (c == '@') {
            if (at != none) return false;
            at = k;
            user_colon = any_colon;
            params = none; // what looked like parameters was the user part
            colons = 0;
            port_colon = none;
            hostport_equals = false;
            return true;
        }
        if (c == ':') any_colon = true;
        if (params != none) return true;
        if (c == ';') {
            params = k;
        } else if (c == ':') {
            if (colons++ == 0) port_colon = k;
        } else if (c == '=') {
            hostport_equals = true;
        }
        return true;
    });
    if (!plain) return std::nullopt;
    const std::size_t head_end = params == none ? rest.size() : params;
    if (at != none && (at == 0 || user_colon)) return std::nullopt;
    if (colons > 1 || hostport_equals) return std::nullopt;
    const std::size_t host_begin = at == none ? 0 : at + 1;
    const std::size_t host_end = port_colon == none ? head_end : port_colon;
    if (host_end <= host_begin) return std::nullopt;
    return rest.substr(0, host_end);
}
} // namespace

std::string_view uri_text(const sip::Message& message, sip::HeaderId id) {
    const sip::Header* h = message.find(id);
    if (h != nullptr) {
        if (auto plain = plain_uri_text(h->value)) return *plain;
    }
    return uri_text_parsed(message, id);
}

std::string_view SipEvent::from() const {
    return message != nullptr ? uri_text(*message, sip::HeaderId::from) : from_uri;
}

std::string_view SipEvent::to() const {
    return message != nullptr ? uri_text(*message, sip::HeaderId::to) : to_uri;
}

namespace {
// Where the first element of a comma-separated header value ends (commas inside quoted
// strings do not count); npos when the value holds one element.
std::size_t first_element_end(std::string_view v) {
    // Most Via values hold one element, or a first one without quotes: two memchr scans.
    const std::size_t comma = v.find(',');
    if (comma == std::string_view::npos) return comma;
    if (v.substr(0, comma).find('"') == std::string_view::npos) return comma;
    bool quoted = false;
    for (std::size_t i = 0; i < v.size(); ++i) {
        if (v[i] == '"') {
            quoted = !quoted;
        } else if (v[i] == '\\' && quoted) {
            ++i;
        } else if (v[i] == ',' && !quoted) {
            return i;
        }
    }
    return std::string_view::npos;
}

// The value of the branch parameter of one via-parm (RFC 3261 section 20.42); "" when absent.
std::string_view branch_param(std::string_view via) {
    constexpr std::string_view name = "branch";
    auto skip_space = [&](std::size_t k) {
        while (k < via.size() && (via[k] == ' ' || via[k] == '\t'))
            ++k;
        return k;
    };
    for (std::size_t i = via.find(';'); i != std::string_view::npos; i = via.find(';', i + 1)) {
        std::size_t k = skip_space(i + 1);
        if (via.size() - k < name.size()) return {};
        if (!text::istarts_with(via.substr(k), name)) continue;
        k = skip_space(k + name.size());
        if (k >= via.size() || via[k] != '=') continue;
        k = skip_space(k + 1);
        const std::size_t end = std::min(via.find_first_of(" \t;,", k), via.size());
        return via.substr(k, end - k);
    }
    return {};
}

// The branch of the second Via hop, read without building the whole Via list (this runs for
// every initial INVITE).
std::string_view previous_hop_branch(const sip::Message& m) {
    std::string_view second;
    bool top_seen = false;
    m.for_each(sip::HeaderId::via, [&](const sip::Header& h) {
        if (!second.empty()) return;
        if (!top_seen) {
            top_seen = true;
            const std::size_t end = first_element_end(h.value);
            if (end != std::string_view::npos) second = h.value.substr(end + 1);
        } else {
            second = h.value;
        }
    });
    if (second.empty()) return {};
    second = second.substr(0, first_element_end(second));
    return branch_param(second);
}
} // namespace

SipEvent make_event(const decode::SipPayload& payload, const sip::Message& m,
                    std::uint32_t source) {
    SipEvent e;
    e.time_ns = payload.time_ns;
    e.frame = payload.frame;
    e.source = source;
    e.src = {payload.src, payload.sport};
    e.dst = {payload.dst, payload.dport};
    e.transport = payload.transport;
    // Bytes were missing before this message on its TCP stream: the Call-ID's record says
    // that a capture hole touched it (finding capture-gap).
    e.after_gap = payload.findings.has(decode::DecodeFinding::tcp_gap) ||
                  payload.findings.has(decode::DecodeFinding::tcp_after_gap);
    e.is_request = m.is_request();
    e.method = m.method;
    e.method_text = m.method_text;
    e.status = m.status;
    e.reason_phrase = m.reason_phrase;

    const sip::TransactionKey key = m.transaction_key();
    e.call_id = key.call_id;
    e.cseq = key.cseq;
    e.cseq_method = key.cseq_method;
    e.cseq_method_text = key.cseq_method_text;
    e.from_tag = key.from_tag;
    e.to_tag = key.to_tag;
    e.branch = key.branch;
    e.sent_by = key.sent_by;
    if (e.is_request && e.method == sip::Method::invite && e.to_tag.empty())
        e.previous_branch = previous_hop_branch(m);

    e.message = &m; // From/To are read only when the tracker asks (SipEvent::from)

    e.has_credentials = m.find(sip::HeaderId::authorization) != nullptr ||
                        m.find(sip::HeaderId::proxy_authorization) != nullptr;
    e.has_contact = m.find(sip::HeaderId::contact) != nullptr;
    if (e.is_request && e.method == sip::Method::register_) {
        // Only a REGISTER request needs its Contact list parsed: whether it removes bindings
        // (RFC 3261 section 10.2.2). The 200's list of every binding is never read.
        e.expires = m.expires();
        for (const auto& contact : m.contacts()) {
            if (contact.wildcard) e.contact_wildcard = true;
            if (auto value = contact.params.value("expires")) {
                if (auto seconds = sip::parse_uint(*value)) {
                    if (!e.contact_expires || *seconds < *e.contact_expires)
                        e.contact_expires = *seconds;
                }
            }
        }
    }

    e.reason = m.value(sip::HeaderId::reason);
    e.warning = m.value(sip::HeaderId::warning);
    e.user_agent = m.value(sip::HeaderId::user_agent);
    e.server = m.value(sip::HeaderId::server);
    if (m.find(sip::HeaderId::p_charging_vector) != nullptr) {
        if (auto pcv = m.p_charging_vector()) e.icid = pcv->icid_value;
    }
    e.access_network = m.value(sip::HeaderId::p_access_network_info);

    if (!m.body.empty()) {
        if (auto type = m.content_type()) {
            e.has_sdp =
                type->is("application", "sdp") || (text::iequals(type->type, "multipart") &&
                                                   text::icontains(m.body, "application/sdp"));
            if (e.has_sdp) e.sdp = m.body;
        }
    }
    if (m.find(sip::HeaderId::rseq) != nullptr) e.rseq = m.rseq();
    e.has_rack = m.find(sip::HeaderId::rack) != nullptr;

    e.content_hash = content_hash(payload.bytes);
    e.size = static_cast<std::uint32_t>(payload.bytes.size());
    e.multi_frame = payload.findings.has(decode::DecodeFinding::tcp_reassembled) ||
                    payload.findings.has(decode::DecodeFinding::ip_reassembled) ||
                    payload.findings.has(decode::DecodeFinding::sctp_fragmented) ||
                    payload.findings.has(decode::DecodeFinding::ws_fragmented);
    return e;
}

} // namespace sipdx::session
