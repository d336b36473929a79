// Stream and datagram framing (RFC 3261 section 18.3; keep-alives per RFC 5626 section 4.4.1).
#include <sipdx/sip/framing.h>
#include <sipdx/sip/header.h>
#include <sipdx/sip/method.h>
#include <sipdx/sip/params.h>

#include "sip/detail/framing.h"
#include "sip/detail/text.h"

#include <cstring>

namespace sipdx::sip {
using namespace detail;

namespace detail {

std::size_t skip_keepalives(std::string_view bytes) {
    std::size_t i = 0;
    while (i < bytes.size() && (bytes[i] == '\r' || bytes[i] == '\n'))
        ++i;
    return i;
}

namespace {
bool sip_version_prefix(std::string_view s) {
    // "SIP/" DIGIT... ; the literal is case-insensitive (RFC 3261 section 7.1 ABNF strings).
    if (s.size() < 5) return false;
    return to_lower(s[0]) == 's' && to_lower(s[1]) == 'i' && to_lower(s[2]) == 'p' && s[3] == '/' &&
           is_digit(s[4]);
}
} // namespace

StartLineGuess guess_start_line(std::string_view line) {
    if (line.size() >= 4 && to_lower(line[0]) == 's' && to_lower(line[1]) == 'i' &&
        to_lower(line[2]) == 'p' && line[3] == '/') {
        // Status-Line: SIP-Version SP Status-Code SP Reason-Phrase
        std::size_t i = 4;
        while (i < line.size() && (is_digit(line[i]) || line[i] == '.'))
            ++i;
        if (i == line.size()) return StartLineGuess::prefix;
        if (i == 4 || line[i] != ' ') return StartLineGuess::no;
        while (i < line.size() && line[i] == ' ')
            ++i;
        if (i == line.size()) return StartLineGuess::prefix;
        return is_digit(line[i]) ? StartLineGuess::yes : StartLineGuess::no;
    }
    // Request-Line: Method SP Request-URI SP SIP-Version
    std::size_t i = 0;
    while (i < line.size() && i < 64 && detail::has_class(line[i], detail::token))
        ++i;
    if (i == line.size()) return line.size() < 64 ? StartLineGuess::prefix : StartLineGuess::no;
    if (i == 0 || line[i] != ' ') return StartLineGuess::no;
    // Find " SIP/x" ending the line (trailing whitespace tolerated).
    std::size_t e = line.size();
    while (e > i && (line[e - 1] == ' ' || line[e - 1] == '\t'))
        --e;
    std::string_view body = line.substr(i, e - i);
    std::size_t sp = body.rfind(' ');
    if (sp != std::string_view::npos && sp != 0 && sip_version_prefix(body.substr(sp + 1)))
        return StartLineGuess::yes;
    // Without its end the line may still become a request line (the URI or version is still to
    // come); callers accept `prefix` only for a final, incomplete line. Bounded so that a long
    // run of text is not awaited forever.
    return line.size() < 8192 ? StartLineGuess::prefix : StartLineGuess::no;
}

namespace {
// What lookup_header(name) == HeaderId::content_length says, without the general lookup: the
// only names are "Content-Length" in any case and the compact "l" (RFC 3261 section 7.3.3).
bool is_content_length_name(std::string_view name) {
    if (name.size() == 1) return name[0] == 'l' || name[0] == 'L';
    return name.size() == 14 && iequals(name, "content-length");
}
} // namespace

HeadScan scan_head(std::string_view bytes) {
    HeadScan r;
    const char* const begin = bytes.data();
    const char* const end = begin + bytes.size();
    const char* p = begin;
    bool first = true;
    // The first Content-Length value, which may continue on folded lines (RFC 3261 7.3.1);
    // read like the parser reads it, so framing and parsing always agree.
    const char* cl_begin = nullptr;
    const char* cl_end = nullptr;
    bool in_cl = false;
    auto finish_cl = [&] {
        if (!in_cl) return;
        in_cl = false;
        std::uint64_t n = 0;
        if (parse_decimal(
                trim(std::string_view(cl_begin, static_cast<std::size_t>(cl_end - cl_begin))),
                0xFFFFFFFFull, n)) {
            r.content_length_valid = true;
            r.content_length = static_cast<std::size_t>(n);
        }
    };
    while (p < end) {
        const char* nl = find_byte(p, end, '\n');
        if (nl == nullptr) return r; // incomplete
        const char* content_end = (nl > p && nl[-1] == '\r') ? nl - 1 : nl;
        if (!first) {
            if (content_end == p) {
                finish_cl();
                r.complete = true;
                r.head_length = static_cast<std::size_t>(nl + 1 - begin);
                return r;
            }
            char c = *p;
            if (c == ' ' || c == '\t') {
                if (in_cl) cl_end = content_end;
            } else {
                finish_cl();
                // Content-Length or its compact form "l"; only the first one frames the body.
                if ((c == 'C' || c == 'c' || c == 'l' || c == 'L') && !r.content_length_seen) {
                    const char* colon = static_cast<const char*>(find_byte(p, content_end, ':'));
                    if (colon != nullptr && is_content_length_name(trim(std::string_view(
                                                p, static_cast<std::size_t>(colon - p))))) {
                        r.content_length_seen = true;
                        in_cl = true;
                        cl_begin = colon + 1;
                        cl_end = content_end;
                    }
                }
            }
        }
        first = false;
        p = nl + 1;
    }
    return r;
}

} // namespace detail

bool looks_like_sip(std::string_view payload) {
    std::string_view s = payload.substr(skip_keepalives(payload));
    std::size_t nl = s.find('\n');
    std::string_view line = s.substr(0, nl);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    return guess_start_line(line) == StartLineGuess::yes;
}

namespace detail {

// Finds the first plausible start line, skipping keep-alives and junk lines. Returns false when
// the buffer holds none (r.skipped / r.junk then cover what was examined).
bool locate_start(std::string_view bytes, FrameResult& r, StartSearch search) {
    const bool allow_prefix = search == StartSearch::stream;
    std::size_t pos = skip_keepalives(bytes);
    std::size_t keepalive = pos;
    const char* const end = bytes.data() + bytes.size();
    while (pos < bytes.size()) {
        if (search == StartSearch::datagram) {
            if (!may_begin_sip_datagram(static_cast<unsigned char>(bytes[pos]))) break; // binary
        }
        // Inline scan: most datagrams on a SIP port are not SIP (RTP, keep-alives), and libc's
        // memchr per line was 6% of `analyze`.
        const char* nl_at = find_byte(bytes.data() + pos, end, '\n');
        std::size_t nl = nl_at == nullptr ? std::string_view::npos
                                          : static_cast<std::size_t>(nl_at - bytes.data());
        std::string_view line =
            bytes.substr(pos, nl == std::string_view::npos ? std::string_view::npos : nl - pos);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        StartLineGuess g = guess_start_line(line);
        if (g == StartLineGuess::yes ||
            (g == StartLineGuess::prefix && nl == std::string_view::npos && allow_prefix)) {
            r.skipped = pos;
            r.junk = pos - keepalive;
            return true;
        }
        if (nl == std::string_view::npos) break;
        pos = nl + 1;
        // Keep-alives between junk lines are still keep-alives.
        std::size_t k = skip_keepalives(bytes.substr(pos));
        keepalive += k;
        pos += k;
    }
    r.status = FrameStatus::not_sip;
    r.skipped = bytes.size();
    r.junk = bytes.size() - keepalive;
    return false;
}

bool locate_stream_start(std::string_view bytes, FrameResult& r) {
    if (skip_keepalives(bytes) == bytes.size()) {
        // Only keep-alives (or nothing): consume them and wait for more.
        r.status = FrameStatus::partial;
        r.skipped = bytes.size();
        return false;
    }
    return locate_start(bytes, r, StartSearch::stream);
}

} // namespace detail

FrameResult frame_stream(std::string_view bytes) {
    FrameResult r;
    if (!locate_stream_start(bytes, r)) return r;
    std::string_view msg = bytes.substr(r.skipped);
    HeadScan head = scan_head(msg);
    if (!head.complete) {
        r.status = FrameStatus::partial;
        return r;
    }
    std::size_t body = 0;
    if (head.content_length_valid) {
        body = head.content_length;
    } else {
        r.content_length_missing = true; // absent or unusable: RFC 3261 18.3 says empty body
    }
    if (msg.size() - head.head_length < body) {
        r.status = FrameStatus::partial;
        r.needed = r.skipped + head.head_length + body;
        return r;
    }
    r.status = FrameStatus::complete;
    r.length = head.head_length + body;
    return r;
}

FrameResult frame_datagram(std::string_view payload) {
    FrameResult r;
    if (!locate_start(payload, r, StartSearch::datagram)) return r;
    std::string_view msg = payload.substr(r.skipped);
    r.status = FrameStatus::complete;
    r.length = msg.size();
    HeadScan head = scan_head(msg);
    if (!head.complete) return r; // truncated: the parser reports it
    if (head.content_length_valid) {
        if (head.head_length + head.content_length < msg.size())
            r.length = head.head_length + head.content_length;
    } else {
        r.content_length_missing = true;
    }
    return r;
}

FrameResult locate_datagram(std::string_view payload) {
    FrameResult r;
    if (!locate_start(payload, r, StartSearch::datagram)) return r;
    r.status = FrameStatus::complete;
    r.length = payload.size() - r.skipped;
    return r;
}

} // namespace sipdx::sip
