// Framing helpers shared by framing.cpp and the parser.
#pragma once

#include <cstddef>
#include <string_view>

#include <sipdx/sip/framing.h>

namespace sipdx::sip::detail {

// Number of leading CR/LF bytes (RFC 5626 keep-alives, stray line ends).
std::size_t skip_keepalives(std::string_view bytes);

enum class StartLineGuess { no, prefix, yes };
// Whether `line` (without its line end) is a plausible request or status line; `prefix` when
// it could still become one with more bytes.
StartLineGuess guess_start_line(std::string_view line);

struct HeadScan {
    bool complete = false;       // the empty line ending the headers was found
    std::size_t head_length = 0; // through the empty line
    bool content_length_seen = false;
    bool content_length_valid = false;
    std::size_t content_length = 0;
};
// Finds the end of the header section and the first Content-Length (full or compact name).
HeadScan scan_head(std::string_view message);

// How to look for a start line:
// - stream: a final incomplete line that could still become a start line counts (more bytes
//   may follow), and junk of any kind is skipped (resynchronising a byte stream);
// - datagram: the payload is all there is, and junk lines must begin with a printable ASCII
//   character. Binary payloads (RTP, RTCP, STUN, DTLS...) are thereby refused at their first
//   byte instead of line by line: they are most datagrams on a SIP port, and scanning them
//   whole was 5% of `analyze`. A SIP message after a binary prefix in one datagram is not
//   something any SIP stack sends.
enum class StartSearch { stream, datagram };

// Finds the first plausible start line after keep-alives and junk lines, filling r.skipped
// and r.junk. Returns false (r.status = not_sip) when the buffer holds none.
bool locate_start(std::string_view bytes, FrameResult& r, StartSearch search);

// The start of stream framing (frame_stream() and Parser::parse_stream()): a buffer of nothing
// but keep-alives is consumed and waits for more (r.status = partial), otherwise locate_start().
// Returns false when `r` is already the answer.
bool locate_stream_start(std::string_view bytes, FrameResult& r);

} // namespace sipdx::sip::detail
