// The dispatch table: which layer analyzer decodes what the layer below names. Adding a link
// type, tunnel or transport is one file with its analyzer and one row here.
#include "decode/layers/decoder.h"
#include "decode/layers/layers.h"

#include <sipdx/capture/frame.h>

namespace sipdx::decode::layers {

std::vector<Row> builtin_rows(const PipelineOptions& options) {
    std::vector<Row> rows{
        // Link types (capture::LinkType numbers, as pcap names them).
        {Key::link_type, 0, &null_bsd},
        {Key::link_type, 1, &ethernet},
        {Key::link_type, 9, &ppp},
        {Key::link_type, 12, &ip_by_version}, // DLT_RAW as some BSDs number it
        {Key::link_type, 14, &ip_by_version},
        {Key::link_type, 50, &ppp}, // PPP in HDLC-like framing
        {Key::link_type, 51, &pppoe_session},
        {Key::link_type, 101, &ip_by_version},
        {Key::link_type, 108, &null_loop},
        {Key::link_type, 113, &sll},
        {Key::link_type, 228, &ipv4},
        {Key::link_type, 229, &ipv6},
        {Key::link_type, 276, &sll2},
        {Key::link_type, static_cast<std::uint32_t>(capture::LinkType::sip_text), &sip_text},
        // Ethertypes (Ethernet, VLAN tags, SLL, GRE), the common ones first.
        {Key::ethertype, 0x0800, &ipv4},
        {Key::ethertype, 0x86DD, &ipv6},
        {Key::ethertype, 0x8100, &vlan},
        {Key::ethertype, 0x88A8, &vlan},
        {Key::ethertype, 0x9100, &vlan},
        {Key::ethertype, 0x9200, &vlan},
        {Key::ethertype, 0x8864, &pppoe_session},
        {Key::ethertype, 0x8847, &mpls},
        {Key::ethertype, 0x8848, &mpls},
        {Key::ethertype, 0x6558, &ethernet}, // transparent Ethernet bridging
        {Key::ethertype, 0x88BE, &erspan2},
        {Key::ethertype, 0x22EB, &erspan3},
        {Key::ethertype, 0x880B, &ppp}, // PPTP's enhanced GRE carries PPP
        // PPP protocols.
        {Key::ppp_protocol, 0x0021, &ipv4},
        {Key::ppp_protocol, 0x0057, &ipv6},
        // BSD null / loop address families: IPv4, and IPv6 as Linux, NetBSD/OpenBSD, FreeBSD
        // and macOS number it.
        {Key::null_family, 2, &ipv4},
        {Key::null_family, 10, &ipv6},
        {Key::null_family, 24, &ipv6},
        {Key::null_family, 28, &ipv6},
        {Key::null_family, 30, &ipv6},
        // IP protocols.
        {Key::ip_protocol, 17, &udp},
        {Key::ip_protocol, 6, &tcp},
        {Key::ip_protocol, 132, &sctp},
        {Key::ip_protocol, 4, &ipv4},
        {Key::ip_protocol, 41, &ipv6},
        {Key::ip_protocol, 47, &gre},
        {Key::ip_protocol, 50, &esp},
        // UDP payload analyzers: by port, then recognised by their own header.
        {Key::udp_port, options.gtpu_port, nullptr, &gtpu},
    };
    // HEP v1/v2 begin with their version number, HEP v3 with "HEP3" (detail/hep.h).
    using namespace std::string_view_literals;
    if (options.hep) rows.push_back({Key::udp_probe, 0, nullptr, &hep, "\x01\x02H"sv});
    return rows;
}

} // namespace sipdx::decode::layers
