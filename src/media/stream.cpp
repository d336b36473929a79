#include <sipdx/media/stream.h>

#include <sipdx/media/codec.h>

#include <cmath>

namespace sipdx::media {

namespace {

constexpr std::uint32_t max_dropout = 3000; // RFC 3550 A.1
constexpr std::uint32_t max_misorder = 100;
constexpr std::uint32_t seq_mod = 1u << 16;

} // namespace

std::uint64_t StreamCounters::expected() const {
    if (packets == 0) return 0;
    return expected_before_reset + (extended_max() - base_seq + 1);
}

std::int64_t StreamCounters::lost() const {
    return static_cast<std::int64_t>(expected()) - static_cast<std::int64_t>(packets);
}

const JitterTrack& StreamCounters::jitter_for(std::uint32_t clock_rate) const {
    if (own_clock != 0 && clock_rate == own_clock) return jitter.back();
    for (std::size_t i = 0; i < jitter_clocks.size(); ++i)
        if (jitter_clocks[i] == clock_rate) return jitter[i];
    return jitter[0];
}

void StreamCounters::add(const RtpHeader& h, std::string_view payload, std::int64_t time_ns,
                         std::uint64_t frame) {
    const std::uint16_t seq = h.sequence;
    if (packets == 0) {
        first_ns = time_ns;
        first_frame = frame;
        first_payload_type = payload_type = h.payload_type;
        base_seq = max_seq = seq;
        recent = 1;
        ++packets;
        received_since_reset = 1;
        payload_bytes += h.payload_length;
        previous_ns = last_ns = time_ns;
        previous_timestamp = h.timestamp;
        types[0] = h.payload_type;
        type_packets[0] = 1;
        type_count = 1;
        markers += h.marker;
        if (auto s = static_payload(h.payload_type)) {
            const std::uint32_t c = s->clock_rate;
            if (c != 8000 && c != 16000 && c != 48000 && c != 90000) own_clock = c;
        }
        return;
    }
    ++packets;
    payload_bytes += h.payload_length;
    markers += h.marker;
    const bool type_changed = h.payload_type != payload_type;
    if (type_changed) {
        ++payload_type_changes;
        payload_type = h.payload_type;
    }
    {
        std::uint8_t i = 0;
        while (i < type_count && types[i] != h.payload_type)
            ++i;
        if (i < type_count) {
            ++type_packets[i];
        } else if (type_count < types.size()) {
            types[type_count] = h.payload_type;
            type_packets[type_count++] = 1;
        }
    }

    // Sequence (RFC 3550 A.1, without the probation of new sources: every packet counts).
    const std::uint16_t udelta = static_cast<std::uint16_t>(seq - max_seq);
    if (udelta == 0) {
        ++duplicates;
    } else if (udelta < max_dropout) {
        if (seq < max_seq) cycles += seq_mod; // wrapped
        if (udelta == 1) {
            ++in_order_steps;
        } else {
            ++loss_bursts;
            lost_in_gaps += udelta - 1u;
            if (udelta - 1u > max_burst) max_burst = udelta - 1u;
        }
        recent = udelta >= 64 ? 1 : ((recent << udelta) | 1);
        max_seq = seq;
        ++received_since_reset;
    } else if (udelta <= seq_mod - max_misorder) {
        // A big jump: a restarted sender, or a stray packet. Two in a row is a reset.
        if (seq == bad_seq) {
            // The packet that announced the jump is the new sequence's first.
            expected_before_reset += extended_max() - base_seq + 1;
            received_before_reset += received_since_reset - 1;
            ++sequence_resets;
            base_seq = static_cast<std::uint16_t>(seq - 1);
            max_seq = seq;
            cycles = base_seq > seq ? seq_mod : 0;
            recent = 3;
            received_since_reset = 2;
            bad_seq = 0x10000;
        } else {
            bad_seq = (seq + 1u) & (seq_mod - 1);
            ++received_since_reset;
        }
    } else {
        // Behind max_seq: a duplicate when already seen, else reordered.
        const std::uint16_t behind = static_cast<std::uint16_t>(max_seq - seq);
        if (behind < 64 && (recent >> behind) & 1u) {
            ++duplicates;
        } else {
            ++out_of_order;
            if (behind < 64) recent |= std::uint64_t{1} << behind;
        }
        ++received_since_reset;
    }

    // Timing: A.8 on the arrival gap against the timestamp gap, for each clock rate.
    const double arrival_gap = static_cast<double>(time_ns - previous_ns) * 1e-9;
    // A marked packet starts a talkspurt: the gap before it is silence suppression, not delay
    // (Wireshark's RTP analysis leaves it out of the maximum the same way).
    if (!h.marker && arrival_gap > max_delta_s) max_delta_s = arrival_gap;
    const auto ts_gap =
        static_cast<double>(static_cast<std::int32_t>(h.timestamp - previous_timestamp));
    // Another payload type (DTMF, comfort noise, redundancy) may run on another clock: the
    // packet only restarts the comparison, as Wireshark's RTP analysis does.
    if (!type_changed) ++jitter_samples;
    static constexpr std::array<double, jitter_clocks.size()> periods = {
        1.0 / jitter_clocks[0], 1.0 / jitter_clocks[1], 1.0 / jitter_clocks[2],
        1.0 / jitter_clocks[3]};
    for (std::size_t i = 0; i < jitter_tracks && !type_changed; ++i) {
        double period = 0;
        if (i < periods.size()) {
            period = periods[i];
        } else if (own_clock != 0) {
            period = 1.0 / own_clock;
        } else {
            continue;
        }
        JitterTrack& t = jitter[i];
        const double d = std::fabs(arrival_gap - ts_gap * period);
        t.jitter_s += (d - t.jitter_s) * (1.0 / 16);
        t.sum_s += t.jitter_s;
        if (t.jitter_s > t.max_s) t.max_s = t.jitter_s;
    }
    previous_ns = time_ns;
    previous_timestamp = h.timestamp;
    if (time_ns > last_ns) last_ns = time_ns;

    // RFC 4733: a dynamic type with 4-byte payloads that differs from the first type.
    if (h.payload_type >= 96 && h.payload_type != first_payload_type && h.payload_length == 4) {
        if (auto ev = parse_telephone_event(payload.substr(h.header_length, 4))) {
            if (event_type != h.payload_type || events == 0 || h.timestamp != event_timestamp) {
                event_type = h.payload_type;
                event_timestamp = h.timestamp;
                ++events;
                if (digit_count < digits.size()) digits[digit_count++] = dtmf_symbol(ev->event);
            }
        }
    }
}

} // namespace sipdx::media
