// MessageStream: framing plus parsing over a whole buffer.
#include <sipdx/sip/stream.h>

#include <algorithm>
#include <utility>

namespace sipdx::sip {

namespace {
void parse_message(std::string_view message, Framing how, std::string_view junk, Message& out) {
    Parser(ParseOptions{how, 1024}).parse(message, out);
    if (!junk.empty())
        out.findings.insert(out.findings.begin(),
                            Finding{FindingCode::junk_before_message,
                                    severity_of(FindingCode::junk_before_message), 0, junk});
}
} // namespace

MessageStream::MessageStream(std::string_view bytes, Framing framing)
    : m_bytes(bytes), m_framing(framing) {}

bool MessageStream::next(Message& out, std::size_t& offset) {
    if (m_pos >= m_bytes.size()) return false;
    std::string_view rest = m_bytes.substr(m_pos);
    FrameResult r = m_framing == Framing::stream ? frame_stream(rest) : frame_datagram(rest);
    if (r.status == FrameStatus::not_sip) {
        // Keep-alives only are not junk.
        if (r.junk > 0) {
            m_trailing_junk = rest;
            m_trailing_offset = m_pos;
        }
        m_pos = m_bytes.size();
        return false;
    }
    std::string_view junk = rest.substr(r.skipped - r.junk, r.junk);
    std::string_view message;
    Framing how = m_framing;
    if (r.status == FrameStatus::complete) {
        if (m_framing == Framing::datagram) {
            // The parser sees the whole datagram so it can report bytes beyond Content-Length.
            message = rest.substr(r.skipped);
            m_pos = m_bytes.size();
        } else {
            message = rest.substr(r.skipped, r.length);
            m_pos += r.skipped + r.length;
        }
    } else {
        if (r.skipped >= rest.size()) { // keep-alives only
            m_pos = m_bytes.size();
            return false;
        }
        // The last message is cut short: parse what there is, as a datagram, so the findings
        // say what is missing (truncated headers, Content-Length beyond the data).
        message = rest.substr(r.skipped);
        how = Framing::datagram;
        m_pos = m_bytes.size();
    }
    offset = static_cast<std::size_t>(message.data() - m_bytes.data());
    parse_message(message, how, junk, out);
    return true;
}

StreamingMessageReader::StreamingMessageReader(Read read, Framing framing, std::size_t chunk)
    : m_read(std::move(read)), m_framing(framing), m_chunk(chunk == 0 ? 1 : chunk) {}

void StreamingMessageReader::read_at_least(std::size_t more) {
    const std::size_t target = m_buffer.size() + more;
    while (!m_end && m_buffer.size() < target) {
        const std::size_t old = m_buffer.size();
        m_buffer.resize(target);
        const std::size_t got = m_read(m_buffer.data() + old, target - old);
        m_buffer.resize(old + got);
        if (got == 0) m_end = true;
    }
}

bool StreamingMessageReader::next(Message& out, std::size_t& offset) {
    // A datagram is one message: the whole input.
    if (m_framing == Framing::datagram)
        while (!m_end)
            read_at_least(std::max(m_chunk, m_buffer.size()));
    while (!m_tail) {
        if (m_end) {
            m_buffer.erase(0, m_pos);
            m_base += m_pos;
            m_pos = 0;
            m_tail.emplace(m_buffer, m_framing);
            break;
        }
        const std::string_view rest = std::string_view(m_buffer).substr(m_pos);
        const FrameResult r = frame_stream(rest);
        if (r.status == FrameStatus::complete) {
            offset = m_base + m_pos + r.skipped;
            parse_message(rest.substr(r.skipped, r.length), Framing::stream,
                          rest.substr(r.skipped - r.junk, r.junk), out);
            m_pos += r.skipped + r.length;
            return true;
        }
        // Earlier messages are done with: drop their bytes, then read more: up to what the
        // message needs, else as much again as is held (so a long run of junk or headers is
        // scanned a bounded number of times per byte).
        const std::size_t needed =
            r.status == FrameStatus::partial && r.needed > rest.size() ? r.needed - rest.size() : 0;
        m_buffer.erase(0, m_pos);
        m_base += m_pos;
        m_pos = 0;
        read_at_least(std::max({needed, m_chunk, m_buffer.size()}));
    }
    if (!m_tail->next(out, offset)) return false;
    offset += m_base;
    return true;
}

std::string_view StreamingMessageReader::trailing_junk() const {
    return m_tail ? m_tail->trailing_junk() : std::string_view();
}

std::size_t StreamingMessageReader::trailing_junk_offset() const {
    return m_tail ? m_tail->trailing_junk_offset() + m_base : 0;
}

} // namespace sipdx::sip
