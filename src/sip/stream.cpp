// MessageStream: framing plus parsing over a whole buffer.
#include <sipdx/sip/stream.h>

namespace sipdx::sip {

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
    Parser(ParseOptions{how, 1024}).parse(message, out);
    if (!junk.empty())
        out.findings.insert(out.findings.begin(),
                            Finding{FindingCode::junk_before_message,
                                    severity_of(FindingCode::junk_before_message), 0, junk});
    return true;
}

} // namespace sipdx::sip
