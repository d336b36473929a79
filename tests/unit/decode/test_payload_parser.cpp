// PayloadParser cuts an untrimmed datagram exactly where frame_datagram would have, so the
// analysis can leave trimming to its parallel parse stage (PipelineOptions::trim_datagrams off).
#include "unit/decode/packet_builder.h"

#include <sipdx/decode/payload_parser.h>
#include <sipdx/sip/framing.h>

#include "unit/cli_run.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

using namespace sipdx;
using namespace sipdx::decode;
using namespace sipdx::decode::test;

namespace {

const std::filesystem::path torture_dir = std::filesystem::path(SIPDX_TEST_DATA_DIR) / "torture";

using sipdx::test_cli::slurp_file;

// What frame_datagram keeps of `bytes`, from its start line on.
std::string_view trimmed(std::string_view bytes) {
    const auto r = sip::frame_datagram(bytes);
    return bytes.substr(r.skipped, r.length);
}

// What PayloadParser keeps of the same bytes handed over untrimmed.
std::string_view cut_by_parser(std::string_view bytes, Transport transport, sip::Message& message) {
    const auto r = sip::locate_datagram(bytes);
    SipPayload p;
    p.transport = transport;
    p.bytes = bytes.substr(r.skipped, r.length);
    PayloadParser().parse(p, message);
    return p.bytes;
}

bool has_finding(const sip::Message& m, sip::FindingCode code) {
    for (const auto& f : m.findings)
        if (f.code == code) return true;
    return false;
}

const std::string body = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\n";

std::string invite_with_body(std::string_view content_length, std::string_view extra) {
    return "INVITE sip:bob@127.0.0.1 SIP/2.0\r\n"
           "Via: SIP/2.0/UDP 127.0.0.1:5060;branch=z9hG4bK-1\r\n"
           "From: <sip:alice@127.0.0.1>;tag=a\r\nTo: <sip:bob@127.0.0.1>\r\n"
           "Call-ID: cut-1\r\nCSeq: 1 INVITE\r\nContent-Type: application/sdp\r\n"
           "Content-Length: " +
           std::string(content_length) + "\r\n\r\n" + body + std::string(extra);
}

} // namespace

TEST(PayloadParser, CutsBytesBeyondContentLengthAndSaysSo) {
    const std::string text =
        invite_with_body(std::to_string(body.size()), "m=audio 4000 RTP/AVP 0\r\n");
    sip::Message m;
    const auto kept = cut_by_parser(text, Transport::udp, m);
    EXPECT_EQ(kept, trimmed(text));
    EXPECT_EQ(kept.size(), text.size() - 24);
    EXPECT_EQ(m.body, body);
    EXPECT_TRUE(has_finding(m, sip::FindingCode::content_length_short));
}

TEST(PayloadParser, KeepsTheWholeDatagramWhenContentLengthIsLargeMissingOrInvalid) {
    for (const std::string& text :
         {invite_with_body("999", ""), invite_with_body("x1", "tail"),
          std::string("OPTIONS sip:127.0.0.1 SIP/2.0\r\nCall-ID: o\r\n\r\nbody without length"),
          std::string("OPTIONS sip:127.0.0.1 SIP/2.0\r\nCall-ID: o\r\nVia: SIP/2.0/UDP h")}) {
        sip::Message m;
        EXPECT_EQ(cut_by_parser(text, Transport::udp, m), trimmed(text)) << text;
        EXPECT_EQ(trimmed(text).size(), text.size()) << text;
    }
}

TEST(PayloadParser, StreamsAreParsedAsStreams) {
    // On TCP a missing Content-Length means an empty body (RFC 3261 section 18.3).
    const std::string text = "OPTIONS sip:127.0.0.1 SIP/2.0\r\nCall-ID: s\r\n\r\n";
    SipPayload p;
    p.transport = Transport::tcp;
    p.bytes = text;
    sip::Message m;
    PayloadParser().parse(p, m);
    EXPECT_EQ(p.bytes, text);
    EXPECT_TRUE(has_finding(m, sip::FindingCode::content_length_missing));
}

// Every RFC 4475/5118 message, as sent and with bytes appended: the parser's cut and the
// framer's agree (folded Content-Length, compact "l:", duplicates, bad values...).
TEST(PayloadParser, AgreesWithFrameDatagramOnEveryTortureMessage) {
    std::vector<std::filesystem::path> files;
    for (const char* dir : {"rfc4475", "rfc5118"})
        for (const auto& entry : std::filesystem::directory_iterator(torture_dir / dir))
            if (entry.is_regular_file()) files.push_back(entry.path());
    ASSERT_GE(files.size(), 40u);
    for (const auto& file : files) {
        const std::string text = slurp_file(file);
        for (const std::string& input : {text, text + "trailing junk\r\n", "\r\n" + text}) {
            if (sip::frame_datagram(input).status == sip::FrameStatus::not_sip) continue;
            sip::Message m;
            EXPECT_EQ(cut_by_parser(input, Transport::udp, m), trimmed(input)) << file;
        }
    }
}

TEST(PayloadParser, PipelineLeavesDatagramsUntrimmedOnlyWhenAsked) {
    const std::string text = invite_with_body(std::to_string(body.size()), "extra\r\n");
    PipelineOptions untrimmed;
    untrimmed.trim_datagrams = false;
    Harness cut, uncut(untrimmed);
    cut.feed(eth_udp(decode::test::text(text)));
    uncut.feed(eth_udp(decode::test::text(text)));
    ASSERT_EQ(cut.seen.size(), 1u);
    ASSERT_EQ(uncut.seen.size(), 1u);
    EXPECT_EQ(cut.seen[0].bytes, text.substr(0, text.size() - 7));
    EXPECT_EQ(uncut.seen[0].bytes, text);
}
