// ESP (RFC 4303) with NULL encryption (RFC 2410): the payload is plain, but ESP does not say
// so, and the ICV length depends on the SA. Try the usual ICV lengths and accept the first
// layout whose trailer (monotonic padding, next header) and inner header agree.
#include "decode/layers/layers.h"

#include <array>

namespace sipdx::decode::layers {

namespace {
bool inner_plausible(std::uint8_t next, Bytes inner) {
    switch (next) {
    case 17:
        return inner.size() >= 8 && detail::be16(inner, 4) == inner.size();
    case 6: {
        if (inner.size() < 20) return false;
        const std::size_t doff = (inner[12] >> 4) * 4u;
        return doff >= 20 && doff <= inner.size();
    }
    case 4:
        return inner.size() >= 20 && (inner[0] >> 4) == 4 && detail::be16(inner, 2) == inner.size();
    case 41:
        return inner.size() >= 40 && (inner[0] >> 4) == 6 &&
               detail::be16(inner, 4) + 40u == inner.size();
    case 132:
        return inner.size() >= 12;
    default:
        return false;
    }
}
} // namespace

void esp(Decoder& d, Ctx& c, Bytes b) {
    if (!d.options.esp_null || b.size() < 8 + 2) {
        ++d.stats.other_ip_frames;
        return;
    }
    static constexpr std::array<std::size_t, 5> icv_lengths{12, 16, 0, 8, 32};
    for (const std::size_t icv : icv_lengths) {
        if (b.size() < 8 + icv + 2) continue;
        const std::size_t trailer = b.size() - icv - 2;
        const std::uint8_t pad = b[trailer];
        const std::uint8_t next = b[trailer + 1];
        if (next != 6 && next != 17 && next != 4 && next != 41 && next != 132) continue;
        if (trailer < 8u + pad) continue;
        bool pad_ok = true;
        for (std::size_t i = 0; i < pad; ++i) {
            if (b[trailer - pad + i] != static_cast<std::uint8_t>(i + 1)) {
                pad_ok = false;
                break;
            }
        }
        if (!pad_ok) continue;
        Bytes inner = b.subspan(8, trailer - pad - 8);
        if (!inner_plausible(next, inner)) continue;
        if (!d.push(c, Layer::esp)) return;
        ++d.stats.esp_null_packets;
        return d.dispatch(Key::ip_protocol, next, c, inner);
    }
    ++d.stats.other_ip_frames; // encrypted, or a layout we cannot prove
}

} // namespace sipdx::decode::layers
