// IPv6 (RFC 8200): extension headers walked (bounded), fragments reassembled (section 4.5).
#include "decode/layers/layers.h"

namespace sipdx::decode::layers {

namespace {
// The reassembled fragmentable part may still start with extension headers (RFC 8200 4.5).
void after_fragment(Decoder& d, Ctx& c, std::uint8_t next, Bytes b) {
    std::size_t off = 0;
    for (int i = 0; i < 16; ++i) {
        if (next == 60 || next == 43 || next == 0) {
            if (off + 8 > b.size()) return d.skip(SkipReason::truncated);
            const std::size_t len = (b[off + 1] + 1u) * 8u;
            next = b[off];
            off += len;
            if (off > b.size()) return d.skip(SkipReason::truncated);
            continue;
        }
        return d.dispatch(Key::ip_protocol, next, c, b.subspan(off));
    }
    d.skip(SkipReason::malformed);
}
} // namespace

void ipv6(Decoder& d, Ctx& c, Bytes b) {
    if (!d.push(c, Layer::ipv6)) return;
    if (c.ip_depth >= max_ip_nesting) return d.skip(SkipReason::too_deep);
    if (b.size() < 40) return d.skip(SkipReason::truncated);
    if ((b[0] >> 4) != 6) return d.skip(SkipReason::malformed);
    std::size_t total = 40u + detail::be16(b, 4);
    if (total == 40) total = b.size(); // jumbogram or offload
    if (total > b.size()) {
        c.findings.set(DecodeFinding::truncated);
        total = b.size();
    }
    enter_ip(c, b.data() + 8, b.data() + 24, 16);
    std::uint8_t next = b[6];
    std::size_t off = 40;
    // Extension headers (RFC 8200 section 4); a bounded walk.
    for (int i = 0; i < 16; ++i) {
        switch (next) {
        case 0:   // hop-by-hop
        case 43:  // routing
        case 60:  // destination options
        case 135: // mobility
        {
            if (off + 8 > total) return d.skip(SkipReason::truncated);
            const std::size_t len = (b[off + 1] + 1u) * 8u;
            next = b[off];
            off += len;
            if (off > total) return d.skip(SkipReason::truncated);
            continue;
        }
        case 51: { // AH: length in 4-octet units minus 2
            if (off + 8 > total) return d.skip(SkipReason::truncated);
            const std::size_t len = (b[off + 1] + 2u) * 4u;
            next = b[off];
            off += len;
            if (off > total) return d.skip(SkipReason::truncated);
            continue;
        }
        case 44: { // fragment
            if (off + 8 > total) return d.skip(SkipReason::truncated);
            if (c.findings.has(DecodeFinding::truncated)) return d.skip(SkipReason::truncated);
            const std::uint8_t frag_next = b[off];
            const std::uint16_t word = detail::be16(b, off + 2);
            const std::uint32_t offset = word & 0xFFF8u;
            const bool more = (word & 1) != 0;
            const std::uint32_t id = detail::be32(b, off + 4);
            off += 8;
            Bytes payload = b.subspan(off, total - off);
            if (!more && offset == 0) { // atomic fragment (RFC 6946)
                next = frag_next;
                continue;
            }
            detail::FragmentKey key{c.src, c.dst, id, 0, c.path};
            Bytes whole;
            std::uint8_t whole_next = 0;
            if (!reassemble(d, c, key, offset, payload, more, frag_next, whole, whole_next)) return;
            return after_fragment(d, c, whole_next, whole);
        }
        case 59:
            ++d.stats.other_ip_frames;
            return; // no next header
        default:
            return d.dispatch(Key::ip_protocol, next, c, b.subspan(off, total - off));
        }
    }
    d.skip(SkipReason::malformed);
}

} // namespace sipdx::decode::layers
