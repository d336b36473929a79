// GTP-U (3GPP TS 29.281 section 5): G-PDUs carry the user's IP packets. A UDP payload analyzer
// on PipelineOptions::gtpu_port; anything that is not a G-PDU with IP inside stays plain UDP.
#include "decode/layers/layers.h"

namespace sipdx::decode::layers {

bool gtpu(Decoder& d, Ctx& c, Bytes b) {
    if (b.size() < 8) return false;
    if ((b[0] >> 5) != 1 || (b[0] & 0x10) == 0) return false; // version 1, protocol GTP
    if (b[1] != 0xFF) return false;                           // only G-PDU carries IP
    std::size_t end = 8u + detail::be16(b, 2);
    if (end > b.size()) end = b.size();
    std::size_t off = 8;
    if (b[0] & 0x07) {
        if (end < 12) return false;
        std::uint8_t next_ext = (b[0] & 0x04) ? b[11] : 0;
        off = 12;
        for (int i = 0; next_ext != 0 && i < 16; ++i) {
            if (off >= end) return false;
            const std::size_t len = b[off] * 4u;
            if (len == 0 || off + len > end) return false;
            next_ext = b[off + len - 1];
            off += len;
        }
        if (next_ext != 0) return false;
    }
    Bytes inner = b.subspan(off, end - off);
    if (inner.empty() || ((inner[0] >> 4) != 4 && (inner[0] >> 4) != 6)) return false;
    if (!d.push(c, Layer::gtpu)) return true;
    ip_by_version(d, c, inner);
    return true;
}

} // namespace sipdx::decode::layers
