// The message indexer: start line, header index, body framing. This is the hot path: one
// one inline 16-byte scan per line, one hash per header name, no allocation once the Message's
// vectors have grown to the usual message size.
#include <sipdx/sip/message.h>

#include <algorithm>

#include "sip/detail/framing.h"
#include "sip/detail/text.h"

#include <cstring>

namespace sipdx::sip {
using namespace detail;

namespace {

constexpr std::uint16_t absent = 0xFFFF;

void reset(Message& m) {
    m.raw = {};
    m.head = {};
    m.body = {};
    m.kind = MessageKind::request;
    m.start_line = {};
    m.version = {};
    m.method = Method::unknown;
    m.method_text = {};
    m.request_uri = {};
    m.status = 0;
    m.reason_phrase = {};
    m.headers.clear();
    m.findings.clear();
    m.content_length.reset();
    m.validated = false;
    m.first_index.fill(absent);
    m.counts.fill(0);
}

bool is_sp(char c) {
    return c == ' ' || c == '\t';
}

void check_version(Message& m, std::string_view version, const FindingSink& sink) {
    m.version = version;
    if (version.size() == 7 && iequals(version, "SIP/2.0")) return;
    if (version.size() > 4 && iequals(version.substr(0, 4), "SIP/")) {
        sink.add(FindingCode::unsupported_version, version);
    } else {
        sink.add(FindingCode::start_line_malformed, version.empty() ? m.start_line : version);
    }
}

void parse_status_line(Message& m, std::string_view line, const FindingSink& sink) {
    m.kind = MessageKind::response;
    std::size_t sp = line.find(' ');
    if (sp == std::string_view::npos) {
        check_version(m, line, sink);
        sink.add(FindingCode::start_line_malformed, line);
        return;
    }
    check_version(m, line.substr(0, sp), sink);
    std::string_view rest = line.substr(sp + 1);
    if (!rest.empty() && is_sp(rest.front())) {
        sink.add(FindingCode::start_line_extra_whitespace, line.substr(sp));
        rest = skip_lws(rest);
    }
    std::size_t i = 0;
    while (i < rest.size() && is_digit(rest[i]))
        ++i;
    if (i == 0) {
        sink.add(FindingCode::start_line_malformed, rest);
        return;
    }
    std::uint64_t code = 0;
    if (i != 3 || !parse_decimal(rest.substr(0, i), 999, code) || code < 100 || code > 699) {
        sink.add(FindingCode::status_out_of_range, rest.substr(0, i));
        std::uint64_t big = 0;
        m.status = parse_decimal(rest.substr(0, i), 0x7FFFFFFF, big) ? static_cast<int>(big) : 0;
    } else {
        m.status = static_cast<int>(code);
    }
    if (i < rest.size()) {
        if (rest[i] != ' ') {
            sink.add(FindingCode::start_line_malformed, rest.substr(i));
            return;
        }
        m.reason_phrase = rest.substr(i + 1);
    }
}

void parse_request_line(Message& m, std::string_view line, const FindingSink& sink) {
    m.kind = MessageKind::request;
    std::size_t sp1 = line.find(' ');
    if (sp1 == std::string_view::npos || sp1 == 0) {
        m.method_text = line.substr(0, sp1);
        sink.add(FindingCode::start_line_malformed, line);
        return;
    }
    m.method_text = line.substr(0, sp1);
    m.method = parse_method(m.method_text);
    if (!is_token(m.method_text)) {
        sink.add(FindingCode::start_line_malformed, m.method_text);
    } else if (m.method == Method::unknown) {
        sink.add(FindingCode::unknown_method, m.method_text);
    }
    std::size_t e = line.size();
    while (e > sp1 && is_sp(line[e - 1]))
        --e;
    if (e != line.size()) sink.add(FindingCode::start_line_extra_whitespace, line.substr(e));
    std::string_view trimmed = line.substr(0, e);
    std::size_t sp2 = trimmed.rfind(' ');
    if (sp2 == std::string_view::npos || sp2 <= sp1) {
        sink.add(FindingCode::start_line_malformed, line);
        return;
    }
    check_version(m, trimmed.substr(sp2 + 1), sink);
    std::string_view uri = trimmed.substr(sp1 + 1, sp2 - sp1 - 1);
    if (!uri.empty() && (is_sp(uri.front()) || is_sp(uri.back()))) {
        sink.add(FindingCode::start_line_extra_whitespace, uri);
        std::size_t b = 0;
        while (b < uri.size() && is_sp(uri[b]))
            ++b;
        std::size_t ue = uri.size();
        while (ue > b && is_sp(uri[ue - 1]))
            --ue;
        uri = uri.substr(b, ue - b);
    }
    m.request_uri = uri;
    if (uri.empty()) {
        sink.add(FindingCode::start_line_malformed, line);
    } else if (std::any_of(uri.begin(), uri.end(), [](char c) { return c == ' ' || c == '\t'; })) {
        // (find_first_of calls memchr once per URI character: 2% of `analyze`.)
        sink.add(FindingCode::request_uri_malformed, uri);
    }
}

// Offset-checked view from a pointer range.
std::string_view view(const char* b, const char* e) {
    return std::string_view(b, static_cast<std::size_t>(e - b));
}

// Returns whether the header was indexed.
bool index_header(Message& m, Header&& h, std::size_t max_headers, const FindingSink& sink,
                  bool& limit_reported) {
    if (m.headers.size() >= max_headers) {
        if (!limit_reported) sink.add(FindingCode::too_many_headers, h.name);
        limit_reported = true;
        return false;
    }
    auto id = static_cast<std::size_t>(h.id);
    if (m.first_index[id] == absent) {
        m.first_index[id] = static_cast<std::uint16_t>(m.headers.size());
    } else if (h.id != HeaderId::unknown && is_single_value(h.id) &&
               h.id != HeaderId::content_length) {
        sink.add(FindingCode::header_duplicate, h.name);
    }
    if (m.counts[id] < 0xFF) ++m.counts[id];
    m.headers.push_back(h);
    return true;
}

} // namespace

std::string_view Header::canonical_name() const {
    return id == HeaderId::unknown ? name : to_string(id);
}

std::size_t Parser::parse(std::string_view bytes, Message& m) const {
    reset(m);
    const std::size_t skip = skip_keepalives(bytes);
    const char* const base = bytes.data() + skip;
    const char* const end = bytes.data() + bytes.size();
    FindingSink sink{&m.findings, base};

    if (base == end) {
        sink.add(FindingCode::start_line_malformed, {});
        return bytes.size();
    }

    // Start line.
    const char* nl = find_byte(base, end, '\n');
    const char* line_end = nl != nullptr ? nl : end;
    const char* content_end = (line_end > base && line_end[-1] == '\r') ? line_end - 1 : line_end;
    bool bare_lf = nl != nullptr && content_end == line_end;
    m.start_line = view(base, content_end);
    if (m.start_line.size() >= 4 && to_lower(base[0]) == 's' && to_lower(base[1]) == 'i' &&
        to_lower(base[2]) == 'p' && base[3] == '/') {
        parse_status_line(m, m.start_line, sink);
    } else {
        parse_request_line(m, m.start_line, sink);
    }

    // Header lines.
    const char* p = nl != nullptr ? nl + 1 : end;
    bool ended = false;
    bool can_fold = false;
    bool limit_reported = false;
    while (p < end) {
        nl = find_byte(p, end, '\n');
        line_end = nl != nullptr ? nl : end;
        content_end = line_end;
        if (nl != nullptr) {
            if (content_end > p && content_end[-1] == '\r') {
                --content_end;
            } else {
                bare_lf = true;
            }
        }
        if (content_end == p) {
            if (nl != nullptr) {
                p = nl + 1;
                ended = true;
            } else {
                p = end;
            }
            break;
        }
        if (is_sp(*p)) {
            // A fold (RFC 3261 section 7.3.1): the line continues the previous header value,
            // but only when the previous line was that header (or a fold of it).
            if (can_fold) {
                Header& h = m.headers.back();
                h.value = trim(view(h.value.data(), content_end));
            } else {
                sink.add(FindingCode::header_line_malformed, view(p, content_end));
            }
        } else {
            can_fold = false;
            const char* colon = find_byte(p, content_end, ':');
            if (colon == nullptr) {
                sink.add(FindingCode::header_line_malformed, view(p, content_end));
            } else {
                Header h;
                const char* name_end = colon;
                // Trim LWS (a stray CR included) the same way framing's scan_head does.
                while (name_end > p && is_lws(name_end[-1]))
                    --name_end;
                h.name = view(p, name_end);
                const char* vb = colon + 1;
                while (vb < content_end && is_lws(*vb))
                    ++vb;
                const char* ve = content_end;
                while (ve > vb && is_lws(ve[-1]))
                    --ve;
                h.value = view(vb, ve);
                h.offset = static_cast<std::uint32_t>(p - base);
                h.id = lookup_header(h.name);
                if (h.id == HeaderId::unknown) {
                    if (!is_token(h.name)) {
                        sink.add(FindingCode::header_name_invalid, h.name);
                    } else if (h.name.size() == 1) {
                        sink.add(FindingCode::unknown_compact_form, h.name);
                    }
                }
                can_fold =
                    index_header(m, std::move(h), m_options.max_headers, sink, limit_reported);
            }
        }
        if (nl == nullptr) {
            p = end;
            break;
        }
        p = nl + 1;
    }
    if (bare_lf) sink.add(FindingCode::bare_lf, m.start_line);
    if (!ended) sink.add(FindingCode::truncated_headers, view(p, end));
    m.head = view(base, p);

    // Mandatory headers (RFC 3261 section 8.1.1; responses carry the same set).
    auto missing = [&](HeaderId id, FindingCode code) {
        if (m.first_index[static_cast<std::size_t>(id)] == absent) sink.add(code, m.start_line);
    };
    missing(HeaderId::call_id, FindingCode::missing_call_id);
    missing(HeaderId::cseq, FindingCode::missing_cseq);
    missing(HeaderId::from, FindingCode::missing_from);
    missing(HeaderId::to, FindingCode::missing_to);
    missing(HeaderId::via, FindingCode::missing_via);
    if (m.kind == MessageKind::request)
        missing(HeaderId::max_forwards, FindingCode::missing_max_forwards);

    // Content-Length, read after the header loop because a fold may still extend a value.
    if (m.counts[static_cast<std::size_t>(HeaderId::content_length)] != 0) {
        bool first = true;
        for (const Header& h : m.headers) {
            if (h.id != HeaderId::content_length) continue;
            std::uint64_t n = 0;
            if (!parse_decimal(h.value, 0xFFFFFFFFull, n)) {
                sink.add(FindingCode::content_length_invalid, h.value);
            } else if (first) {
                m.content_length = static_cast<std::uint32_t>(n);
            } else if (m.content_length && *m.content_length != n) {
                sink.add(FindingCode::content_length_conflict, h.value);
            }
            first = false;
        }
    }

    // Body.
    std::string_view rest = view(p, end);
    const Header* cl = m.find(HeaderId::content_length);
    if (m.content_length) {
        std::size_t n = *m.content_length;
        if (n > rest.size()) {
            sink.add(FindingCode::content_length_exceeds, cl->value);
            m.body = rest;
        } else {
            m.body = rest.substr(0, n);
            if (n < rest.size() && m_options.framing == Framing::datagram)
                sink.add(FindingCode::content_length_short, rest.substr(n));
        }
    } else if (cl != nullptr) {
        // Unusable Content-Length (already reported): on a datagram take the rest.
        m.body = m_options.framing == Framing::datagram ? rest : rest.substr(0, 0);
    } else if (m_options.framing == Framing::stream) {
        m.body = rest.substr(0, 0);
        sink.add(FindingCode::content_length_missing, m.start_line);
    } else {
        m.body = rest;
        if (!rest.empty()) sink.add(FindingCode::content_length_missing, m.start_line);
    }
    m.raw = view(base, m.body.data() + m.body.size());
    return m_options.framing == Framing::datagram ? bytes.size() : skip + m.raw.size();
}

FrameResult Parser::parse_stream(std::string_view bytes, Message& out) const {
    // One pass: locate the start line, then parse with stream framing; the parse result tells
    // whether the message is complete (frame_stream gives the same answer, see scan_head).
    FrameResult r;
    if (!locate_stream_start(bytes, r)) return r;
    Parser stream_parser(ParseOptions{Framing::stream, m_options.max_headers});
    stream_parser.parse(bytes.substr(r.skipped), out);
    for (const Finding& f : out.findings) {
        if (f.code == FindingCode::truncated_headers ||
            f.code == FindingCode::content_length_exceeds) {
            r.status = FrameStatus::partial;
            if (f.code == FindingCode::content_length_exceeds && out.content_length)
                r.needed = r.skipped + out.head.size() + *out.content_length;
            return r;
        }
    }
    r.status = FrameStatus::complete;
    r.length = out.raw.size();
    r.content_length_missing = !out.content_length;
    return r;
}

Message parse_message(std::string_view bytes, Framing framing) {
    Message m;
    Parser(ParseOptions{framing, 1024}).parse(bytes, m);
    return m;
}

// --- index queries ---------------------------------------------------------------------------

bool Message::valid() const {
    return !has_errors(findings);
}

const Header* Message::find(HeaderId id) const {
    auto i = first_index[static_cast<std::size_t>(id)];
    return i == absent || i >= headers.size() ? nullptr : &headers[i];
}

const Header* Message::find(std::string_view name) const {
    HeaderId id = lookup_header(name);
    if (id != HeaderId::unknown) return find(id);
    for (const auto& h : headers)
        if (h.id == HeaderId::unknown && iequals(h.name, name)) return &h;
    return nullptr;
}

std::size_t Message::count(HeaderId id) const {
    auto c = counts[static_cast<std::size_t>(id)];
    if (c < 0xFF) return c;
    std::size_t n = 0;
    for (const auto& h : headers)
        n += h.id == id ? 1 : 0;
    return n;
}

std::string_view Message::value(HeaderId id) const {
    const Header* h = find(id);
    return h != nullptr ? h->value : std::string_view{};
}

std::uint32_t Message::offset_of(std::string_view part) const {
    if (part.data() == nullptr || raw.data() == nullptr || part.data() < raw.data() ||
        part.data() > raw.data() + raw.size())
        return 0;
    return static_cast<std::uint32_t>(part.data() - raw.data());
}

std::string_view Message::call_id() const {
    return value(HeaderId::call_id);
}

namespace {
// The tag of `;name[=value]` parameters made of token characters only, the everyday case, in
// one pass; nothing when anything else appears (LWS, quotes, empty names), and the ParamList
// decides. Measured need: the general iterator was 4% of `analyze` for two tags a message.
std::optional<std::string_view> plain_tag(std::string_view params) {
    const std::size_t n = params.size();
    std::size_t i = 0;
    while (i < n) {
        if (params[i] != ';') return std::nullopt;
        const std::size_t name = ++i;
        while (i < n && has_class(params[i], token))
            ++i;
        const std::size_t name_end = i;
        if (name_end == name) return std::nullopt;
        std::size_t value = i;
        bool has_value = false;
        if (i < n && params[i] == '=') {
            has_value = true;
            value = ++i;
            while (i < n && has_class(params[i], token))
                ++i;
            if (i == value) return std::nullopt;
        }
        if (i < n && params[i] != ';') return std::nullopt;
        if (name_end - name == 3 && (params[name] | 0x20) == 't' &&
            (params[name + 1] | 0x20) == 'a' && (params[name + 2] | 0x20) == 'g')
            return has_value ? params.substr(value, i - value) : std::string_view{};
    }
    return std::string_view{}; // no tag
}

std::string_view light_tag(std::string_view value) {
    // Header parameters start after the '>' of a name-addr, or at the first ';' of an addr-spec.
    const char* const begin = value.data();
    const char* const end = begin + value.size();
    const char* start = begin;
    if (const void* gt = ::memrchr(begin, '>', value.size()))
        start = static_cast<const char*>(gt) + 1;
    const char* semi = find_byte(start, end, ';');
    if (semi == nullptr) return {};
    const std::string_view params(semi, static_cast<std::size_t>(end - semi));
    if (auto tag = plain_tag(params)) return *tag;
    auto tag = ParamList(params).value("tag");
    return tag ? *tag : std::string_view{};
}
} // namespace

// The everyday top Via, `SIP/2.0/UDP host[:port][;params][, more]`, with plain characters
// only: read in one pass. Splitting the list and the full via-parm parse of every message was a
// tenth of `analyze` (docs/performance.md). Anything unusual (LWS other than the one space,
// quotes, comments, IPv6, odd ports, empty parameters) returns nothing and the full parser
// decides, so the key is the same either way (a test compares them).
namespace {
struct PlainVia {
    std::string_view branch;
    std::string_view sent_by;
    std::string_view host;
    std::int32_t port = -1;
};

std::optional<PlainVia> plain_top_via(std::string_view value) {
    const std::size_t n = value.size();
    auto token_at = [&](std::size_t i) { return has_class(value[i], token); };
    // protocol-name "/" version "/" transport SP: alphanumerics, '.' and '-' only, none empty.
    std::size_t i = 0;
    int slashes = 0;
    std::size_t part = 0; // length of the current part
    for (; i < n; ++i) {
        const char c = value[i];
        if (c == '/') {
            if (part == 0) return std::nullopt;
            ++slashes;
            part = 0;
        } else if (c == ' ') {
            break;
        } else if (has_class(c, via_protocol)) {
            ++part;
        } else {
            return std::nullopt;
        }
    }
    if (i == n || slashes != 2 || part == 0) return std::nullopt;
    ++i; // the one space
    PlainVia v;
    // sent-by host: plain bytes up to ':' or ';' (or the end of the element).
    const std::size_t host_begin = i;
    while (i < n && token_at(i))
        ++i;
    if (i == host_begin) return std::nullopt;
    v.host = value.substr(host_begin, i - host_begin);
    if (i < n && value[i] == ':') {
        const std::size_t digits_begin = ++i;
        std::int32_t port = 0;
        while (i < n && is_digit(value[i]) && i - digits_begin < 5) {
            port = port * 10 + (value[i] - '0');
            ++i;
        }
        if (i == digits_begin || (i < n && is_digit(value[i])) || port > 65535) return std::nullopt;
        v.port = port;
    }
    v.sent_by = value.substr(host_begin, i - host_begin);
    // Parameters: (";" name ["=" value])*, then the end or a comma (the next element).
    bool have_branch = false;
    while (i < n && value[i] == ';') {
        const std::size_t name_begin = ++i;
        while (i < n && token_at(i))
            ++i;
        const std::string_view name = value.substr(name_begin, i - name_begin);
        if (name.empty()) return std::nullopt;
        std::string_view param_value;
        if (i < n && value[i] == '=') {
            const std::size_t value_begin = ++i;
            while (i < n && has_class(value[i], via_param_value))
                ++i;
            param_value = value.substr(value_begin, i - value_begin);
        }
        if (!have_branch && name.size() == 6 && iequals(name, "branch")) {
            have_branch = true;
            v.branch = param_value;
        }
    }
    if (i < n && value[i] != ',') return std::nullopt;
    return v;
}

} // namespace

TransactionKey Message::transaction_key() const {
    TransactionKey k;
    k.kind = kind;
    k.method = method;
    k.method_text = method_text;
    k.status = status;
    k.call_id = call_id();
    bool ok = !k.call_id.empty();
    if (auto c = parse_cseq(value(HeaderId::cseq))) {
        k.cseq = c->seq;
        k.cseq_method = c->method;
        k.cseq_method_text = c->method_text;
    } else {
        ok = false;
    }
    const Header* f = find(HeaderId::from);
    const Header* t = find(HeaderId::to);
    if (f != nullptr) k.from_tag = light_tag(f->value);
    if (t != nullptr) k.to_tag = light_tag(t->value);
    ok = ok && f != nullptr && t != nullptr;
    const Header* v = find(HeaderId::via);
    if (v != nullptr) {
        if (auto plain = plain_top_via(v->value)) {
            k.branch = plain->branch;
            k.sent_by = plain->sent_by;
            k.sent_by_host = plain->host;
            k.sent_by_port = plain->port;
            k.complete = ok;
            return k;
        }
        ListSplitter split(v->value);
        auto first = split.next();
        if (first) {
            if (auto via = parse_via(*first)) {
                k.branch = via->branch;
                k.sent_by = via->sent_by;
                k.sent_by_host = via->host;
                k.sent_by_port = via->port;
            } else {
                ok = false;
            }
        }
    } else {
        ok = false;
    }
    k.complete = ok;
    return k;
}

std::optional<TransactionKey> extract_transaction_key(std::string_view bytes) {
    thread_local Message scratch;
    Parser{}.parse(bytes, scratch);
    if (scratch.start_line.empty()) return std::nullopt;
    return scratch.transaction_key();
}

// --- typed access ----------------------------------------------------------------------------

std::optional<Uri> Message::request_uri_parsed() const {
    if (!is_request() || request_uri.empty()) return std::nullopt;
    return parse_uri(request_uri);
}

std::optional<CSeq> Message::cseq() const {
    const Header* h = find(HeaderId::cseq);
    return h != nullptr ? parse_cseq(h->value) : std::nullopt;
}

std::optional<NameAddr> Message::from() const {
    const Header* h = find(HeaderId::from);
    return h != nullptr ? parse_name_addr(h->value) : std::nullopt;
}

std::optional<NameAddr> Message::to() const {
    const Header* h = find(HeaderId::to);
    return h != nullptr ? parse_name_addr(h->value) : std::nullopt;
}

std::optional<Via> Message::top_via() const {
    const Header* h = find(HeaderId::via);
    if (h == nullptr) return std::nullopt;
    ListSplitter split(h->value);
    auto first = split.next();
    return first ? parse_via(*first) : std::nullopt;
}

std::vector<Via> Message::vias() const {
    std::vector<Via> out;
    for_each(HeaderId::via, [&](const Header& h) { parse_via_list(h.value, out); });
    return out;
}

namespace {
std::optional<std::uint32_t> uint_header(const Message& m, HeaderId id, std::uint64_t max) {
    const Header* h = m.find(id);
    return h != nullptr ? parse_uint(h->value, max) : std::nullopt;
}
} // namespace

std::optional<std::uint32_t> Message::max_forwards() const {
    return uint_header(*this, HeaderId::max_forwards, 255);
}
std::optional<std::uint32_t> Message::expires() const {
    return uint_header(*this, HeaderId::expires, 0xFFFFFFFFull);
}
std::optional<std::uint32_t> Message::min_expires() const {
    return uint_header(*this, HeaderId::min_expires, 0xFFFFFFFFull);
}
std::optional<std::uint32_t> Message::rseq() const {
    return uint_header(*this, HeaderId::rseq, 0xFFFFFFFFull);
}

std::optional<RetryAfter> Message::retry_after() const {
    const Header* h = find(HeaderId::retry_after);
    return h != nullptr ? parse_retry_after(h->value) : std::nullopt;
}

std::optional<MediaType> Message::content_type() const {
    const Header* h = find(HeaderId::content_type);
    return h != nullptr ? parse_media_type(h->value) : std::nullopt;
}

std::optional<RAck> Message::rack() const {
    const Header* h = find(HeaderId::rack);
    return h != nullptr ? parse_rack(h->value) : std::nullopt;
}

std::vector<NameAddr> Message::contacts() const {
    return name_addrs(HeaderId::contact);
}

std::vector<NameAddr> Message::name_addrs(HeaderId id) const {
    std::vector<NameAddr> out;
    for_each(id, [&](const Header& h) {
        if (is_list_header(id)) {
            parse_name_addr_list(h.value, out);
        } else if (auto na = parse_name_addr(h.value)) {
            out.push_back(*na);
        }
    });
    return out;
}

std::vector<std::string_view> Message::tokens(HeaderId id) const {
    std::vector<std::string_view> out;
    for_each(id, [&](const Header& h) { parse_token_list(h.value, out); });
    return out;
}

std::vector<Credentials> Message::credentials(HeaderId id) const {
    std::vector<Credentials> out;
    for_each(id, [&](const Header& h) {
        if (auto c = parse_credentials(h.value)) out.push_back(std::move(*c));
    });
    return out;
}

std::vector<SecurityMechanism> Message::security(HeaderId id) const {
    std::vector<SecurityMechanism> out;
    for_each(id, [&](const Header& h) { parse_security_list(h.value, out); });
    return out;
}

std::optional<PChargingVector> Message::p_charging_vector() const {
    const Header* h = find(HeaderId::p_charging_vector);
    return h != nullptr ? parse_p_charging_vector(h->value) : std::nullopt;
}

std::optional<PChargingFunctionAddresses> Message::p_charging_function_addresses() const {
    const Header* h = find(HeaderId::p_charging_function_addresses);
    if (h == nullptr) return std::nullopt;
    return parse_p_charging_function_addresses(h->value);
}

std::vector<AccessNetworkInfo> Message::p_access_network_info() const {
    std::vector<AccessNetworkInfo> out;
    for_each(HeaderId::p_access_network_info,
             [&](const Header& h) { parse_access_network_info(h.value, out); });
    return out;
}

std::vector<ValueWithParams> Message::value_params(HeaderId id) const {
    std::vector<ValueWithParams> out;
    for_each(id, [&](const Header& h) {
        if (is_list_header(id)) {
            parse_value_params_list(h.value, out);
        } else {
            out.push_back(parse_value_params(h.value));
        }
    });
    return out;
}

} // namespace sipdx::sip
