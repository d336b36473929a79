// The hand-off from the capture stage to the decode stage: one captured frame.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>

namespace sipdx::capture {

// Link-layer header types, numbered as in the tcpdump.org LINKTYPE_ registry.
enum class LinkType : std::uint16_t {
    null_bsd = 0, // BSD loopback (4-byte address family, host byte order)
    ethernet = 1,
    ppp = 9,
    raw = 101,      // raw IPv4 or IPv6
    ppp_ether = 51, // PPPoE
    loop = 108,     // OpenBSD loopback (address family in network order)
    linux_sll = 113,
    ipv4 = 228,
    ipv6 = 229,
    linux_sll2 = 276,
    // Not a link layer: the frame's data is one SIP message read from a text log (see
    // Frame::text). 147..162 is the registry's LINKTYPE_USER range, which no capture tool
    // writes on its own; we take the first value so it cannot clash with a real link type.
    sip_text = 147,
    // Any other value is carried through as is and reported by the decoder as unsupported.
};

// Transport as a SIP text log names it (ngrep's U/T letter, FreeSWITCH's "udp/", ...).
enum class TextTransport : std::uint8_t { unknown, udp, tcp, tls, sctp, ws, wss };

// What a SIP text log said about one message, from the line the log printed before it.
// Only meaningful for LinkType::sip_text; every view points into the same buffer as
// Frame::data and has the same lifetime. Empty views / zero ports mean "the log did not say".
struct TextEnvelope {
    std::string_view src; // address as logged, brackets of an IPv6 literal removed
    std::string_view dst;
    std::uint16_t sport = 0;
    std::uint16_t dport = 0;
    TextTransport transport = TextTransport::unknown;
    bool has_time = false;         // Frame::time_ns came from the log (else it is 0)
    bool time_of_day_only = false; // the log printed no date: time_ns counts from 1970-01-01
};

// One frame as read from a capture. `data` points into the reader's buffer (a mapped file or a
// reusable read buffer): it is valid only until the reader's next call, so a later stage that
// must keep bytes (reassembly) copies them.
struct Frame {
    std::uint64_t number = 0; // 1-based, as Wireshark numbers frames in this file
    std::int64_t time_ns = 0; // capture time, nanoseconds since the Unix epoch (UTC)
    LinkType link_type = LinkType::ethernet;
    std::uint32_t interface_id = 0;    // pcapng interface index; 0 for pcap
    std::uint32_t original_length = 0; // length on the wire (may exceed data.size(): snaplen)
    std::uint64_t file_offset = 0;     // byte offset of the record in the (decompressed) input
    std::span<const std::uint8_t> data;
    // pcapng opt_comment of this packet (first one; empty when none). Same lifetime as data.
    std::string_view comment;
    TextEnvelope text; // LinkType::sip_text only
};

} // namespace sipdx::capture
