// MPLS (RFC 3032): a label stack, then IP told apart by its version nibble.
#include "decode/layers/layers.h"

namespace sipdx::decode::layers {

void mpls(Decoder& d, Ctx& c, Bytes b) {
    if (!d.push(c, Layer::mpls)) return;
    std::size_t off = 0;
    for (int labels = 0;; ++labels) {
        if (off + 4 > b.size() || labels > 16) return d.skip(SkipReason::truncated);
        const bool bottom = (b[off + 2] & 1) != 0;
        off += 4;
        if (bottom) break;
    }
    ip_by_version(d, c, b.subspan(off));
}

} // namespace sipdx::decode::layers
