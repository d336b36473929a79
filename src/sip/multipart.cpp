// multipart body splitting (RFC 2046 section 5.1.1).
#include <sipdx/sip/multipart.h>

#include "sip/detail/text.h"

namespace sipdx::sip {
using namespace detail;

namespace {
// Position of the next delimiter line "--boundary" at a line start (or at `from` == 0).
std::size_t find_delimiter(std::string_view body, std::string_view boundary, std::size_t from) {
    while (from < body.size()) {
        std::size_t d = body.find("--", from);
        if (d == std::string_view::npos) return d;
        bool line_start = d == 0 || body[d - 1] == '\n';
        if (line_start && body.substr(d + 2, boundary.size()) == boundary) return d;
        from = d + 1;
    }
    return std::string_view::npos;
}
} // namespace

std::vector<BodyPart> split_multipart(std::string_view body, std::string_view boundary,
                                      const FindingSink& sink) {
    std::vector<BodyPart> parts;
    if (boundary.empty()) {
        sink.add(FindingCode::multipart_malformed, body.substr(0, 0));
        return parts;
    }
    std::size_t d = find_delimiter(body, boundary, 0);
    if (d == std::string_view::npos) {
        sink.add(FindingCode::multipart_malformed, body.substr(0, 0));
        return parts;
    }
    bool closed = false;
    // Bounded: every iteration moves past one delimiter.
    while (d != std::string_view::npos) {
        std::size_t after = d + 2 + boundary.size();
        if (body.substr(after, 2) == "--") {
            closed = true;
            break;
        }
        std::size_t line_end = body.find('\n', after);
        if (line_end == std::string_view::npos) break;
        std::size_t part_begin = line_end + 1;
        std::size_t next = find_delimiter(body, boundary, part_begin);
        std::size_t part_end = next == std::string_view::npos ? body.size() : next;
        // The CRLF before the next delimiter belongs to the delimiter.
        if (next != std::string_view::npos) {
            if (part_end > part_begin && body[part_end - 1] == '\n') --part_end;
            if (part_end > part_begin && body[part_end - 1] == '\r') --part_end;
        }
        std::string_view part = body.substr(part_begin, part_end - part_begin);
        BodyPart bp;
        // Part headers end at the first empty line; a part may have none.
        std::size_t pos = 0;
        while (pos < part.size()) {
            std::size_t nl = part.find('\n', pos);
            std::size_t e = nl == std::string_view::npos ? part.size() : nl;
            std::string_view line = part.substr(pos, e - pos);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            if (line.empty()) {
                bp.headers = part.substr(0, pos);
                bp.body =
                    nl == std::string_view::npos ? part.substr(part.size()) : part.substr(nl + 1);
                break;
            }
            std::size_t colon = line.find(':');
            if (colon != std::string_view::npos &&
                iequals(trim(line.substr(0, colon)), "Content-Type"))
                bp.content_type = trim(line.substr(colon + 1));
            if (nl == std::string_view::npos) {
                bp.headers = part;
                bp.body = part.substr(part.size());
                break;
            }
            pos = nl + 1;
        }
        if (pos >= part.size() && bp.headers.data() == nullptr) bp.headers = part;
        parts.push_back(bp);
        d = next;
    }
    if (!closed) sink.add(FindingCode::multipart_malformed, body.substr(body.size()));
    return parts;
}

} // namespace sipdx::sip
