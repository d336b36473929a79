// Stream framing (framing.h), Parser::parse_stream and MessageStream.
#include <sipdx/sip/framing.h>
#include <sipdx/sip/message.h>
#include <sipdx/sip/stream.h>

#include <gtest/gtest.h>

#include <string>

namespace sipdx::sip {
namespace {

const std::string options = "OPTIONS sip:a@example.com SIP/2.0\r\n"
                            "Via: SIP/2.0/TCP h;branch=z9hG4bK1\r\n"
                            "From: <sip:b@example.com>;tag=1\r\n"
                            "To: <sip:a@example.com>\r\n"
                            "Call-ID: o1\r\n"
                            "CSeq: 1 OPTIONS\r\n"
                            "Max-Forwards: 70\r\n"
                            "Content-Length: 4\r\n"
                            "\r\n"
                            "body";

TEST(Framing, CompleteMessageByContentLength) {
    FrameResult r = frame_stream(options + "NEXT");
    EXPECT_EQ(r.status, FrameStatus::complete);
    EXPECT_EQ(r.skipped, 0u);
    EXPECT_EQ(r.length, options.size());
    EXPECT_FALSE(r.content_length_missing);
}

TEST(Framing, PartialUntilTheLastByte) {
    for (std::size_t cut :
         {std::size_t{1}, std::size_t{10}, options.find("\r\n\r\n"), options.size() - 1}) {
        FrameResult r = frame_stream(std::string_view(options).substr(0, cut));
        EXPECT_EQ(r.status, FrameStatus::partial) << cut;
    }
}

// A partial result with the header section complete says how large the buffer must grow, so
// a reassembler can wait without framing again on every segment.
TEST(Framing, PartialSaysHowManyBytesItNeeds) {
    const std::size_t head = options.find("\r\n\r\n") + 4;
    const Parser parser({Framing::stream});
    for (const std::string prefix : {"", "\r\n", "GET / HTTP/1.1\r\n"}) {
        const std::string bytes = prefix + options;
        for (std::size_t cut = prefix.size() + head; cut < bytes.size(); ++cut) {
            const std::string_view part = std::string_view(bytes).substr(0, cut);
            const FrameResult r = frame_stream(part);
            ASSERT_EQ(r.status, FrameStatus::partial) << cut;
            EXPECT_EQ(r.needed, bytes.size()) << prefix << cut;
            Message m;
            EXPECT_EQ(parser.parse_stream(part, m).needed, bytes.size()) << prefix << cut;
        }
        // The header section itself incomplete: the size is not known yet.
        const std::string_view head_only = std::string_view(bytes).substr(0, prefix.size() + 20);
        EXPECT_EQ(frame_stream(head_only).needed, 0u);
    }
}

TEST(Framing, KeepAlivesSkippedJunkCounted) {
    FrameResult k = frame_stream("\r\n\r\n" + options);
    EXPECT_EQ(k.status, FrameStatus::complete);
    EXPECT_EQ(k.skipped, 4u);
    EXPECT_EQ(k.junk, 0u);
    FrameResult only = frame_stream("\r\n\r\n");
    EXPECT_EQ(only.status, FrameStatus::partial);
    EXPECT_EQ(only.skipped, 4u);
    std::string junk = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    FrameResult j = frame_stream(junk + options);
    EXPECT_EQ(j.status, FrameStatus::complete);
    EXPECT_EQ(j.skipped, junk.size());
    EXPECT_EQ(j.junk, junk.size() - 2); // the final CRLF is a keep-alive
    EXPECT_EQ(frame_stream("\x16\x03\x01\x02\x00garbage\n").status, FrameStatus::not_sip);
}

TEST(Framing, CompactContentLengthAndMissingContentLength) {
    std::string compact = "SIP/2.0 200 OK\r\nl: 2\r\n\r\nokEXTRA";
    FrameResult c = frame_stream(compact);
    EXPECT_EQ(c.status, FrameStatus::complete);
    EXPECT_EQ(c.length, compact.size() - 5);
    FrameResult m = frame_stream("SIP/2.0 200 OK\r\nVia: x\r\n\r\nrest");
    EXPECT_EQ(m.status, FrameStatus::complete);
    EXPECT_TRUE(m.content_length_missing);
    EXPECT_EQ(m.length, 26u);
}

TEST(Framing, ContentLengthNameInAnyCaseAndOnlyThatName) {
    for (const char* name : {"Content-Length", "content-length", "CONTENT-LENGTH", "L", "l"}) {
        const std::string m = std::string("SIP/2.0 200 OK\r\n") + name + " : 2\r\n\r\nokEXTRA";
        FrameResult r = frame_stream(m);
        EXPECT_EQ(r.status, FrameStatus::complete) << name;
        EXPECT_EQ(r.length, m.size() - 5) << name;
    }
    // Look-alikes are other headers: the body is empty (no Content-Length on a stream).
    for (const char* name : {"Content-Lengths", "Content-Lengt", "lx", "Content_Length"}) {
        const std::string m = std::string("SIP/2.0 200 OK\r\n") + name + ": 2\r\n\r\nok";
        FrameResult r = frame_stream(m);
        EXPECT_TRUE(r.content_length_missing) << name;
        EXPECT_EQ(r.length, m.size() - 2) << name;
    }
}

TEST(Framing, DatagramTrimsBeyondContentLength) {
    FrameResult d = frame_datagram(options + "JUNK");
    EXPECT_EQ(d.status, FrameStatus::complete);
    EXPECT_EQ(d.length, options.size());
    EXPECT_TRUE(looks_like_sip(options));
    EXPECT_TRUE(looks_like_sip("\r\nSIP/2.0 180 Ringing\r\n"));
    EXPECT_FALSE(looks_like_sip("HTTP/1.1 200 OK\r\n"));
    EXPECT_FALSE(looks_like_sip("\x80\x00\x01\x02"));
}

TEST(Framing, DatagramSkipsTextJunkButNotBinary) {
    const std::string text_junk = "probe-id 7\r\n";
    FrameResult t = frame_datagram(text_junk + options);
    EXPECT_EQ(t.status, FrameStatus::complete);
    EXPECT_EQ(t.skipped, text_junk.size());
    EXPECT_EQ(t.junk, text_junk.size());
    EXPECT_EQ(t.length, options.size());
    // RTP-like (version 2 in the top bits) and STUN-like first bytes: refused at once, even
    // when a SIP message follows a newline, which no SIP stack sends in one datagram.
    for (const std::string& prefix :
         {std::string("\x80\x08\x12\x34"
                      "ab\n"),
          std::string("\x00\x01\x00\x08", 4) + "\n", std::string("text\n\x80\n")}) {
        FrameResult b = frame_datagram(prefix + options);
        EXPECT_EQ(b.status, FrameStatus::not_sip) << prefix.size();
        EXPECT_EQ(b.skipped, prefix.size() + options.size());
    }
    // A byte stream still resynchronises over binary junk.
    EXPECT_EQ(frame_stream("\x80\x08\x12\x34"
                           "ab\n" +
                           options)
                  .status,
              FrameStatus::complete);
}

TEST(Framing, ParseStreamAgreesWithFrameStream) {
    Parser parser;
    Message m;
    std::string two = "\r\n" + options + options;
    FrameResult a = frame_stream(two);
    FrameResult b = parser.parse_stream(two, m);
    EXPECT_EQ(a.status, b.status);
    EXPECT_EQ(a.skipped, b.skipped);
    EXPECT_EQ(a.length, b.length);
    EXPECT_EQ(m.body, "body");
    EXPECT_EQ(m.call_id(), "o1");
    EXPECT_EQ(parser.parse_stream(std::string_view(options).substr(0, 50), m).status,
              FrameStatus::partial);
}

TEST(MessageStream, WalksMessagesAndReportsJunk) {
    std::string buffer = "junk line\r\n" + options + "\r\n\r\n" + options + "trailing junk\r\n";
    MessageStream stream(buffer);
    Message m;
    std::size_t offset = 0;
    ASSERT_TRUE(stream.next(m, offset));
    EXPECT_EQ(offset, 11u);
    EXPECT_TRUE(has_code(m.findings, FindingCode::junk_before_message));
    ASSERT_TRUE(stream.next(m, offset));
    EXPECT_EQ(offset, 11u + options.size() + 4);
    EXPECT_FALSE(has_code(m.findings, FindingCode::junk_before_message));
    EXPECT_FALSE(stream.next(m, offset));
    EXPECT_EQ(stream.trailing_junk(), "trailing junk\r\n");
}

TEST(MessageStream, TruncatedLastMessageIsStillParsed) {
    std::string buffer = options + options.substr(0, options.size() - 2);
    MessageStream stream(buffer);
    Message m;
    std::size_t offset = 0;
    ASSERT_TRUE(stream.next(m, offset));
    EXPECT_TRUE(m.valid());
    ASSERT_TRUE(stream.next(m, offset));
    EXPECT_TRUE(has_code(m.findings, FindingCode::content_length_exceeds));
    EXPECT_FALSE(stream.next(m, offset));
}

} // namespace
} // namespace sipdx::sip
