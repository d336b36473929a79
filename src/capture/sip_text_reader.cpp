// SIP text logs: SIP messages as text, optionally each preceded by a line saying when and
// between which endpoints it travelled. Accepted forms are listed in docs/capture.md:
//   plain messages, separated by blank lines and/or framed by Content-Length;
//   "U 2024/01/01 10:00:00.123456 1.2.3.4:5060 -> 5.6.7.8:5060" (ngrep -t -W byline);
//   "2024/01/01 10:00:00.123456 1.2.3.4:5060 -> 5.6.7.8:5060" (sngrep text export) and any
//   line that starts with a date-time and holds "ADDR:PORT -> ADDR:PORT" (server logs);
//   "recv 544 bytes from udp/[1.2.3.4]:5060 at 10:00:00.123456:" (FreeSWITCH siptrace).
// Work is done on offsets from the current input position, because peeking further may move
// the buffer; views are made only once a whole message is delimited.
#include <capture/detail/readers.h>
#include <sipdx/text/text.h>

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <charconv>
#include <optional>
#include <string_view>
#include <vector>

namespace sipdx::capture::detail {
namespace {

constexpr std::size_t max_line = 64 * 1024;
constexpr std::size_t max_message = 1024 * 1024;

using text::iequals;
using text::is_digit;
using text::is_token_char;
using text::trim;

// RFC 3261 section 7.1 / 7.2 start lines, checked loosely (the parser judges them later).
bool is_start_line(std::string_view line) {
    line = trim(line);
    if (line.starts_with("SIP/2.0 ")) {
        return line.size() >= 11 && is_digit(line[8]) && is_digit(line[9]) && is_digit(line[10]) &&
               (line.size() == 11 || line[11] == ' ');
    }
    const auto sp1 = line.find(' ');
    if (sp1 == 0 || sp1 == std::string_view::npos || sp1 > 32) {
        return false;
    }
    for (std::size_t i = 0; i < sp1; ++i) {
        if (!is_token_char(line[i])) {
            return false;
        }
    }
    if (!line.ends_with(" SIP/2.0")) {
        return false;
    }
    const auto uri = line.substr(sp1 + 1, line.size() - sp1 - 1 - 8);
    return !uri.empty() && uri.find(' ') == std::string_view::npos &&
           uri.find(':') != std::string_view::npos;
}

bool is_blank(std::string_view line) {
    return trim(line).empty();
}

// Ruler lines logs print between messages ("-----", "=====", ngrep's "#").
bool is_separator(std::string_view line) {
    line = trim(line);
    if (line.empty()) {
        return false;
    }
    const bool hashes = line.find_first_not_of('#') == std::string_view::npos;
    return hashes ||
           (line.size() >= 3 && line.find_first_not_of("-=*_~") == std::string_view::npos);
}

// ngrep's banner lines.
bool is_known_noise(std::string_view line) {
    return line.starts_with("interface: ") || line.starts_with("filter: ") ||
           line.starts_with("match: ");
}

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
std::int64_t days_from_civil(std::int64_t y, unsigned m, unsigned d) {
    y -= m <= 2;
    const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
    const auto yoe = static_cast<unsigned>(y - era * 400);
    const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
    const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + static_cast<std::int64_t>(doe) - 719468;
}

bool parse_uint(std::string_view s, unsigned& out) {
    if (s.empty()) {
        return false;
    }
    auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    return ec == std::errc{} && p == s.data() + s.size();
}

// "YYYY-MM-DD" or "YYYY/MM/DD".
std::optional<std::int64_t> parse_date(std::string_view s) {
    if (s.size() != 10 || (s[4] != '-' && s[4] != '/') || s[7] != s[4]) {
        return std::nullopt;
    }
    unsigned y = 0;
    unsigned m = 0;
    unsigned d = 0;
    if (!parse_uint(s.substr(0, 4), y) || !parse_uint(s.substr(5, 2), m) ||
        !parse_uint(s.substr(8, 2), d) || m < 1 || m > 12 || d < 1 || d > 31 || y < 1970 ||
        y > 2261) { // nanoseconds since 1970 fit 64 bits until 2262
        return std::nullopt;
    }
    return days_from_civil(y, m, d);
}

// "HH:MM:SS[.frac][Z|+hh:mm|-hh:mm]" -> nanoseconds since midnight UTC.
std::optional<std::int64_t> parse_time(std::string_view s) {
    if (!s.empty() && s.back() == ':') {
        s.remove_suffix(1); // FreeSWITCH ends the line with a colon
    }
    std::int64_t zone_ns = 0;
    if (!s.empty() && s.back() == 'Z') {
        s.remove_suffix(1);
    } else if (s.size() > 14 && (s[s.size() - 6] == '+' || s[s.size() - 6] == '-') &&
               s[s.size() - 3] == ':') {
        unsigned zh = 0;
        unsigned zm = 0;
        if (!parse_uint(s.substr(s.size() - 5, 2), zh) ||
            !parse_uint(s.substr(s.size() - 2, 2), zm)) {
            return std::nullopt;
        }
        zone_ns = (std::int64_t{zh} * 3600 + zm * 60) * 1'000'000'000;
        if (s[s.size() - 6] == '+') {
            zone_ns = -zone_ns; // local = UTC + offset
        }
        s.remove_suffix(6);
    }
    if (s.size() < 8 || s[2] != ':' || s[5] != ':') {
        return std::nullopt;
    }
    unsigned h = 0;
    unsigned mi = 0;
    unsigned sec = 0;
    if (!parse_uint(s.substr(0, 2), h) || !parse_uint(s.substr(3, 2), mi) ||
        !parse_uint(s.substr(6, 2), sec) || h > 23 || mi > 59 || sec > 60) {
        return std::nullopt;
    }
    std::int64_t frac_ns = 0;
    if (s.size() > 8) {
        if ((s[8] != '.' && s[8] != ',') || s.size() == 9) {
            return std::nullopt;
        }
        const auto frac = s.substr(9);
        std::int64_t scale = 100'000'000;
        for (char c : frac) {
            if (!is_digit(c)) {
                return std::nullopt;
            }
            frac_ns += (c - '0') * scale;
            scale /= 10;
        }
    }
    return (std::int64_t{h} * 3600 + mi * 60 + sec) * 1'000'000'000 + frac_ns + zone_ns;
}

TextTransport transport_named(std::string_view s) {
    if (iequals(s, "udp") || iequals(s, "u")) {
        return TextTransport::udp;
    }
    if (iequals(s, "tcp") || iequals(s, "t")) {
        return TextTransport::tcp;
    }
    if (iequals(s, "tls")) {
        return TextTransport::tls;
    }
    if (iequals(s, "sctp")) {
        return TextTransport::sctp;
    }
    if (iequals(s, "ws")) {
        return TextTransport::ws;
    }
    if (iequals(s, "wss")) {
        return TextTransport::wss;
    }
    return TextTransport::unknown;
}

// A piece of the current line, as offsets from the line start.
struct Slice {
    std::size_t pos = 0;
    std::size_t len = 0;
};

struct Envelope {
    Slice src;
    Slice dst;
    std::uint16_t sport = 0;
    std::uint16_t dport = 0;
    TextTransport transport = TextTransport::unknown;
    std::optional<std::int64_t> time_ns;
    bool time_of_day_only = false;
    std::optional<std::size_t> byte_count; // FreeSWITCH states the message length
    std::size_t line_offset = 0;           // from the unit start, to rebase the slices
};

// "[v6]:port", "v4:port", "v6:port" (last colon), optionally "proto:" or "proto/" first.
bool parse_endpoint(std::string_view line, Slice token, Slice& addr, std::uint16_t& port,
                    TextTransport& transport) {
    std::string_view s = line.substr(token.pos, token.len);
    std::size_t base = token.pos;
    for (std::string_view sep : {"/", ":"}) {
        const auto cut = s.find(sep);
        if (cut != std::string_view::npos && cut > 0 && cut <= 4) {
            const auto named = transport_named(s.substr(0, cut));
            if (named != TextTransport::unknown) {
                transport = named;
                s.remove_prefix(cut + 1);
                base += cut + 1;
                break;
            }
        }
    }
    std::string_view host;
    std::string_view port_text;
    std::size_t host_pos = 0;
    if (s.starts_with('[')) {
        const auto close = s.find(']');
        if (close == std::string_view::npos || close + 1 >= s.size() || s[close + 1] != ':') {
            return false;
        }
        host = s.substr(1, close - 1);
        host_pos = base + 1;
        port_text = s.substr(close + 2);
    } else {
        const auto colon = s.rfind(':');
        if (colon == std::string_view::npos || colon == 0) {
            return false;
        }
        host = s.substr(0, colon);
        host_pos = base;
        port_text = s.substr(colon + 1);
    }
    if (host.empty() ||
        host.find_first_not_of("0123456789abcdefABCDEF.:") != std::string_view::npos) {
        return false;
    }
    unsigned value = 0;
    if (!parse_uint(port_text, value) || value > 65535) {
        return false;
    }
    addr = {host_pos, host.size()};
    port = static_cast<std::uint16_t>(value);
    return true;
}

std::vector<Slice> tokens(std::string_view line) {
    std::vector<Slice> out;
    std::size_t i = 0;
    while (i < line.size() && out.size() < 24) {
        while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) {
            ++i;
        }
        const std::size_t start = i;
        while (i < line.size() && line[i] != ' ' && line[i] != '\t') {
            ++i;
        }
        if (i > start) {
            out.push_back({start, i - start});
        }
    }
    return out;
}

std::optional<std::int64_t> parse_datetime(std::string_view line, const std::vector<Slice>& tok,
                                           std::size_t& index, bool& tod_only) {
    auto text = [&](std::size_t k) { return line.substr(tok[k].pos, tok[k].len); };
    tod_only = false;
    if (index < tok.size()) {
        const auto t = text(index);
        if (t.size() > 11 && (t[10] == 'T' || t[10] == ' ')) { // ISO 8601 in one token
            auto day = parse_date(t.substr(0, 10));
            auto tod = parse_time(t.substr(11));
            if (day && tod) {
                ++index;
                return *day * 86'400'000'000'000 + *tod;
            }
        }
        if (auto day = parse_date(t); day && index + 1 < tok.size()) {
            if (auto tod = parse_time(text(index + 1))) {
                index += 2;
                return *day * 86'400'000'000'000 + *tod;
            }
        }
        if (auto tod = parse_time(t)) {
            ++index;
            tod_only = true;
            return *tod;
        }
    }
    return std::nullopt;
}

// Slices in the result are offsets from the start of `line` as given (not trimmed).
std::optional<Envelope> parse_envelope(std::string_view line) {
    if (line.size() < 9 || line.size() > 512) {
        return std::nullopt;
    }
    const auto tok = tokens(line);
    if (tok.size() < 3) {
        return std::nullopt;
    }
    auto text = [&](std::size_t k) { return line.substr(tok[k].pos, tok[k].len); };
    Envelope env;
    // FreeSWITCH: recv|send N bytes from|to proto/[addr]:port at time:
    if ((text(0) == "recv" || text(0) == "send") && tok.size() >= 7 && text(2) == "bytes" &&
        (text(3) == "from" || text(3) == "to") && text(5) == "at") {
        unsigned count = 0;
        if (!parse_uint(text(1), count)) {
            return std::nullopt;
        }
        Slice addr;
        std::uint16_t port = 0;
        if (!parse_endpoint(line, tok[4], addr, port, env.transport)) {
            return std::nullopt;
        }
        std::size_t index = 6;
        bool tod_only = false;
        env.time_ns = parse_datetime(line, tok, index, tod_only);
        env.time_of_day_only = tod_only;
        env.byte_count = count;
        if (text(0) == "recv") {
            env.src = addr;
            env.sport = port;
        } else {
            env.dst = addr;
            env.dport = port;
        }
        return env;
    }
    // ngrep / sngrep / server logs: [U|T] [date time] ... ADDR:PORT -> ADDR:PORT ...
    std::size_t index = 0;
    bool ngrep = false;
    if (text(0) == "U" || text(0) == "T") {
        env.transport = transport_named(text(0));
        ngrep = true;
        ++index;
    }
    bool tod_only = false;
    env.time_ns = parse_datetime(line, tok, index, tod_only);
    env.time_of_day_only = tod_only;
    if (!ngrep && !env.time_ns) {
        return std::nullopt;
    }
    for (std::size_t k = index + 1; k + 1 < tok.size(); ++k) {
        if (text(k) != "->") {
            continue;
        }
        if (!parse_endpoint(line, tok[k - 1], env.src, env.sport, env.transport) ||
            !parse_endpoint(line, tok[k + 1], env.dst, env.dport, env.transport)) {
            return std::nullopt;
        }
        // A transport named anywhere else on the line ("UDP", "proto=tcp") wins over none.
        for (std::size_t j = 0; j < tok.size() && env.transport == TextTransport::unknown; ++j) {
            auto word = text(j);
            if (word.starts_with("proto=")) {
                word.remove_prefix(6);
            }
            env.transport = transport_named(word.size() > 1 ? word : std::string_view{});
        }
        return env;
    }
    return std::nullopt;
}

enum class LineKind { blank, separator, noise, envelope, start, other };

LineKind classify(std::string_view line) {
    if (is_blank(line)) {
        return LineKind::blank;
    }
    if (is_start_line(line)) {
        return LineKind::start;
    }
    if (is_separator(line)) {
        return LineKind::separator;
    }
    if (is_known_noise(line)) {
        return LineKind::noise;
    }
    if (parse_envelope(line)) {
        return LineKind::envelope;
    }
    return LineKind::other;
}

bool is_boundary(LineKind kind) {
    return kind == LineKind::start || kind == LineKind::envelope || kind == LineKind::separator ||
           kind == LineKind::noise;
}

struct Line {
    std::size_t begin = 0; // offsets from the unit start
    std::size_t end = 0;   // end of content (before "\r\n" / "\n")
    std::size_t next = 0;  // start of the following line
    bool cut = false;      // longer than max_line
};

class SipTextReader final : public FrameSource {
public:
    SipTextReader(std::unique_ptr<ByteInput> input, std::string name, bool gzip)
        : FrameSource(std::move(name), Format::sip_text), m_input(std::move(input)) {
        m_gzip = gzip;
        InterfaceInfo iface;
        iface.link_type = LinkType::sip_text;
        m_interfaces.push_back(iface);
    }

    ReadStatus next(Frame& frame) override {
        while (!m_ended) {
            if (read_message(frame)) {
                return ReadStatus::frame;
            }
        }
        return ReadStatus::end;
    }

private:
    std::string_view view(std::size_t begin, std::size_t end) {
        auto w = m_input->peek(end);
        end = std::min(end, w.size());
        begin = std::min(begin, end);
        return {reinterpret_cast<const char*>(w.data()) + begin, end - begin};
    }

    // The line starting at `off`, or nullopt at the end of the input.
    std::optional<Line> line_at(std::size_t off) {
        std::size_t want = off + 256;
        for (;;) {
            auto w = m_input->peek(want);
            if (w.size() <= off) {
                return std::nullopt;
            }
            const auto* start = w.data() + off;
            const std::size_t scan = std::min(w.size() - off, max_line);
            const void* nl = std::memchr(start, '\n', scan);
            if (nl != nullptr) {
                const auto len =
                    static_cast<std::size_t>(static_cast<const std::uint8_t*>(nl) - start);
                std::size_t end = off + len;
                if (len > 0 && w[end - 1] == '\r') {
                    --end;
                }
                return Line{off, end, off + len + 1, false};
            }
            if (scan == max_line) {
                return Line{off, off + max_line, off + max_line, true};
            }
            if (w.size() < want) { // the last line, without a newline
                return Line{off, w.size(), w.size(), false};
            }
            want = off + 2 * (want - off);
        }
    }

    std::string_view content(const Line& l) { return view(l.begin, l.end); }

    // True when a length taken from the message (Content-Length, FreeSWITCH's byte count)
    // ends on a line end: then it is trusted, whatever follows. A length that ends inside a
    // line means the log changed the bytes (lost CRs), and the body is delimited by lines.
    bool ends_on_line_end(std::size_t off) {
        auto w = m_input->peek(off + 1);
        if (w.size() < off) {
            return false;
        }
        if (off == 0 || w.size() == off || w[off - 1] == '\n') {
            return true;
        }
        auto rest = line_at(off);
        return !rest || is_blank(content(*rest));
    }

    void skip_to(std::size_t off) {
        m_input->consume(off);
        m_counters.input_bytes = m_input->position();
    }

    bool read_message(Frame& frame) {
        std::optional<Envelope> env;
        std::size_t off = 0;
        std::optional<std::size_t> msg_start;
        while (!msg_start) {
            auto l = line_at(off);
            if (!l) {
                if (env) {
                    report(ProblemCode::bad_text, m_counters.frames + 1, m_input->position(),
                           "log line without a SIP message after it");
                }
                finish();
                return false;
            }
            const auto text = content(*l);
            const auto kind = l->cut ? LineKind::other : classify(text);
            switch (kind) {
            case LineKind::start:
                msg_start = l->begin;
                break;
            case LineKind::envelope:
                if (env) {
                    report(ProblemCode::bad_text, m_counters.frames + 1, m_input->position(),
                           "log line without a SIP message after it");
                    skip_to(l->begin);
                    l = line_at(0); // the same line, now at offset 0
                }
                env = parse_envelope(content(*l));
                env->line_offset = l->begin;
                off = l->next;
                break;
            case LineKind::other:
                report(ProblemCode::bad_text, m_counters.frames + 1, m_input->position() + l->begin,
                       "line that is neither a SIP message nor a known log line: skipped");
                [[fallthrough]];
            default:
                if (env) {
                    off = l->next; // keep the envelope line in the window
                } else {
                    skip_to(l->next);
                    off = 0;
                }
                break;
            }
        }
        // Headers run to the first empty line.
        std::size_t pos = *msg_start;
        std::optional<std::size_t> headers_end;
        std::optional<std::size_t> content_length;
        bool first_line = true;
        for (;;) {
            auto l = line_at(pos);
            if (!l) {
                break;
            }
            const auto text = content(*l);
            if (text.empty() || is_blank(text)) {
                headers_end = l->next;
                break;
            }
            if (!first_line) {
                const auto kind = classify(text);
                if (kind == LineKind::start || kind == LineKind::envelope) {
                    break; // the next message begins: this one had no blank line
                }
                const auto colon = text.find(':');
                if (colon != std::string_view::npos) {
                    const auto name = trim(text.substr(0, colon));
                    if (iequals(name, "content-length") || iequals(name, "l")) {
                        unsigned value = 0;
                        if (parse_uint(trim(text.substr(colon + 1)), value)) {
                            content_length = value;
                        }
                    }
                }
            }
            first_line = false;
            pos = l->next;
            if (pos - *msg_start > max_message) {
                break;
            }
        }
        std::size_t end = pos;
        if (headers_end) {
            end = *headers_end;
            std::optional<std::size_t> exact;
            if (env && env->byte_count && *env->byte_count >= *headers_end - *msg_start &&
                ends_on_line_end(*msg_start + *env->byte_count)) {
                exact = *msg_start + *env->byte_count;
            } else if (content_length && *content_length <= max_message &&
                       ends_on_line_end(*headers_end + *content_length)) {
                exact = *headers_end + *content_length;
            }
            if (exact) {
                end = *exact;
            } else {
                end = body_end(*headers_end, *msg_start);
            }
        }
        if (end - *msg_start > max_message) {
            report(ProblemCode::bad_text, m_counters.frames + 1, m_input->position() + *msg_start,
                   "message longer than 1 MiB: cut");
            end = *msg_start + max_message;
        }
        auto w = m_input->peek(end);
        end = std::min(end, w.size());
        const auto* base = reinterpret_cast<const char*>(w.data());
        frame.number = ++m_counters.frames;
        frame.link_type = LinkType::sip_text;
        frame.interface_id = 0;
        frame.file_offset = m_input->position() + *msg_start;
        frame.data = w.subspan(*msg_start, end - *msg_start);
        frame.original_length = static_cast<std::uint32_t>(frame.data.size());
        frame.comment = {};
        frame.text = {};
        frame.time_ns = 0;
        if (env) {
            auto sv = [&](Slice s) {
                return s.len == 0 ? std::string_view{}
                                  : std::string_view(base + env->line_offset + s.pos, s.len);
            };
            frame.text.src = sv(env->src);
            frame.text.dst = sv(env->dst);
            frame.text.sport = env->sport;
            frame.text.dport = env->dport;
            frame.text.transport = env->transport;
            frame.text.has_time = env->time_ns.has_value();
            frame.text.time_of_day_only = env->time_of_day_only;
            frame.time_ns = env->time_ns.value_or(0);
        }
        ++m_interfaces[0].frames;
        m_counters.captured_bytes += frame.data.size();
        m_input->consume(end);
        m_counters.input_bytes = m_input->position();
        return true;
    }

    // Without a usable length the body runs to the next boundary line, less trailing blanks.
    std::size_t body_end(std::size_t headers_end, std::size_t msg_start) {
        std::size_t pos = headers_end;
        std::size_t last_content_end = headers_end;
        for (;;) {
            auto l = line_at(pos);
            if (!l) {
                break;
            }
            const auto text = content(*l);
            const auto kind = classify(text);
            if (is_boundary(kind)) {
                break;
            }
            if (kind != LineKind::blank) {
                last_content_end = l->next;
            }
            pos = l->next;
            if (pos - msg_start > max_message) {
                break;
            }
        }
        return last_content_end;
    }

    void finish() {
        m_ended = true;
        m_counters.input_bytes = m_input->position();
        if (m_input->failed()) {
            report(m_input->error_code(), m_counters.frames + 1, m_input->position(),
                   m_input->error());
        }
    }

    std::unique_ptr<ByteInput> m_input;
    bool m_ended = false;
};

} // namespace

bool looks_like_sip_text(std::span<const std::uint8_t> head, bool complete) {
    for (const auto byte : head) {
        if (byte == 0 || (byte < 0x20 && byte != '\t' && byte != '\r' && byte != '\n' &&
                          byte != 0x1b && byte != '\f')) {
            return false;
        }
    }
    std::string_view text(reinterpret_cast<const char*>(head.data()), head.size());
    for (int lines = 0; lines < 64 && !text.empty(); ++lines) {
        const auto nl = text.find('\n');
        if (nl == std::string_view::npos && !complete) {
            return false;
        }
        const auto line = text.substr(0, nl);
        if (is_start_line(line)) {
            return true;
        }
        text = nl == std::string_view::npos ? std::string_view{} : text.substr(nl + 1);
    }
    return false;
}

SourceResult make_sip_text_reader(std::unique_ptr<ByteInput> input, std::string name, bool gzip) {
    return std::unique_ptr<FrameSource>(
        std::make_unique<SipTextReader>(std::move(input), std::move(name), gzip));
}

} // namespace sipdx::capture::detail
