// Walking a buffer of SIP messages: a byte stream framed as over TCP/TLS (RFC 3261 section
// 18.3) or a single datagram. Built on frame_stream / frame_datagram and Parser.
// Lifetime: messages hold views into the buffer given to the constructor.
#pragma once

#include <cstddef>
#include <string_view>

#include <sipdx/sip/message.h>

namespace sipdx::sip {

class MessageStream {
public:
    MessageStream(std::string_view bytes, Framing framing = Framing::stream);

    // Parses the next message into `out` (reusing its capacity) and sets `offset` to the
    // position of its start line in the buffer. Junk skipped before it is reported as a
    // junk_before_message finding on that message. A final incomplete message is still parsed
    // (its findings say what is missing). Returns false when no message is left.
    bool next(Message& out, std::size_t& offset);

    // Bytes after the last message that hold no SIP start line (empty when none).
    std::string_view trailing_junk() const { return m_trailing_junk; }
    std::size_t trailing_junk_offset() const { return m_trailing_offset; }

private:
    std::string_view m_bytes;
    std::size_t m_pos = 0;
    Framing m_framing;
    std::string_view m_trailing_junk;
    std::size_t m_trailing_offset = 0;
};

} // namespace sipdx::sip
