// PPP (RFC 1661, HDLC-like framing RFC 1662) and PPPoE session data (RFC 2516).
#include "decode/layers/layers.h"

#include <algorithm>

namespace sipdx::decode::layers {

void ppp(Decoder& d, Ctx& c, Bytes b) {
    if (!d.push(c, Layer::ppp)) return;
    std::size_t off = 0;
    if (b.size() >= 2 && b[0] == 0xFF && b[1] == 0x03) off = 2; // address + control
    if (off >= b.size()) return d.skip(SkipReason::truncated);
    std::uint16_t protocol = 0;
    if (b[off] & 1) { // protocol field compression (RFC 1661 section 6.5)
        protocol = b[off];
        off += 1;
    } else {
        if (off + 2 > b.size()) return d.skip(SkipReason::truncated);
        protocol = detail::be16(b, off);
        off += 2;
    }
    d.dispatch(Key::ppp_protocol, protocol, c, b.subspan(off));
}

void pppoe_session(Decoder& d, Ctx& c, Bytes b) {
    if (!d.push(c, Layer::pppoe)) return;
    if (b.size() < 8) return d.skip(SkipReason::truncated);
    if (b[0] != 0x11 || b[1] != 0x00) { // version/type 1/1, code 0 = session data
        ++d.stats.non_ip_frames;
        return;
    }
    const std::size_t length = detail::be16(b, 4); // includes the 2-byte PPP protocol
    Bytes payload = b.subspan(6, std::min<std::size_t>(length, b.size() - 6));
    if (!d.push(c, Layer::ppp)) return;
    if (payload.size() < 2) return d.skip(SkipReason::truncated);
    d.dispatch(Key::ppp_protocol, detail::be16(payload, 0), c, payload.subspan(2));
}

} // namespace sipdx::decode::layers
