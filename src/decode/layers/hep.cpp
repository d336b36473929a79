// HEP v1/v2/v3 (detail/hep.h) as a UDP payload analyzer, on any port: the carried message is
// offered with the addresses, ports and time HEP recorded.
#include "decode/layers/layers.h"

#include "decode/detail/hep.h"

namespace sipdx::decode::layers {

bool hep(Decoder& d, Ctx& c, Bytes b) {
    if (!detail::may_be_hep(b)) return false;
    detail::HepPacket packet;
    if (!detail::parse_hep(b, packet)) return false;
    ++d.stats.hep_packets;
    if (!d.push(c, Layer::hep)) return true;
    Bytes payload = packet.payload;
    if (packet.compressed) {
        if (!detail::inflate_payload(payload, d.inflated, d.options.max_stream_buffer)) {
            d.skip(SkipReason::malformed);
            return true;
        }
        payload = d.inflated;
        c.findings.set(DecodeFinding::hep_compressed);
    }
    if (!packet.is_sip) {
        ++d.stats.non_sip_payloads;
        return true;
    }
    Transport t = Transport::udp;
    if (packet.ip_protocol == 6) t = Transport::tcp;
    if (packet.ip_protocol == 132) t = Transport::sctp;
    Payload p = d.make_payload(c, t);
    if (packet.src.family) p.src = packet.src;
    if (packet.dst.family) p.dst = packet.dst;
    p.sport = packet.sport;
    p.dport = packet.dport;
    if (packet.time_ns) p.time_ns = packet.time_ns;
    // Carried messages arrive whole (HEP agents send one message per packet, even for TCP).
    p.bytes = detail::as_text(payload);
    d.offer(p);
    return true;
}

} // namespace sipdx::decode::layers
