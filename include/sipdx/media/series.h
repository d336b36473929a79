// A stream's quality over time in fixed memory: packets, packets lost and the jitter estimate
// per time bucket. Buckets start one second wide; when a packet falls past the last bucket,
// neighbours are merged pairwise and the width doubles, so a stream of any length holds
// `series_buckets` buckets and the totals stay exact (docs/media.md "Over time").
//
// The clock rate of a dynamic payload type is known only after the run (from SDP), so each
// bucket keeps the highest jitter estimate of every clock-rate track (stream.h) and the series
// is resolved to one rate when the stream is reported.
#pragma once

#include <sipdx/media/stream.h>

#include <array>
#include <cstdint>
#include <vector>

namespace sipdx::media {

inline constexpr std::size_t series_buckets = 60;

struct SeriesBucket {
    std::uint32_t packets = 0;
    std::uint32_t lost = 0; // packets missing from sequence gaps, counted at the packet after
    std::array<float, jitter_tracks> max_jitter_s{}; // the highest estimate J per clock track
};

class StreamSeries {
public:
    // One packet: its arrival, the packets its sequence gap says were lost, and the stream's
    // jitter tracks after the packet.
    void add(std::int64_t time_ns, std::uint64_t lost,
             const std::array<JitterTrack, jitter_tracks>& jitter);

    std::int64_t start_ns() const { return m_start_ns; }
    std::int64_t bucket_ns() const { return std::int64_t{m_width_s} * 1'000'000'000; }
    std::size_t used() const { return m_used; } // buckets up to the last one with a packet
    const std::array<SeriesBucket, series_buckets>& buckets() const { return m_buckets; }

private:
    void halve(); // pairs merged, width doubled
    std::int64_t m_start_ns = 0;
    std::uint32_t m_width_s = 1;
    std::uint32_t m_used = 0;
    bool m_started = false;
    std::array<SeriesBucket, series_buckets> m_buckets{};
};

// A series resolved to the stream's clock rate, as reports show it.
struct SeriesPoint {
    std::uint32_t packets = 0;
    std::uint32_t lost = 0;
    double max_jitter_ms = 0;
};
struct StreamTimeline {
    std::int64_t start_ns = 0;
    std::int64_t bucket_ns = 0;
    std::vector<SeriesPoint> points; // empty: the series was not kept
};
StreamTimeline resolve(const StreamSeries& series, const StreamCounters& counters,
                       std::uint32_t clock_rate);

} // namespace sipdx::media
