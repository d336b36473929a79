// Every capture of ../shared/corpus read by our reader and checked against two references:
// tshark (frame count, first and last timestamps; truth files and, when installed, a live
// run) and libpcap's own reader (every record of the classic pcap files).
#include "capture_test_util.h"

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>

namespace sipdx::capture {
namespace {

using test::corpus_files;
using test::epoch_text;
using test::read_all;

bool tshark_available() {
    static const bool available = std::system("tshark --version >/dev/null 2>&1") == 0;
    return available;
}

std::string run(const std::string& command) {
    std::string out;
    if (FILE* p = ::popen(command.c_str(), "r")) {
        char buf[4096];
        std::size_t n = 0;
        while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) {
            out.append(buf, n);
        }
        ::pclose(p);
    }
    return out;
}

// The truth file lists frame.number and frame.time_epoch of every SIP frame: each of those
// frames must exist with exactly that time.
TEST(CaptureCorpus, FrameTimesMatchTruthFiles) {
    const auto files = corpus_files();
    if (files.empty()) {
        GTEST_SKIP() << "no corpus at " << test::corpus_dir();
    }
    std::size_t checked = 0;
    for (const auto& path : files) {
        SCOPED_TRACE(path.filename().string());
        std::ifstream truth(test::corpus_dir() / "truth" / (path.filename().string() + ".sip.tsv"));
        if (!truth) {
            continue;
        }
        auto source = open(path.string());
        ASSERT_TRUE(source) << source.error().message();
        std::map<std::uint64_t, std::int64_t> times;
        for (const auto& f : read_all(**source)) {
            times[f.number] = f.time_ns;
        }
        EXPECT_EQ((*source)->outcome(), Outcome::clean);
        std::string line;
        std::getline(truth, line); // header
        while (std::getline(truth, line)) {
            std::istringstream fields(line);
            std::string number;
            std::string epoch;
            std::getline(fields, number, '\t');
            std::getline(fields, epoch, '\t');
            const auto it = times.find(std::stoull(number));
            ASSERT_NE(it, times.end()) << "frame " << number;
            EXPECT_EQ(epoch_text(it->second), epoch) << "frame " << number;
            ++checked;
        }
    }
    EXPECT_GT(checked, 1000u); // the README promises 1,211 rows
}

// capinfos (Wireshark's file reader without the dissectors, fast) over the whole corpus:
// frame count, earliest and latest time.
TEST(CaptureCorpus, CountsAndTimeSpanMatchCapinfos) {
    const auto files = corpus_files();
    if (files.empty()) {
        GTEST_SKIP() << "no corpus at " << test::corpus_dir();
    }
    if (std::system("capinfos -h >/dev/null 2>&1") != 0) {
        GTEST_SKIP() << "capinfos (Wireshark) is not installed";
    }
    std::string command = "capinfos -T -r -c -a -e -S -M";
    for (const auto& path : files) {
        command += " '" + path.string() + "'";
    }
    std::istringstream out(run(command + " 2>/dev/null"));
    std::size_t rows = 0;
    for (std::string line; std::getline(out, line);) {
        std::istringstream fields(line);
        std::string name;
        std::string count;
        std::string earliest;
        std::string latest;
        std::getline(fields, name, '\t');
        std::getline(fields, count, '\t');
        std::getline(fields, earliest, '\t');
        std::getline(fields, latest, '\t');
        SCOPED_TRACE(name);
        auto source = open(name);
        ASSERT_TRUE(source);
        const auto frames = read_all(**source);
        ASSERT_EQ(std::to_string(frames.size()), count);
        ASSERT_FALSE(frames.empty());
        std::int64_t lo = frames[0].time_ns;
        std::int64_t hi = lo;
        for (const auto& f : frames) {
            lo = std::min(lo, f.time_ns);
            hi = std::max(hi, f.time_ns);
        }
        // capinfos 4.0 mis-orders times past 2038 (sip-udp-ipv6-basic-call.pcap has crafted
        // ones that tshark and libpcap read as we do); compare the span only below that.
        ++rows;
        if (hi >= (std::int64_t{1} << 31) * 1'000'000'000) {
            continue;
        }
        // capinfos prints the file's own precision (6 or 9 decimals).
        EXPECT_EQ(epoch_text(lo).substr(0, earliest.size()), earliest);
        EXPECT_EQ(epoch_text(hi).substr(0, latest.size()), latest);
    }
    EXPECT_EQ(rows, files.size());
}

// tshark itself on a few files that stress the reader (several IDBs, big-endian, ns pcapng):
// same frame count, first and last frame time. Kept to three files: each run takes ~1.5 s.
TEST(CaptureCorpus, FirstAndLastFrameMatchTshark) {
    if (corpus_files().empty()) {
        GTEST_SKIP() << "no corpus at " << test::corpus_dir();
    }
    if (!tshark_available()) {
        GTEST_SKIP() << "tshark is not installed";
    }
    for (const char* name :
         {"sip-gre-pptp-vlan-qinq-multi-interface.pcapng", "sip-udp-fuzzed-malformed.pcap",
          "sip-esp-null-gtpu-volte-nanosec.pcapng"}) {
        SCOPED_TRACE(name);
        const auto path = test::corpus_dir() / name;
        if (!std::filesystem::exists(path)) {
            continue;
        }
        std::istringstream out(run("tshark -n -r '" + path.string() +
                                   "' -T fields -e frame.number -e frame.time_epoch 2>/dev/null"));
        std::vector<std::string> lines;
        for (std::string l; std::getline(out, l);) {
            lines.push_back(l);
        }
        auto source = open(path.string());
        ASSERT_TRUE(source);
        const auto frames = read_all(**source);
        ASSERT_EQ(frames.size(), lines.size());
        ASSERT_FALSE(frames.empty());
        EXPECT_EQ("1\t" + epoch_text(frames.front().time_ns), lines.front());
        EXPECT_EQ(std::to_string(frames.back().number) + "\t" + epoch_text(frames.back().time_ns),
                  lines.back());
    }
}

// libpcap reads classic pcap (and single-link-type pcapng): same records, byte for byte.
TEST(CaptureCorpus, RecordsMatchLibpcap) {
    const auto files = corpus_files();
    if (files.empty()) {
        GTEST_SKIP() << "no corpus at " << test::corpus_dir();
    }
    std::size_t compared = 0;
    for (const auto& path : files) {
        SCOPED_TRACE(path.filename().string());
        char errbuf[PCAP_ERRBUF_SIZE] = {};
        pcap_t* p = pcap_open_offline_with_tstamp_precision(path.c_str(),
                                                            PCAP_TSTAMP_PRECISION_NANO, errbuf);
        if (p == nullptr) {
            continue; // e.g. pcapng with several link types, which libpcap refuses
        }
        auto source = open(path.string());
        ASSERT_TRUE(source);
        Frame frame;
        pcap_pkthdr* header = nullptr;
        const u_char* data = nullptr;
        std::uint64_t n = 0;
        while (pcap_next_ex(p, &header, &data) == 1) {
            ASSERT_EQ((*source)->next(frame), ReadStatus::frame) << "record " << n + 1;
            ++n;
            // libpcap speaks DLT values; only DLT_RAW differs from its LINKTYPE (101).
            const int dlt = pcap_datalink(p);
            EXPECT_EQ(static_cast<int>(frame.link_type), dlt == DLT_RAW ? 101 : dlt);
            // libpcap reads the seconds as signed 32 bits; the format says unsigned.
            const auto sec = static_cast<std::uint32_t>(header->ts.tv_sec);
            EXPECT_EQ(frame.time_ns, std::int64_t{sec} * 1'000'000'000 + header->ts.tv_usec);
            EXPECT_EQ(frame.original_length, header->len);
            ASSERT_EQ(frame.data.size(), header->caplen);
            EXPECT_EQ(std::memcmp(frame.data.data(), data, header->caplen), 0);
        }
        EXPECT_EQ((*source)->next(frame), ReadStatus::end);
        pcap_close(p);
        compared += n;
    }
    EXPECT_GT(compared, 1000u);
}

TEST(CaptureCorpus, GzipAndPipeOfEveryFileEqualTheMappedRead) {
    const auto files = corpus_files();
    if (files.empty()) {
        GTEST_SKIP() << "no corpus at " << test::corpus_dir();
    }
    if (std::system("gzip --version >/dev/null 2>&1") != 0) {
        GTEST_SKIP() << "gzip is not installed";
    }
    for (const auto& path : files) {
        SCOPED_TRACE(path.filename().string());
        auto mapped = open(path.string());
        ASSERT_TRUE(mapped);
        const auto expected = read_all(**mapped);
        for (const std::string tool : {"cat", "gzip -c"}) {
            FILE* pipe = ::popen((tool + " '" + path.string() + "'").c_str(), "r");
            ASSERT_NE(pipe, nullptr);
            auto piped = open_fd(::fileno(pipe), "-", false);
            ASSERT_TRUE(piped) << piped.error().message();
            EXPECT_EQ((*piped)->gzip(), tool != "cat");
            EXPECT_EQ(read_all(**piped), expected) << tool;
            char sink[4096];
            while (std::fread(sink, 1, sizeof sink, pipe) > 0) { // never leave the child blocked
            }
            ::pclose(pipe);
        }
    }
}

} // namespace
} // namespace sipdx::capture
