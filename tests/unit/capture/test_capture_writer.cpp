// The writer round-trips through the reader (and through libpcap where it can read it).
#include "capture_test_util.h"

#include <sipdx/capture/writer.h>

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <cstdio>

namespace sipdx::capture {
namespace {

using test::read_all;

TEST(CaptureWriter, PcapRoundTripBothUnitsAndByteOrders) {
    for (const auto format : {WriterFormat::pcap_us, WriterFormat::pcap_ns}) {
        for (const bool big : {false, true}) {
            CaptureWriter w({format, big, {}, {}});
            ASSERT_TRUE(w.add_interface({LinkType::linux_sll, 1000, {}, 6, 0}));
            EXPECT_FALSE(w.add_interface({LinkType::ethernet, 1000, {}, 6, 0}));
            const std::vector<std::uint8_t> a(60, 1);
            const std::vector<std::uint8_t> b(10, 2);
            ASSERT_TRUE(w.write({0, 1'700'000'000'123'456'789, a, 1500, {}}));
            ASSERT_TRUE(w.write({0, 1'700'000'001'000'000'001, b, 0, {}}));
            EXPECT_FALSE(w.write({1, 0, b, 0, {}}));
            auto source = open_memory(w.bytes(), "mem");
            ASSERT_TRUE(source);
            EXPECT_EQ((*source)->big_endian(), big);
            const auto frames = read_all(**source);
            ASSERT_EQ(frames.size(), 2u);
            const bool ns = format == WriterFormat::pcap_ns;
            EXPECT_EQ(frames[0].time_ns,
                      ns ? 1'700'000'000'123'456'789 : 1'700'000'000'123'456'000);
            EXPECT_EQ(frames[1].time_ns,
                      ns ? 1'700'000'001'000'000'001 : 1'700'000'001'000'000'000);
            EXPECT_EQ(frames[0].original_length, 1500u);
            EXPECT_EQ(frames[0].data, a);
            EXPECT_EQ(frames[1].data, b);
            EXPECT_EQ(frames[0].link_type, LinkType::linux_sll);
            EXPECT_EQ((*source)->interfaces()[0].snaplen, 1000u);
        }
    }
}

TEST(CaptureWriter, PcapngResolutionsOffsetsAndComments) {
    CaptureWriter w({WriterFormat::pcapng, false, "hello", "sipdx-test"});
    struct Iface {
        std::uint8_t tsresol;
        std::int64_t offset;
        std::int64_t expect_ns; // what 1.234567891234 s reads back as
    };
    const std::int64_t t = 1'234'567'891;
    const Iface ifaces[] = {
        {6, 0, 1'234'567'000},         // microseconds
        {9, 0, t},                     // nanoseconds
        {3, 0, 1'234'000'000},         // milliseconds
        {0x80 | 10, 0, 1'234'375'000}, // 2^-10 s: floor(1.234567891 * 1024) / 1024
        {0x80 | 30, 0, 1'234'567'890}, // 2^-30 s
        {9, 100, t},                   // if_tsoffset is applied both ways
    };
    for (const auto& i : ifaces) {
        ASSERT_TRUE(w.add_interface({LinkType::raw, 65535, "if", i.tsresol, i.offset}));
    }
    const std::vector<std::uint8_t> data(33, 7);
    for (std::uint32_t id = 0; id < std::size(ifaces); ++id) {
        const std::int64_t when = id == 5 ? t + 100'000'000'000 : t;
        ASSERT_TRUE(w.write({id, when, data, 0, id == 0 ? "c0" : ""}));
    }
    auto source = open_memory(w.bytes(), "mem");
    ASSERT_TRUE(source);
    const auto frames = read_all(**source);
    ASSERT_EQ(frames.size(), std::size(ifaces));
    for (std::size_t i = 0; i < frames.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(frames[i].interface_id, i);
        EXPECT_EQ(frames[i].time_ns, ifaces[i].expect_ns + (i == 5 ? 100'000'000'000 : 0));
        EXPECT_EQ(frames[i].data, data);
    }
    EXPECT_EQ(frames[0].comment, "c0");
    ASSERT_GE((*source)->comments().size(), 2u);
    EXPECT_EQ((*source)->comments()[0].text, "hello");
}

TEST(CaptureWriter, FileOutputIsReadableByLibpcap) {
    const std::string path = ::testing::TempDir() + "sipdx_writer_test.pcap";
    {
        auto w = CaptureWriter::create(path, {WriterFormat::pcap_ns, false, {}, {}});
        ASSERT_TRUE(w);
        ASSERT_TRUE((*w)->add_interface({LinkType::ethernet, 262144, {}, 9, 0}));
        const std::vector<std::uint8_t> data(64, 9);
        for (int i = 0; i < 3; ++i) {
            ASSERT_TRUE((*w)->write({0, 1'000'000'000LL * i + 5, data, 0, {}}));
        }
        ASSERT_TRUE((*w)->flush());
        EXPECT_EQ((*w)->packets_written(), 3u);
    }
    char errbuf[PCAP_ERRBUF_SIZE] = {};
    pcap_t* p =
        pcap_open_offline_with_tstamp_precision(path.c_str(), PCAP_TSTAMP_PRECISION_NANO, errbuf);
    ASSERT_NE(p, nullptr) << errbuf;
    pcap_pkthdr* h = nullptr;
    const u_char* d = nullptr;
    int n = 0;
    while (pcap_next_ex(p, &h, &d) == 1) {
        EXPECT_EQ(h->ts.tv_sec, n);
        EXPECT_EQ(h->ts.tv_usec, 5); // nanoseconds with the nano precision
        EXPECT_EQ(h->caplen, 64u);
        ++n;
    }
    pcap_close(p);
    EXPECT_EQ(n, 3);
    std::remove(path.c_str());
    auto bad = CaptureWriter::create("/nonexistent-dir/x.pcap", {});
    EXPECT_FALSE(bad);
}

} // namespace
} // namespace sipdx::capture
