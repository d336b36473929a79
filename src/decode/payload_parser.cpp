#include <sipdx/decode/payload_parser.h>

namespace sipdx::decode {

PayloadParser::PayloadParser()
    : m_datagram({sip::Framing::datagram}), m_stream({sip::Framing::stream}) {}

void PayloadParser::parse(SipPayload& payload, sip::Message& out) const {
    if (is_stream(payload.transport)) {
        m_stream.parse(payload.bytes, out);
        return;
    }
    m_datagram.parse(payload.bytes, out);
    // The message ends where the parser's body ends: after Content-Length bytes when the
    // datagram holds that many, otherwise at the datagram's end (what frame_datagram keeps).
    const char* const begin = payload.bytes.data();
    const char* const message_end = out.raw.data() + out.raw.size();
    if (out.raw.data() != nullptr && message_end >= begin &&
        message_end <= begin + payload.bytes.size())
        payload.bytes = payload.bytes.substr(0, static_cast<std::size_t>(message_end - begin));
}

} // namespace sipdx::decode
