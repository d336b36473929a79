// One SIP message in full, as a reader of a capture wants to see it (`sipdx messages --frame N`,
// `messages --call ID --full`, `calls --call ID`): a heading with frame, time and addresses,
// the start line, every header as sent, the body, then the SDP decoded (media, port, codecs,
// direction, addresses, preconditions) and the parser's findings.
#pragma once

#include <sipdx/output/terminal.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace sipdx::output {

struct MessageHeading {
    std::uint64_t frame = 0;
    std::int64_t time_ns = 0;
    std::string src; // "10.0.0.1:5060"
    std::string dst;
    std::string transport; // "udp", "tcp", ...
};

// `bytes` is exactly one SIP message (a datagram's trailing bytes past its Content-Length are
// left out). Control bytes are shown as \xHH, never sent to the terminal. Ends with a newline.
std::string render_message_full(const MessageHeading& heading, std::string_view bytes,
                                const TextStyle& style);

} // namespace sipdx::output
