// Ethernet II (802.3 lengths are LLC/SNAP, never SIP) and 802.1Q / 802.1ad / QinQ tags.
#include "decode/layers/layers.h"

namespace sipdx::decode::layers {

void ethernet(Decoder& d, Ctx& c, Bytes b) {
    if (!d.push(c, Layer::eth)) return;
    if (b.size() < 14) return d.skip(SkipReason::truncated);
    const std::uint16_t type = detail::be16(b, 12);
    if (type < 0x0600) { // 802.3 length: LLC/SNAP, STP... never SIP
        ++d.stats.non_ip_frames;
        return;
    }
    d.dispatch(Key::ethertype, type, c, b.subspan(14));
}

void vlan(Decoder& d, Ctx& c, Bytes b) {
    if (!d.push(c, Layer::vlan)) return;
    if (b.size() < 4) return d.skip(SkipReason::truncated);
    d.dispatch(Key::ethertype, detail::be16(b, 2), c, b.subspan(4));
}

} // namespace sipdx::decode::layers
