// SCTP (RFC 9260): DATA chunks, several per packet; a user message fragmented over several
// chunks is joined per stream. The PPID is not trusted (any value).
#include "decode/layers/layers.h"

#include <algorithm>

namespace sipdx::decode::layers {

namespace {
void fragment(Decoder& d, Ctx& c, Bytes data, std::uint16_t stream, bool begin, bool end) {
    FlowKey k{c.src, c.dst, c.sport, c.dport, c.path};
    const std::uint64_t key = FlowKeyHash{}(k) ^ (static_cast<std::uint64_t>(stream) << 48);
    if (begin) {
        if (d.sctp_partial.size() > 1024) d.sctp_partial.clear(); // bounded; rare in practice
        auto& partial = d.sctp_partial[key];
        partial.bytes.assign(detail::as_text(data));
        partial.frames.assign(1, d.frame->number);
        return;
    }
    auto it = d.sctp_partial.find(key);
    if (it == d.sctp_partial.end()) return; // middle without a beginning: lost
    if (it->second.bytes.size() + data.size() > d.options.max_stream_buffer) {
        d.sctp_partial.erase(it);
        return d.skip(SkipReason::stream_limit);
    }
    it->second.bytes.append(detail::as_text(data));
    if (it->second.frames.back() != d.frame->number) it->second.frames.push_back(d.frame->number);
    if (!end) return;
    const Decoder::SctpPartial message = std::move(it->second);
    d.sctp_partial.erase(it);
    c.findings.set(DecodeFinding::sctp_fragmented);
    Payload p = d.make_payload(c, Transport::sctp);
    p.bytes = message.bytes;
    if (message.frames.size() > 1) p.frames = message.frames;
    d.offer(p);
}
} // namespace

void sctp(Decoder& d, Ctx& c, Bytes b) {
    if (!d.push(c, Layer::sctp)) return;
    if (b.size() < 12) return d.skip(SkipReason::truncated);
    c.transport = 2;
    c.sport = detail::be16(b, 0);
    c.dport = detail::be16(b, 2);
    std::size_t off = 12;
    for (int chunks = 0; off + 4 <= b.size() && chunks < 256; ++chunks) {
        const std::uint8_t type = b[off];
        const std::uint8_t flags = b[off + 1];
        const std::size_t length = detail::be16(b, off + 2);
        if (length < 4) return d.skip(SkipReason::malformed);
        if (off + length > b.size()) return d.skip(SkipReason::truncated);
        if (type == 0 && length >= 16) {
            Bytes data = b.subspan(off + 16, length - 16);
            const std::uint16_t stream = detail::be16(b, off + 8);
            const bool begin = (flags & 2) != 0;
            const bool end = (flags & 1) != 0;
            if (begin && end) {
                offer_datagram(d, c, data, Transport::sctp);
            } else {
                fragment(d, c, data, stream, begin, end);
            }
        }
        off += (length + 3) & ~std::size_t{3};
    }
}

} // namespace sipdx::decode::layers
