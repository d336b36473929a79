// A message from a SIP text log (capture::LinkType::sip_text): what the log line said stands
// in for the packet headers.
#include "decode/layers/layers.h"

#include <arpa/inet.h>

#include <cstring>

namespace sipdx::decode::layers {

namespace {
Address parse_address(std::string_view text) {
    Address a;
    char buf[64] = {};
    if (text.empty() || text.size() >= sizeof buf) return a;
    std::memcpy(buf, text.data(), text.size());
    if (inet_pton(AF_INET, buf, a.bytes.data()) == 1) {
        a.family = 4;
    } else if (inet_pton(AF_INET6, buf, a.bytes.data()) == 1) {
        a.family = 6;
    }
    return a;
}

Transport transport_of(capture::TextTransport t) {
    switch (t) {
    case capture::TextTransport::tcp:
        return Transport::tcp;
    case capture::TextTransport::tls:
        return Transport::tls;
    case capture::TextTransport::sctp:
        return Transport::sctp;
    case capture::TextTransport::ws:
    case capture::TextTransport::wss:
        return Transport::ws;
    default:
        return Transport::udp;
    }
}
} // namespace

void sip_text(Decoder& d, Ctx& c, Bytes b) {
    if (!d.push(c, Layer::text)) return;
    const auto& env = d.frame->text;
    c.src = parse_address(env.src);
    c.dst = parse_address(env.dst);
    c.sport = env.sport;
    c.dport = env.dport;
    offer_datagram(d, c, b, transport_of(env.transport));
}

} // namespace sipdx::decode::layers
