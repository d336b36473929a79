// UDP (RFC 768): tunnels and carriers first (by port, then by their own header), then the
// payload consumers (SIP framing first).
#include "decode/layers/layers.h"

namespace sipdx::decode::layers {

void udp(Decoder& d, Ctx& c, Bytes b) {
    if (!d.push(c, Layer::udp)) return;
    if (b.size() < 8) return d.skip(SkipReason::truncated);
    c.transport = 0;
    c.sport = detail::be16(b, 0);
    c.dport = detail::be16(b, 2);
    std::size_t length = detail::be16(b, 4);
    if (length == 0) length = b.size(); // IPv6 jumbogram
    if (length < 8) return d.skip(SkipReason::malformed);
    if (length > b.size()) {
        c.findings.set(DecodeFinding::truncated);
        length = b.size();
    }
    Bytes payload = b.subspan(8, length - 8);
    if (d.probe_udp(c, payload)) return;
    offer_datagram(d, c, payload, Transport::udp);
}

} // namespace sipdx::decode::layers
