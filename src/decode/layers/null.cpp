// BSD null (link type 0, host byte order) and OpenBSD loop (108, network byte order): a 4-byte
// address family before the IP packet. Also the raw-IP link types.
#include "decode/layers/layers.h"

namespace sipdx::decode::layers {

void null_bsd(Decoder& d, Ctx& c, Bytes b) {
    if (!d.push(c, Layer::null)) return;
    if (b.size() < 4) return d.skip(SkipReason::truncated);
    // Host byte order of the capturing machine: whichever reading is small is right.
    std::uint32_t family = detail::le32(b, 0);
    if (family > 0xFFFF) family = detail::be32(b, 0);
    d.dispatch(Key::null_family, family, c, b.subspan(4));
}

void null_loop(Decoder& d, Ctx& c, Bytes b) {
    if (!d.push(c, Layer::null)) return;
    if (b.size() < 4) return d.skip(SkipReason::truncated);
    d.dispatch(Key::null_family, detail::be32(b, 0), c, b.subspan(4));
}

void ip_by_version(Decoder& d, Ctx& c, Bytes b) {
    if (b.empty()) return d.skip(SkipReason::truncated);
    switch (b[0] >> 4) {
    case 4:
        return ipv4(d, c, b);
    case 6:
        return ipv6(d, c, b);
    default:
        ++d.stats.non_ip_frames;
        return;
    }
}

} // namespace sipdx::decode::layers
