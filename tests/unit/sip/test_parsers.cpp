// The same cases run on the fast parser and on the deliberately simple reference parser
// (typed test suite): both must read the same start line, headers and transaction fields.
#include <sipdx/sip/message.h>

#include "sip/detail/reference_parser.h"

#include "unit/sip/crlf.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <string>

namespace sipdx::sip {
namespace detail {
// Readable failure output instead of a byte dump.
void PrintTo(const Summary& s, std::ostream* os) {
    *os << (s.request ? s.method : std::to_string(s.status)) << " call-id=" << s.call_id
        << " cseq=" << s.cseq << " " << s.cseq_method << " headers=" << s.headers.size();
}
} // namespace detail
namespace {

using detail::Summary;

struct FastParser {
    static Summary parse(std::string_view text) {
        Message m;
        Parser{}.parse(text, m);
        return detail::summarize(m);
    }
};

struct ReferenceParser {
    static Summary parse(std::string_view text) { return detail::reference_parse(text); }
};

using test::crlf;

template <typename P>
class BothParsers : public ::testing::Test {};
using ParserTypes = ::testing::Types<FastParser, ReferenceParser>;
TYPED_TEST_SUITE(BothParsers, ParserTypes);

TYPED_TEST(BothParsers, RequestLineAndTransactionFields) {
    Summary s = TypeParam::parse(crlf("REGISTER sips:ims.example.net SIP/2.0\n"
                                      "Via: SIP/2.0/TLS [2001:db8::5]:5061;branch=z9hG4bKreg1\n"
                                      "From: <sips:alice@ims.example.net>;tag=f1\n"
                                      "To: <sips:alice@ims.example.net>\n"
                                      "Call-ID: reg-1\n"
                                      "CSeq: 42 REGISTER\n"
                                      "Max-Forwards: 70\n"
                                      "Content-Length: 0\n\n"));
    EXPECT_TRUE(s.request);
    EXPECT_EQ(s.method, "REGISTER");
    EXPECT_EQ(s.request_uri, "sips:ims.example.net");
    EXPECT_EQ(s.call_id, "reg-1");
    EXPECT_EQ(s.cseq, 42u);
    EXPECT_EQ(s.cseq_method, "REGISTER");
    EXPECT_EQ(s.from_tag, "f1");
    EXPECT_EQ(s.to_tag, "");
    EXPECT_EQ(s.branch, "z9hG4bKreg1");
    EXPECT_EQ(s.sent_by, "[2001:db8::5]:5061");
    EXPECT_TRUE(s.headers_complete);
    EXPECT_EQ(s.headers.size(), 7u);
}

TYPED_TEST(BothParsers, StatusLineWithEmptyReason) {
    Summary s = TypeParam::parse(crlf("SIP/2.0 100 \nVia: SIP/2.0/UDP h;branch=z9hG4bK1\n"
                                      "f: <sip:a@b>;tag=1\nt: <sip:c@d>;tag=2\ni: x\nCSeq: 1 "
                                      "INVITE\nl: 0\n\n"));
    EXPECT_FALSE(s.request);
    EXPECT_EQ(s.status, 100);
    EXPECT_EQ(s.reason, "");
    EXPECT_EQ(s.to_tag, "2");
    EXPECT_EQ(s.headers[1].first, "from");
    EXPECT_EQ(s.headers[5].first, "content-length");
}

TYPED_TEST(BothParsers, CompactFormsAndFolding) {
    Summary s = TypeParam::parse(crlf("INVITE sip:b@example.com SIP/2.0\n"
                                      "v: SIP/2.0/UDP 192.0.2.1\n  ;branch=z9hG4bKfold\n"
                                      "f: Alice <sip:a@example.com>\n\t;tag=7\n"
                                      "t: sip:b@example.com\n"
                                      "i: fold-1\n"
                                      "CSeq: 9\n INVITE\n"
                                      "Subject: one\n two\n"
                                      "l: 0\n\n"));
    EXPECT_EQ(s.branch, "z9hG4bKfold");
    EXPECT_EQ(s.from_tag, "7");
    EXPECT_EQ(s.cseq, 9u);
    EXPECT_EQ(s.cseq_method, "INVITE");
    ASSERT_EQ(s.headers.size(), 7u);
    EXPECT_EQ(s.headers[5].first, "subject");
    EXPECT_EQ(s.headers[5].second, "one two");
}

TYPED_TEST(BothParsers, TagInAddrSpecFormAndMultiValueVia) {
    Summary s =
        TypeParam::parse(crlf("BYE sip:b@example.com SIP/2.0\n"
                              "Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bKtop, "
                              "SIP/2.0/UDP p2.example.com:5070;branch=z9hG4bKsecond\n"
                              "From: sip:a@example.com;tag=abc\n"
                              "To: \"B, the second\" <sip:b@example.com;transport=udp>;tag=def\n"
                              "Call-ID: bye-1\nCSeq: 3 BYE\nMax-Forwards: 69\n\n"));
    EXPECT_EQ(s.from_tag, "abc");
    EXPECT_EQ(s.to_tag, "def");
    EXPECT_EQ(s.branch, "z9hG4bKtop");
    EXPECT_EQ(s.sent_by, "p1.example.com");
    EXPECT_FALSE(s.has_content_length);
    EXPECT_EQ(s.body_length, 0u);
}

TYPED_TEST(BothParsers, BodyCutAtContentLength) {
    Summary s = TypeParam::parse(crlf("MESSAGE sip:b@example.com SIP/2.0\nVia: SIP/2.0/UDP "
                                      "h;branch=z9hG4bKm\nFrom: <sip:a@b>;tag=1\nTo: <sip:b@c>\n"
                                      "Call-ID: m1\nCSeq: 1 MESSAGE\nContent-Type: text/plain\n"
                                      "Content-Length: 5\n\nhello and more"));
    EXPECT_TRUE(s.has_content_length);
    EXPECT_EQ(s.content_length, 5u);
    EXPECT_EQ(s.body_length, 5u);
}

TYPED_TEST(BothParsers, TruncatedHeaders) {
    Summary s = TypeParam::parse("OPTIONS sip:a@b SIP/2.0\r\nCall-ID: x\r\nCSeq: 1 OPT");
    EXPECT_FALSE(s.headers_complete);
    EXPECT_EQ(s.call_id, "x");
    EXPECT_EQ(s.body_length, 0u);
}

// Both parsers agree on every torture message and every real-world sample in tests/data/sip.
TEST(ParserAgreement, TortureAndSamples) {
    std::size_t compared = 0;
    for (const char* sub : {"torture/rfc4475", "sip"}) {
        auto dir = std::filesystem::path(SIPDX_TEST_DATA_DIR) / sub;
        if (!std::filesystem::exists(dir)) continue;
        for (const auto& entry : std::filesystem::directory_iterator(dir)) {
            if (!entry.is_regular_file()) continue;
            std::ifstream in(entry.path(), std::ios::binary);
            std::string text((std::istreambuf_iterator<char>(in)),
                             std::istreambuf_iterator<char>());
            Summary fast = FastParser::parse(text);
            Summary ref = ReferenceParser::parse(text);
            EXPECT_EQ(fast, ref) << entry.path() << "\n" << detail::describe_difference(fast, ref);
            ++compared;
        }
    }
    EXPECT_GE(compared, 49u);
}

} // namespace
} // namespace sipdx::sip
