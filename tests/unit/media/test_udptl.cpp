// UDPTL (T.38 clause 9.1) reading and its sequence counters.
#include <sipdx/media/udptl.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

using namespace sipdx::media;

namespace {

std::string ifp(std::uint16_t seq) {
    return {'\xC0', '\x01', static_cast<char>(seq & 0xFF), static_cast<char>(seq >> 8)};
}

// Redundancy mode: the primary, then `depth` earlier IFPs.
std::string packet(std::uint16_t seq, std::size_t depth = 0) {
    std::string b{static_cast<char>(seq >> 8), static_cast<char>(seq)};
    b += static_cast<char>(4);
    b += ifp(seq);
    b += '\0';
    b += static_cast<char>(depth);
    for (std::size_t i = 1; i <= depth; ++i) {
        b += static_cast<char>(4);
        b += ifp(static_cast<std::uint16_t>(seq - i));
    }
    return b;
}

UdptlCounters feed(const std::vector<std::uint16_t>& seqs, std::size_t depth = 0) {
    UdptlCounters c;
    std::int64_t t = 0;
    for (auto s : seqs) {
        c.add(*parse_udptl(packet(s, depth)), t, 1);
        t += 30'000'000;
    }
    return c;
}

} // namespace

TEST(Udptl, ReadsRedundancyPackets) {
    const auto h = parse_udptl(packet(0x1234, 2));
    ASSERT_TRUE(h);
    EXPECT_EQ(h->sequence, 0x1234);
    EXPECT_EQ(h->primary_length, 4u);
    EXPECT_EQ(h->recovery, UdptlRecovery::redundancy);
    EXPECT_EQ(h->secondary_count, 2u);
}

TEST(Udptl, ReadsFecPackets) {
    // seq 7, primary of 2, fec-info: npackets (length 1, value 3), one FEC entry of 2 bytes.
    const std::string b{'\0',   '\x07', '\x02', '\x00', '\x00', '\x80',
                        '\x01', '\x03', '\x01', '\x02', '\xAA', '\xBB'};
    const auto h = parse_udptl(b);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->recovery, UdptlRecovery::fec);
    EXPECT_EQ(h->fec_packets, 3u);
    EXPECT_EQ(h->fec_entries, 1u);
}

TEST(Udptl, ReadsTwoByteLengths) {
    std::string b{'\0', '\x01', '\x81', '\x00'}; // primary of 256 bytes
    b.append(256, '\x10');
    b += std::string{'\0', '\0'};
    const auto h = parse_udptl(b);
    ASSERT_TRUE(h);
    EXPECT_EQ(h->primary_length, 256u);
}

TEST(Udptl, RefusesWhatDoesNotAddUp) {
    const std::string good = packet(5, 1);
    EXPECT_TRUE(parse_udptl(good));
    EXPECT_FALSE(parse_udptl(good + '\0'));                     // a byte too many
    EXPECT_FALSE(parse_udptl(good.substr(0, good.size() - 1))); // a byte short
    std::string bad_choice = packet(5);
    bad_choice[7] = '\x40'; // neither redundancy nor FEC
    EXPECT_FALSE(parse_udptl(bad_choice));
    EXPECT_FALSE(parse_udptl(std::string{'\0', '\x01', '\x00', '\x00', '\x00'})); // empty IFP
    EXPECT_FALSE(parse_udptl(std::string{'\0', '\x01', '\xC1', '\x00', '\x00'})); // fragmented
    // Every prefix of a packet is refused and read within its bytes.
    const std::string fec{'\0',   '\x07', '\x02', '\x00', '\x00', '\x80',
                          '\x01', '\x03', '\x01', '\x02', '\xAA', '\xBB'};
    for (std::size_t n = 0; n < fec.size(); ++n)
        EXPECT_FALSE(parse_udptl(fec.substr(0, n))) << n;
}

TEST(Udptl, CountsGapsDuplicatesAndReordering) {
    // 0..9 with 3 and 7 missing, 5 twice, 9 before 8.
    const auto c = feed({0, 1, 2, 4, 5, 5, 6, 9, 8});
    EXPECT_EQ(c.packets, 9u);
    EXPECT_EQ(c.expected(), 10u);
    EXPECT_EQ(c.duplicates, 1u);
    EXPECT_EQ(c.out_of_order, 1u);
    EXPECT_EQ(c.lost(), 2u); // 3 and 7; 8 came late
    EXPECT_EQ(c.loss_bursts, 2u);
    EXPECT_EQ(c.max_burst, 2u); // 9 after 6: 7 and 8 missing then
    EXPECT_EQ(c.recovered, 0u);
}

TEST(Udptl, RedundancyCoversTheGapsEnd) {
    // Depth 2: a single loss is carried by the next packet; of a gap of 3, two are.
    const auto c = feed({0, 1, 3, 4, 8}, 2);
    EXPECT_EQ(c.lost(), 4u);
    EXPECT_EQ(c.recovered, 3u);
    EXPECT_EQ(c.max_secondaries, 2u);
}

TEST(Udptl, SequenceWraps) {
    const auto c = feed({65534, 65535, 0, 1});
    EXPECT_EQ(c.expected(), 4u);
    EXPECT_EQ(c.lost(), 0u);
}
