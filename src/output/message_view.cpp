#include <sipdx/output/message_view.h>

#include <sipdx/sip/message.h>
#include <sipdx/text/escape.h>
#include <sipdx/text/time.h>

#include <fmt/format.h>

#include <algorithm>

namespace sipdx::output {

namespace {

// A body bigger than this is shown up to here: the rest is counted, not printed.
constexpr std::size_t max_body_shown = 16 * 1024;

bool looks_like_text(std::string_view body) {
    std::size_t controls = 0;
    for (const char c : body) {
        const auto u = static_cast<unsigned char>(c);
        if (u < 0x20 && c != '\r' && c != '\n' && c != '\t') ++controls;
    }
    return controls * 20 <= body.size(); // a few stray bytes still read as text
}

void append_lines(std::string& out, std::string_view text, std::string_view indent) {
    while (!text.empty()) {
        const std::size_t end = text.find('\n');
        std::string_view line = text.substr(0, end);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        out += indent;
        text::append_visible(out, line);
        out += '\n';
        if (end == std::string_view::npos) break;
        text.remove_prefix(end + 1);
    }
}

void append_sdp(std::string& out, const sip::Sdp& sdp, const TextStyle& style) {
    out += paint("  SDP decoded", sgr::bold, style.color);
    out += '\n';
    if (sdp.origin)
        out += fmt::format("    origin {} {} (session {}, version {})\n",
                           text::visible(sdp.origin->address.addr_type),
                           text::visible(sdp.origin->address.address),
                           text::visible(sdp.origin->session_id),
                           text::visible(sdp.origin->session_version));
    if (sdp.connection)
        out += fmt::format("    connection {} {}\n", text::visible(sdp.connection->addr_type),
                           text::visible(sdp.connection->address));
    for (const auto& m : sdp.media) {
        const auto direction = m.effective_direction(sdp.direction);
        const std::string address = m.connection     ? text::visible(m.connection->address)
                                    : sdp.connection ? text::visible(sdp.connection->address)
                                                     : std::string("?");
        const std::string_view direction_text = sip::to_string(direction);
        out += fmt::format(
            "    {} {}:{} {} {}\n", paint(text::visible(m.media), sgr::bold, style.color), address,
            m.port, text::visible(m.protocol),
            paint(direction_text,
                  m.port == 0 || direction == sip::MediaDirection::inactive ? sgr::yellow
                                                                            : std::string_view(),
                  style.color));
        if (m.port == 0) out += "      port 0: this stream is refused or removed\n";
        std::string codecs;
        for (const auto& r : m.rtpmaps) {
            codecs += fmt::format("{}{} {}/{}", codecs.empty() ? "" : ", ", r.payload_type,
                                  text::visible(r.encoding), r.clock_rate);
            if (!r.channels.empty()) codecs += "/" + text::visible(r.channels);
        }
        // Static payload types without an rtpmap still name the codec by number.
        for (const auto f : m.formats) {
            const bool mapped = std::any_of(m.rtpmaps.begin(), m.rtpmaps.end(), [&](const auto& r) {
                return std::to_string(r.payload_type) == f;
            });
            if (!mapped)
                codecs += fmt::format("{}{}", codecs.empty() ? "" : ", ", text::visible(f));
        }
        if (!codecs.empty()) out += fmt::format("      codecs {}\n", codecs);
        for (const auto& p : m.preconditions)
            out += fmt::format("      precondition {} {} {} {} {}\n", text::visible(p.kind),
                               text::visible(p.type), text::visible(p.strength),
                               text::visible(p.status_type), text::visible(p.direction));
    }
}

} // namespace

std::string render_message_full(const MessageHeading& h, std::string_view bytes,
                                const TextStyle& style) {
    const sip::Message m = sip::parse_message(bytes);
    std::string out;
    const std::string heading =
        fmt::format("frame {}  {}  {} -> {}  {}  ({} bytes)", h.frame, text::iso_time(h.time_ns),
                    text::visible(h.src), text::visible(h.dst), h.transport, m.raw.size());
    out += paint(heading, sgr::bold, style.color);
    out += '\n';
    const std::string start = text::visible(m.start_line);
    out += paint(start, m.is_response() ? status_sgr(m.status) : sgr::bold, style.color);
    out += '\n';
    for (const auto& header : m.headers) {
        out += paint(text::visible(header.name), sgr::cyan, style.color);
        out += ": ";
        text::append_visible(out, header.value, true);
        out += '\n';
    }
    if (!m.body.empty()) {
        out += '\n';
        const std::string_view shown = m.body.substr(0, max_body_shown);
        if (looks_like_text(shown)) {
            append_lines(out, shown, "");
            if (shown.size() < m.body.size())
                out += fmt::format("[{} more bytes of body not shown]\n",
                                   m.body.size() - shown.size());
        } else {
            out += fmt::format("[{} bytes of binary body ({}) not shown]\n", m.body.size(),
                               text::visible(m.value(sip::HeaderId::content_type)));
        }
        if (const auto sdp = m.sdp()) append_sdp(out, *sdp, style);
    }
    for (const auto& f : m.findings) {
        out += "  ";
        out += paint(sip::to_string(f.severity), severity_sgr(sip::to_string(f.severity)),
                     style.color);
        out += fmt::format(" {}: {}\n", f.code_name(), sip::describe(f.code));
    }
    return wrap_lines(out, style.width, 4);
}

} // namespace sipdx::output
