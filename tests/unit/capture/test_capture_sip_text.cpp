// SIP text logs read as frames of LinkType::sip_text.
#include "capture_test_util.h"

#include <gtest/gtest.h>

namespace sipdx::capture {
namespace {

struct TextFrame {
    std::string data;
    std::int64_t time_ns;
    TextEnvelope env;
    std::string src;
    std::string dst;
};

std::vector<TextFrame> read_text(std::string_view text, std::vector<Problem>* problems = nullptr) {
    auto source =
        open_memory({reinterpret_cast<const std::uint8_t*>(text.data()), text.size()}, "log");
    EXPECT_TRUE(source) << (source ? "" : source.error().message());
    std::vector<TextFrame> out;
    if (!source) {
        return out;
    }
    EXPECT_EQ((*source)->format(), Format::sip_text);
    Frame f;
    while ((*source)->next(f) == ReadStatus::frame) {
        EXPECT_EQ(f.link_type, LinkType::sip_text);
        out.push_back({std::string(reinterpret_cast<const char*>(f.data.data()), f.data.size()),
                       f.time_ns, f.text, std::string(f.text.src), std::string(f.text.dst)});
    }
    if (problems != nullptr) {
        *problems = (*source)->problems();
    }
    return out;
}

TEST(CaptureSipText, PlainMessagesFramedByContentLength) {
    const std::string a = "OPTIONS sip:a@b SIP/2.0\r\nCall-ID: 1\r\nContent-Length: 0\r\n\r\n";
    const std::string b = "MESSAGE sip:a@b SIP/2.0\r\nl: 5\r\n\r\nhello";
    const std::string c = "SIP/2.0 200 OK\r\nCall-ID: 1\r\n\r\n";
    const auto frames = read_text(a + b + "\r\n\r\n" + c);
    ASSERT_EQ(frames.size(), 3u);
    EXPECT_EQ(frames[0].data, a);
    EXPECT_EQ(frames[1].data, b); // compact l: honoured, the blank lines after it dropped
    EXPECT_EQ(frames[2].data, c);
    EXPECT_FALSE(frames[0].env.has_time);
}

TEST(CaptureSipText, NgrepLines) {
    const std::string log = "interface: any\nfilter: port 5060\n#\n"
                            "U 2024/01/01 10:00:00.123456 10.0.0.1:5060 -> 10.0.0.2:5070\n"
                            "BYE sip:x@y SIP/2.0\r\nCSeq: 2 BYE\r\n\r\n"
                            "\n##\n"
                            "T 2024/01/01 10:00:01.5 [2001:db8::1]:5061 -> [2001:db8::2]:5062 "
                            "[AP] #7\n"
                            "SIP/2.0 200 OK\r\nCSeq: 2 BYE\r\n\r\n";
    std::vector<Problem> problems;
    const auto frames = read_text(log, &problems);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_TRUE(problems.empty());
    EXPECT_EQ(frames[0].data, "BYE sip:x@y SIP/2.0\r\nCSeq: 2 BYE\r\n\r\n");
    EXPECT_EQ(frames[0].time_ns, 1704103200123456000);
    EXPECT_TRUE(frames[0].env.has_time);
    EXPECT_EQ(frames[0].src, "10.0.0.1");
    EXPECT_EQ(frames[0].env.sport, 5060);
    EXPECT_EQ(frames[0].dst, "10.0.0.2");
    EXPECT_EQ(frames[0].env.dport, 5070);
    EXPECT_EQ(frames[0].env.transport, TextTransport::udp);
    EXPECT_EQ(frames[1].src, "2001:db8::1");
    EXPECT_EQ(frames[1].dst, "2001:db8::2");
    EXPECT_EQ(frames[1].env.dport, 5062);
    EXPECT_EQ(frames[1].env.transport, TextTransport::tcp);
    EXPECT_EQ(frames[1].time_ns, 1704103201500000000);
}

TEST(CaptureSipText, ServerLogLinesWithIsoDatesAndZones) {
    const std::string log = "2024-01-01T11:00:00.25+01:00 recv tls:192.0.2.1:5061 -> "
                            "192.0.2.2:5061\n"
                            "INVITE sip:b@c SIP/2.0\nContent-Length: 3\n\nabc\n"
                            "2024-01-01 10:00:01 TCP 192.0.2.2:5061 -> 192.0.2.1:5061\n"
                            "SIP/2.0 180 Ringing\n\n";
    const auto frames = read_text(log);
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0].time_ns, 1704103200250000000); // 11:00+01:00 is 10:00 UTC
    EXPECT_EQ(frames[0].env.transport, TextTransport::tls);
    EXPECT_EQ(frames[0].data, "INVITE sip:b@c SIP/2.0\nContent-Length: 3\n\nabc");
    EXPECT_EQ(frames[1].env.transport, TextTransport::tcp);
    EXPECT_EQ(frames[1].data, "SIP/2.0 180 Ringing\n\n");
}

TEST(CaptureSipText, FreeSwitchSiptrace) {
    const std::string msg = "NOTIFY sip:a@b SIP/2.0\r\nContent-Length: 2\r\n\r\nhi";
    const std::string log = "recv " + std::to_string(msg.size()) +
                            " bytes from udp/[10.1.1.1]:5060 at 23:59:59.000001:\n"
                            "   ------------------------------------------------\n" +
                            msg + "\n   ------------------------------------------------\n";
    const auto frames = read_text(log);
    ASSERT_EQ(frames.size(), 1u);
    EXPECT_EQ(frames[0].data, msg);
    EXPECT_TRUE(frames[0].env.time_of_day_only);
    EXPECT_EQ(frames[0].time_ns, 86399LL * 1'000'000'000 + 1000);
    EXPECT_EQ(frames[0].src, "10.1.1.1");
    EXPECT_TRUE(frames[0].dst.empty());
}

TEST(CaptureSipText, JunkLinesAreReportedOnceAndSkipped) {
    const std::string log = "OPTIONS sip:a@b SIP/2.0\r\n\r\n"
                            "this is not sip\nneither is this\n"
                            "SIP/2.0 200 OK\r\n\r\n";
    std::vector<Problem> problems;
    const auto frames = read_text(log, &problems);
    // Without Content-Length the first body runs to the next start line.
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[1].data, "SIP/2.0 200 OK\r\n\r\n");
    const auto junk =
        read_text("SIP/2.0 200 OK\r\nContent-Length: 0\r\n\r\njunk\nmore junk\n", &problems);
    ASSERT_EQ(junk.size(), 1u);
    ASSERT_EQ(problems.size(), 1u);
    EXPECT_EQ(problems[0].code, ProblemCode::bad_text);
    EXPECT_EQ(problems[0].count, 2u);
}

TEST(CaptureSipText, SyntheticLogsFromTheGenerator) {
    struct Case {
        const char* file;
        std::size_t frames;
    };
    for (const auto& c : {Case{"sip-text-ngrep.txt", 2}, Case{"sip-text-plain.sip", 3},
                          Case{"sip-text-lf-isodate.log", 2}, Case{"sip-text-freeswitch.log", 2}}) {
        SCOPED_TRACE(c.file);
        auto source = open((test::data_dir() / c.file).string());
        ASSERT_TRUE(source);
        EXPECT_EQ(test::read_all(**source).size(), c.frames);
        EXPECT_EQ((*source)->outcome(), Outcome::clean);
    }
    // Text detection can be refused.
    auto refused = open((test::data_dir() / "sip-text-plain.sip").string(), {false});
    ASSERT_FALSE(refused);
    EXPECT_EQ(refused.error().code, CaptureErrorCode::not_a_capture);
}

} // namespace
} // namespace sipdx::capture
