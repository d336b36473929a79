// One RTP stream's counters, updated packet by packet without allocating: RFC 3550 A.1/A.3
// sequence accounting (wrap, resets, loss, duplicates, reordering) and A.8 interarrival jitter.
//
// The clock rate of a dynamic payload type is known only from SDP, which the analysis reads
// later than the packets (it runs on another thread), so jitter is kept for each likely clock
// rate at once and the right one is chosen when the stream is matched to its SDP.
#pragma once

#include <sipdx/media/rtp.h>

#include <array>
#include <cstdint>

namespace sipdx::media {

// The clock rates jitter is computed for: the common audio rates and video's 90 kHz. The last
// track is the payload type's own rate when it is a static type with another rate (L16...).
inline constexpr std::array<std::uint32_t, 4> jitter_clocks = {8000, 16000, 48000, 90000};
inline constexpr std::size_t jitter_tracks = jitter_clocks.size() + 1;

struct JitterTrack {
    double jitter_s = 0; // the running estimate J (RFC 3550 A.8), in seconds
    double sum_s = 0;    // of J after every packet, for the mean
    double max_s = 0;
};

struct StreamCounters {
    std::int64_t first_ns = 0;
    std::int64_t last_ns = 0;
    std::uint64_t first_frame = 0;
    std::uint64_t packets = 0; // every packet, duplicates included (as RFC 3550 counts them)
    std::uint64_t payload_bytes = 0;
    std::uint8_t first_payload_type = 0;
    std::uint8_t payload_type = 0; // of the latest packet
    std::uint32_t payload_type_changes = 0;
    std::uint32_t markers = 0;
    // Payload types seen (up to 4) and their packets: the voice codec, DTMF, comfort noise...
    std::array<std::uint8_t, 4> types{};
    std::array<std::uint64_t, 4> type_packets{};
    std::uint8_t type_count = 0;

    // Sequence (RFC 3550 A.1): extended highest = cycles + max_seq.
    std::uint16_t base_seq = 0;
    std::uint16_t max_seq = 0;
    std::uint32_t cycles = 0;
    std::uint32_t bad_seq = 0x10000; // the sequence after a big jump, awaiting confirmation
    std::uint64_t received_since_reset = 0;
    std::uint64_t expected_before_reset = 0;
    std::uint64_t received_before_reset = 0;
    std::uint64_t recent = 0; // bit i: max_seq - i was received
    std::uint64_t duplicates = 0;
    std::uint64_t out_of_order = 0;
    std::uint32_t sequence_resets = 0;
    std::uint64_t loss_bursts = 0; // gaps in the sequence
    std::uint64_t lost_in_gaps = 0;
    std::uint64_t max_burst = 0;
    // In-order steps (sequence + 1): how RTP is told from other UDP without SDP.
    std::uint64_t in_order_steps = 0;

    // Timing.
    std::int64_t previous_ns = 0;
    std::uint32_t previous_timestamp = 0;
    double max_delta_s = 0; // longest gap between consecutive packets
    std::array<JitterTrack, jitter_tracks> jitter{};
    std::uint32_t own_clock = 0;      // the static payload type's rate for the last track
    std::uint64_t jitter_samples = 0; // packets that updated the estimate

    // RFC 4733 events, counted by their distinct timestamps, under any dynamic payload type
    // that carried 4-byte payloads; resolved against SDP later.
    std::uint8_t event_type = 0xFF; // payload type the events came on
    std::uint32_t event_timestamp = 0;
    std::uint32_t events = 0;
    std::array<char, 32> digits{};
    std::uint8_t digit_count = 0;

    void add(const RtpHeader& h, std::string_view payload, std::int64_t time_ns,
             std::uint64_t frame);

    std::uint64_t extended_max() const { return cycles + max_seq; }
    std::uint64_t expected() const;
    std::int64_t lost() const; // expected - packets; negative with duplicates
    // The jitter track for a clock rate (the nearest one computed).
    const JitterTrack& jitter_for(std::uint32_t clock_rate) const;
};

} // namespace sipdx::media
