// The bounded per-stream series: fixed bucket count, pairwise merges that keep every total.
#include <sipdx/media/rtp.h>
#include <sipdx/media/series.h>
#include <sipdx/media/stream.h>

#include <gtest/gtest.h>

#include <string>

using namespace sipdx::media;

namespace {

std::string packet(std::uint16_t seq, std::uint32_t ts) {
    std::string b(12, '\0');
    b[0] = static_cast<char>(0x80);
    b[2] = static_cast<char>(seq >> 8);
    b[3] = static_cast<char>(seq);
    for (int i = 0; i < 4; ++i)
        b[4 + i] = static_cast<char>(ts >> (24 - 8 * i));
    b.append(160, '\xff');
    return b;
}

struct Fed {
    StreamCounters counters;
    StreamSeries series;
};

// 50 packets a second (20 ms of PCMU each) for `seconds`, every 100th sequence number left out,
// arrival wobbling by up to 3 ms.
Fed feed(int seconds) {
    Fed f;
    const int total = seconds * 50;
    for (int i = 0; i < total; ++i) {
        if (i % 100 == 99) continue;
        const auto seq = static_cast<std::uint16_t>(i);
        const std::string b = packet(seq, static_cast<std::uint32_t>(i) * 160);
        const std::int64_t t = std::int64_t{i} * 20'000'000 + (i % 4) * 1'000'000;
        const std::uint64_t before = f.counters.lost_in_gaps;
        f.counters.add(*parse_rtp(b), b, t, static_cast<std::uint64_t>(i));
        f.series.add(t, f.counters.lost_in_gaps - before, f.counters.jitter);
    }
    return f;
}

std::pair<std::uint64_t, std::uint64_t> totals(const StreamSeries& s) {
    std::uint64_t packets = 0;
    std::uint64_t lost = 0;
    for (const auto& b : s.buckets()) {
        packets += b.packets;
        lost += b.lost;
    }
    return {packets, lost};
}

} // namespace

TEST(StreamSeries, ShortStreamHasOneSecondBuckets) {
    const Fed f = feed(10);
    EXPECT_EQ(f.series.bucket_ns(), 1'000'000'000);
    EXPECT_EQ(f.series.used(), 10u);
    EXPECT_EQ(f.series.buckets()[0].packets, 50u);
    EXPECT_EQ(f.series.buckets()[1].packets, 49u); // sequence 99 missing
    EXPECT_EQ(f.series.buckets()[2].lost, 1u);     // counted at 100, which arrives at 2.0 s
    const auto [packets, lost] = totals(f.series);
    EXPECT_EQ(packets, f.counters.packets);
    EXPECT_EQ(lost, f.counters.lost_in_gaps);
}

TEST(StreamSeries, LongStreamMergesPairsAndKeepsTotals) {
    const Fed f = feed(1000);                        // 1000 s: 60 buckets of 1 s would not do
    EXPECT_EQ(f.series.bucket_ns(), 32'000'000'000); // 1, 2, 4, 8, 16, 32 s
    EXPECT_LE(f.series.used(), series_buckets);
    EXPECT_EQ(f.series.used(), 32u); // 1000 s / 32 s, rounded up
    const auto [packets, lost] = totals(f.series);
    EXPECT_EQ(packets, f.counters.packets);
    EXPECT_EQ(lost, f.counters.lost_in_gaps);
    EXPECT_EQ(static_cast<std::int64_t>(lost), f.counters.lost());
    // The highest jitter of the merged buckets is the stream's highest.
    float highest = 0;
    for (const auto& b : f.series.buckets())
        highest = std::max(highest, b.max_jitter_s[0]);
    EXPECT_FLOAT_EQ(highest, static_cast<float>(f.counters.jitter[0].max_s));
    EXPECT_GT(highest, 0.0f);
}

TEST(StreamSeries, ResolvesToTheClockRateTrack) {
    const Fed f = feed(5);
    const StreamTimeline t = resolve(f.series, f.counters, 8000);
    ASSERT_EQ(t.points.size(), 5u);
    EXPECT_EQ(t.bucket_ns, 1'000'000'000);
    double highest = 0;
    std::uint64_t packets = 0;
    for (const auto& p : t.points) {
        highest = std::max(highest, p.max_jitter_ms);
        packets += p.packets;
    }
    EXPECT_NEAR(highest, f.counters.jitter_for(8000).max_s * 1000, 1e-3);
    EXPECT_EQ(packets, f.counters.packets);
    // Another rate reads another track: at 48 kHz the same timestamps mean other jitter.
    const StreamTimeline wide = resolve(f.series, f.counters, 48000);
    EXPECT_NE(wide.points[1].max_jitter_ms, t.points[1].max_jitter_ms);
}

TEST(StreamSeries, PacketBeforeTheFirstCountsInTheFirstBucket) {
    StreamSeries s;
    const std::array<JitterTrack, jitter_tracks> none{};
    s.add(5'000'000'000, 0, none);
    s.add(1'000'000'000, 2, none); // an earlier input read later
    EXPECT_EQ(s.buckets()[0].packets, 2u);
    EXPECT_EQ(s.buckets()[0].lost, 2u);
    EXPECT_EQ(s.used(), 1u);
}
