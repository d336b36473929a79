#include <sipdx/media/udptl.h>

namespace sipdx::media {

namespace {

// An aligned-PER length determinant (X.691 10.9): one byte below 128, two bytes with the top
// bits 10 below 16384. Fragmented lengths (top bits 11) are refused.
bool read_length(std::string_view b, std::size_t& at, std::size_t& length) {
    if (at >= b.size()) return false;
    const auto first = static_cast<std::uint8_t>(b[at]);
    if ((first & 0x80) == 0) {
        length = first;
        ++at;
        return true;
    }
    if ((first & 0xC0) != 0x80 || at + 1 >= b.size()) return false;
    length = (static_cast<std::size_t>(first & 0x3F) << 8) | static_cast<std::uint8_t>(b[at + 1]);
    at += 2;
    return true;
}

// A length-prefixed field (an open type or an OCTET STRING) that must fit in `b`.
bool skip_field(std::string_view b, std::size_t& at, std::size_t* length_out = nullptr) {
    std::size_t length = 0;
    if (!read_length(b, at, length) || length > b.size() - at) return false;
    at += length;
    if (length_out) *length_out = length;
    return true;
}

// Bounds the work one packet may cause whatever its counts claim.
constexpr std::size_t max_entries = 64;

} // namespace

std::optional<UdptlHeader> parse_udptl(std::string_view b) {
    if (b.size() < 5) return std::nullopt; // sequence, primary length, one IFP byte, recovery
    UdptlHeader h;
    h.sequence = static_cast<std::uint16_t>((static_cast<std::uint8_t>(b[0]) << 8) |
                                            static_cast<std::uint8_t>(b[1]));
    std::size_t at = 2;
    // An IFP packet is at least its type byte (T.38 clause 8).
    if (!skip_field(b, at, &h.primary_length) || h.primary_length == 0) return std::nullopt;
    if (at >= b.size()) return std::nullopt;
    const auto choice = static_cast<std::uint8_t>(b[at]);
    ++at;
    if (choice == 0x00) {
        h.recovery = UdptlRecovery::redundancy;
        std::size_t count = 0;
        if (!read_length(b, at, count) || count > max_entries) return std::nullopt;
        for (std::size_t i = 0; i < count; ++i) {
            std::size_t length = 0;
            if (!skip_field(b, at, &length) || length == 0) return std::nullopt;
        }
        h.secondary_count = static_cast<std::uint32_t>(count);
    } else if (choice == 0x80) {
        h.recovery = UdptlRecovery::fec;
        // fec-npackets: an unconstrained INTEGER, its own length first.
        std::size_t int_length = 0;
        if (!read_length(b, at, int_length) || int_length == 0 || int_length > 4 ||
            int_length > b.size() - at)
            return std::nullopt;
        std::uint32_t n = 0;
        for (std::size_t i = 0; i < int_length; ++i)
            n = (n << 8) | static_cast<std::uint8_t>(b[at + i]);
        at += int_length;
        std::size_t count = 0;
        if (!read_length(b, at, count) || count > max_entries) return std::nullopt;
        for (std::size_t i = 0; i < count; ++i)
            if (!skip_field(b, at)) return std::nullopt;
        h.fec_packets = n;
        h.fec_entries = static_cast<std::uint32_t>(count);
    } else {
        return std::nullopt;
    }
    if (at != b.size()) return std::nullopt;
    return h;
}

std::uint64_t UdptlCounters::expected() const {
    if (packets == 0) return 0;
    return static_cast<std::uint64_t>(cycles) + max_seq - base_seq + 1;
}

void UdptlCounters::add(const UdptlHeader& h, std::int64_t time_ns, std::uint64_t frame) {
    if (h.recovery == UdptlRecovery::redundancy) {
        ++redundancy_packets;
        if (h.secondary_count > max_secondaries) max_secondaries = h.secondary_count;
    } else {
        ++fec_packets;
    }
    if (packets == 0) {
        first_ns = last_ns = time_ns;
        first_frame = frame;
        base_seq = max_seq = h.sequence;
        recent = 1;
        packets = distinct = 1;
        return;
    }
    ++packets;
    const double gap_s = static_cast<double>(time_ns - last_ns) / 1e9;
    if (gap_s > max_delta_s) max_delta_s = gap_s;
    if (time_ns > last_ns) last_ns = time_ns;
    const auto delta = static_cast<std::int16_t>(static_cast<std::uint16_t>(h.sequence - max_seq));
    if (delta > 0) {
        if (h.sequence < max_seq) cycles += 1u << 16;
        const auto step = static_cast<std::uint64_t>(delta);
        recent = step >= 64 ? 1 : (recent << step) | 1;
        max_seq = h.sequence;
        ++distinct;
        if (step == 1) {
            ++in_order_steps;
        } else {
            const std::uint64_t missing = step - 1;
            ++loss_bursts;
            if (missing > max_burst) max_burst = missing;
            // The secondaries are the IFPs of sequence - 1, - 2...: they cover the gap's end.
            if (h.recovery == UdptlRecovery::redundancy)
                recovered += missing < h.secondary_count ? missing : h.secondary_count;
        }
        return;
    }
    const auto back = static_cast<std::uint64_t>(-static_cast<int>(delta));
    if (back < 64 && (recent >> back) & 1) {
        ++duplicates;
        return;
    }
    // Late: it fills part of a gap counted before (or lies beyond the window).
    ++out_of_order;
    if (back < 64) {
        recent |= std::uint64_t{1} << back;
        ++distinct;
    }
}

} // namespace sipdx::media
