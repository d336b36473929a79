// Finding SIP messages in transport payloads: content detection for datagrams and message
// framing for byte streams (TCP, TLS plaintext, WebSocket payload runs), RFC 3261 section 18.3.
#pragma once

#include <cstddef>
#include <string_view>

namespace sipdx::sip {

enum class FrameStatus {
    not_sip,  // the bytes do not start (after keep-alives) with a SIP start line
    partial,  // a SIP message starts here but more bytes are needed
    complete, // one whole message is at [skipped, skipped + length)
};

struct FrameResult {
    FrameStatus status = FrameStatus::not_sip;
    std::size_t skipped = 0; // bytes before the message: CRLF keep-alives (RFC 5626) and junk
    std::size_t junk = 0;    // of `skipped`, bytes that were not keep-alives (report them)
    std::size_t length = 0;  // the message's length (start line, headers, body) when complete
    // partial with the header section complete: the buffer must hold at least this many bytes
    // (counted from its start, `skipped` included) before the message can be complete; 0 when
    // the header section itself is still incomplete.
    std::size_t needed = 0;
    bool content_length_missing = false; // framed on a stream without Content-Length
};

// True when `payload` begins, after optional CRLF keep-alives, with a SIP request line
// ("METHOD sip:... SIP/2.0") or status line ("SIP/2.0 NNN"). Cheap: looks at the first line only.
bool looks_like_sip(std::string_view payload);

// Frames the first message in a stream buffer. Keep-alives are skipped; junk before a start line
// is skipped up to the next plausible start line and counted in `junk`. On a stream the body is
// exactly Content-Length bytes (a missing Content-Length on a stream means an empty body and sets
// content_length_missing). Never reads outside `bytes`.
// Details (sipdx::sip implementation): a buffer of keep-alives only gives partial with `skipped`
// covering them; an unusable Content-Length (negative, not a number) frames like a missing one;
// a final line that could still become a start line gives partial rather than not_sip.
// Parser::parse_stream (message.h) frames identically and parses in the same pass.
FrameResult frame_stream(std::string_view bytes);

// Frames a datagram (UDP, SCTP DATA, one WebSocket message): the whole payload is the message,
// less trailing bytes beyond Content-Length. `length` covers headers plus the body. Keep-alives
// and junk lines of text before the start line are skipped; a line that begins with a byte
// outside printable ASCII (binary media: RTP, STUN, DTLS...) ends the search: not SIP.
FrameResult frame_datagram(std::string_view payload);

// Whether a datagram whose first byte is `first` can hold SIP at all: after CR/LF keep-alives,
// a text line must begin with printable ASCII or a tab. frame_datagram and locate_datagram
// refuse the rest (binary media) at once; a decoder may ask before calling them.
constexpr bool may_begin_sip_datagram(unsigned char first) {
    return first == '\r' || first == '\n' || first == '\t' || (first >= 0x20 && first <= 0x7E);
}

// frame_datagram without reading the headers: finds the start line the same way, but `length`
// runs to the end of the payload, bytes beyond Content-Length included. For a caller that
// parses the message anyway and cuts it where the parser's Content-Length says (see
// decode::PayloadParser): that saves walking every header section twice.
FrameResult locate_datagram(std::string_view payload);

} // namespace sipdx::sip
