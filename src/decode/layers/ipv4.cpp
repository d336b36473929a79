// IPv4 (RFC 791): options skipped, total length trims link padding, fragments reassembled.
#include "decode/layers/layers.h"

#include <cstring>

namespace sipdx::decode::layers {

namespace {
std::uint64_t mix_path(std::uint64_t h, const Address& a) {
    std::uint64_t lo = 0;
    std::uint64_t hi = 0;
    std::memcpy(&lo, a.bytes.data(), 8);
    std::memcpy(&hi, a.bytes.data() + 8, 8);
    h ^= lo + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    h ^= hi + 0x9e3779b97f4a7c15ULL + (h << 6) + (h >> 2);
    return h;
}
} // namespace

void nest_path(Ctx& c) {
    c.path = mix_path(mix_path(c.path, c.src), c.dst);
}

bool reassemble(Decoder& d, Ctx& c, const detail::FragmentKey& key, std::uint32_t offset,
                Bytes payload, bool more, std::uint8_t next_header, Bytes& out,
                std::uint8_t& out_next) {
    ++d.stats.ip_fragments;
    const auto depth = static_cast<std::size_t>(c.ip_depth);
    auto& buffer = d.reassembled[depth];
    auto& frames = d.reassembled_frames[depth];
    const auto r = d.fragments.add(key, offset, payload, more, d.frame->time_ns, buffer,
                                   next_header, d.frame->number, &frames);
    for (std::size_t n = d.fragments.take_expired(); n > 0; --n)
        d.skip(SkipReason::fragment_limit);
    d.stats.fragment_sets_evicted += d.fragments.take_evicted();
    if (r.status == detail::FragmentStatus::dropped) {
        d.skip(SkipReason::fragment_limit);
        return false;
    }
    if (r.status != detail::FragmentStatus::complete) return false;
    ++d.stats.ip_reassembled;
    c.findings.set(DecodeFinding::ip_reassembled);
    if (r.overlap_mismatch) {
        ++d.stats.ip_fragment_overlaps;
        c.findings.set(DecodeFinding::ip_fragment_overlap);
    }
    c.ip_frames = frames;
    out = buffer;
    out_next = r.next_header;
    return true;
}

void ipv4(Decoder& d, Ctx& c, Bytes b) {
    if (!d.push(c, Layer::ipv4)) return;
    if (c.ip_depth >= max_ip_nesting) return d.skip(SkipReason::too_deep);
    if (b.size() < 20) return d.skip(SkipReason::truncated);
    const std::size_t ihl = (b[0] & 0x0F) * 4u;
    if ((b[0] >> 4) != 4 || ihl < 20) return d.skip(SkipReason::malformed);
    if (b.size() < ihl) return d.skip(SkipReason::truncated);
    std::size_t total = detail::be16(b, 2);
    if (total == 0) total = b.size(); // segmentation offload: length left to the NIC
    if (total < ihl) return d.skip(SkipReason::malformed);
    if (total > b.size()) {
        c.findings.set(DecodeFinding::truncated);
        total = b.size();
    }
    enter_ip(c, b.data() + 12, b.data() + 16, 4);
    const std::uint8_t protocol = b[9];
    Bytes payload = b.subspan(ihl, total - ihl);
    const std::uint16_t frag = detail::be16(b, 6);
    const bool more = (frag & 0x2000) != 0;
    const std::uint32_t offset = (frag & 0x1FFFu) * 8u;
    if (more || offset != 0) {
        if (c.findings.has(DecodeFinding::truncated)) return d.skip(SkipReason::truncated);
        detail::FragmentKey key{c.src, c.dst, detail::be16(b, 4), protocol, c.path};
        Bytes whole;
        std::uint8_t unused = 0;
        if (!reassemble(d, c, key, offset, payload, more, 0, whole, unused)) return;
        return d.dispatch(Key::ip_protocol, protocol, c, whole);
    }
    d.dispatch(Key::ip_protocol, protocol, c, payload);
}

} // namespace sipdx::decode::layers
