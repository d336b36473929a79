// Per-stream quality over time in a fixed number of buckets (series.h).
#include <sipdx/media/series.h>

#include <algorithm>

namespace sipdx::media {

void StreamSeries::halve() {
    for (std::size_t i = 0; i < series_buckets / 2; ++i) {
        SeriesBucket merged = m_buckets[2 * i];
        const SeriesBucket& next = m_buckets[2 * i + 1];
        merged.packets += next.packets;
        merged.lost += next.lost;
        for (std::size_t t = 0; t < jitter_tracks; ++t)
            merged.max_jitter_s[t] = std::max(merged.max_jitter_s[t], next.max_jitter_s[t]);
        m_buckets[i] = merged;
    }
    for (std::size_t i = series_buckets / 2; i < series_buckets; ++i)
        m_buckets[i] = SeriesBucket{};
    m_used = (m_used + 1) / 2;
    m_width_s *= 2;
}

void StreamSeries::add(std::int64_t time_ns, std::uint64_t lost,
                       const std::array<JitterTrack, jitter_tracks>& jitter) {
    if (!m_started) {
        m_started = true;
        m_start_ns = time_ns;
    }
    // A packet stamped before the first (inputs out of order) counts in the first bucket.
    const std::int64_t offset = std::max<std::int64_t>(time_ns - m_start_ns, 0);
    std::int64_t index = offset / bucket_ns();
    // At most 63 halvings: the width stays far from overflowing for any 64-bit offset.
    for (int guard = 0; index >= static_cast<std::int64_t>(series_buckets) && guard < 63; ++guard) {
        halve();
        index = offset / bucket_ns();
    }
    index = std::min<std::int64_t>(index, series_buckets - 1);
    SeriesBucket& b = m_buckets[static_cast<std::size_t>(index)];
    ++b.packets;
    b.lost += static_cast<std::uint32_t>(std::min<std::uint64_t>(lost, 0xffffffffu - b.lost));
    for (std::size_t t = 0; t < jitter_tracks; ++t)
        b.max_jitter_s[t] = std::max(b.max_jitter_s[t], static_cast<float>(jitter[t].jitter_s));
    m_used = std::max<std::uint32_t>(m_used, static_cast<std::uint32_t>(index) + 1);
}

StreamTimeline resolve(const StreamSeries& series, const StreamCounters& counters,
                       std::uint32_t clock_rate) {
    // The track jitter_for() picks, by its position in the counters' array.
    const JitterTrack* chosen = &counters.jitter_for(clock_rate);
    const std::size_t track = static_cast<std::size_t>(chosen - counters.jitter.data());
    StreamTimeline out;
    out.start_ns = series.start_ns();
    out.bucket_ns = series.bucket_ns();
    out.points.reserve(series.used());
    for (std::size_t i = 0; i < series.used(); ++i) {
        const SeriesBucket& b = series.buckets()[i];
        out.points.push_back(
            {b.packets, b.lost, static_cast<double>(b.max_jitter_s[track]) * 1000});
    }
    return out;
}

} // namespace sipdx::media
