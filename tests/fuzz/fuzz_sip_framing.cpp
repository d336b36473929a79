// Fuzz target: stream and datagram framing. Checks the FrameResult invariants, that framing
// a complete message again, alone, gives the same result, and that the one-pass
// Parser::parse_stream frames exactly as frame_stream does.
#include <sipdx/sip/framing.h>
#include <sipdx/sip/message.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

using namespace sipdx::sip;

namespace {
void fail(const char* what) {
    std::fprintf(stderr, "framing invariant broken: %s\n", what);
    std::abort();
}
} // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    (void)looks_like_sip(input);

    // Walk the buffer like a TCP reader would.
    Parser parser;
    Message message;
    std::string_view rest = input;
    for (std::size_t guard = 0; !rest.empty(); ++guard) {
        if (guard > size) fail("no progress");
        FrameResult r = frame_stream(rest);
        FrameResult p = parser.parse_stream(rest, message);
        if (p.status != r.status || p.skipped != r.skipped || p.junk != r.junk)
            fail("parse_stream and frame_stream disagree on status/skipped");
        if (r.status == FrameStatus::complete &&
            (p.length != r.length || p.content_length_missing != r.content_length_missing)) {
            std::fprintf(stderr, "frame_stream length %zu missing %d, parse_stream %zu %d\n",
                         r.length, r.content_length_missing, p.length, p.content_length_missing);
            fail("parse_stream and frame_stream disagree on length");
        }
        if (r.junk > r.skipped) fail("junk > skipped");
        if (r.skipped > rest.size()) fail("skipped beyond buffer");
        if (r.status == FrameStatus::complete) {
            if (r.length == 0) fail("empty complete message");
            if (r.skipped + r.length > rest.size()) fail("message beyond buffer");
            // The message alone frames the same way.
            FrameResult again = frame_stream(rest.substr(r.skipped, r.length));
            if (again.status != FrameStatus::complete || again.skipped != 0 ||
                again.length != r.length)
                fail("reframing a complete message differs");
            // One byte less is never complete with the same length.
            FrameResult shorter = frame_stream(rest.substr(r.skipped, r.length - 1));
            if (shorter.status == FrameStatus::complete && shorter.length >= r.length)
                fail("shorter buffer framed longer");
            rest = rest.substr(r.skipped + r.length);
        } else {
            break;
        }
    }

    FrameResult d = frame_datagram(input);
    if (d.status == FrameStatus::complete && d.skipped + d.length > size) fail("datagram length");
    if (d.status == FrameStatus::partial) fail("datagrams are never partial");
    return 0;
}
