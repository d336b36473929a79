// SIP/SIPS/TEL URIs, hosts and IPv6 references (RFC 3261 19.1, RFC 3966, RFC 5118).
#include <sipdx/sip/uri.h>

#include <gtest/gtest.h>

#include <vector>

namespace sipdx::sip {
namespace {

TEST(Uri, SipWithUserPasswordPortParamsHeaders) {
    Uri u = parse_uri(
        "sips:alice:secret@[2001:db8::1]:5061;transport=tls;lr?Route=%3Csip:x%3E&Subject=hi");
    ASSERT_TRUE(u.valid());
    EXPECT_EQ(u.scheme, UriScheme::sips);
    EXPECT_EQ(u.user, "alice");
    EXPECT_EQ(u.password, "secret");
    EXPECT_EQ(u.host, "[2001:db8::1]");
    EXPECT_TRUE(u.host_is_ipv6);
    EXPECT_EQ(u.port, 5061);
    EXPECT_EQ(u.params.value("transport"), "tls");
    EXPECT_TRUE(u.params.has("lr"));
    EXPECT_EQ(u.headers, "Route=%3Csip:x%3E&Subject=hi");
    EXPECT_EQ(u.host_port(), "[2001:db8::1]:5061");
}

TEST(Uri, UserPartWithSemicolonsAndEscapes) {
    // RFC 4475 3.1.1.9: the user part is "user;par=u%40example.net".
    Uri u = parse_uri("sip:user;par=u%40example.net@example.com");
    ASSERT_TRUE(u.valid());
    EXPECT_EQ(u.user, "user;par=u%40example.net");
    EXPECT_EQ(u.host, "example.com");
    EXPECT_TRUE(u.params.empty());
}

TEST(Uri, TelAndOtherSchemes) {
    Uri tel = parse_uri("tel:+1-201-555-0123;phone-context=example.com");
    ASSERT_TRUE(tel.valid());
    EXPECT_EQ(tel.scheme, UriScheme::tel);
    EXPECT_EQ(tel.user, "+1-201-555-0123");
    EXPECT_EQ(tel.params.value("phone-context"), "example.com");
    Uri urn = parse_uri("urn:service:sos");
    EXPECT_EQ(urn.scheme, UriScheme::other);
    EXPECT_EQ(urn.opaque, "service:sos");
    EXPECT_TRUE(urn.valid());
}

TEST(Uri, Problems) {
    std::vector<Finding> findings;
    EXPECT_EQ(parse_uri("sip:user@2001:db8::10", FindingSink{&findings}).problem,
              FindingCode::uri_bad_host); // RFC 5118 4.2: IPv6 needs []
    EXPECT_EQ(parse_uri("sip:user@example.com:99999").problem, FindingCode::uri_bad_port);
    EXPECT_EQ(parse_uri("sip:t.watson@example.org ").problem, FindingCode::uri_malformed);
    EXPECT_EQ(parse_uri("sip:us%zzer@example.org").problem, FindingCode::uri_malformed);
    EXPECT_EQ(parse_uri("no-scheme").problem, FindingCode::uri_malformed);
    EXPECT_EQ(parse_uri("sip:a@[2001:db8::1").problem, FindingCode::uri_bad_host);
    ASSERT_FALSE(findings.empty());
    EXPECT_EQ(findings[0].code, FindingCode::uri_bad_host);
}

TEST(Host, Ipv4Ipv6AndNames) {
    EXPECT_TRUE(is_ipv4_address("192.0.2.1"));
    EXPECT_FALSE(is_ipv4_address("192.0.2.256"));
    EXPECT_FALSE(is_ipv4_address("192.0.2"));
    EXPECT_TRUE(is_ipv6_address("2001:db8::10"));
    EXPECT_TRUE(is_ipv6_address("::ffff:192.0.2.10"));
    EXPECT_TRUE(is_ipv6_address("fd00:183:1:1:1886:9040:8605:32b8"));
    EXPECT_TRUE(is_ipv6_address("2001:db8:::192.0.2.1")); // RFC 5118 4.10, tolerated
    EXPECT_FALSE(is_ipv6_address("2001:db8::1::2"));
    EXPECT_FALSE(is_ipv6_address("1:2:3:4:5:6:7:8:9"));
    EXPECT_TRUE(is_valid_host("[2001:db8::1]"));
    EXPECT_TRUE(is_valid_host("ims.mnc001.mcc001.3gppnetwork.org"));
    EXPECT_TRUE(is_valid_host("host_with_underscore.example"));
    EXPECT_FALSE(is_valid_host("bad..example"));
    EXPECT_FALSE(is_valid_host(""));
}

} // namespace
} // namespace sipdx::sip
