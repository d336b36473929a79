// SDP parsing (RFC 8866 section 5; directions RFC 3264 section 6; preconditions RFC 3312).
#include <sipdx/sip/sdp.h>

#include "sip/detail/text.h"

namespace sipdx::sip {
using namespace detail;

namespace {

// Splits on runs of SP; returns the next field.
std::string_view next_field(std::string_view& s) {
    std::size_t b = 0;
    while (b < s.size() && s[b] == ' ')
        ++b;
    std::size_t e = b;
    while (e < s.size() && s[e] != ' ')
        ++e;
    std::string_view f = s.substr(b, e - b);
    s = s.substr(e);
    return f;
}

std::optional<SdpConnection> parse_connection(std::string_view v) {
    SdpConnection c;
    c.net_type = next_field(v);
    c.addr_type = next_field(v);
    c.address = next_field(v);
    if (c.address.empty()) return std::nullopt;
    return c;
}

MediaDirection direction_of(std::string_view name) {
    if (name == "sendrecv") return MediaDirection::sendrecv;
    if (name == "sendonly") return MediaDirection::sendonly;
    if (name == "recvonly") return MediaDirection::recvonly;
    if (name == "inactive") return MediaDirection::inactive;
    return MediaDirection::unspecified;
}

std::optional<RtpMap> parse_rtpmap(std::string_view v) {
    // "<payload type> <encoding name>/<clock rate>[/<encoding parameters>]"
    std::string_view pt = next_field(v);
    std::string_view rest = trim(v);
    std::uint64_t n = 0;
    if (!parse_decimal(pt, 127, n)) return std::nullopt;
    RtpMap r;
    r.payload_type = static_cast<int>(n);
    std::size_t slash = rest.find('/');
    r.encoding = rest.substr(0, slash);
    if (r.encoding.empty()) return std::nullopt;
    if (slash != std::string_view::npos) {
        std::string_view clock = rest.substr(slash + 1);
        std::size_t slash2 = clock.find('/');
        if (slash2 != std::string_view::npos) {
            r.channels = clock.substr(slash2 + 1);
            clock = clock.substr(0, slash2);
        }
        std::uint64_t c = 0;
        if (!parse_decimal(clock, 0xFFFFFFFFull, c)) return std::nullopt;
        r.clock_rate = static_cast<std::uint32_t>(c);
    }
    return r;
}

std::optional<Precondition> parse_precondition(std::string_view name, std::string_view v) {
    // curr:<type> <status-type> <direction>; des/conf:<type> <strength> <status-type> <direction>
    Precondition p;
    p.kind = name;
    p.type = next_field(v);
    if (name != "curr") p.strength = next_field(v);
    p.status_type = next_field(v);
    p.direction = next_field(v);
    if (p.direction.empty()) return std::nullopt;
    return p;
}

} // namespace

std::string_view to_string(MediaDirection direction) {
    switch (direction) {
    case MediaDirection::sendrecv:
        return "sendrecv";
    case MediaDirection::sendonly:
        return "sendonly";
    case MediaDirection::recvonly:
        return "recvonly";
    case MediaDirection::inactive:
        return "inactive";
    case MediaDirection::unspecified:
        break;
    }
    return "";
}

MediaDirection SdpMedia::effective_direction(MediaDirection session_direction) const {
    if (direction != MediaDirection::unspecified) return direction;
    if (session_direction != MediaDirection::unspecified) return session_direction;
    return MediaDirection::sendrecv;
}

Sdp parse_sdp(std::string_view body) {
    Sdp sdp;
    FindingSink sink{&sdp.findings, body.data()};
    std::size_t pos = 0;
    bool have_v = false;
    bool have_o = false;
    bool have_s = false;
    bool have_t = false;
    while (pos < body.size()) {
        std::size_t nl = body.find('\n', pos);
        std::size_t end = nl == std::string_view::npos ? body.size() : nl;
        std::string_view line = body.substr(pos, end - pos);
        pos = nl == std::string_view::npos ? body.size() : nl + 1;
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        if (line.empty()) continue;
        if (line.size() < 2 || line[1] != '=' || !is_alpha(line[0])) {
            sink.add(FindingCode::sdp_malformed, line);
            continue;
        }
        char type = line[0];
        std::string_view v = line.substr(2);
        SdpMedia* media = sdp.media.empty() ? nullptr : &sdp.media.back();
        switch (type) {
        case 'v':
            have_v = true;
            sdp.version = v;
            break;
        case 'o': {
            have_o = true;
            SdpOrigin o;
            std::string_view rest = v;
            o.username = next_field(rest);
            o.session_id = next_field(rest);
            o.session_version = next_field(rest);
            auto c = parse_connection(rest);
            if (!c) {
                sink.add(FindingCode::sdp_malformed, line);
            } else {
                o.address = *c;
                sdp.origin = o;
            }
            break;
        }
        case 's':
            have_s = true;
            sdp.session_name = v;
            break;
        case 't':
            have_t = true;
            sdp.timing = v;
            break;
        case 'c': {
            auto c = parse_connection(v);
            if (!c) {
                sink.add(FindingCode::sdp_malformed, line);
            } else if (media != nullptr) {
                media->connection = c;
            } else {
                sdp.connection = c;
            }
            break;
        }
        case 'm': {
            SdpMedia m;
            std::string_view rest = v;
            m.media = next_field(rest);
            std::string_view port = next_field(rest);
            std::size_t slash = port.find('/');
            std::uint64_t n = 0;
            bool ok = parse_decimal(port.substr(0, slash), 65535, n);
            m.port = static_cast<std::uint32_t>(n);
            if (ok && slash != std::string_view::npos) {
                ok = parse_decimal(port.substr(slash + 1), 65535, n);
                m.port_count = static_cast<std::uint32_t>(n);
            }
            m.protocol = next_field(rest);
            for (auto f = next_field(rest); !f.empty(); f = next_field(rest))
                m.formats.push_back(f);
            if (!ok || m.media.empty() || m.protocol.empty())
                sink.add(FindingCode::sdp_malformed, line);
            sdp.media.push_back(std::move(m));
            break;
        }
        case 'a': {
            SdpAttribute a;
            std::size_t colon = v.find(':');
            a.name = v.substr(0, colon);
            if (colon != std::string_view::npos) a.value = v.substr(colon + 1);
            MediaDirection d = direction_of(a.name);
            if (media != nullptr) {
                media->attributes.push_back(a);
                if (d != MediaDirection::unspecified) media->direction = d;
                if (a.name == "rtpmap") {
                    if (auto r = parse_rtpmap(a.value)) {
                        media->rtpmaps.push_back(*r);
                    } else {
                        sink.add(FindingCode::sdp_malformed, line);
                    }
                } else if (a.name == "curr" || a.name == "des" || a.name == "conf") {
                    if (auto p = parse_precondition(a.name, a.value)) {
                        media->preconditions.push_back(*p);
                    } else {
                        sink.add(FindingCode::sdp_malformed, line);
                    }
                }
            } else {
                sdp.attributes.push_back(a);
                if (d != MediaDirection::unspecified) sdp.direction = d;
            }
            break;
        }
        default:
            break; // i=, u=, e=, p=, b=, r=, z=, k=: not needed by sipdx
        }
    }
    if (!have_v || !have_o || !have_s || !have_t)
        sink.add(FindingCode::sdp_missing_line, body.substr(0, 0));
    return sdp;
}

} // namespace sipdx::sip
