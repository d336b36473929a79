// The synthetic captures of tests/data/pcaps (made by tests/pcaps/gen/): every format variant
// and every kind of damage, with what the reader must make of it.
#include "capture_test_util.h"

#include <capture/detail/byte_input.h>
#include <capture/detail/readers.h>

#include <gtest/gtest.h>

#include <fstream>
#include <iterator>

#include <unistd.h>

namespace sipdx::capture {
namespace {

using test::data_dir;
using test::read_all;

constexpr std::int64_t base_ns = 1704103200LL * 1'000'000'000;

std::unique_ptr<FrameSource> open_ok(const std::string& name) {
    auto source = open((data_dir() / name).string());
    EXPECT_TRUE(source.has_value()) << name << ": " << (source ? "" : source.error().message());
    return source ? std::move(*source) : nullptr;
}

std::vector<std::uint8_t> file_bytes(const std::filesystem::path& path) {
    std::ifstream in(path, std::ios::binary);
    return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

TEST(CaptureSynthetic, ClassicPcapByteOrdersAndUnits) {
    struct Case {
        const char* file;
        bool big_endian;
        bool ns;
        std::int64_t first;
        std::int64_t second;
    };
    const Case cases[] = {
        {"eth-le-us.pcap", false, false, base_ns, base_ns + 1'234'000},
        {"eth-be-us.pcap", true, false, base_ns, base_ns + 1'234'000},
        {"eth-le-ns.pcap", false, true, base_ns + 123'456'789, base_ns + 124'691'356},
        {"eth-be-ns.pcap", true, true, base_ns + 123'456'789, base_ns + 124'691'356},
    };
    for (const auto& c : cases) {
        SCOPED_TRACE(c.file);
        auto source = open_ok(c.file);
        ASSERT_TRUE(source);
        EXPECT_EQ(source->format(), Format::pcap);
        EXPECT_EQ(source->big_endian(), c.big_endian);
        EXPECT_EQ(source->nanosecond(), c.ns);
        const auto frames = read_all(*source);
        ASSERT_EQ(frames.size(), 2u);
        EXPECT_EQ(frames[0].number, 1u);
        EXPECT_EQ(frames[1].number, 2u);
        EXPECT_EQ(frames[0].time_ns, c.first);
        EXPECT_EQ(frames[1].time_ns, c.second);
        EXPECT_EQ(frames[0].link_type, LinkType::ethernet);
        EXPECT_EQ(frames[0].file_offset, 24u);
        EXPECT_EQ(frames[0].original_length, frames[0].data.size());
        EXPECT_EQ(source->outcome(), Outcome::clean);
        EXPECT_EQ(source->counters().frames, 2u);
        EXPECT_EQ(source->counters().input_bytes, std::filesystem::file_size(data_dir() / c.file));
    }
    // Same packets whatever the byte order.
    auto le = open_ok("eth-le-ns.pcap");
    auto be = open_ok("eth-be-ns.pcap");
    EXPECT_EQ(read_all(*le), read_all(*be));
}

TEST(CaptureSynthetic, LinkTypesAreCarriedThrough) {
    auto sll2 = open_ok("sll2-udp-options.pcap");
    auto frames = read_all(*sll2);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0].link_type, LinkType::linux_sll2);
    auto unknown = open_ok("unknown-linktype.pcap");
    frames = read_all(*unknown);
    ASSERT_EQ(frames.size(), 2u); // the decoder, not the reader, reports what it cannot decode
    EXPECT_EQ(static_cast<int>(frames[0].link_type), 65000);
    EXPECT_EQ(unknown->outcome(), Outcome::clean);
}

TEST(CaptureSynthetic, PcapngSectionsInterfacesResolutionsAndComments) {
    auto source = open_ok("multi-section-interface.pcapng");
    ASSERT_TRUE(source);
    EXPECT_EQ(source->format(), Format::pcapng);
    const auto frames = read_all(*source);
    ASSERT_EQ(frames.size(), 9u);
    // Wireshark numbers the custom block (0xBAD) as frame 5: numbers skip it.
    const std::uint64_t numbers[] = {1, 2, 3, 4, 6, 7, 8, 9, 10};
    for (std::size_t i = 0; i < frames.size(); ++i) {
        EXPECT_EQ(frames[i].number, numbers[i]) << i;
    }
    EXPECT_EQ(frames[0].link_type, LinkType::ethernet);
    EXPECT_EQ(frames[0].comment, "first packet");
    EXPECT_EQ(frames[2].link_type, LinkType::raw); // interface 1, if_tsresol 10^-9
    EXPECT_EQ(frames[2].interface_id, 1u);
    EXPECT_EQ(frames[2].time_ns, base_ns + 5'000'000'001);
    EXPECT_EQ(frames[3].time_ns, base_ns + 5'001'234'568);
    // Interface 2: if_tsresol 2^-20, so times are multiples of 2^-20 s (truncated).
    EXPECT_EQ(frames[4].link_type, LinkType::linux_sll2);
    EXPECT_EQ(frames[4].time_ns, base_ns + 7'000'000'000);
    EXPECT_EQ(frames[5].time_ns, base_ns + 7'001'234'054);
    EXPECT_EQ(frames[5].comment, "obsolete packet block"); // OPB
    EXPECT_EQ(frames[6].time_ns, 0);                       // SPB: no timestamp
    EXPECT_EQ(frames[6].data, frames[0].data);
    // Second section: big endian, interface list restarts, if_tsoffset 3600 s.
    EXPECT_EQ(frames[7].interface_id, 0u);
    EXPECT_EQ(frames[7].time_ns, base_ns + 3600LL * 1'000'000'000);
    const auto& ifaces = source->interfaces();
    ASSERT_EQ(ifaces.size(), 4u);
    EXPECT_EQ(ifaces[0].name, "eth0");
    EXPECT_EQ(ifaces[1].name, "tun0");
    EXPECT_EQ(ifaces[1].tsresol, 9);
    EXPECT_EQ(ifaces[2].tsresol, 0x80 | 20);
    EXPECT_EQ(ifaces[2].frames, 2u);
    EXPECT_EQ(ifaces[3].section, 1u);
    EXPECT_EQ(ifaces[3].tsoffset, 3600);
    const auto& comments = source->comments();
    ASSERT_EQ(comments.size(), 4u);
    EXPECT_EQ(comments[0].text, "section one");
    EXPECT_EQ(comments[0].frame, 0u);
    EXPECT_EQ(comments[1].frame, 1u);
    EXPECT_EQ(comments[2].frame, 7u);
    EXPECT_EQ(comments[3].text, "section two, big endian");
    EXPECT_EQ(comments[3].section, 1u);
    EXPECT_EQ(source->outcome(), Outcome::clean);
}

TEST(CaptureSynthetic, GzipGivesTheSameFrames) {
    for (const std::string name : {"eth-le-us.pcap", "multi-section-interface.pcapng"}) {
        SCOPED_TRACE(name);
        auto plain = open_ok(name);
        auto gz = open_ok(name + ".gz");
        ASSERT_TRUE(plain && gz);
        EXPECT_TRUE(gz->gzip());
        EXPECT_FALSE(plain->gzip());
        EXPECT_EQ(read_all(*plain), read_all(*gz));
        EXPECT_EQ(gz->outcome(), Outcome::clean);
    }
}

TEST(CaptureSynthetic, TruncatedRecordIsReportedOnce) {
    for (const std::string name : {"truncated-mid-record.pcap", "truncated-mid-header.pcap"}) {
        SCOPED_TRACE(name);
        auto source = open_ok(name);
        const auto frames = read_all(*source);
        EXPECT_EQ(frames.size(), 3u);
        ASSERT_EQ(source->problems().size(), 1u);
        const auto& p = source->problems()[0];
        EXPECT_EQ(p.code, ProblemCode::truncated);
        EXPECT_EQ(p.frame, 4u);
        EXPECT_EQ(p.offset, 922u);
        EXPECT_NE(p.message().find(name), std::string::npos);
        EXPECT_EQ(source->outcome(), Outcome::some_skipped);
        Frame frame;
        EXPECT_EQ(source->next(frame), ReadStatus::end); // stays ended
    }
}

TEST(CaptureSynthetic, CorruptLengthAndGarbageAreSkipped) {
    auto corrupt = open_ok("corrupt-caplen.pcap");
    auto frames = read_all(*corrupt);
    ASSERT_EQ(frames.size(), 3u); // record 2 is lost, 3 and 4 are found again
    EXPECT_EQ(frames[1].time_ns, base_ns + 1'000'000'000);
    ASSERT_EQ(corrupt->problems().size(), 2u);
    EXPECT_EQ(corrupt->problems()[0].code, ProblemCode::bad_record_length);
    EXPECT_EQ(corrupt->problems()[0].offset, 334u);
    EXPECT_EQ(corrupt->problems()[1].code, ProblemCode::garbage_skipped);
    EXPECT_EQ(corrupt->outcome(), Outcome::some_skipped);

    auto garbage = open_ok("garbage-middle.pcap");
    frames = read_all(*garbage);
    ASSERT_EQ(frames.size(), 4u); // nothing lost but the 37 bytes
    EXPECT_EQ(garbage->counters().skipped_bytes, 37u);

    auto ng = open_ok("garbage-middle.pcapng");
    frames = read_all(*ng);
    ASSERT_EQ(frames.size(), 4u);
    EXPECT_EQ(frames[3].time_ns, base_ns + 2'001'234'000);
    EXPECT_EQ(ng->counters().skipped_bytes, 50u);
    EXPECT_EQ(ng->outcome(), Outcome::some_skipped);

    auto cut = open_ok("truncated-mid-block.pcapng");
    frames = read_all(*cut);
    EXPECT_EQ(frames.size(), 3u);
    bool truncated = false;
    for (const auto& p : cut->problems()) {
        truncated = truncated || p.code == ProblemCode::truncated;
    }
    EXPECT_TRUE(truncated);
}

TEST(CaptureSynthetic, UnreadableInputsFailToOpen) {
    auto empty = open((data_dir() / "empty.pcap").string());
    ASSERT_FALSE(empty);
    EXPECT_EQ(empty.error().code, CaptureErrorCode::empty);
    auto text = open((data_dir() / "not-a-capture.txt").string());
    ASSERT_FALSE(text);
    EXPECT_EQ(text.error().code, CaptureErrorCode::not_a_capture);
    EXPECT_NE(text.error().message().find("not-a-capture.txt"), std::string::npos);
    auto header = open((data_dir() / "truncated-header.pcap").string());
    ASSERT_FALSE(header);
    EXPECT_EQ(header.error().code, CaptureErrorCode::bad_header);
    auto missing = open((data_dir() / "no-such-file.pcap").string());
    ASSERT_FALSE(missing);
    EXPECT_EQ(missing.error().code, CaptureErrorCode::cannot_open);
    auto dir = open(data_dir().string());
    ASSERT_FALSE(dir);
    EXPECT_EQ(dir.error().code, CaptureErrorCode::cannot_open);
    // A valid header and no records: a clean, empty capture.
    auto header_only = open_ok("header-only.pcap");
    EXPECT_TRUE(read_all(*header_only).empty());
    EXPECT_EQ(header_only->outcome(), Outcome::clean);
}

TEST(CaptureSynthetic, BrokenGzipIsReported) {
    auto bytes = file_bytes(data_dir() / "eth-le-us.pcap.gz");
    bytes.resize(bytes.size() - 30); // cut the deflate stream
    auto cut = open_memory(bytes, "cut.gz");
    ASSERT_TRUE(cut);
    read_all(**cut);
    ASSERT_FALSE((*cut)->problems().empty());
    EXPECT_EQ((*cut)->outcome(),
              (*cut)->counters().frames == 0 ? Outcome::nothing_read : Outcome::some_skipped);
    std::vector<std::uint8_t> not_deflate = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 0xff, 0xff, 0xff};
    auto bad = open_memory(not_deflate, "bad.gz");
    ASSERT_FALSE(bad);
    EXPECT_EQ(bad.error().code, CaptureErrorCode::not_a_capture);
}

// Every synthetic file read through a pipe-like buffered input, in chunks of several sizes,
// must give exactly what the memory-mapped read gives.
TEST(CaptureSynthetic, BufferedReadsEqualMappedReads) {
    for (const auto& entry : std::filesystem::directory_iterator(data_dir())) {
        const auto bytes = file_bytes(entry.path());
        for (std::size_t chunk : {1u, 7u, 4096u}) {
            SCOPED_TRACE(entry.path().filename().string() + " chunk " + std::to_string(chunk));
            auto mapped = open(entry.path().string());
            auto piped =
                detail::open_input(std::make_unique<detail::ChunkedMemoryInput>(bytes, chunk),
                                   entry.path().string(), {});
            ASSERT_EQ(mapped.has_value(), piped.has_value());
            if (!mapped) {
                continue;
            }
            EXPECT_EQ(read_all(**mapped), read_all(**piped));
            EXPECT_EQ((*mapped)->problems().size(), (*piped)->problems().size());
        }
    }
}

// A hostile pcapng: 200,000 interface blocks, each with a comment, then a packet on interface
// 0. The reader keeps a bounded number of interfaces and comments (it used to keep all: 570 MB
// for 4 M blocks), says so once, and still reads the packet.
TEST(CaptureSynthetic, InterfaceAndCommentFloodsAreBounded) {
    std::vector<std::uint8_t> bytes;
    auto put32 = [&](std::uint32_t v) {
        for (int i = 0; i < 4; ++i)
            bytes.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
    };
    auto put16 = [&](std::uint16_t v) {
        bytes.push_back(static_cast<std::uint8_t>(v));
        bytes.push_back(static_cast<std::uint8_t>(v >> 8));
    };
    // Section header block, little endian, no options.
    put32(0x0A0D0D0A);
    put32(28);
    put32(0x1A2B3C4D);
    put16(1);
    put16(0);
    put32(0xFFFFFFFF);
    put32(0xFFFFFFFF);
    put32(28);
    constexpr std::uint32_t flood = 200'000;
    for (std::uint32_t i = 0; i < flood; ++i) {
        put32(1); // interface description block: link type 1, snaplen 0, an 8-byte comment
        put32(36);
        put16(1);
        put16(0);
        put32(0);
        put16(1); // opt_comment
        put16(8);
        for (char c : std::string("floodIDB"))
            bytes.push_back(static_cast<std::uint8_t>(c));
        put16(0); // opt_endofopt
        put16(0);
        put32(36);
    }
    // Enhanced packet block on interface 0 with 4 bytes of data.
    put32(6);
    put32(36);
    put32(0);
    put32(0);
    put32(1);
    put32(4);
    put32(4);
    put32(0xDDCCBBAA);
    put32(36);
    const auto path = std::filesystem::temp_directory_path() /
                      ("sipdx-idb-flood-" + std::to_string(::getpid()) + ".pcapng");
    {
        std::ofstream out(path, std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()),
                  static_cast<std::streamsize>(bytes.size()));
    }
    auto source = open(path.string());
    ASSERT_TRUE(source.has_value());
    const auto frames = read_all(**source);
    std::filesystem::remove(path);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].data.size(), 4u);
    EXPECT_EQ((*source)->interfaces().size(), 65'536u);
    EXPECT_EQ((*source)->comments().size(), 10'000u);
    bool said = false;
    for (const auto& p : (*source)->problems())
        said = said || p.detail.find("interfaces described") != std::string::npos;
    EXPECT_TRUE(said);
}

} // namespace
} // namespace sipdx::capture
