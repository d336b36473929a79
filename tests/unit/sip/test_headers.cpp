// Typed header parsers, one block per header type, on forms seen in real captures (the values
// are taken from tests/data/sip, which holds messages from the shared capture corpus).
#include <sipdx/sip/headers.h>
#include <sipdx/sip/message.h>
#include <sipdx/sip/method.h>
#include <sipdx/text/text.h>

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace sipdx::sip {
namespace {

// The parser's table-driven token class and the plain one the other stages use must agree.
TEST(Token, TableAgreesWithTextHelperOnEveryByte) {
    for (int b = 0; b < 256; ++b) {
        const char c = static_cast<char>(b);
        EXPECT_EQ(is_token_char(c), text::is_token_char(c)) << b;
    }
}

TEST(Via, AllHopsWithBranchSentByReceivedRport) {
    std::vector<Via> vias;
    std::vector<Finding> findings;
    parse_via_list(
        "SIP/2.0/TCP [fd00:183:1:1:1886:9040:8605:32b8]:5060;branch=z9hG4bKVT3F3PbXtxKWEdp;"
        "rport=5060;received=fd00:183:1:1:1886:9040:8605:32b8, SIP/2.0/UDP "
        "10.249.30.11;branch=z9hG4bK2",
        vias, FindingSink{&findings});
    ASSERT_EQ(vias.size(), 2u);
    EXPECT_EQ(vias[0].transport, "TCP");
    EXPECT_EQ(vias[0].host, "[fd00:183:1:1:1886:9040:8605:32b8]");
    EXPECT_EQ(vias[0].port, 5060);
    EXPECT_EQ(vias[0].sent_by, "[fd00:183:1:1:1886:9040:8605:32b8]:5060");
    EXPECT_EQ(vias[0].branch, "z9hG4bKVT3F3PbXtxKWEdp");
    EXPECT_TRUE(vias[0].has_rport);
    EXPECT_EQ(vias[0].rport, 5060);
    EXPECT_EQ(vias[0].received, "fd00:183:1:1:1886:9040:8605:32b8");
    EXPECT_TRUE(vias[0].rfc3261_branch());
    EXPECT_EQ(vias[1].port, -1);
    EXPECT_TRUE(findings.empty());
}

TEST(Via, LwsAroundSlashesAndEmptyRport) {
    auto v = parse_via("SIP  /   2.0\r\n /UDP\r\n    192.0.2.2;rport;branch=390skdjuw");
    ASSERT_TRUE(v);
    EXPECT_EQ(v->transport, "UDP");
    EXPECT_TRUE(v->has_rport);
    EXPECT_EQ(v->rport, -1);
    EXPECT_FALSE(v->rfc3261_branch());
}

TEST(Via, MalformedIsReported) {
    std::vector<Finding> findings;
    EXPECT_FALSE(parse_via("SIP/2.0 host;branch=x", FindingSink{&findings}));
    EXPECT_TRUE(has_code(findings, FindingCode::via_malformed));
}

TEST(NameAddr, QuotedDisplayNoSpaceBeforeAngle) {
    // "uas"<sip:...> (P-Asserted-Identity in sip-udp-ipv6-fragments-sll-prack-update).
    auto na = parse_name_addr("\"uas\"<sip:08019200026@example.org>;sescase=orig");
    ASSERT_TRUE(na);
    EXPECT_EQ(na->display_name, "uas");
    EXPECT_TRUE(na->display_quoted);
    EXPECT_TRUE(na->bracketed);
    EXPECT_EQ(na->uri.user, "08019200026");
    EXPECT_EQ(na->params.value("sescase"), "orig");
}

TEST(NameAddr, AddrSpecTakesHeaderParams) {
    auto na = parse_name_addr("sip:caller@example.net;tag=39291");
    ASSERT_TRUE(na);
    EXPECT_FALSE(na->bracketed);
    EXPECT_EQ(na->uri.host, "example.net");
    EXPECT_EQ(na->tag(), "39291");
    EXPECT_TRUE(na->uri.params.empty());
}

TEST(NameAddr, TelUriWithPhoneContext) {
    auto na =
        parse_name_addr("<tel:+15551230001;phone-context=ims.mnc001.mcc001.3gppnetwork.org>;tag=x");
    ASSERT_TRUE(na);
    EXPECT_EQ(na->uri.scheme, UriScheme::tel);
    EXPECT_EQ(na->uri.user, "+15551230001");
    EXPECT_EQ(na->uri.params.value("phone-context"), "ims.mnc001.mcc001.3gppnetwork.org");
    EXPECT_EQ(na->tag(), "x");
}

TEST(NameAddr, ListOfIdentitiesAndUnterminatedQuote) {
    std::vector<NameAddr> list;
    parse_name_addr_list("<sip:9171969136@astrakhan.megafonvolga.ru;user=phone>,<tel:9171969136;"
                         "phone-context=+7>",
                         list);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].uri.params.value("user"), "phone");
    EXPECT_EQ(list[1].uri.scheme, UriScheme::tel);

    std::vector<Finding> findings;
    EXPECT_FALSE(parse_name_addr("\"Mr. J. User <sip:j.user@example.com>", FindingSink{&findings}));
    EXPECT_TRUE(has_code(findings, FindingCode::quoted_string_unterminated));
}

TEST(Contact, FeatureTagsExpiresAndWildcard) {
    std::vector<NameAddr> list;
    parse_name_addr_list(
        "<sip:[fd00:183:1:1:1886:9040:8605:32b8]:5060>;+g.3gpp.icsi-ref=\"urn%3Aurn-"
        "7%3A3gpp-service.ims.icsi.mmtel\";+g.3gpp.smsip;+sip.instance=\"<urn:gsma:"
        "imei:35442706-323347-9>\";expires=600000",
        list);
    ASSERT_EQ(list.size(), 1u);
    EXPECT_TRUE(list[0].uri.host_is_ipv6);
    EXPECT_EQ(list[0].uri.port, 5060);
    EXPECT_EQ(list[0].params.value("+sip.instance"), "<urn:gsma:imei:35442706-323347-9>");
    EXPECT_TRUE(list[0].params.has("+g.3gpp.smsip"));
    EXPECT_EQ(parse_uint(*list[0].params.value("expires")), 600000u);
    EXPECT_TRUE(parse_name_addr("*")->wildcard);
}

TEST(CSeq, NumberAndMethod) {
    auto c = parse_cseq("10 REGISTER");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->seq, 10u);
    EXPECT_EQ(c->method, Method::register_);
    std::vector<Finding> findings;
    auto big = parse_cseq("36893488147419103232 REGISTER", FindingSink{&findings});
    EXPECT_TRUE(has_code(findings, FindingCode::cseq_out_of_range));
    EXPECT_TRUE(big);
    EXPECT_FALSE(parse_cseq("INVITE"));
}

TEST(Scalars, MaxForwardsExpiresRetryAfter) {
    EXPECT_EQ(parse_uint("70", 255), 70u);
    EXPECT_FALSE(parse_uint("300", 255));
    EXPECT_FALSE(parse_uint("-1"));
    auto r = parse_retry_after("18000;duration=3600");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->seconds, 18000u);
    EXPECT_EQ(r->duration, 3600u);
    auto c = parse_retry_after("120 (I'm in a meeting)");
    ASSERT_TRUE(c);
    EXPECT_EQ(c->comment, "I'm in a meeting");
}

TEST(ContentType, MultipartBoundaryAndCase) {
    auto t = parse_media_type("multipart/mixed;boundary=8AF759A68474B6758999EB624E30C5271AF8251E");
    ASSERT_TRUE(t);
    EXPECT_EQ(t->boundary(), "8AF759A68474B6758999EB624E30C5271AF8251E");
    auto isup = parse_media_type("application/ISUP;base=itu-t92+;version=itu-t92+");
    ASSERT_TRUE(isup);
    EXPECT_TRUE(isup->is("application", "isup"));
    EXPECT_EQ(isup->params.value("version"), "itu-t92+");
}

TEST(Reliable, RSeqRAckRequireSupported) {
    auto r = parse_rack("1 2 INVITE");
    ASSERT_TRUE(r);
    EXPECT_EQ(r->rseq, 1u);
    EXPECT_EQ(r->cseq, 2u);
    EXPECT_EQ(r->method, Method::invite);
    std::vector<std::string_view> tags;
    parse_token_list("100rel,precondition", tags);
    EXPECT_EQ(tags, (std::vector<std::string_view>{"100rel", "precondition"}));
    tags.clear();
    parse_token_list("ACK, INVITE, BYE, CANCEL, REGISTER, OPTIONS, UPDATE, PRACK", tags);
    EXPECT_EQ(tags.size(), 8u);
}

TEST(Auth, AkaChallengeAndResponse) {
    auto c =
        parse_credentials("Digest realm=\"310410010001002@ims.mnc410.mcc310.3gppnetwork.org\", "
                          "nonce=\"PUKFeHLm/11FH3TWcJQkNO4fvEgFDZAB9hGpnv8tWi8=\", "
                          "algorithm=AKAv1-MD5");
    ASSERT_TRUE(c);
    EXPECT_TRUE(c->is_digest());
    EXPECT_TRUE(c->is_aka());
    EXPECT_EQ(c->param("nonce"), "PUKFeHLm/11FH3TWcJQkNO4fvEgFDZAB9hGpnv8tWi8=");
    EXPECT_EQ(c->param("REALM"), "310410010001002@ims.mnc410.mcc310.3gppnetwork.org");
    auto qop = parse_credentials("Digest realm=\"a\",qop=\"auth,auth-int\",nonce=\"n\"");
    ASSERT_TRUE(qop);
    EXPECT_EQ(qop->param("qop"), "auth,auth-int"); // comma inside quotes does not split
    auto unknown = parse_credentials("NoOneKnowsThisScheme opaque-data=here");
    ASSERT_TRUE(unknown);
    EXPECT_FALSE(unknown->is_digest());
    auto basic = parse_credentials("Basic QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
    ASSERT_TRUE(basic);
    EXPECT_EQ(basic->token68, "QWxhZGRpbjpvcGVuIHNlc2FtZQ==");
}

TEST(Security, ClientOffersAndServerChoice) {
    std::vector<SecurityMechanism> list;
    parse_security_list(
        "ipsec-3gpp;alg=hmac-md5-96;ealg=aes-cbc;mod=trans;port-c=49246;port-s=49247;"
        "prot=esp;spi-c=110322342;spi-s=265410654,ipsec-3gpp;alg=hmac-sha-1-96;"
        "ealg=null;mod=trans;port-c=49246;port-s=49247;prot=esp;spi-c=110322342;"
        "spi-s=265410654",
        list);
    ASSERT_EQ(list.size(), 2u);
    EXPECT_EQ(list[0].mechanism, "ipsec-3gpp");
    EXPECT_EQ(list[0].alg(), "hmac-md5-96");
    EXPECT_EQ(list[0].ealg(), "aes-cbc");
    EXPECT_EQ(list[0].spi_c(), 110322342u);
    EXPECT_EQ(list[0].port_s(), 49247u);
    EXPECT_EQ(list[1].ealg(), "null");
}

TEST(PHeaders, ChargingVectorAndFunctionAddresses) {
    auto v =
        parse_p_charging_vector("icid-value=l3IAkHDw~~~~~~~~~~~~~0OHYPQA;icid-generated-at=10.249."
                                "30.11;orig-ioi=astrakhan.megafonvolga.ru");
    ASSERT_TRUE(v);
    EXPECT_EQ(v->icid_value, "l3IAkHDw~~~~~~~~~~~~~0OHYPQA");
    EXPECT_EQ(v->icid_generated_at, "10.249.30.11");
    EXPECT_EQ(v->orig_ioi, "astrakhan.megafonvolga.ru");
    EXPECT_EQ(v->term_ioi, "");
    std::vector<Finding> findings;
    EXPECT_FALSE(parse_p_charging_vector("orig-ioi=x", FindingSink{&findings}));
    EXPECT_TRUE(has_code(findings, FindingCode::p_charging_vector_malformed));

    auto a = parse_p_charging_function_addresses("ccf=192.1.1.1; ccf=192.1.1.2; ecf=192.1.1.3");
    EXPECT_EQ(a.ccf.size(), 2u);
    ASSERT_EQ(a.ecf.size(), 1u);
    EXPECT_EQ(a.ecf[0], "192.1.1.3");
}

TEST(PHeaders, AccessNetworkInfoAndAcceptContact) {
    std::vector<AccessNetworkInfo> pani;
    parse_access_network_info("3GPP-E-UTRAN-FDD;utran-cell-id-3gpp=31041000011a2d001", pani);
    ASSERT_EQ(pani.size(), 1u);
    EXPECT_EQ(pani[0].access_type, "3GPP-E-UTRAN-FDD");
    EXPECT_EQ(pani[0].cell_id(), "31041000011a2d001");

    std::vector<ValueWithParams> ac;
    parse_value_params_list("*;+g.3gpp.icsi-ref=\"urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel\"", ac);
    ASSERT_EQ(ac.size(), 1u);
    EXPECT_EQ(ac[0].value, "*");
    EXPECT_EQ(ac[0].params.value("+g.3gpp.icsi-ref"), "urn%3Aurn-7%3A3gpp-service.ims.icsi.mmtel");
}

TEST(Params, QuotedSemicolonAndEmptyElements) {
    ParamList p(";a=\"x;y\";b;c=3");
    std::vector<std::string_view> names;
    for (const Param& param : p)
        names.push_back(param.name);
    EXPECT_EQ(names, (std::vector<std::string_view>{"a", "b", "c"}));
    EXPECT_EQ(p.value("A"), "x;y");
    EXPECT_TRUE(p.has("b"));
    std::size_t empty = 0;
    for (const Param& param : ParamList(";;;"))
        empty += param.name.empty() ? 1 : 0;
    EXPECT_GE(empty, 2u);
}

TEST(ListSplitter, RespectsQuotesAnglesAndComments) {
    ListSplitter s("\"a, b\" <sip:x@y;p=1,2>, <sip:z@w> (c, d), ,last");
    std::vector<std::string_view> parts;
    while (auto e = s.next())
        parts.push_back(*e);
    ASSERT_EQ(parts.size(), 4u);
    EXPECT_EQ(parts[0], "\"a, b\" <sip:x@y;p=1,2>");
    EXPECT_EQ(parts[1], "<sip:z@w> (c, d)");
    EXPECT_EQ(parts[2], "");
    EXPECT_EQ(parts[3], "last");
}

} // namespace
} // namespace sipdx::sip

TEST(Iequals, OnlyLettersMatchAcrossCase) {
    EXPECT_TRUE(sipdx::sip::iequals("Content-Length", "content-LENGTH"));
    EXPECT_TRUE(sipdx::sip::iequals("SIP/2.0", "sip/2.0"));
    EXPECT_TRUE(sipdx::sip::iequals("", ""));
    EXPECT_FALSE(sipdx::sip::iequals("branch", "branc"));
    EXPECT_FALSE(sipdx::sip::iequals("branch", "brancH1"));
    // Bytes 0x20 apart that are not the two cases of a letter.
    EXPECT_FALSE(sipdx::sip::iequals("@", "`"));
    EXPECT_FALSE(sipdx::sip::iequals("[", "{"));
    EXPECT_FALSE(sipdx::sip::iequals("_", "\x7f"));
    EXPECT_FALSE(sipdx::sip::iequals("\x0d", "-"));
    EXPECT_FALSE(sipdx::sip::iequals("1", "\x11"));
}
