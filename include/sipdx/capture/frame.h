// The hand-off from the capture stage to the decode stage: one captured frame.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace sipdx::capture {

// Link-layer header types, numbered as in the tcpdump.org LINKTYPE_ registry.
enum class LinkType : std::uint16_t {
    null_bsd = 0,      // BSD loopback (4-byte address family, host byte order)
    ethernet = 1,
    ppp = 9,
    raw = 101,         // raw IPv4 or IPv6
    ppp_ether = 51,    // PPPoE
    loop = 108,        // OpenBSD loopback (address family in network order)
    linux_sll = 113,
    ipv4 = 228,
    ipv6 = 229,
    linux_sll2 = 276,
    // Any other value is carried through as is and reported by the decoder as unsupported.
};

// One frame as read from a capture. `data` points into the reader's buffer (a mapped file or a
// reusable read buffer): it is valid only until the reader's next call, so a later stage that
// must keep bytes (reassembly) copies them.
struct Frame {
    std::uint64_t number = 0;        // 1-based, as Wireshark numbers frames in this file
    std::int64_t time_ns = 0;        // capture time, nanoseconds since the Unix epoch (UTC)
    LinkType link_type = LinkType::ethernet;
    std::uint32_t interface_id = 0;  // pcapng interface index; 0 for pcap
    std::uint32_t original_length = 0; // length on the wire (may exceed data.size(): snaplen)
    std::uint64_t file_offset = 0;   // byte offset of the record in the (decompressed) input
    std::span<const std::uint8_t> data;
};

} // namespace sipdx::capture
