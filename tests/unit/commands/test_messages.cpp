// `sipdx messages` end to end: formats, exit codes and error reports, on corpus captures and on
// synthetic captures written here with the project's own capture writer.
#include <sipdx/capture/writer.h>

#include "unit/cli_run.h"
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <sys/wait.h>

#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;
using sipdx::capture::CaptureWriter;
using sipdx::capture::LinkType;
using sipdx::capture::WriterFormat;

namespace {

struct CliRun {
    int code = -1;
    std::string out;
    std::string err;
};

fs::path temp_dir() {
    static const fs::path dir = [] {
        fs::path d =
            fs::temp_directory_path() / ("sipdx-test-messages-" + std::to_string(getpid()));
        fs::create_directories(d);
        return d;
    }();
    return dir;
}

CliRun run(const std::string& args, const std::string& stdin_file = {}) {
    std::string line = std::string(SIPDX_CLI) + " messages " + args;
    if (!stdin_file.empty()) line += " <" + stdin_file;
    auto r = sipdx::test_cli::run_shell(line);
    return {r.exit_code, std::move(r.out), std::move(r.err)};
}

std::vector<std::string> lines(const std::string& s) {
    std::vector<std::string> out;
    std::istringstream in(s);
    for (std::string l; std::getline(in, l);)
        out.push_back(l);
    return out;
}

std::string corpus(const std::string& name) {
    return std::string(SIPDX_SHARED_DIR) + "/corpus/" + name;
}

bool have_corpus() {
    return fs::exists(corpus("sip-udp-options-200.pcap"));
}

using Buf = std::vector<std::uint8_t>;
void put16(Buf& b, std::uint16_t v) {
    b.push_back(static_cast<std::uint8_t>(v >> 8));
    b.push_back(static_cast<std::uint8_t>(v));
}

// IPv4/UDP packet with `payload`, no link header.
Buf ipv4_udp(const std::string& payload) {
    Buf b = {0x45, 0};
    put16(b, static_cast<std::uint16_t>(28 + payload.size()));
    b.insert(b.end(), {0, 1, 0, 0, 64, 17, 0, 0, 192, 0, 2, 1, 192, 0, 2, 2});
    put16(b, 5060);
    put16(b, 5070);
    put16(b, static_cast<std::uint16_t>(8 + payload.size()));
    put16(b, 0);
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
}

const std::string tricky_call_id = "a,\"b\"@host";
const std::string invite =
    "INVITE sip:bob@example.com SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bKx1\r\n"
    "From: <sip:alice@example.com>;tag=f1\r\nTo: <sip:bob@example.com>\r\nCall-ID: " +
    tricky_call_id + "\r\nCSeq: 7 INVITE\r\nMax-Forwards: 70\r\nContent-Length: 0\r\n\r\n";

// A pcapng with two interfaces: Linux SLL2 and Ethernet with QinQ tags.
fs::path synthetic_capture() {
    CaptureWriter w({WriterFormat::pcapng});
    auto sll2_if = w.add_interface({LinkType::linux_sll2});
    auto eth_if = w.add_interface({LinkType::ethernet});
    EXPECT_TRUE(sll2_if && eth_if);
    Buf sll2 = {0x08, 0x00, 0, 0, 0, 0, 0, 2, 0, 1, 0, 6, 1, 2, 3, 4, 5, 6, 0, 0};
    const Buf ip = ipv4_udp(invite);
    sll2.insert(sll2.end(), ip.begin(), ip.end());
    Buf eth = {1,  2,    3,    4, 5,  6,    7,    8, 9,  10,   11,
               12, 0x88, 0xA8, 0, 10, 0x81, 0x00, 0, 20, 0x08, 0x00};
    eth.insert(eth.end(), ip.begin(), ip.end());
    EXPECT_TRUE(w.write({*sll2_if, 1'700'000'000'123'456'789, sll2}));
    EXPECT_TRUE(w.write({*eth_if, 1'700'000'001'000'000'000, eth}));
    const fs::path p = temp_dir() / "synthetic.pcapng";
    std::ofstream(p, std::ios::binary)
        .write(reinterpret_cast<const char*>(w.bytes().data()),
               static_cast<std::streamsize>(w.bytes().size()));
    return p;
}

} // namespace

TEST(MessagesCommand, NdjsonRecordsHaveEveryField) {
    if (!have_corpus()) GTEST_SKIP() << "../shared/corpus not present";
    const CliRun r = run("--format ndjson " + corpus("sip-udp-options-200.pcap"));
    ASSERT_EQ(r.code, 0) << r.err;
    const auto ls = lines(r.out);
    ASSERT_EQ(ls.size(), 2u);
    const auto req = nlohmann::json::parse(ls[0]);
    const auto resp = nlohmann::json::parse(ls[1]);
    for (const char* f :
         {"frame",       "time",     "src",    "sport",  "dst",    "dport",   "transport",
          "encap",       "kind",     "method", "status", "reason", "call_id", "cseq_seq",
          "cseq_method", "from_tag", "to_tag", "branch", "length", "findings"}) {
        EXPECT_TRUE(req.contains(f)) << f;
    }
    EXPECT_EQ(req["frame"], 1);
    EXPECT_EQ(req["time"], "2026-05-30T11:46:30.686694Z");
    EXPECT_EQ(req["method"], "OPTIONS");
    EXPECT_TRUE(req["status"].is_null());
    EXPECT_EQ(req["call_id"], "1234567890@192.168.1.10");
    EXPECT_EQ(req["encap"], "eth/ipv4/udp");
    EXPECT_EQ(resp["status"], 200);
    EXPECT_EQ(resp["reason"], "OK");
    EXPECT_EQ(resp["to_tag"], "5678");
}

TEST(MessagesCommand, EpochAndTsv) {
    if (!have_corpus()) GTEST_SKIP() << "../shared/corpus not present";
    const CliRun r = run("--format tsv --epoch " + corpus("sip-udp-options-200.pcap"));
    ASSERT_EQ(r.code, 0);
    const auto ls = lines(r.out);
    ASSERT_EQ(ls.size(), 3u);
    EXPECT_EQ(ls[0].rfind("frame\ttime\tsrc\tsport\t", 0), 0u);
    EXPECT_EQ(ls[1].rfind("1\t1780141590.686694\t192.168.1.10\t5060\t", 0), 0u) << ls[1];
}

TEST(MessagesCommand, SyntheticSll2AndQinQWithCsvQuoting) {
    const fs::path p = synthetic_capture();
    const CliRun r = run("--format csv " + p.string());
    ASSERT_EQ(r.code, 0) << r.err;
    const auto ls = lines(r.out);
    ASSERT_EQ(ls.size(), 3u);
    EXPECT_EQ(ls[0], "frame,time,src,sport,dst,dport,transport,encap,kind,method,status,reason,"
                     "call_id,cseq_seq,cseq_method,from_tag,to_tag,branch,length,findings\r");
    // RFC 4180: the Call-ID holds a comma and quotes, so it is quoted with doubled quotes.
    EXPECT_NE(ls[1].find(",sll2/ipv4/udp,request,INVITE,,,\"a,\"\"b\"\"@host\",7,INVITE,f1,,"
                         "z9hG4bKx1,"),
              std::string::npos)
        << ls[1];
    EXPECT_EQ(ls[1].rfind("1,2023-11-14T22:13:20.123456Z,192.0.2.1,5060,192.0.2.2,5070,udp,", 0),
              0u)
        << ls[1];
    EXPECT_NE(ls[2].find(",eth/vlan/vlan/ipv4/udp,"), std::string::npos) << ls[2];
}

TEST(MessagesCommand, StdinCountAndStats) {
    const fs::path p = synthetic_capture();
    const CliRun r = run("--count --stats -", p.string());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "2\n");
    EXPECT_NE(r.err.find("link type 276"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("sip messages"), std::string::npos);
}

TEST(MessagesCommand, DirectoryStandsForTheCapturesInIt) {
    const fs::path dir = temp_dir() / "captures";
    fs::create_directories(dir);
    fs::copy_file(synthetic_capture(), dir / "b.pcapng", fs::copy_options::overwrite_existing);
    fs::copy_file(synthetic_capture(), dir / "a.pcapng", fs::copy_options::overwrite_existing);
    CliRun r = run("--count " + dir.string());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(r.out, "4\n");
    r = run("--stats --format tsv " + dir.string());
    ASSERT_EQ(r.code, 0) << r.err;
    EXPECT_EQ(lines(r.out).size(), 5u); // header and four messages
    const auto a = r.err.find((dir / "a.pcapng").string() + ":\n");
    const auto b = r.err.find((dir / "b.pcapng").string() + ":\n");
    EXPECT_TRUE(a != std::string::npos && b != std::string::npos && a < b) << r.err;
}

TEST(MessagesCommand, NegativeCapturesGiveNothing) {
    if (!have_corpus()) GTEST_SKIP() << "../shared/corpus not present";
    for (const char* name : {"negative-http-on-tcp-5060.pcap", "negative-rtp-g711-no-sip.pcap",
                             "sip-tls-5061-encrypted-only.pcap"}) {
        const CliRun r = run("--format ndjson " + corpus(name));
        EXPECT_EQ(r.code, 0) << name << ": " << r.err;
        EXPECT_EQ(r.out, "") << name;
    }
}

TEST(MessagesCommand, UnreadableInputExits2) {
    const fs::path empty = temp_dir() / "empty.pcap";
    std::ofstream(empty).close();
    const fs::path text = temp_dir() / "notes.txt";
    std::ofstream(text) << "just some notes, not a capture\n";
    CliRun r = run("--format ndjson " + empty.string());
    EXPECT_EQ(r.code, 2);
    EXPECT_NE(r.err.find(empty.string()), std::string::npos) << r.err;
    r = run("--format ndjson " + text.string());
    EXPECT_EQ(r.code, 2) << r.err;
    r = run("--format ndjson " + (temp_dir() / "does-not-exist.pcap").string());
    EXPECT_EQ(r.code, 2);
    r = run("--format yaml " + empty.string());
    EXPECT_EQ(r.code, 2);
}

TEST(MessagesCommand, TruncatedFileAndUnknownLinkTypeExit1) {
    const fs::path p = synthetic_capture();
    const std::string bytes = sipdx::test_cli::slurp_file(p);
    const fs::path cut = temp_dir() / "cut.pcapng";
    std::ofstream(cut, std::ios::binary) << bytes.substr(0, bytes.size() - 30);
    CliRun r = run("--format ndjson " + cut.string());
    EXPECT_EQ(r.code, 1) << r.err;
    EXPECT_EQ(lines(r.out).size(), 1u); // the first message survives
    EXPECT_NE(r.err.find(cut.string()), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("offset"), std::string::npos) << r.err;

    CaptureWriter w({WriterFormat::pcap_us});
    auto iface = w.add_interface({static_cast<LinkType>(147 + 10)});
    ASSERT_TRUE(iface);
    const Buf frame = ipv4_udp(invite);
    ASSERT_TRUE(w.write({*iface, 0, frame}));
    ASSERT_TRUE(w.write({*iface, 0, frame}));
    const fs::path odd = temp_dir() / "odd-link.pcap";
    std::ofstream(odd, std::ios::binary)
        .write(reinterpret_cast<const char*>(w.bytes().data()),
               static_cast<std::streamsize>(w.bytes().size()));
    r = run("--format ndjson " + odd.string());
    EXPECT_EQ(r.code, 1);
    EXPECT_EQ(lines(r.err).size(), 1u) << r.err; // reported once
    EXPECT_NE(r.err.find("frame 1, offset 24: no decoder for link type 157 (and 1 more)"),
              std::string::npos)
        << r.err;
}

TEST(MessagesCommand, TcpHoleKeepsEachMessagesFrameAndCountsWhatWasLost) {
    const std::string p = std::string(SIPDX_TEST_DATA_DIR) + "/pcaps/tcp-hole-call.pcap";
    const CliRun r = run("--format tsv --stats " + p);
    ASSERT_EQ(r.code, 0) << r.err;
    const auto ls = lines(r.out);
    ASSERT_EQ(ls.size(), 5u); // header, INVITE, 180, 200, ACK (the 183 was never captured)
    // The 200 OK after the hole: its own frame (4) and time (5.2 s), marked by the hole.
    EXPECT_EQ(ls[3].rfind("4\t2024-01-01T10:00:05.200000Z\t", 0), 0u) << ls[3];
    EXPECT_NE(ls[3].find("\tdecode.tcp_gap,decode.tcp_after_gap"), std::string::npos) << ls[3];
    EXPECT_EQ(ls[4].rfind("5\t2024-01-01T10:00:05.300000Z\t", 0), 0u) << ls[4];
    EXPECT_NE(r.err.find("tcp gaps                     1\n"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("incomplete at end            1\n"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("tcp messages after a gap     1\n"), std::string::npos) << r.err;
}
