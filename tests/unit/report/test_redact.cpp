#include <sipdx/report/redact.h>

#include <gtest/gtest.h>

using sipdx::report::Redactor;

TEST(Redactor, ReplacesUserPartsNumbersAndAddresses) {
    Redactor r;
    const std::string out = r.apply("From: \"Alice Smith\" <sip:alice@10.1.2.3:5060>;tag=9\r\n"
                                    "To: <tel:+4930123456;phone-context=ims>\r\n"
                                    "Contact: <sip:+4930999888@[2001:db8::17]:5060>\r\n"
                                    "Authorization: Digest username=\"bob\", realm=\"ims\"\r\n"
                                    "P-Asserted-Identity: <sips:carol@example.com>\r\n");
    for (const char* original : {"Alice Smith", "alice", "10.1.2.3", "4930123456", "4930999888",
                                 "2001:db8::17", "\"bob\"", "carol"})
        EXPECT_EQ(out.find(original), std::string::npos) << original << " in " << out;
    EXPECT_NE(out.find("sip:user-1@ip-1:5060"), std::string::npos) << out;
    EXPECT_NE(out.find("\"name-1\" <sip:"), std::string::npos) << out;
    EXPECT_NE(out.find("tel:tel-1;phone-context=ims"), std::string::npos) << out;
    EXPECT_NE(out.find("[ip-2]:5060"), std::string::npos) << out;
    EXPECT_NE(out.find("username=\"user-2\""), std::string::npos) << out;
    EXPECT_NE(out.find("sips:user-3@example.com"), std::string::npos) << out; // domains stay
}

TEST(Redactor, EqualValuesGetEqualPseudonyms) {
    Redactor r;
    const std::string a = r.apply("sip:alice@192.0.2.1 and tel:+15551234567");
    const std::string b = r.apply("from alice@h; user alice? sip:alice@h; 15551234567");
    EXPECT_EQ(a, "sip:user-1@ip-1 and tel:tel-1");
    EXPECT_EQ(b, "from user-1@h; user alice? sip:user-1@h; tel-1");
    EXPECT_EQ(r.apply("sip:bob@192.0.2.2"), "sip:user-2@ip-2");
    EXPECT_EQ(r.apply("Call-ID: a84b4c76e66710@192.0.2.1"), "Call-ID: user-3@ip-1");
    EXPECT_EQ(r.distinct(), 6u); // three users, two addresses, one number
}

TEST(Redactor, AddressRightAfterTheScheme) {
    Redactor r;
    EXPECT_EQ(r.apply("From: <sip:192.0.2.7:55061;user=phone>;tag=x"),
              "From: <sip:ip-1:55061;user=phone>;tag=x");
    EXPECT_EQ(r.apply("Contact: <sips:192.0.2.7>"), "Contact: <sips:ip-1>");
    EXPECT_EQ(r.apply("[2001:db8::1]:5060 and fe80::10"), "[ip-2]:5060 and ip-3");
    EXPECT_EQ(r.apply("?Replaces=abc%40192.0.2.7%3Bto-tag"), "?Replaces=abc%40ip-1%3Bto-tag");
}

TEST(Redactor, LeavesOrdinaryTextAlone) {
    Redactor r;
    const std::string text = "SIP/2.0 486 Busy Here\r\nCSeq: 1 INVITE\r\nDate: Mon, 07 Dec 2026 "
                             "19:59:06 GMT\r\nVia: SIP/2.0/UDP host:5060;branch=z9hG4bK-77\r\n"
                             "Content-Length: 123\r\nsip:example.com";
    EXPECT_EQ(r.apply(text), text);
    EXPECT_EQ(r.replaced(), 0u);
}

TEST(Redactor, LongDigitRunsAnywhere) {
    Redactor r;
    EXPECT_EQ(r.apply("imsi 001010123456789, port 50600"), "imsi tel-1, port 50600");
    EXPECT_EQ(r.apply("::1 and 127.0.0.1:5060"), "ip-1 and ip-2:5060");
    EXPECT_EQ(r.apply("1.2.3.4.5 and 300.1.1.1"), "1.2.3.4.5 and 300.1.1.1");
}
