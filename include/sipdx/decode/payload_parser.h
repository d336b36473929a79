// Parsing what the decoder delivers: each SipPayload with the framing rules of its transport.
#pragma once

#include <sipdx/decode/packet.h>
#include <sipdx/sip/message.h>

namespace sipdx::decode {

class PayloadParser {
public:
    PayloadParser();

    // Parses `payload`'s message into `out` (stream rules for TCP and TLS, datagram rules for
    // the rest, RFC 3261 section 18.3). A datagram whose bytes run past its Content-Length body
    // (PipelineOptions::trim_datagrams off) gets `bytes` cut there, exactly as frame_datagram
    // would have cut it; the parser reports the bytes it left out
    // (sip.content-length.shorter-than-body). `out` refers to payload.bytes' buffer.
    void parse(SipPayload& payload, sip::Message& out) const;

private:
    sip::Parser m_datagram;
    sip::Parser m_stream;
};

} // namespace sipdx::decode
