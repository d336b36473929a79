// UDPTL, the transport of T.38 fax over UDP (ITU-T T.38 clause 9.1): a 16-bit sequence number,
// the primary IFP packet, and error recovery by redundancy (earlier IFPs repeated) or by FEC.
// The packet is ASN.1 aligned PER; it has no magic number, so a payload is taken for UDPTL only
// when every length in it adds up to the payload exactly. Reads only inside the bytes given.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace sipdx::media {

enum class UdptlRecovery : std::uint8_t { redundancy, fec };

struct UdptlHeader {
    std::uint16_t sequence = 0;
    std::size_t primary_length = 0; // bytes of the primary IFP packet
    UdptlRecovery recovery = UdptlRecovery::redundancy;
    std::uint32_t secondary_count = 0; // redundancy: earlier IFPs carried again (seq-1, seq-2...)
    std::uint32_t fec_packets = 0;     // fec: how many earlier packets the FEC data covers
    std::uint32_t fec_entries = 0;     // fec: FEC data octet strings
};

// The packet when `bytes` is exactly one well-formed UDPTL packet; nothing otherwise (also for
// fragmented PER lengths, 16K and more, which no fax IFP needs).
std::optional<UdptlHeader> parse_udptl(std::string_view bytes);

// One UDPTL flow's counters: sequence accounting with wrap at 65536, duplicates and reordering
// in a 64-packet window, gaps, and how many missing primaries a later packet's redundancy
// carried again (recovered at the receiver without a retransmission).
struct UdptlCounters {
    std::int64_t first_ns = 0;
    std::int64_t last_ns = 0;
    std::uint64_t first_frame = 0;
    std::uint64_t packets = 0;  // every packet, duplicates included
    std::uint64_t distinct = 0; // packets with a sequence number not seen before
    std::uint64_t duplicates = 0;
    std::uint64_t out_of_order = 0;
    std::uint64_t loss_bursts = 0; // gaps in the sequence
    std::uint64_t max_burst = 0;
    std::uint64_t recovered = 0; // missing primaries that the next packets' redundancy carried
    std::uint64_t redundancy_packets = 0;
    std::uint64_t fec_packets = 0;
    std::uint32_t max_secondaries = 0;
    std::uint64_t in_order_steps = 0;
    double max_delta_s = 0;
    std::uint16_t base_seq = 0;
    std::uint16_t max_seq = 0;
    std::uint32_t cycles = 0;
    std::uint64_t recent = 0; // bit i: max_seq - i was received

    void add(const UdptlHeader& h, std::int64_t time_ns, std::uint64_t frame);
    std::uint64_t expected() const;
    // Sequence numbers between the first and the highest never received (not even late).
    std::uint64_t lost() const { return expected() - distinct; }
};

} // namespace sipdx::media
