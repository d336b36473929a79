// RTP/RTCP reading, the RFC 3550 stream counters and the G.107 E-model against worked values.
#include <sipdx/media/codec.h>
#include <sipdx/media/emodel.h>
#include <sipdx/media/rtp.h>
#include <sipdx/media/stream.h>

#include <gtest/gtest.h>

#include <string>

using namespace sipdx::media;

namespace {

std::string rtp(std::uint16_t seq, std::uint32_t ts, std::uint8_t pt = 0, bool marker = false,
                std::size_t payload = 160) {
    std::string b(12, '\0');
    b[0] = static_cast<char>(0x80);
    b[1] = static_cast<char>((marker ? 0x80 : 0) | pt);
    b[2] = static_cast<char>(seq >> 8);
    b[3] = static_cast<char>(seq);
    for (int i = 0; i < 4; ++i)
        b[4 + i] = static_cast<char>(ts >> (24 - 8 * i));
    b[8] = 0x12;
    b[11] = 0x34;
    b.append(payload, '\xff');
    return b;
}

void put32(std::string& b, std::uint32_t v) {
    for (int i = 0; i < 4; ++i)
        b += static_cast<char>(v >> (24 - 8 * i));
}

StreamCounters feed(const std::vector<std::pair<std::uint16_t, double>>& packets) {
    StreamCounters c;
    for (const auto& [seq, t] : packets) {
        const std::string b = rtp(seq, static_cast<std::uint32_t>(seq) * 160);
        c.add(*parse_rtp(b), b, static_cast<std::int64_t>(t * 1e9), 1);
    }
    return c;
}

} // namespace

TEST(Rtp, ReadsTheFixedHeaderAndRefusesOtherUdp) {
    const auto h = parse_rtp(rtp(65535, 320, 8, true));
    ASSERT_TRUE(h);
    EXPECT_EQ(h->sequence, 65535);
    EXPECT_EQ(h->timestamp, 320u);
    EXPECT_EQ(h->payload_type, 8);
    EXPECT_TRUE(h->marker);
    EXPECT_EQ(h->payload_length, 160u);
    EXPECT_FALSE(parse_rtp(std::string("\x40\x00\x00\x01", 4)));
    EXPECT_FALSE(parse_rtp(rtp(1, 1, 72, true))); // RTCP SR as RTP would see it
    std::string padded = rtp(1, 1);
    padded[0] = static_cast<char>(0xA0);
    padded.back() = static_cast<char>(200); // padding longer than the packet
    EXPECT_FALSE(parse_rtp(padded));
}

TEST(Rtcp, ReadsSenderReportBlocksAndXrVoipMetrics) {
    std::string b;
    b += "\x81\xC8"; // SR, one block
    b += std::string("\x00\x0C", 2);
    put32(b, 0xAAAA0001); // sender SSRC
    put32(b, 0x11112222); // NTP msw
    put32(b, 0x33334444); // NTP lsw
    put32(b, 0), put32(b, 0), put32(b, 0);
    put32(b, 0xBBBB0002);             // block about
    put32(b, (64u << 24) | 0xFFFFFE); // 25% lost, cumulative -2
    put32(b, 70000), put32(b, 80), put32(b, 0x22223333), put32(b, 65536);
    // XR with a VoIP metrics block (BT=7, 8 words).
    b += "\x80\xCF";
    b += std::string("\x00\x0A", 2);
    put32(b, 0xAAAA0001);
    b += std::string("\x07\x00\x00\x08", 4);
    put32(b, 0xBBBB0002);
    b += std::string("\x0A\x00", 2); // loss 10/256, discard 0
    b += std::string(6, '\0');
    b += std::string("\x00\x32\x00\x14", 4); // RTD 50, ESD 20
    b += std::string(4, '\0');
    b += std::string("\x5D\x7F\x2A\x2B", 4); // R 93, ext R -, MOS-LQ 4.2, MOS-CQ 4.3
    b += std::string(8, '\0');
    RtcpPacket r;
    ASSERT_TRUE(parse_rtcp(b, r));
    EXPECT_TRUE(r.sender_report);
    EXPECT_EQ(r.sender_ssrc, 0xAAAA0001u);
    EXPECT_EQ(r.ntp_middle, 0x22223333u);
    ASSERT_EQ(r.block_count, 1u);
    EXPECT_EQ(r.blocks[0].ssrc, 0xBBBB0002u);
    EXPECT_EQ(r.blocks[0].fraction_lost, 64);
    EXPECT_EQ(r.blocks[0].cumulative_lost, -2);
    EXPECT_EQ(r.blocks[0].jitter, 80u);
    EXPECT_EQ(r.blocks[0].dlsr, 65536u);
    ASSERT_TRUE(r.has_voip_metrics);
    EXPECT_EQ(r.voip_metrics.round_trip_delay_ms, 50);
    EXPECT_EQ(r.voip_metrics.r_factor, 93);
    EXPECT_EQ(r.voip_metrics.mos_lq, 42);
    b[3] = 0x40; // a length past the end
    RtcpPacket bad;
    EXPECT_FALSE(parse_rtcp(b, bad));
}

TEST(Stream, CountsLossAcrossTheSequenceWrap) {
    const auto c = feed({{65533, 0.00}, {65534, 0.02}, {0, 0.06}, {1, 0.08}, {3, 0.12}});
    EXPECT_EQ(c.packets, 5u);
    EXPECT_EQ(c.expected(), 7u); // 65533 .. 65535, 0 .. 3
    EXPECT_EQ(c.lost(), 2);
    EXPECT_EQ(c.loss_bursts, 2u);
    EXPECT_EQ(c.cycles, 65536u);
}

TEST(Stream, TellsDuplicatesFromReordering) {
    const auto c = feed({{10, 0.00}, {12, 0.04}, {11, 0.05}, {11, 0.06}, {12, 0.07}, {13, 0.08}});
    EXPECT_EQ(c.out_of_order, 1u);
    EXPECT_EQ(c.duplicates, 2u);
    EXPECT_EQ(c.expected(), 4u);
    EXPECT_EQ(c.lost(), -2); // RFC 3550 A.3: duplicates make it negative
}

TEST(Stream, TwoPacketsAfterAJumpAreASequenceReset) {
    const auto c = feed({{100, 0.00}, {101, 0.02}, {30000, 0.04}, {30001, 0.06}, {30002, 0.08}});
    EXPECT_EQ(c.sequence_resets, 1u);
    EXPECT_EQ(c.expected(), 2u + 3u);
    EXPECT_EQ(c.lost(), 0);
}

TEST(Stream, JitterFollowsRfc3550A8) {
    // Packets every 20 ms of timestamp, arriving 0, 30, 40, 60 ms: |D| = 10, 10, 0 ms.
    const auto c = feed({{1, 0.00}, {2, 0.03}, {3, 0.04}, {4, 0.06}});
    const auto& j = c.jitter_for(8000);
    const double j1 = 10.0 / 16, j2 = j1 + (10 - j1) / 16, j3 = j2 - j2 / 16;
    EXPECT_NEAR(j.max_s * 1000, j2, 1e-9);
    EXPECT_NEAR(j.jitter_s * 1000, j3, 1e-9);
    EXPECT_NEAR(j.sum_s * 1000 / static_cast<double>(c.jitter_samples), (j1 + j2 + j3) / 3, 1e-9);
    EXPECT_NEAR(c.max_delta_s, 0.03, 1e-9);
}

TEST(EModel, DefaultsGiveR93Point2) {
    const auto r = emodel({});
    EXPECT_NEAR(r.r, 93.2, 0.05); // G.107: the default connection
    EXPECT_NEAR(r.mos, 4.41, 0.005);
}

// Worked values from G.107 (06/2015) equations 7-1 to 7-31 and B-4, computed by hand (in a
// separate script) at codec/loss/delay points.
TEST(EModel, WorkedValues) {
    struct Point {
        EModelInputs in;
        double r;
        double mos;
    };
    const Point points[] = {
        {{0, 25.1, 1, 1, 0, 0, 0}, 89.5664, 4.3282},        // G.711 PLC, 1% random loss
        {{0, 25.1, 5, 2, 0, 0, 0}, 75.9961, 3.8641},        // 5% bursty loss
        {{11, 19, 2, 1, 150, 150, 300}, 70.5391, 3.6222},   // G.729A, 2%, 150 ms one way
        {{15, 16.1, 0, 1, 300, 300, 600}, 57.6664, 2.9784}, // G.723.1, 300 ms one way
    };
    for (const auto& p : points) {
        const auto r = emodel(p.in);
        EXPECT_NEAR(r.r, p.r, 1e-3);
        EXPECT_NEAR(r.mos, p.mos, 1e-3);
    }
    // Ie,eff alone: 95 * Ppl / (Ppl + Bpl) for G.711 at 1%.
    EXPECT_NEAR(emodel({0, 25.1, 1, 1, 0, 0, 0}).ie_eff, 95.0 / 26.1, 1e-9);
    EXPECT_DOUBLE_EQ(mos_from_r(-5), 1.0);
    EXPECT_DOUBLE_EQ(mos_from_r(120), 4.5);
}

TEST(Codec, G113ValuesAndNoMosWithAReason) {
    const auto pcmu = impairment_for("pcmu");
    ASSERT_TRUE(pcmu);
    EXPECT_EQ(pcmu->ie, 0);
    EXPECT_EQ(pcmu->bpl, 25.1);
    EXPECT_EQ(impairment_for("G729")->ie, 11);
    std::string_view why;
    EXPECT_FALSE(impairment_for("AMR-WB", &why));
    EXPECT_NE(why.find("G.107.1"), std::string_view::npos);
    EXPECT_FALSE(impairment_for("", &why));
    EXPECT_NE(why.find("unknown"), std::string_view::npos);
    EXPECT_EQ(static_payload(18)->name, "G729");
    EXPECT_FALSE(static_payload(101));
}

TEST(Rtp, ArbitraryBytesNeverReadOutside) {
    // Every prefix of random bytes with the RTP/RTCP version bits: the readers stay inside them
    // (ASan checks the reads) and answer something.
    std::uint32_t state = 12345;
    auto next = [&] {
        state = state * 1664525u + 1013904223u;
        return static_cast<char>(state >> 24);
    };
    for (int round = 0; round < 2000; ++round) {
        std::string b(static_cast<std::size_t>(round % 97), '\0');
        for (auto& ch : b)
            ch = next();
        if (!b.empty()) b[0] = static_cast<char>((b[0] & 0x3F) | 0x80);
        if (b.size() > 1 && round % 2) b[1] = static_cast<char>(200 + round % 8);
        for (std::size_t n = 0; n <= b.size(); ++n) {
            const std::string_view v(b.data(), n);
            (void)parse_rtp(v);
            RtcpPacket r;
            (void)parse_rtcp(v, r);
            EXPECT_LE(r.block_count, r.blocks.size());
            (void)parse_telephone_event(v);
        }
    }
}
