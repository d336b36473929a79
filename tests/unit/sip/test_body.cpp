// SDP and multipart bodies.
#include <sipdx/sip/message.h>
#include <sipdx/sip/multipart.h>
#include <sipdx/sip/sdp.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace sipdx::sip {
namespace {

const char* volte_sdp = "v=0\r\n"
                        "o=- 1234 1 IN IP6 2001:db8:10::5\r\n"
                        "s=-\r\n"
                        "c=IN IP6 2001:db8:10::5\r\n"
                        "t=0 0\r\n"
                        "a=sendrecv\r\n"
                        "m=audio 49152 RTP/AVP 116 97 111\r\n"
                        "b=AS:41\r\n"
                        "a=rtpmap:116 AMR-WB/16000/1\r\n"
                        "a=fmtp:116 mode-change-capability=2\r\n"
                        "a=rtpmap:97 AMR/8000/1\r\n"
                        "a=rtpmap:111 telephone-event/16000\r\n"
                        "a=curr:qos local none\r\n"
                        "a=des:qos mandatory local sendrecv\r\n"
                        "a=inactive\r\n"
                        "m=video 0 RTP/AVP 99\r\n"
                        "c=IN IP4 192.0.2.9\r\n";

TEST(Sdp, MediaCodecsDirectionsPreconditions) {
    Sdp sdp = parse_sdp(volte_sdp);
    EXPECT_TRUE(sdp.findings.empty());
    EXPECT_EQ(sdp.version, "0");
    ASSERT_TRUE(sdp.origin);
    EXPECT_EQ(sdp.origin->address.address, "2001:db8:10::5");
    ASSERT_TRUE(sdp.connection);
    EXPECT_EQ(sdp.connection->addr_type, "IP6");
    EXPECT_EQ(sdp.direction, MediaDirection::sendrecv);
    ASSERT_EQ(sdp.media.size(), 2u);
    const SdpMedia& audio = sdp.media[0];
    EXPECT_EQ(audio.media, "audio");
    EXPECT_EQ(audio.port, 49152u);
    EXPECT_EQ(audio.protocol, "RTP/AVP");
    EXPECT_EQ(audio.formats.size(), 3u);
    ASSERT_EQ(audio.rtpmaps.size(), 3u);
    EXPECT_EQ(audio.rtpmaps[0].payload_type, 116);
    EXPECT_EQ(audio.rtpmaps[0].encoding, "AMR-WB");
    EXPECT_EQ(audio.rtpmaps[0].clock_rate, 16000u);
    EXPECT_EQ(audio.rtpmaps[0].channels, "1");
    EXPECT_EQ(audio.effective_direction(sdp.direction), MediaDirection::inactive);
    ASSERT_EQ(audio.preconditions.size(), 2u);
    EXPECT_EQ(audio.preconditions[0].kind, "curr");
    EXPECT_EQ(audio.preconditions[0].status_type, "local");
    EXPECT_EQ(audio.preconditions[1].strength, "mandatory");
    EXPECT_EQ(audio.preconditions[1].direction, "sendrecv");
    const SdpMedia& video = sdp.media[1];
    EXPECT_EQ(video.port, 0u);
    ASSERT_TRUE(video.connection);
    EXPECT_EQ(video.connection->address, "192.0.2.9");
    EXPECT_EQ(video.effective_direction(sdp.direction), MediaDirection::sendrecv);
}

TEST(Sdp, MissingLinesAreFindings) {
    Sdp sdp = parse_sdp("v=0\nm=audio x RTP/AVP 0\n");
    EXPECT_TRUE(has_code(sdp.findings, FindingCode::sdp_missing_line));
    EXPECT_TRUE(has_code(sdp.findings, FindingCode::sdp_malformed));
}

TEST(Multipart, SplitsSdpAndIsup) {
    std::string body =
        "--sonus-content-delim\r\n"
        "Content-Type: application/sdp\r\n"
        "\r\n"
        "v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"
        "\r\n--sonus-content-delim\r\n"
        "Content-Type: application/isup; version=ansi88; base=ansi88\r\n"
        "Content-Disposition: signal; handling=optional\r\n"
        "\r\n";
    body += std::string("\x01\x00\n\x02\r\n", 6); // binary ISUP with NUL and a bare LF
    body += "\r\n--sonus-content-delim--\r\n";
    std::vector<Finding> findings;
    auto parts = split_multipart(body, "sonus-content-delim", FindingSink{&findings});
    EXPECT_TRUE(findings.empty());
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[0].content_type, "application/sdp");
    EXPECT_TRUE(parts[0].body.starts_with("v=0"));
    EXPECT_TRUE(parts[0].body.ends_with("RTP/AVP 0\r\n"));
    EXPECT_EQ(parts[1].content_type, "application/isup; version=ansi88; base=ansi88");
    EXPECT_EQ(parts[1].body, std::string_view("\x01\x00\n\x02\r\n", 6));
}

TEST(Multipart, MissingBoundaryIsAFinding) {
    std::vector<Finding> findings;
    EXPECT_TRUE(split_multipart("no delimiters here", "b", FindingSink{&findings}).empty());
    EXPECT_TRUE(has_code(findings, FindingCode::multipart_malformed));
}

TEST(Multipart, Rfc4475Mpart01KeepsTheBinaryPart) {
    auto path = std::filesystem::path(SIPDX_TEST_DATA_DIR) / "torture/rfc4475/mpart01.dat";
    std::ifstream in(path, std::ios::binary);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Message m = parse_message(text);
    auto type = m.content_type();
    ASSERT_TRUE(type);
    auto parts = split_multipart(m.body, type->boundary());
    ASSERT_EQ(parts.size(), 2u);
    EXPECT_EQ(parts[0].content_type, "text/plain");
    EXPECT_EQ(parts[1].content_type, "application/octet-stream");
    EXPECT_NE(parts[1].body.find('\0'), std::string_view::npos);
}

} // namespace
} // namespace sipdx::sip
