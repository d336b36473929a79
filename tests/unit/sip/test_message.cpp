// Message indexer: start line, header index, compact forms, folding, key fields, body framing.
#include <sipdx/sip/message.h>

#include "unit/sip/crlf.h"

#include <gtest/gtest.h>

#include <string>

namespace sipdx::sip {
namespace {

using test::crlf;

const std::string invite = crlf(R"(INVITE sip:+4912345@ims.example.net;user=phone SIP/2.0
Via: SIP/2.0/TCP [2001:db8::1]:5060;branch=z9hG4bK-abc;rport, SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bKold
Max-Forwards: 70
f: "Alice" <sip:alice@example.net>;tag=a1b2
t: <tel:+4912345>
i: call-1@example.net
CSeq: 7 INVITE
Subject: folded
 across lines
m: <sip:alice@[2001:db8::1]:5060;ob>;expires=600
l: 5

hello)");

TEST(MessageIndex, RequestLineAndKeyFields) {
    Message m = parse_message(invite);
    EXPECT_TRUE(m.is_request());
    EXPECT_EQ(m.method, Method::invite);
    EXPECT_EQ(m.request_uri, "sip:+4912345@ims.example.net;user=phone");
    EXPECT_EQ(m.version, "SIP/2.0");
    EXPECT_EQ(m.call_id(), "call-1@example.net");
    EXPECT_EQ(m.body, "hello");
    ASSERT_TRUE(m.content_length);
    EXPECT_EQ(*m.content_length, 5u);
    auto key = m.transaction_key();
    EXPECT_TRUE(key.complete);
    EXPECT_EQ(key.cseq, 7u);
    EXPECT_EQ(key.cseq_method, Method::invite);
    EXPECT_EQ(key.from_tag, "a1b2");
    EXPECT_EQ(key.to_tag, "");
    EXPECT_EQ(key.branch, "z9hG4bK-abc");
    EXPECT_EQ(key.sent_by, "[2001:db8::1]:5060");
    EXPECT_EQ(key.sent_by_host, "[2001:db8::1]");
    EXPECT_EQ(key.sent_by_port, 5060);
    EXPECT_TRUE(m.valid()) << (m.findings.empty() ? "" : m.findings[0].code_name());
}

TEST(MessageIndex, CompactFormsExpandAndFoldsJoin) {
    Message m = parse_message(invite);
    const Header* from = m.find(HeaderId::from);
    ASSERT_NE(from, nullptr);
    EXPECT_EQ(from->name, "f");
    EXPECT_EQ(from->canonical_name(), "From");
    EXPECT_EQ(m.find("Call-ID"), m.find(HeaderId::call_id));
    EXPECT_EQ(m.find("i"), m.find(HeaderId::call_id));
    EXPECT_EQ(m.value(HeaderId::subject), "folded\r\n across lines");
    EXPECT_EQ(m.headers[0].offset, invite.find("Via:"));
}

TEST(MessageIndex, StatusLine) {
    std::string text = crlf("SIP/2.0 180 Ringing\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\nFrom: "
                            "<sip:a@b>;tag=1\nTo: <sip:c@d>;tag=2\nCall-ID: x\nCSeq: 1 "
                            "INVITE\nContent-Length: 0\n\n");
    Message m = parse_message(text);
    EXPECT_TRUE(m.is_response());
    EXPECT_EQ(m.status, 180);
    EXPECT_EQ(m.reason_phrase, "Ringing");
    EXPECT_EQ(m.transaction_key().to_tag, "2");
    EXPECT_TRUE(m.valid());
}

TEST(MessageIndex, MissingHeadersAreFindings) {
    const std::string text = crlf("OPTIONS sip:a@b SIP/2.0\nContent-Length: 0\n\n");
    Message m = parse_message(text);
    EXPECT_TRUE(has_code(m.findings, FindingCode::missing_call_id));
    EXPECT_TRUE(has_code(m.findings, FindingCode::missing_cseq));
    EXPECT_FALSE(m.valid());
}

} // namespace
} // namespace sipdx::sip
