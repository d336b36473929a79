// Linux cooked captures: SLL (link type 113) and SLL2 (276).
#include "decode/layers/layers.h"

namespace sipdx::decode::layers {

namespace {
void sll_protocol(Decoder& d, Ctx& c, std::uint16_t arphrd, std::uint16_t protocol, Bytes b) {
    if (arphrd == 824) { // netlink
        ++d.stats.non_ip_frames;
        return;
    }
    // ARPHRD_IPGRE (778) names a GRE protocol, which is an ethertype as well.
    d.dispatch(Key::ethertype, protocol, c, b);
}
} // namespace

void sll(Decoder& d, Ctx& c, Bytes b) {
    if (!d.push(c, Layer::sll)) return;
    if (b.size() < 16) return d.skip(SkipReason::truncated);
    sll_protocol(d, c, detail::be16(b, 2), detail::be16(b, 14), b.subspan(16));
}

void sll2(Decoder& d, Ctx& c, Bytes b) {
    if (!d.push(c, Layer::sll2)) return;
    if (b.size() < 20) return d.skip(SkipReason::truncated);
    sll_protocol(d, c, detail::be16(b, 8), detail::be16(b, 0), b.subspan(20));
}

} // namespace sipdx::decode::layers
