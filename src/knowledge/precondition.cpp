// RFC 3312 precondition lines: parsing and the desired-versus-current check.
#include <sipdx/knowledge/precondition.h>
#include <sipdx/text/text.h>

#include <fmt/format.h>

#include <algorithm>
#include <cstddef>

namespace sipdx::knowledge {
namespace {

using text::iequals;
using text::istarts_with;
using text::trim;

// The next line of `s` from `pos` (CRLF, LF or CR ends it); advances `pos`.
std::string_view next_line(std::string_view s, std::size_t& pos) {
    const auto start = pos;
    // The line's end: LF found with memchr (SDP lines end in CRLF or LF); a lone CR before it
    // ends the line too.
    const auto lf = std::min(s.find('\n', pos), s.size());
    pos = std::min(s.substr(0, lf).find('\r', pos), lf);
    const auto line = s.substr(start, pos - start);
    while (pos < s.size() && (s[pos] == '\r' || s[pos] == '\n'))
        ++pos;
    return line;
}

std::vector<std::string_view> words(std::string_view s) {
    std::vector<std::string_view> out;
    std::size_t i = 0;
    while (i < s.size()) {
        while (i < s.size() && text::is_space(s[i]))
            ++i;
        const auto start = i;
        while (i < s.size() && !text::is_space(s[i]))
            ++i;
        if (i > start) out.push_back(s.substr(start, i - start));
    }
    return out;
}

bool one_of(std::string_view word, std::initializer_list<std::string_view> choices) {
    for (auto c : choices)
        if (iequals(word, c)) return true;
    return false;
}

bool has_send(std::string_view d) {
    return iequals(d, "send") || iequals(d, "sendrecv");
}
bool has_recv(std::string_view d) {
    return iequals(d, "recv") || iequals(d, "sendrecv");
}
// Whether the current direction `have` covers the desired `want` (sendrecv covers both).
bool covers(std::string_view have, std::string_view want) {
    if (iequals(want, "none")) return true;
    if (has_send(want) && !has_send(have)) return false;
    if (has_recv(want) && !has_recv(have)) return false;
    return true;
}

} // namespace

PreconditionState parse_preconditions(std::string_view sdp) {
    PreconditionState state;
    int media = 0;
    std::string media_type;
    std::size_t pos = 0;
    for (int guard = 0; pos < sdp.size() && guard < 100000; ++guard) {
        const auto line = trim(next_line(sdp, pos));
        if (istarts_with(line, "m=")) {
            ++media;
            const auto rest = line.substr(2);
            media_type = std::string(rest.substr(0, rest.find(' ')));
            continue;
        }
        PreconditionLine p;
        std::string_view body;
        if (istarts_with(line, "a=curr:")) {
            p.kind = PreconditionLine::Kind::current;
            body = line.substr(7);
        } else if (istarts_with(line, "a=des:")) {
            p.kind = PreconditionLine::Kind::desired;
            body = line.substr(6);
        } else if (istarts_with(line, "a=conf:")) {
            p.kind = PreconditionLine::Kind::confirm;
            body = line.substr(7);
        } else {
            continue;
        }
        const auto w = words(body);
        // curr/conf: type status direction; des: type strength status direction.
        const std::size_t expected = p.kind == PreconditionLine::Kind::desired ? 4 : 3;
        if (w.size() != expected) {
            state.problems.push_back(fmt::format("'{}': {} fields expected", line, expected));
            continue;
        }
        std::size_t i = 0;
        p.type = std::string(w[i++]);
        if (p.kind == PreconditionLine::Kind::desired) p.strength = text::lower(w[i++]);
        p.status = text::lower(w[i++]);
        p.direction = text::lower(w[i]);
        if (!one_of(p.status, {"e2e", "local", "remote"}) ||
            !one_of(p.direction, {"none", "send", "recv", "sendrecv"}) ||
            (p.kind == PreconditionLine::Kind::desired &&
             !one_of(p.strength, {"mandatory", "optional", "none", "failure", "unknown"}))) {
            state.problems.push_back(
                fmt::format("'{}': unknown status, strength or direction", line));
            continue;
        }
        p.media = media;
        p.media_type = media_type;
        state.lines.push_back(std::move(p));
    }
    return state;
}

std::vector<std::string> PreconditionState::unmet() const {
    std::vector<std::string> out;
    for (const auto& want : lines) {
        if (want.kind != PreconditionLine::Kind::desired) continue;
        const std::string stream = want.media_type.empty()
                                       ? std::string("session")
                                       : fmt::format("{} (stream {})", want.media_type, want.media);
        if (want.strength == "failure") {
            out.push_back(fmt::format("{}: {} {} {} precondition reported as failed (strength "
                                      "'failure')",
                                      stream, want.type, want.status, want.direction));
            continue;
        }
        if (want.strength != "mandatory" && want.strength != "optional") continue;
        // The current status of the same stream, type and segment (RFC 3312 section 5).
        const PreconditionLine* have = nullptr;
        for (const auto& c : lines) {
            if (c.kind == PreconditionLine::Kind::current && c.media == want.media &&
                iequals(c.type, want.type) && c.status == want.status)
                have = &c;
        }
        if (have == nullptr) {
            out.push_back(fmt::format("{}: {} {} {} is {}, and no current status is given for "
                                      "that segment",
                                      stream, want.type, want.status, want.direction,
                                      want.strength));
        } else if (!covers(have->direction, want.direction)) {
            out.push_back(fmt::format("{}: {} {} {} is {}, current {} is {}", stream, want.type,
                                      want.status, want.direction, want.strength, want.status,
                                      have->direction));
        }
    }
    return out;
}

namespace {
// Whether `sdp` holds "a=des:" or "a=curr:" anywhere. Every SDP body of a trace is asked and
// few hold either, so this walks the '=' signs (about one a line) with memchr rather than
// searching for each needle, whose first byte 'a' is common in SDP text.
bool mentions_preconditions(std::string_view sdp) {
    for (std::size_t i = sdp.find('=', 1); i != std::string_view::npos; i = sdp.find('=', i + 1)) {
        if (sdp[i - 1] != 'a') continue;
        const auto rest = sdp.substr(i + 1);
        if (rest.starts_with("des:") || rest.starts_with("curr:")) return true;
    }
    return false;
}
} // namespace

std::string precondition_lines(std::string_view sdp) {
    if (!mentions_preconditions(sdp)) return {};
    std::string out;
    std::size_t pos = 0;
    for (int guard = 0; pos < sdp.size() && guard < 100000; ++guard) {
        const auto line = trim(next_line(sdp, pos));
        if (line.size() < 2 || line[1] != '=') continue; // neither m= nor a=
        if (istarts_with(line, "m=")) {
            const auto rest = line.substr(2);
            out += "m=";
            out += rest.substr(0, rest.find(' '));
            out += '\n';
        } else if (istarts_with(line, "a=curr:") || istarts_with(line, "a=des:") ||
                   istarts_with(line, "a=conf:")) {
            out += line;
            out += '\n';
        }
    }
    return out;
}

} // namespace sipdx::knowledge
