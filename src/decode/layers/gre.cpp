// GRE (RFC 2784 / 2890; PPTP's enhanced GRE, RFC 2637 section 4.1) and the ERSPAN headers GRE
// carries (type II 0x88BE, type III 0x22EB). The GRE protocol field is an ethertype.
#include "decode/layers/layers.h"

namespace sipdx::decode::layers {

void gre(Decoder& d, Ctx& c, Bytes b) {
    if (!d.push(c, Layer::gre)) return;
    if (b.size() < 4) return d.skip(SkipReason::truncated);
    const std::uint16_t flags = detail::be16(b, 0);
    const std::uint16_t protocol = detail::be16(b, 2);
    std::size_t off = 4;
    const bool has_seq = (flags & 0x1000) != 0;
    if ((flags & 7) == 0) {                                       // RFC 2784 / 2890
        if (flags & 0x4000) return d.skip(SkipReason::malformed); // source routing: obsolete
        if (flags & 0x8000) off += 4;                             // checksum + reserved
        if (flags & 0x2000) off += 4;                             // key
        if (has_seq) off += 4;
    } else if ((flags & 7) == 1) { // enhanced GRE, PPTP
        off += 4;                  // payload length + call id (K is mandatory)
        if (has_seq) off += 4;
        if (flags & 0x0080) off += 4; // acknowledgment number
    } else {
        return d.skip(SkipReason::malformed);
    }
    if (off > b.size()) return d.skip(SkipReason::truncated);
    c.gre_sequence = has_seq;
    d.dispatch(Key::ethertype, protocol, c, b.subspan(off));
}

// ERSPAN type II; type I has no header (and no sequence in its GRE header).
void erspan2(Decoder& d, Ctx& c, Bytes b) {
    if (!d.push(c, Layer::erspan)) return;
    if (!c.gre_sequence) return ethernet(d, c, b);
    if (b.size() < 8) return d.skip(SkipReason::truncated);
    ethernet(d, c, b.subspan(8));
}

// ERSPAN type III: 12 bytes, +8 with the platform sub-header.
void erspan3(Decoder& d, Ctx& c, Bytes b) {
    if (!d.push(c, Layer::erspan)) return;
    if (b.size() < 12) return d.skip(SkipReason::truncated);
    const std::size_t header = (b[11] & 1) ? 20 : 12;
    if (b.size() < header) return d.skip(SkipReason::truncated);
    ethernet(d, c, b.subspan(header));
}

} // namespace sipdx::decode::layers
