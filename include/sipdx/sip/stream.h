// Walking a buffer of SIP messages: a byte stream framed as over TCP/TLS (RFC 3261 section
// 18.3) or a single datagram. Built on frame_stream / frame_datagram and Parser.
// Lifetime: messages hold views into the buffer given to the constructor.
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
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

// The same walk over input read a piece at a time (a file or a pipe of any size): it holds the
// message being parsed and the unread rest of the last read, not the whole input, so memory is
// bounded by the largest message (or run of junk), never by the input. Messages, offsets
// (counted from the start of the input) and the trailing junk are exactly MessageStream's over
// the whole input. A message's views live until the next call to next().
class StreamingMessageReader {
public:
    // Reads up to `size` bytes into `into`; returns how many, 0 at the end of the input.
    using Read = std::function<std::size_t(char* into, std::size_t size)>;
    explicit StreamingMessageReader(Read read, Framing framing = Framing::stream,
                                    std::size_t chunk = std::size_t{1} << 20);

    bool next(Message& out, std::size_t& offset);
    std::string_view trailing_junk() const;
    std::size_t trailing_junk_offset() const;
    // Bytes held now (for tests: stays near the largest message).
    std::size_t buffered() const { return m_buffer.size(); }

private:
    void read_at_least(std::size_t more);

    Read m_read;
    Framing m_framing;
    std::size_t m_chunk;
    std::string m_buffer;
    std::size_t m_base = 0; // input offset of m_buffer[0]
    std::size_t m_pos = 0;  // where the next message is looked for in m_buffer
    bool m_end = false;
    std::optional<MessageStream> m_tail; // the last bytes, once the input has ended
};

} // namespace sipdx::sip
